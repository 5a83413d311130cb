import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { randomUUID } from 'node:crypto';

import { signedHeaders } from '../../dev/mock/signCallback';
import { ViduMock } from '../../dev/mock/viduMock';
import { RealN8n, triggerRegistered } from '../../dev/n8n/realN8n';
import { submitToTriggerExample, TRIGGER_PATH, triggerExample } from '../../dev/n8n/queueCluster';
import { sendImages } from '../helpers/sendImages';
import { until } from '../helpers/until';

/** Wait Mode "Callback" needs n8n's HTTP server: `n8n start`, a Webhook-triggered workflow, real callbacks. */
const VERSIONS = (process.env.VIDU_E2E_CALLBACK_N8N_VERSIONS ?? '2.40.7,1.123.81').split(',').filter(Boolean);

type Workflow = { id: string; name: string; nodes: Array<{ name: string; parameters: Record<string, unknown>; webhookId?: string }> };

type Results = { results: Array<Record<string, unknown>> };

describe.each(VERSIONS)('wait by callback in real n8n %s', (VERSION) => {
	/** n8n 1.x resume URLs carry no signature; 2.x signs them. */
	const signed = !VERSION.startsWith('1.');
	let logFile: string;
	let n8n: RealN8n;
	let mock: ViduMock;
	let base: string;

	/** The shipped example, pointed at the mock; `variant` makes a second copy with its own path and settings. */
	function workflow(variant?: { id: string; path: string; maxWaitMinutes: number }): Workflow {
		const file = join(__dirname, '..', '..', 'examples', 'vidu-callback-from-webhook.json');
		const text = readFileSync(file, 'utf8').replace('https://example.com/results', `${mock.url}/sink`);
		const wf = JSON.parse(text) as Workflow;
		// The mock runs on this machine, so it can call n8n's 127.0.0.1 resume URL.
		const vidu = wf.nodes.find((node) => node.name === 'Vidu')!;
		vidu.parameters.waitOptions = { ...(vidu.parameters.waitOptions as object), allowLocalResumeUrl: true };
		if (variant) {
			wf.id = variant.id;
			wf.name += ` (${variant.path})`;
			wf.nodes.forEach((node, n) => {
				if (node.webhookId) node.webhookId = node.webhookId.replace(/.{4}$/, `${n}${n}ff`);
				if (node.name === 'Images Received') node.parameters.path = variant.path;
				if (node.name === 'Vidu') node.parameters.waitOptions = { maxWaitMinutes: variant.maxWaitMinutes, allowLocalResumeUrl: true };
			});
		}
		return wf;
	}

	const start = async (path: string, images: string[]) => await sendImages(base, path, images);
	const resumeUrlOf = (createIndex: number) =>
		(mock.creates[createIndex].body as { input: Array<{ params: { callback_url: string } }> }).input[0].params.callback_url;

	let cookie = '';
	/** n8n's REST API as the editor uses it (signed in as the owner); resolves with the answer's `data`. */
	const rest = async (path: string, init: RequestInit = {}) => {
		cookie ||= await n8n.signIn(base);
		const response = await fetch(`${base}/rest/${path}`, { ...init, headers: { cookie, 'content-type': 'application/json' } });
		return ((await response.json()) as { data: unknown }).data;
	};
	const executionsOf = async (workflowId: string, status: string) =>
		(
			(await rest(`executions?filter=${encodeURIComponent(JSON.stringify({ status: [status], workflowId }))}`)) as {
				results: Array<{ id: string }>;
			}
		).results;

	/** The example with a Wait node ("On Webhook Call") after Vidu: what a late callback must not resume. */
	function workflowWithWaitAfter(): Workflow {
		const wf = workflow({ id: 'viduCallbackThenWait', path: 'vidu-then-wait', maxWaitMinutes: 5 });
		const connections = (wf as unknown as { connections: Record<string, unknown> }).connections;
		wf.nodes.push({
			name: 'Approval',
			webhookId: '3f1b6c2e-1111-4aaa-8bbb-00000000aaaa',
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
			...({ type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [600, 200], id: '3f1b6c2e-1111-4aaa-8bbb-00000000bbbb' } as object),
		} as Workflow['nodes'][number]);
		connections.Vidu = { main: [[{ node: 'Approval', type: 'main', index: 0 }]] };
		connections.Approval = { main: [[{ node: 'Collect Results', type: 'main', index: 0 }]] };
		return wf;
	}

	/** The example with On Error "Continue (using error output)": failures are reported by a branch of their own. */
	function workflowWithErrorOutput(): Workflow {
		const wf = workflow({ id: 'viduCallbackErrorOut', path: 'vidu-error-output', maxWaitMinutes: 5 });
		const connections = (wf as unknown as { connections: Record<string, unknown> }).connections;
		const vidu = wf.nodes.find((node) => node.name === 'Vidu')! as Workflow['nodes'][number] & { onError?: string };
		vidu.onError = 'continueErrorOutput';
		const more = (name: string, id: string, type: string, parameters: Record<string, unknown>) =>
			({ name, id, type, typeVersion: type.endsWith('code') ? 2 : 4.2, position: [660, 200], parameters }) as Workflow['nodes'][number];
		wf.nodes.push(
			more('Collect Failures', '3f1b6c2e-1111-4aaa-8bbb-00000000dddd', 'n8n-nodes-base.code', {
				jsCode: 'return [{ json: { failures: $input.all().map((item) => item.json) } }];',
			}),
			more('Report Failures', '3f1b6c2e-1111-4aaa-8bbb-00000000eeee', 'n8n-nodes-base.httpRequest', {
				method: 'POST',
				url: `${mock.url}/sink`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: {},
			}),
		);
		connections.Vidu = {
			main: [[{ node: 'Collect Results', type: 'main', index: 0 }], [{ node: 'Collect Failures', type: 'main', index: 0 }]],
		};
		connections['Collect Failures'] = { main: [[{ node: 'Report Failures', type: 'main', index: 0 }]] };
		return wf;
	}

	/**
	 * The example with Download Video in a workflow in n8n 2.x's "combined" binary mode: the file the node saves after
	 * the resume travels in the item's JSON. "Collect Results" also reports which binary fields items kept (n8n 1.x).
	 */
	function workflowDownloadingCombined(): Workflow {
		const wf = workflow({ id: 'viduCallbackCombined', path: 'vidu-combined', maxWaitMinutes: 5 });
		(wf as unknown as { settings: object }).settings = { executionOrder: 'v1', binaryMode: 'combined' };
		const vidu = wf.nodes.find((node) => node.name === 'Vidu')!;
		Object.assign(vidu.parameters, { downloadVideo: true, outputBinaryPropertyName: 'video' });
		wf.nodes.find((node) => node.name === 'Collect Results')!.parameters.jsCode =
			// In combined mode a Code node's $input.all() gives the items' JSON, elsewhere whole items.
			'return [{ json: { results: $input.all().map((item) => (item.json ? { ...item.json, binaryKeys: Object.keys(item.binary ?? {}) } : item)) } }];';
		return wf;
	}

	/** The example with the Vidu node's setting Execute Once: only the first image is animated. */
	function workflowExecutingOnce(): Workflow {
		const wf = workflow({ id: 'viduCallbackOnce01', path: 'vidu-once', maxWaitMinutes: 5 });
		Object.assign(
			wf.nodes.find((node) => node.name === 'Vidu')!,
			{ executeOnce: true },
		);
		return wf;
	}

	type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	const to = (node: string) => [{ node, type: 'main', index: 0 }];

	/** The example with a second Vidu node after the first: two Callback pauses in one execution. */
	function workflowTwoPauses(): Workflow {
		const wf = workflow({ id: 'viduCallbackTwice01', path: 'vidu-twice', maxWaitMinutes: 5 });
		const first = wf.nodes.find((node) => node.name === 'Vidu')!;
		const second = JSON.parse(JSON.stringify(first)) as Workflow['nodes'][number] & { id: string };
		Object.assign(second, {
			name: 'Vidu Again',
			id: '3f1b6c2e-1111-4aaa-8bbb-0000000000f1',
			webhookId: '3f1b6c2e-1111-4aaa-8bbb-0000000000f2',
		});
		second.parameters.imageUrl = "={{ 'https://example.com/again-' + $json.taskId + '.png' }}";
		wf.nodes.push(second);
		const connections = (wf as unknown as { connections: Connections }).connections;
		connections.Vidu = { main: [to('Vidu Again')] };
		connections['Vidu Again'] = { main: [to('Collect Results')] };
		return wf;
	}

	/** The example with Vidu inside n8n's Loop Over Items, one image per round: a Callback pause per round. */
	function workflowLoop(): Workflow {
		const wf = workflow({ id: 'viduCallbackLoop01', path: 'vidu-loop', maxWaitMinutes: 5 });
		wf.nodes.push({
			name: 'Loop Over Items',
			parameters: { batchSize: 1, options: {} },
			...({
				id: '3f1b6c2e-1111-4aaa-8bbb-0000000000f3',
				type: 'n8n-nodes-base.splitInBatches',
				typeVersion: 3,
				position: [330, 200],
			} as object),
		} as Workflow['nodes'][number]);
		const connections = (wf as unknown as { connections: Connections }).connections;
		connections['One Item per Image'] = { main: [to('Loop Over Items')] };
		// Output 0 ("done") once every round is over, output 1 ("loop") each round.
		connections['Loop Over Items'] = { main: [to('Collect Results'), to('Vidu')] };
		connections.Vidu = { main: [to('Loop Over Items')] };
		return wf;
	}

	/** The URL example behind a Webhook trigger, polling a slow task: a production run that can be stopped. */
	function pollingWorkflow(): Workflow {
		const text = readFileSync(join(__dirname, '..', '..', 'examples', 'vidu-generate-from-url.json'), 'utf8').replace(
			/https:\/\/example\.com\//g,
			`${mock.url}/images/`,
		);
		const wf = JSON.parse(text) as Workflow & { connections: Record<string, unknown> };
		wf.id = 'viduPollStopped01';
		wf.name = 'Vidu: polling run to stop';
		const trigger = wf.nodes[0] as Workflow['nodes'][number] & { type: string; typeVersion: number };
		Object.assign(trigger, {
			name: 'Start',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '7d0c2a51-2222-4ccc-9ddd-00000000cccc',
		});
		trigger.parameters = { httpMethod: 'POST', path: 'vidu-poll-stop', options: {} };
		wf.connections = { Start: { main: [[{ node: 'Vidu', type: 'main', index: 0 }]] } };
		return wf;
	}

	/** The example on Vidu's own API: its callbacks are signed with the key. */
	function officialWorkflow(): Workflow {
		const wf = workflow({ id: 'viduCallbackOfficial', path: 'vidu-official', maxWaitMinutes: 5 });
		const vidu = wf.nodes.find((node) => node.name === 'Vidu')! as Workflow['nodes'][number] & { credentials?: unknown };
		vidu.parameters.authentication = 'official';
		vidu.credentials = { viduOfficialApi: { id: 'viduOfficial01', name: 'Vidu official account' } };
		return wf;
	}
	const officialResumeUrl = (createIndex: number) => (mock.creates[createIndex].body as { callback_url: string }).callback_url;
	/** POSTs a callback to `url` as Vidu's own API does, signed with `key`. */
	async function callBack(url: string, key: string) {
		const { pathname, search } = new URL(url);
		const headers = signedHeaders(key, 'POST', `${pathname}${search}`, new Date(), randomUUID());
		const response = await fetch(url, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify({ state: 'success' }),
		});
		return { status: response.status, body: await response.text() };
	}

	beforeAll(async () => {
		mock = await new ViduMock('e2e-key-0123456789abcdef').start();
		mock.sendCallbacks = true;
		n8n = await RealN8n.start(VERSION);
		await n8n.importViduCredential(mock);
		await n8n.importCredential({
			id: 'viduOfficial01',
			name: 'Vidu official account',
			type: 'viduOfficialApi',
			data: { apiKey: mock.apiKey, region: 'custom', baseUrl: mock.url },
		});
		await n8n.importWorkflows([
			workflow(),
			officialWorkflow(),
			triggerExample(mock.url),
			submitToTriggerExample(mock.url, { id: 'viduSubmitToTrigger', name: 'Vidu: submit to the trigger', path: 'vidu-submit-to-trigger' }),
		]);
		await n8n.importWorkflow(workflow({ id: 'viduCallbackExpiry1', path: 'vidu-animate-expiry', maxWaitMinutes: 0.1 }));
		await n8n.importWorkflow(workflowWithWaitAfter());
		await n8n.importWorkflow(pollingWorkflow());
		await n8n.importWorkflow(workflowWithErrorOutput());
		await n8n.importWorkflow(workflowDownloadingCombined());
		await n8n.importWorkflow(workflowExecutingOnce());
		await n8n.importWorkflow(workflowTwoPauses());
		await n8n.importWorkflow(workflowLoop());
		for (const id of [
			'viduExampleTriggerReceive',
			'viduSubmitToTrigger',
			'viduCallbackOfficial',
			'viduCallbackTwice01',
			'viduCallbackLoop01',
			'viduExampleCallback01',
			'viduCallbackExpiry1',
			'viduCallbackThenWait',
			'viduPollStopped01',
			'viduCallbackErrorOut',
			'viduCallbackCombined',
			'viduCallbackOnce01',
		]) {
			await n8n.publishWorkflow(id);
		}
		logFile = join(n8n.userFolder, 'n8n.log');
		base = await n8n.startServer({ logFile });
		for (const path of ['vidu-animate', 'vidu-submit-to-trigger']) await triggerRegistered(base, path);
	}, 40 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await mock?.stop();
	});

	beforeEach(() => {
		mock.forgetRecorded();
		mock.sendCallbacks = true;
	});

	it('one item: pauses, ignores the "processing" callback, resumes on the final one with the video', async () => {
		mock.setDefaultScript({ generationMs: 4000 });
		await start('vidu-animate', ['https://example.com/a.png']);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 60_000)) as Results[];
		expect(results).toHaveLength(1);
		expect(results[0]).toMatchObject({ status: 'completed', videoUrl: expect.stringMatching(/\/cdn\/task_\d+\.mp4$/) });
		expect(mock.callbacks.map((c) => [c.status, c.answer])).toEqual([
			['processing', 200],
			['completed', 200],
		]);
		expect(mock.creates).toHaveLength(1);
		expect(resumeUrlOf(0)).toMatch(
			signed
				? /\/webhook-waiting\/\d+\/vidu\?signature=[^&]+&vidu_item=0&vidu_run=[a-z0-9]{16}$/
				: /\/webhook-waiting\/\d+\/vidu\?vidu_item=0&vidu_run=[a-z0-9]{16}$/,
		);
		expect(mock.polls.length).toBeLessThanOrEqual(2);
	});

	it("Vidu's own API: its signed callbacks resume the run; a forged one is answered 401 and asks the API nothing", async () => {
		// Finished at once but called back by hand: the run waits until a callback rings.
		mock.setDefaultScript({ generationMs: 0 });
		mock.sendCallbacks = false;
		await start('vidu-official', ['https://example.com/signed.png']);
		const url = await until('the task', () => (mock.creates.length ? officialResumeUrl(0) : undefined), 60_000);
		expect(mock.creates[0].path).toBe('/ent/v2/img2video');
		await until('the run to wait', async () => (await executionsOf('viduCallbackOfficial', 'waiting')).length || undefined, 60_000);
		const forged = await callBack(url, 'forged-key-0123456789abcdef');
		expect(forged).toEqual({ status: 401, body: JSON.stringify({ error: 'callback refused: signature does not match' }) });
		expect(mock.polls).toHaveLength(0);
		expect((await callBack(url, mock.apiKey)).status).toBe(200);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 60_000)) as Results[];
		expect(results[0]).toMatchObject({ status: 'completed', apiStatus: 'success', usage: { credits: 4 } });
		// The cases after this one run with the first one's default.
		mock.setDefaultScript({ generationMs: 4000 });
	});

	it('Submit Only + Vidu Trigger: each task starts one execution, though every final callback comes twice; a forged one starts none', async () => {
		const urls = Array.from({ length: 6 }, (_, n) => `https://example.com/trigger-${n}.png`);
		mock.setDefaultScript({ generationMs: 2000 });
		mock.finalCallbackCopies = 2;
		try {
			await start('vidu-submit-to-trigger', urls);
			const finals = () => mock.callbacks.filter((c) => c.status === 'completed');
			await until('every final callback, twice', () => (finals().length === 12 ? true : undefined), 90_000);
			expect(finals().map((c) => c.answer)).toEqual(Array(12).fill(200));
			// The trigger's own reply: {received: true} when an execution started, and why not otherwise.
			const replies = finals().map((c) => JSON.parse(c.reply!) as { received: boolean; ignored?: string });
			expect(replies.filter((reply) => reply.ignored === undefined)).toEqual(Array(6).fill({ received: true }));
			expect(replies.filter((reply) => reply.ignored === 'this task already started an execution')).toHaveLength(6);
			const forged = await fetch(`${base}${TRIGGER_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ id: 'task_forged', status: 'completed' }),
			});
			expect(forged.status).toBe(200);
			const reports = () =>
				mock.sink.filter((entry): entry is { taskId: string } => typeof (entry as { taskId?: unknown }).taskId === 'string');
			await until('a report per task', () => (reports().length >= 6 ? true : undefined), 60_000);
			const started = await until(
				'the trigger executions',
				async () => {
					const found = await executionsOf('viduExampleTriggerReceive', 'success');
					return found.length >= 6 ? found : undefined;
				},
				60_000,
			);
			expect(started).toHaveLength(6);
			expect(new Set(reports().map((r) => r.taskId))).toEqual(new Set(urls.map((url) => mock.taskIdFor(url))));
			expect(reports()).toHaveLength(6);
			// Nothing waited while the videos rendered: the submitting run ended at once.
			expect(await executionsOf('viduSubmitToTrigger', 'waiting')).toHaveLength(0);
		} finally {
			mock.finalCallbackCopies = 1;
			mock.setDefaultScript({ generationMs: 4000 });
		}
	});

	it('three items: resumes once all have called back, items in input order, ~2 status calls per task', async () => {
		const urls = [0, 1, 2].map((n) => `https://example.com/${n}.png`);
		mock.scriptTasks(
			{ forItem: urls[0], generationMs: 5000 },
			{ forItem: urls[1], generationMs: 3000 },
			{ forItem: urls[2], generationMs: 7000 },
		);
		await start('vidu-animate', urls);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 90_000)) as Results[];
		expect(results.map((r) => r.taskId)).toEqual(urls.map((url) => mock.taskIdFor(url)));
		expect(results.every((r) => r.status === 'completed')).toBe(true);
		// Sent together, so the API may receive them in any order: one each.
		const images = mock.creates.map((c) => (c.body as { input: Array<{ params: { images: string[] } }> }).input[0].params.images[0]);
		expect(images.sort()).toEqual(urls);
		expect(mock.polls.length / 3).toBeLessThanOrEqual(2);
		console.log(`[e2e] callback mode, 3 tasks: ${mock.polls.length} status calls (${(mock.polls.length / 3).toFixed(1)} per task)`);
	});

	it('tasks ending together, their final callbacks at once, the API 1.5 s behind them: the run resumes at once', async () => {
		const urls = [0, 1, 2].map((n) => `https://example.com/lag${n}.png`);
		mock.setDefaultScript({ generationMs: 3000 });
		mock.holdFinalCallbacks = 3;
		mock.statusLagMs = 1500;
		try {
			await start('vidu-animate', urls);
			// The example waits up to its Max Wait for a callback: only the node's re-check ends the run this soon.
			const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 30_000)) as Results[];
			expect(results.map((r) => [r.taskId, r.status])).toEqual(urls.map((url) => [mock.taskIdFor(url), 'completed']));
			expect(mock.callbacks.filter((c) => c.status === 'completed').map((c) => c.answer)).toEqual([200, 200, 200]);
		} finally {
			mock.holdFinalCallbacks = 0;
			mock.statusLagMs = 0;
		}
	});

	it('the status API failing while the final callback is answered: the run keeps waiting with all its data, then resumes', async () => {
		mock.setDefaultScript({ generationMs: 3000 });
		// Both tries of the callback's status check fail (two 502s in a row).
		mock.fault({ route: 'poll', status: 502, body: { message: 'bad gateway' }, times: 2 });
		const url = 'https://example.com/outage.png';
		await start('vidu-animate', [url]);
		const final = await until('the final callback', () => mock.callbacks.find((c) => c.status === 'completed'), 60_000);
		expect(final.answer).toBe(503);
		const [waiting] = await until(
			'the run to go on waiting',
			async () => {
				const found = await executionsOf('viduExampleCallback01', 'waiting');
				return found.length ? found : undefined;
			},
			30_000,
		);
		const saved = JSON.stringify(await rest(`executions/${waiting.id}`));
		// The earlier nodes' data and the paid task are all still in the execution.
		expect(saved).toContain(url);
		expect(saved).toContain(final.taskId);
		if (signed) expect(saved).toContain(`item 1: ${final.taskId}`);
		expect(mock.sink).toHaveLength(0);
		// The provider calls again once the API answers: the run resumes with its item.
		const again = await fetch(resumeUrlOf(0), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: final.taskId, status: 'completed' }),
		});
		expect(again.status).toBe(200);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 30_000)) as Results[];
		expect(results).toEqual([expect.objectContaining({ taskId: final.taskId, status: 'completed' })]);
	});

	it('an API that allows 3 tasks in flight: the refused submissions are sent again, and the run resumes with all 5', async () => {
		// Longer than the three quick tries a submission used to get.
		mock.setDefaultScript({ generationMs: 6000 });
		mock.maxInFlight = 3;
		const refusedBefore = mock.refusedCreates;
		try {
			const urls = [0, 1, 2, 3, 4].map((n) => `https://example.com/quota${n}.png`);
			await start('vidu-animate', urls);
			const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 90_000)) as Results[];
			expect(results.map((r) => [r.taskId, r.status])).toEqual(urls.map((url) => [mock.taskIdFor(url), 'completed']));
			const refused = mock.refusedCreates - refusedBefore;
			expect(refused).toBeGreaterThan(0);
			expect(mock.creates).toHaveLength(5 + refused);
		} finally {
			mock.maxInFlight = undefined;
		}
	});

	it('two Vidu nodes in a row, both waiting by callback: each pause resumes with its own tasks', async () => {
		mock.setDefaultScript({ generationMs: 2000 });
		const urls = ['https://example.com/twice0.png', 'https://example.com/twice1.png'];
		await start('vidu-twice', urls);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 90_000)) as Results[];
		const firstIds = urls.map((url) => mock.taskIdFor(url));
		expect(results.map((r) => [r.taskId, r.status])).toEqual(firstIds.map((id) => [mock.taskIdFor(`/again-${id}.png`), 'completed']));
		expect(mock.creates).toHaveLength(4);
	});

	it('Vidu inside a loop of three rounds, waiting by callback: every round resumes', async () => {
		mock.setDefaultScript({ generationMs: 2000 });
		const urls = [0, 1, 2].map((n) => `https://example.com/round${n}.png`);
		await start('vidu-loop', urls);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 120_000)) as Results[];
		expect(results.map((r) => [r.taskId, r.status])).toEqual(urls.map((url) => [mock.taskIdFor(url), 'completed']));
		expect(mock.creates).toHaveLength(3);
	});

	it('On Error "Continue (using error output)": after the resume, a failed task\'s item leaves by the error output', async () => {
		const urls = ['https://example.com/ok.png', 'https://example.com/bad.png'];
		mock.scriptTasks(
			{ forItem: urls[0], generationMs: 2000 },
			{ forItem: urls[1], generationMs: 2000, finalStatus: 'failed', error: { code: 8008003004, message: 'Invalid image' } },
		);
		await start('vidu-error-output', urls);
		const reports = (await until('both reports', () => (mock.sink.length >= 2 ? mock.sink : undefined), 60_000)) as Array<
			Record<string, unknown>
		>;
		const results = reports.find((report) => 'results' in report) as Results;
		const { failures } = reports.find((report) => 'failures' in report) as { failures: Array<Record<string, unknown>> };
		expect(results.results).toMatchObject([{ status: 'completed', taskId: mock.taskIdFor(urls[0]) }]);
		expect(failures).toMatchObject([
			{
				imageUrl: urls[1],
				error: { message: expect.stringContaining('Invalid image (code 8008003004)'), taskId: mock.taskIdFor(urls[1]) },
			},
		]);
	});

	it('Download Video in "combined" binary mode (n8n 2.x): the file saved after the resume is in the item\'s JSON', async () => {
		mock.setDefaultScript({ generationMs: 2000 });
		await start('vidu-combined', ['https://example.com/a.png']);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 60_000)) as Results[];
		expect(results).toMatchObject([{ status: 'completed', videoUrl: expect.stringMatching(/\/cdn\/task_\d+\.mp4$/) }]);
		expect(mock.downloads).toHaveLength(1);
		if (!signed) {
			// n8n 1.x has no such mode: the file stays in the item's binary.
			expect(results[0].binaryKeys).toEqual(['video']);
			return;
		}
		const file = (results[0]._files as Record<string, { id: string; mimeType: string; fileName: string }>).video;
		expect(file).toMatchObject({ mimeType: 'video/mp4', fileName: expect.stringMatching(/^task_\d+\.mp4$/) });
		// Readable as the editor reads it: the whole video.
		cookie ||= await n8n.signIn(base);
		const bytes = await fetch(`${base}/rest/binary-data?id=${encodeURIComponent(file.id)}&action=download`, { headers: { cookie } });
		expect(Buffer.from(await bytes.arrayBuffer()).equals(mock.videoBytes)).toBe(true);
	});

	it('with Execute Once, one task for the first item, and the run resumes with that one item', async () => {
		mock.setDefaultScript({ generationMs: 2000 });
		await start('vidu-once', ['https://example.com/a.png', 'https://example.com/b.png']);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 60_000)) as Results[];
		expect(results).toEqual([expect.objectContaining({ status: 'completed', taskId: mock.taskIdFor('https://example.com/a.png') })]);
		expect(mock.creates).toHaveLength(1);
	});

	it('refuses a callback with a bad token or for a task outside the run, and still finishes normally', async () => {
		mock.setDefaultScript({ generationMs: 8000 });
		await start('vidu-animate', ['https://example.com/a.png']);
		await until('the submission', () => (mock.creates.length ? true : undefined), 30_000);
		await until(
			'the run to pause',
			async () => ((await executionsOf('viduExampleCallback01', 'waiting')).length ? true : undefined),
			30_000,
		);
		const resumeUrl = resumeUrlOf(0);
		const post = async (url: string, body: object = {}) =>
			(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
		if (signed) expect(await post(resumeUrl.replace(/signature=[^&]+/, 'signature=forged'))).toBe(401);
		expect(await post(resumeUrl.replace(/vidu_item=0&/, 'vidu_item=7&'))).toBe(404);
		expect(await post(resumeUrl.replace(/vidu_run=\w+$/, 'vidu_run=an0earlier0run00'))).toBe(404);
		expect(await post(resumeUrl, { id: 'task_somebody_else' })).toBe(404);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 60_000)) as Results[];
		expect(results).toEqual([expect.objectContaining({ status: 'completed' })]);
	});

	it('a callback with no body at all still rings: the run resumes', async () => {
		mock.sendCallbacks = false;
		mock.setDefaultScript({ pollsBeforeDone: 0 });
		await start('vidu-animate', ['https://example.com/a.png']);
		await until(
			'the run to pause',
			async () => ((await executionsOf('viduExampleCallback01', 'waiting')).length ? true : undefined),
			30_000,
		);
		// No content type, no body: n8n hands the node no parsed body.
		expect((await fetch(resumeUrlOf(0), { method: 'POST' })).status).toBe(200);
		const [{ results }] = (await until('the results', () => (mock.sink.length ? mock.sink : undefined), 30_000)) as Results[];
		expect(results).toEqual([expect.objectContaining({ status: 'completed', taskId: mock.taskIdFor('https://example.com/a.png') })]);
	});

	it('late and repeated callbacks do not resume the Wait node after Vidu', async () => {
		mock.scriptTasks({ generationMs: 2000 }, { generationMs: 4000 });
		await start('vidu-then-wait', ['https://example.com/0.png', 'https://example.com/1.png']);
		// Vidu resumes on the last final callback; the execution then waits in "Approval".
		await until(
			'both final callbacks',
			() => (mock.callbacks.filter((c) => c.status === 'completed').length === 2 ? true : undefined),
			60_000,
		);
		// Vidu has resumed once its output (the video URLs) is in the execution, which then waits in "Approval".
		await until(
			'Vidu to resume and Approval to wait',
			async () => {
				const [waiting] = await executionsOf('viduCallbackThenWait', 'waiting');
				return waiting && JSON.stringify(await rest(`executions/${waiting.id}`)).includes('/cdn/task_') ? true : undefined;
			},
			30_000,
		);
		const repeat = async (n: number) =>
			(
				await fetch(resumeUrlOf(n), {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ status: 'completed' }),
				})
			).status;
		// The provider repeats final callbacks; both items' URLs are tried again. n8n refuses them: 404 (no such waiting
		// webhook), or 409 while it still writes the execution's state down (seen on a loaded machine).
		for (const status of [await repeat(0), await repeat(1), await repeat(0)]) expect([404, 409]).toContain(status);
		// Refused, so nothing resumed: the run still waits in "Approval".
		await until(
			'the run to wait in Approval',
			async () => (await executionsOf('viduCallbackThenWait', 'waiting')).length || undefined,
			30_000,
		);
		expect(await executionsOf('viduCallbackThenWait', 'waiting')).toHaveLength(1);
		// Nothing of this run reached the end of the workflow (other tests' late runs may report meanwhile).
		const ours = new Set(mock.callbacks.map((c) => c.taskId));
		const reported = (mock.sink as Results[]).filter((entry) => entry.results?.some((r) => ours.has(String(r.taskId))));
		expect(reported).toHaveLength(0);
	});

	it("the credential's Test button, as the editor calls it: the mock's key passes, a wrong key fails", async () => {
		const testWith = async (apiKey: string) =>
			(await rest('credentials/test', {
				method: 'POST',
				body: JSON.stringify({
					credentials: { id: 'viduCredential01', name: 'Vidu account', type: 'viduApi', data: { apiKey, baseUrl: mock.url } },
				}),
			})) as { status: string; message: string };
		expect(await testWith(mock.apiKey)).toEqual({ status: 'OK', message: expect.stringMatching(/accepted the key/) });
		expect(await testWith('wrong-key')).toEqual({ status: 'Error', message: expect.stringMatching(/rejected \(HTTP 401\)/) });
	});

	it('a stopped polling run keeps its paid task ids in the saved execution', async () => {
		mock.sendCallbacks = false;
		mock.setDefaultScript({ generationMs: 600_000 });
		const response = await fetch(`${base}/webhook/vidu-poll-stop`, { method: 'POST' });
		expect(response.status).toBe(200);
		const poll = await until('a status check', () => mock.polls[0], 30_000);
		const taskId = poll.path.split('/').pop()!;
		const [running] = await executionsOf('viduPollStopped01', 'running');
		await rest(`executions/${running.id}/stop`, { method: 'POST', body: '{}' });
		const saved = JSON.stringify(await rest(`executions/${running.id}`));
		expect(saved).toMatch(/cancel/i);
		// n8n 2.x keeps the execution's custom data on a stop; 1.x drops it, and the log is where the id is.
		if (signed) expect(saved).toContain(`item 1: ${taskId}`);
		expect(readFileSync(logFile, 'utf8')).toContain(`Vidu task ${taskId} submitted for item 1 (paid)`);
	});

	it('a run stopped while its create request is in flight: the task the API created still reaches the log', async () => {
		mock.sendCallbacks = false;
		mock.setDefaultScript({ generationMs: 600_000 });
		// The API takes 2 s to answer the create request, and creates the task whatever the client does meanwhile.
		mock.fault({ route: 'create', delayMs: 2_000 });
		const latestTask = () => {
			try {
				return mock.taskIdFor('/images/');
			} catch {
				return undefined;
			}
		};
		const before = latestTask();
		const response = await fetch(`${base}/webhook/vidu-poll-stop`, { method: 'POST' });
		expect(response.status).toBe(200);
		await until('the create request', () => mock.creates[0], 30_000);
		const [running] = await executionsOf('viduPollStopped01', 'running');
		await rest(`executions/${running.id}/stop`, { method: 'POST', body: '{}' });
		expect(latestTask()).toBe(before);
		const taskId = await until('the task the API created', () => (latestTask() !== before ? latestTask() : undefined), 10_000);
		await until(
			'the paid task in the log',
			() => readFileSync(logFile, 'utf8').includes(`Vidu task ${taskId} submitted for item 1 (paid)`) || undefined,
			10_000,
		);
		// Stopped means stopped: the node asks nothing more about it.
		expect(mock.polls).toHaveLength(0);
	});

	it('a wait that runs out flows on visibly: the items say the video did not arrive and carry the task ids', async () => {
		mock.sendCallbacks = false;
		mock.setDefaultScript({ generationMs: 600_000 });
		await start('vidu-animate-expiry', ['https://example.com/a.png', 'https://example.com/b.png']);
		const [{ results }] = (await until('the expired items', () => (mock.sink.length ? mock.sink : undefined), 150_000)) as Results[];
		expect(results).toHaveLength(2);
		for (const item of results) {
			expect(item.vidu).toMatchObject({
				videoArrived: false,
				taskId: expect.stringMatching(/^task_\d+$/),
				message: expect.stringContaining('Get Task'),
			});
		}
		expect(mock.polls).toHaveLength(0);
	});
});
