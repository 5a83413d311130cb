import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ViduMock } from '../../dev/mock/viduMock';
import { startQueueServices, type QueueServices } from '../../dev/n8n/queueServices';
import { freePort, RealN8n } from '../../dev/n8n/realN8n';
import { sendImages } from '../helpers/sendImages';
import { until } from '../helpers/until';

/**
 * n8n's queue mode, started from nothing by the test: PostgreSQL and Redis from Debian's packages,
 * n8n 2.40.7 main + two workers (one slot each) + one `n8n webhook` process, one encryption key,
 * WEBHOOK_URL on every process pointing at the webhook process. Runs are triggered through the
 * webhook process and executed by the workers.
 */
const VERSION = '2.40.7';

type Node = {
	name: string;
	type: string;
	typeVersion?: number;
	position?: number[];
	parameters: Record<string, unknown>;
	webhookId?: string;
	id?: string;
};
type Workflow = {
	id: string;
	name: string;
	nodes: Node[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
};
type Results = { results: Array<Record<string, unknown>> };

describe(`in n8n ${VERSION}'s queue mode (Postgres, Redis, 2 workers, a webhook process)`, () => {
	let services: QueueServices;
	let mock: ViduMock;
	let n8n: RealN8n;
	let base: string;
	let hook: string;
	let cookie: string;
	const logs = { main: '', webhook: '', workers: ['', ''] };

	/** The shipped callback example, results reported to the mock; `poll` makes the Poll + Download variant. */
	function workflow(variant?: 'poll'): Workflow {
		const text = readFileSync(join(__dirname, '..', '..', 'examples', 'vidu-callback-from-webhook.json'), 'utf8').replace(
			'https://example.com/results',
			`${mock.url}/sink`,
		);
		const wf = JSON.parse(text) as Workflow;
		const vidu = wf.nodes.find((node) => node.name === 'Vidu')!;
		vidu.parameters.waitOptions = { ...(vidu.parameters.waitOptions as object), allowLocalResumeUrl: true };
		if (variant !== 'poll') return wf;
		wf.id = 'viduQueuePoll01';
		wf.name = 'Vidu: poll and download in queue mode';
		wf.nodes.forEach((node, n) => {
			if (node.webhookId) node.webhookId = node.webhookId.replace(/.{4}$/, `${n}${n}be`);
			if (node.id) node.id = node.id.replace(/.{4}$/, `${n}${n}be`);
		});
		wf.nodes.find((node) => node.name === 'Images Received')!.parameters.path = 'vidu-queue-poll';
		Object.assign(vidu.parameters, { waitMode: 'poll', downloadVideo: true, waitOptions: { pollIntervalSeconds: 1, maxWaitMinutes: 3 } });
		// A downstream node that reads the downloaded bytes: their SHA-256 goes into the report.
		wf.nodes.push({
			id: '0b7c7c1e-0000-4000-8000-0000000099be',
			name: 'Hash Video',
			type: 'n8n-nodes-base.crypto',
			typeVersion: 1,
			position: [660, 200],
			parameters: {
				action: 'hash',
				type: 'SHA256',
				binaryData: true,
				binaryPropertyName: 'data',
				dataPropertyName: 'sha256',
				encoding: 'hex',
			},
		});
		wf.connections.Vidu = { main: [[{ node: 'Hash Video', type: 'main', index: 0 }]] };
		wf.connections['Hash Video'] = { main: [[{ node: 'Collect Results', type: 'main', index: 0 }]] };
		return wf;
	}

	const trigger = async (path: string, images: string[]) => await sendImages(hook, path, images);
	const rest = async (path: string) =>
		((await (await fetch(`${base}/rest/${path}`, { headers: { cookie } })).json()) as { data: unknown }).data;
	const workerRuns = () => logs.workers.map((file) => (readFileSync(file, 'utf8').match(/Worker started execution/g) ?? []).length);

	beforeAll(async () => {
		services = await startQueueServices();
		mock = await new ViduMock('queue-key-0123456789abcdef').start();
		n8n = await RealN8n.start(VERSION);
		const hookPort = await freePort();
		hook = `http://127.0.0.1:${hookPort}`;
		n8n.useEnv({ ...services.env, N8N_ENCRYPTION_KEY: 'vidu-queue-e2e-encryption-key', WEBHOOK_URL: `${hook}/` });
		await n8n.importViduCredential(mock);
		await n8n.importWorkflow(workflow());
		await n8n.importWorkflow(workflow('poll'));
		for (const id of ['viduExampleCallback01', 'viduQueuePoll01']) await n8n.publishWorkflow(id);
		logs.main = join(n8n.userFolder, 'main.log');
		logs.webhook = join(n8n.userFolder, 'webhook.log');
		logs.workers = [join(n8n.userFolder, 'worker-1.log'), join(n8n.userFolder, 'worker-2.log')];
		base = await n8n.startServer({ logFile: logs.main, webhookUrl: `${hook}/` });
		cookie = await n8n.signIn(base);
		await n8n.startHelper(['webhook'], {
			logFile: logs.webhook,
			env: { N8N_PORT: String(hookPort) },
			ready: /Webhook listener waiting for requests/i,
		});
		await Promise.all(
			logs.workers.map(
				async (logFile) => await n8n.startHelper(['worker', '--concurrency=1'], { logFile, env: {}, ready: /worker is now ready/i }),
			),
		);
		// The webhook process serves a production trigger once it has read it from the database.
		for (let tries = 0; ; tries++) {
			const text = await fetch(`${hook}/webhook/vidu-animate`).then(
				async (r) => await r.text(),
				() => '',
			);
			if (/not registered for GET/i.test(text)) break;
			if (tries > 120) throw new Error(`the webhook process never served the trigger: ${text.slice(0, 200)}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}, 40 * 60_000);

	afterAll(async () => {
		await n8n?.stopServer();
		await mock?.stop();
		await services?.stop();
	});

	beforeEach(() => {
		mock.forgetRecorded();
	});

	it('Poll with Download Video, 10 items: a worker runs it, a downstream node reads every video, the editor serves the bytes', async () => {
		mock.sendCallbacks = false;
		mock.setDefaultScript({ generationMs: 2000 });
		const before = workerRuns();
		await trigger(
			'vidu-queue-poll',
			Array.from({ length: 10 }, (_, n) => `${mock.url}/images/${n}.png`),
		);
		const [{ results }] = (await until('the report', () => (mock.sink.length ? mock.sink : undefined), 180_000)) as Results[];
		const sha256 = createHash('sha256').update(mock.videoBytes).digest('hex');
		expect(results).toHaveLength(10);
		for (const item of results) expect(item).toMatchObject({ status: 'completed', sha256 });
		expect(mock.creates).toHaveLength(10);
		expect(workerRuns().reduce((a, b) => a + b)).toBeGreaterThan(before.reduce((a, b) => a + b));

		const filter = encodeURIComponent(JSON.stringify({ workflowId: 'viduQueuePoll01' }));
		const [execution] = ((await rest(`executions?filter=${filter}`)) as { results: Array<{ id: string }> }).results;
		const saved = JSON.stringify(await rest(`executions/${execution.id}`));
		// n8n saves execution data "flatted": the binary reference is a string of its own, quoted or escaped.
		const binaryId = /\b((?:database|filesystem-v2|filesystem):[^"\\\s]+)/.exec(saved)?.[1];
		expect(binaryId).toBeDefined();
		const bytes = await fetch(`${base}/rest/binary-data?id=${encodeURIComponent(binaryId!)}&action=download`, { headers: { cookie } });
		expect(bytes.status).toBe(200);
		expect(Buffer.from(await bytes.arrayBuffer())).toEqual(mock.videoBytes);
	});

	it('Callback: paused on a worker, resumed through the webhook process, results reported once', async () => {
		mock.sendCallbacks = true;
		mock.setDefaultScript({ generationMs: 3000 });
		await trigger('vidu-animate', [`${mock.url}/images/a.png`, `${mock.url}/images/b.png`]);
		const [{ results }] = (await until('the report', () => (mock.sink.length ? mock.sink : undefined), 120_000)) as Results[];
		expect(results).toHaveLength(2);
		for (const item of results)
			expect(item).toMatchObject({ status: 'completed', videoUrl: expect.stringMatching(/\/cdn\/task_\d+\.mp4$/) });
		// The callbacks went to the webhook process, and every one was answered 2xx (no provider retries).
		expect(mock.callbacks.length).toBeGreaterThanOrEqual(2);
		for (const callback of mock.callbacks) {
			expect(callback.url.startsWith(`${hook}/webhook-waiting/`)).toBe(true);
			expect(callback.answer).toBeLessThan(300);
		}
		expect(mock.sink).toHaveLength(1);
	});

	it('a run waiting for its callback holds no worker slot: 6 runs on 2 slots all submit before any video is done', async () => {
		mock.sendCallbacks = true;
		mock.setDefaultScript({ generationMs: 45_000 });
		for (let n = 0; n < 6; n++) await trigger('vidu-animate', [`${mock.url}/images/slot-${n}.png`]);
		// Were a waiting run to keep its slot, the third submission would wait for the first video (45 s).
		await until('six submissions', () => (mock.creates.length >= 6 ? true : undefined), 35_000);
		const reports = (await until('six reports', () => (mock.sink.length >= 6 ? mock.sink : undefined), 150_000)) as Results[];
		for (const { results } of reports) expect(results[0]).toMatchObject({ status: 'completed' });
	});
});
