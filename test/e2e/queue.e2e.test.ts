import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ViduMock } from '../../dev/mock/viduMock';
import {
	startQueueCluster,
	submitToTriggerExample,
	TRIGGER_PATH,
	triggerExample,
	webhookExample,
	type QueueCluster,
	type Workflow,
} from '../../dev/n8n/queueCluster';
import { sendImages } from '../helpers/sendImages';
import { until } from '../helpers/until';

/**
 * n8n's queue mode, started from nothing by the test: PostgreSQL and Redis from Debian's packages,
 * n8n 2.40.7 main + two workers (one slot each) + one `n8n webhook` process, one encryption key,
 * WEBHOOK_URL on every process pointing at the webhook process. Runs are triggered through the
 * webhook process and executed by the workers.
 */
const VERSION = '2.40.7';

type Results = { results: Array<Record<string, unknown>> };

describe(`in n8n ${VERSION}'s queue mode (Postgres, Redis, 2 workers, a webhook process)`, () => {
	let mock: ViduMock;
	let cluster: QueueCluster;

	/** The example in Poll mode with Download Video, and a downstream node that hashes each downloaded video. */
	function pollAndHash(): Workflow {
		const workflow = webhookExample(mock.url, {
			id: 'viduQueuePoll01',
			name: 'Vidu: poll and download in queue mode',
			path: 'vidu-queue-poll',
			vidu: { waitMode: 'poll', downloadVideo: true, waitOptions: { pollIntervalSeconds: 1, maxWaitMinutes: 3 } },
		});
		workflow.nodes.push({
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
		workflow.connections.Vidu = { main: [[{ node: 'Hash Video', type: 'main', index: 0 }]] };
		workflow.connections['Hash Video'] = { main: [[{ node: 'Collect Results', type: 'main', index: 0 }]] };
		return workflow;
	}

	const trigger = async (path: string, images: string[]) => await sendImages(cluster.hook, path, images);
	const rest = async (path: string) =>
		((await (await fetch(`${cluster.base}/rest/${path}`, { headers: { cookie: cluster.cookie } })).json()) as { data: unknown }).data;
	const workerRuns = () =>
		cluster.workerLogs.map((file) => (readFileSync(file, 'utf8').match(/Worker started execution/g) ?? []).length).reduce((a, b) => a + b);

	beforeAll(async () => {
		mock = await new ViduMock('queue-key-0123456789abcdef').start();
		cluster = await startQueueCluster({
			version: VERSION,
			api: mock,
			workflows: [
				webhookExample(mock.url),
				pollAndHash(),
				webhookExample(mock.url, {
					id: 'viduQueueCallbackDl',
					name: 'Vidu: callback and download in queue mode',
					path: 'vidu-queue-download',
					vidu: { downloadVideo: true, waitOptions: { maxWaitMinutes: 5, allowLocalResumeUrl: true } },
				}),
				triggerExample(mock.url),
				submitToTriggerExample(mock.url, {
					id: 'viduQueueSubmitOnly',
					name: 'Vidu: submit to the trigger in queue mode',
					path: 'vidu-queue-submit',
				}),
			],
			workers: 2,
			concurrency: 1,
			probePath: 'vidu-animate',
		});
	}, 40 * 60_000);

	afterAll(async () => {
		await cluster?.stop();
		await mock?.stop();
	});

	beforeEach(() => {
		mock.forgetRecorded();
		mock.callbackRoute = undefined;
		mock.holdFinalCallbacks = 0;
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
		expect(workerRuns()).toBeGreaterThan(before);

		const filter = encodeURIComponent(JSON.stringify({ workflowId: 'viduQueuePoll01' }));
		const [execution] = ((await rest(`executions?filter=${filter}`)) as { results: Array<{ id: string }> }).results;
		const saved = JSON.stringify(await rest(`executions/${execution.id}`));
		// n8n saves execution data "flatted": the binary reference is a string of its own, quoted or escaped.
		const binaryId = /\b((?:database|filesystem-v2|filesystem):[^"\\\s]+)/.exec(saved)?.[1];
		expect(binaryId).toBeDefined();
		const bytes = await fetch(`${cluster.base}/rest/binary-data?id=${encodeURIComponent(binaryId!)}&action=download`, {
			headers: { cookie: cluster.cookie },
		});
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
			expect(callback.url.startsWith(`${cluster.hook}/webhook-waiting/`)).toBe(true);
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

	describe('two tasks of one run finishing together, with Download Video', () => {
		const downloads = () => mock.requests.filter((r) => r.path.startsWith('/cdn/')).length;
		const finishTogether = async () => {
			mock.sendCallbacks = true;
			mock.setDefaultScript({ generationMs: 3000 });
			mock.holdFinalCallbacks = 2;
			await trigger('vidu-queue-download', [`${mock.url}/images/a.png`, `${mock.url}/images/b.png`]);
			const [{ results }] = (await until('the report', () => (mock.sink.length ? mock.sink : undefined), 120_000)) as Results[];
			expect(results.map((item) => item.status)).toEqual(['completed', 'completed']);
			await until(
				'both final callbacks answered',
				() => (mock.callbacks.filter((c) => c.status === 'completed').length === 2 ? true : undefined),
				30_000,
			);
			return mock.callbacks.filter((c) => c.status === 'completed').map((c) => c.answer);
		};

		it('callbacks reaching one process: one check each, two downloads, both answered 2xx', async () => {
			const answers = await finishTogether();
			expect(answers.every((status) => status >= 200 && status < 300)).toBe(true);
			expect(downloads()).toBe(2);
			expect(mock.sink).toHaveLength(1);
		});

		it('callbacks reaching two processes at once (the documented limit): both download, n8n resumes the run once, both answered 2xx', async () => {
			// Item 2's callback goes to the main instance, item 1's to the webhook process, at the same moment.
			mock.callbackRoute = (url) => (url.includes('vidu_item=1') ? url.replace(cluster.hook, cluster.base) : url);
			const answers = await finishTogether();
			// Each process answers before it downloads: the losing one's downloads may come after the report.
			await until('the losing process downloading too', () => (downloads() === 4 ? true : undefined), 30_000);
			console.log(`[e2e] two processes: callbacks answered ${answers.join(', ')}, ${downloads()} downloads for 2 videos`);
			// n8n lets one resume and refuses the other, after the node has answered the provider: no error
			// for it to deliver again.
			expect(answers).toEqual([200, 200]);
			expect(mock.sink).toHaveLength(1);
			// Queue mode keeps binary data in the database: every copy, the losing process's too, is filed
			// under this execution, which n8n deletes with it (README, Running at scale).
			const filter = encodeURIComponent(JSON.stringify({ workflowId: 'viduQueueCallbackDl' }));
			const [execution] = ((await rest(`executions?filter=${filter}`)) as { results: Array<{ id: string }> }).results;
			const copies = async () =>
				await cluster.query(`SELECT count(*) FROM binary_data WHERE "sourceType" = 'execution' AND "sourceId" = '${Number(execution.id)}'`);
			await until('every copy stored', async () => ((await copies())[0] === '4' ? true : undefined), 30_000);
			expect(downloads()).toBe(4);
		});
	});

	// Started through the main instance: n8n 2.40.7 passes an editor's stop on to the worker only for
	// runs the main instance started (see README, Running at scale).
	it("a polling run stopped from the editor: cancelled on its worker, which stops asking, and its paid task ids are in the worker's log", async () => {
		mock.sendCallbacks = false;
		mock.setDefaultScript({ generationMs: 600_000 });
		await sendImages(cluster.base, 'vidu-queue-poll', [`${mock.url}/images/stop-0.png`, `${mock.url}/images/stop-1.png`]);
		await until('status checks of both tasks', () => (new Set(mock.polls.map((p) => p.path)).size >= 2 ? true : undefined), 60_000);
		const taskIds = [...new Set(mock.polls.map((p) => p.path.split('/').pop()!))];
		const filter = encodeURIComponent(JSON.stringify({ status: ['running'], workflowId: 'viduQueuePoll01' }));
		const running = await until(
			'the running execution',
			async () => ((await rest(`executions?filter=${filter}`)) as { results: Array<{ id: string }> }).results[0],
			30_000,
		);
		await fetch(`${cluster.base}/rest/executions/${running.id}/stop`, {
			method: 'POST',
			headers: { cookie: cluster.cookie, 'content-type': 'application/json' },
			body: '{}',
		});
		const saved = await until(
			'the stopped execution',
			async () => {
				const execution = (await rest(`executions/${running.id}`)) as { status?: string };
				return execution.status && execution.status !== 'running' ? execution : undefined;
			},
			60_000,
		);
		expect(saved.status).toMatch(/cancel/i);
		// In queue mode the main instance records the stop itself and keeps none of the worker's data (no
		// custom data): the node's log line on the worker is where the paid task ids are.
		const workerLog = () => cluster.workerLogs.map((file) => readFileSync(file, 'utf8')).join('\n');
		for (const taskId of taskIds) expect(workerLog()).toMatch(new RegExp(`Vidu task ${taskId} submitted for item \\d+ \\(paid\\)`));
		// The worker ends the run and its slot is free: no status call after that (the interval is 1 s).
		await until(
			'the worker to end the run',
			() => (new RegExp(`Worker (finished|errored while running) execution ${running.id} `).test(workerLog()) ? true : undefined),
			30_000,
		);
		const polls = mock.polls.length;
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(mock.polls).toHaveLength(polls);
	});

	it('Submit Only + Vidu Trigger: every task starts an execution on a worker, its two final callbacks reaching two n8n processes (at least once)', async () => {
		const images = Array.from({ length: 8 }, (_, n) => `${mock.url}/images/trigger-${n}.png`);
		mock.sendCallbacks = true;
		mock.finalCallbackCopies = 2;
		mock.setDefaultScript({ generationMs: 3000 });
		// A task's first final callback goes to the webhook process, the second to the main instance.
		const finalsSent = new Map<string, number>();
		mock.callbackRoute = (url, { taskId, status }) => {
			if (status !== 'completed') return url;
			finalsSent.set(taskId, (finalsSent.get(taskId) ?? 0) + 1);
			return finalsSent.get(taskId) === 2 ? url.replace(cluster.hook, cluster.base) : url;
		};
		const before = workerRuns();
		try {
			await trigger('vidu-queue-submit', images);
			const taskIds = await until(
				'every task submitted',
				() => (mock.creates.length === 8 ? images.map((url) => mock.taskIdFor(url)) : undefined),
				60_000,
			);
			const finals = () => mock.callbacks.filter((c) => c.status === 'completed');
			await until('every final callback, twice', () => (finals().length === 16 ? true : undefined), 120_000);
			for (const taskId of taskIds)
				expect(
					finals()
						.filter((c) => c.taskId === taskId)
						.map((c) => new URL(c.url).origin)
						.sort(),
				).toEqual([cluster.hook, cluster.base].sort());
			expect(finals().every((c) => c.answer === 200)).toBe(true);
			const forged = await fetch(`${cluster.hook}${TRIGGER_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ id: 'task_forged', status: 'completed' }),
			});
			expect(forged.status).toBe(200);
			const reported = () => mock.sink.map((entry) => (entry as { taskId?: string }).taskId).filter((id) => id !== undefined);
			await until('a report per task', () => (new Set(reported()).size === 8 ? true : undefined), 120_000);
			expect(new Set(reported())).toEqual(new Set(taskIds));
			// The trigger's executions ran on the workers, and the submitting run waits for nothing.
			expect(workerRuns() - before).toBeGreaterThanOrEqual(9);
			const waiting = encodeURIComponent(JSON.stringify({ status: ['waiting'] }));
			expect((await rest(`executions?filter=${waiting}`)) as { count: number }).toMatchObject({ count: 0 });
			// Copies 50 ms apart: each process may read the static data before the other saved it (at least once).
			const count = async (status: string) =>
				(
					(await rest(
						`executions?filter=${encodeURIComponent(JSON.stringify({ status: [status], workflowId: 'viduExampleTriggerReceive' }))}`,
					)) as { count: number }
				).count;
			const executions = await until(
				'every trigger execution ended and reported',
				async () =>
					(await count('running')) + (await count('new')) === 0 && (await count('success')) === reported().length
						? reported().length
						: undefined,
				60_000,
			);
			console.log(
				`[e2e] queue mode trigger: 8 tasks, 16 finals on 2 processes 50 ms apart, ${executions} executions (${executions - 8} duplicates)`,
			);
			// A repeat that comes later, to either process, finds the task in the static data the other one saved.
			for (const origin of [cluster.base, cluster.hook])
				for (const taskId of taskIds) {
					const late = await fetch(`${origin}${TRIGGER_PATH}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ id: taskId, status: 'completed' }),
					});
					expect(await late.json()).toEqual({ received: true, ignored: 'this task already started an execution' });
				}
			expect(reported()).toHaveLength(executions);
		} finally {
			mock.finalCallbackCopies = 1;
		}
	});

	// Last: it leaves one worker running.
	it('Callback: a run paused on one worker is resumed by the other after the first has gone away', async () => {
		mock.sendCallbacks = true;
		mock.setDefaultScript({ generationMs: 20_000 });
		const logOf = (worker: number) => readFileSync(cluster.workerLogs[worker], 'utf8');
		const startedBefore = cluster.workerLogs.map((_, worker) => new Set(logOf(worker).match(/Worker started execution \d+/g)));
		const triggeredAt = Date.now();
		await trigger('vidu-animate', [`${mock.url}/images/moved.png`]);
		const [pausedOn, executionId] = await until(
			'a worker to take the run',
			() => {
				for (const worker of [0, 1]) {
					const started = (logOf(worker).match(/Worker started execution \d+/g) ?? []).find((line) => !startedBefore[worker].has(line));
					if (started) return [worker, started.split(' ').pop()!] as const;
				}
				return undefined;
			},
			60_000,
		);
		await until(
			'the run to pause',
			() => (logOf(pausedOn).includes(`Worker finished execution ${executionId} `) ? true : undefined),
			60_000,
		);
		expect(mock.creates).toHaveLength(1);
		await cluster.stopWorker(pausedOn);
		// Stopped before the video can have ended (20 s after its submission, which followed the trigger).
		expect(Date.now() - triggeredAt).toBeLessThan(20_000);
		const [{ results }] = (await until('the report', () => (mock.sink.length ? mock.sink : undefined), 120_000)) as Results[];
		expect(results).toEqual([expect.objectContaining({ status: 'completed', videoUrl: expect.stringMatching(/\/cdn\/task_\d+\.mp4$/) })]);
		// So the other worker resumed the run.
		expect(logOf(1 - pausedOn)).toContain(`Worker started execution ${executionId} `);
		expect(mock.creates).toHaveLength(1);
	});
});
