/**
 * The two workflows the bench races in real n8n, both started by a Webhook that answers when the
 * run ends (`lastNode`), so the HTTP call's duration is the run's wall time:
 * - the loop users build by hand: HTTP Request POST (one per item) → Wait 5 s → HTTP Request GET →
 *   IF done, else back to Wait, all items as one batch;
 * - the Vidu node with its default settings.
 * POST {"count": N} to either: N one-image items.
 * And two that fetch one finished video into n8n's binary data, to compare memory: n8n's own HTTP
 * Request node (response format File) and the node's Get Task with Download Video.
 * POST {"url": …} or {"taskId": …}; the answer is {"bytes": the size n8n stored}.
 */
import type { Workflow, WorkflowNode } from './queueCluster';

const ITEMS_CODE = 'return Array.from({ length: $json.body.count }, (_, n) => ({ json: { n } }));';

const node = (name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, x: number): WorkflowNode => ({
	id: `c0ffee00-0000-4000-8000-${String(x).padStart(12, '0')}`,
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
});

const link = (to: string) => [{ node: to, type: 'main', index: 0 }];

function trigger(path: string): WorkflowNode[] {
	const webhook = node('Start', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} }, 0);
	const hash = [...path].reduce((sum, c) => (sum * 131 + c.charCodeAt(0)) % 0xfffffffff, 17);
	webhook.webhookId = `c0ffee00-0000-4000-8000-${hash.toString(16).padStart(12, '0')}`;
	return [webhook, node('Items', 'n8n-nodes-base.code', 2, { jsCode: ITEMS_CODE }, 200)];
}

const imageUrl = (mockUrl: string) => `${mockUrl}/images/{{ $json.n }}.png`;

export function diyLoopWorkflow(mock: { url: string; apiKey: string }): Workflow {
	const auth = { sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${mock.apiKey}` }] } };
	const body = `={"model":"viduq1_img2video","input":[{"params":{"images":["${imageUrl(mock.url)}"]}}]}`;
	return {
		id: 'benchDiyLoop0001',
		name: 'Bench: do-it-yourself loop',
		nodes: [
			...trigger('bench-diy'),
			node(
				'Create',
				'n8n-nodes-base.httpRequest',
				4.2,
				{
					method: 'POST',
					url: `${mock.url}/model/v1/generation`,
					...auth,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: body,
					options: {},
				},
				400,
			),
			node('Wait', 'n8n-nodes-base.wait', 1.1, { resume: 'timeInterval', amount: 5, unit: 'seconds' }, 600),
			node(
				'Status',
				'n8n-nodes-base.httpRequest',
				4.2,
				{ url: `=${mock.url}/model/v1/generation/task/{{ $json.id }}`, ...auth, options: {} },
				800,
			),
			node(
				'Done?',
				'n8n-nodes-base.if',
				2.2,
				{
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
						conditions: [
							{
								id: 'c0ffee00-done',
								leftValue: '={{ $json.status }}',
								rightValue: 'in_progress',
								operator: { type: 'string', operation: 'notEquals' },
							},
						],
						combinator: 'and',
					},
					options: {},
				},
				1000,
			),
			node('Finished', 'n8n-nodes-base.noOp', 1, {}, 1200),
		],
		connections: {
			Start: { main: [link('Items')] },
			Items: { main: [link('Create')] },
			Create: { main: [link('Wait')] },
			Wait: { main: [link('Status')] },
			Status: { main: [link('Done?')] },
			'Done?': { main: [link('Finished'), link('Wait')] },
		},
	};
}

export function viduNodeWorkflow(mock: { url: string }): Workflow {
	const vidu = node(
		'Vidu',
		'n8n-nodes-vidu.vidu',
		1,
		{ resource: 'video', operation: 'generate', imageSource: 'url', imageUrl: `=${imageUrl(mock.url)}` },
		400,
	);
	Object.assign(vidu, { credentials: { viduApi: { id: 'viduCredential01', name: 'Vidu account' } } });
	return {
		id: 'benchViduNode001',
		name: 'Bench: Vidu node, default settings',
		nodes: [...trigger('bench-vidu'), vidu],
		connections: { Start: { main: [link('Items')] }, Items: { main: [link('Vidu')] } },
	};
}

/** Answers with the stored file's size: a download that lost bytes must not pass for a frugal one. */
const storedSize = () =>
	node(
		'Size',
		'n8n-nodes-base.set',
		3.4,
		{ assignments: { assignments: [{ id: 'bytes', name: 'bytes', value: '={{ $binary.data.bytes }}', type: 'number' }] }, options: {} },
		400,
	);

export function httpDownloadWorkflow(): Workflow {
	return {
		id: 'benchHttpDownld1',
		name: 'Bench: HTTP Request node downloads a video',
		nodes: [
			trigger('bench-http-download')[0],
			node(
				'Download',
				'n8n-nodes-base.httpRequest',
				4.2,
				{ url: '={{ $json.body.url }}', options: { response: { response: { responseFormat: 'file' } } } },
				200,
			),
			storedSize(),
		],
		connections: { Start: { main: [link('Download')] }, Download: { main: [link('Size')] } },
	};
}

export function viduDownloadWorkflow(): Workflow {
	const vidu = node(
		'Vidu',
		'n8n-nodes-vidu.vidu',
		1,
		{ resource: 'video', operation: 'getTask', taskId: '={{ $json.body.taskId }}', downloadVideo: true },
		200,
	);
	Object.assign(vidu, { credentials: { viduApi: { id: 'viduCredential01', name: 'Vidu account' } } });
	return {
		id: 'benchViduDownld1',
		name: 'Bench: Vidu node downloads a video',
		nodes: [trigger('bench-vidu-download')[0], vidu, storedSize()],
		connections: { Start: { main: [link('Vidu')] }, Vidu: { main: [link('Size')] } },
	};
}
