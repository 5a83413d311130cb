import type { INodeExecutionData } from 'n8n-workflow';

import { newExecutionId, runWebhook } from '../helpers/runNode';
import { FAST_WAIT, sentParams, useMock } from '../helpers/setup';

const { mock, run, clock } = useMock();
/** The query n8n passes on for a callback of `item` in the paused run: its item and its run token. */
const doorbell = (paused: INodeExecutionData[], item: number) => ({
	vidu_item: String(item),
	vidu_run: String((paused[0].json.vidu as { run: string }).run),
});
/** What a callback that resumes the run is answered, and so is every other that finds the run resuming. */
const RESUMED = { status: 200, body: { received: true, resumed: true } };

const callbackParameters = (extra: Record<string, unknown> = {}) => ({
	operation: 'generate',
	imageSource: 'url',
	imageUrl: '={{ $json.url }}',
	waitMode: 'callback',
	waitOptions: FAST_WAIT,
	...extra,
});

describe('Wait Mode: Callback (the submitting half; the resume runs in real n8n, see test/e2e)', () => {
	it('submits every item with the resume URL plus its item as callback_url, and never polls', async () => {
		const items = [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'https://example.com/2.png' } }];
		const output = await run({ parameters: callbackParameters(), items });
		expect(mock().creates).toHaveLength(2);
		expect(mock().polls).toHaveLength(0);
		// Sent together, so they may arrive in any order: each carries its own item's number.
		const callbackOf = (url: string) =>
			mock()
				.creates.map((_, n) => sentParams(mock(), n))
				.find((p) => (p.images as string[])[0] === url)!.callback_url;
		for (const n of [0, 1]) {
			expect(callbackOf(items[n].json.url)).toMatch(
				new RegExp(`^http://127\\.0\\.0\\.1:5678/webhook-waiting/exec-\\d+/vidu\\?.*vidu_item=${n}&vidu_run=[a-z0-9]{16}$`),
			);
		}
		// While the execution waits, each item carries its task id: what flows on if the wait runs out.
		expect(output.map((item) => item.json.vidu)).toEqual(
			items.map((item) => expect.objectContaining({ videoArrived: false, taskId: mock().taskIdFor(item.json.url) })),
		);
	});

	it('does not pause when every task is already finished on creation', async () => {
		mock().scriptTasks({ terminalOnCreate: true });
		const [item] = await run({ parameters: callbackParameters(), items: [{ json: { url: 'https://example.com/1.png' } }] });
		expect(item.json).toMatchObject({ status: 'completed', taskId: 'task_1' });
	});

	it('in production, refuses to submit when the resume URL points at this machine (WEBHOOK_URL not set)', async () => {
		const items = [{ json: { url: 'https://example.com/1.png' } }];
		const failure = (await run({ parameters: callbackParameters(), items, mode: 'webhook' }).catch((e: unknown) => e)) as Error & {
			description: string;
		};
		expect(failure.message).toMatch(
			/^Wait Mode Callback: n8n's resume URL points at this machine \(http:\/\/127\.0\.0\.1:5678\/webhook-waiting\/exec-\d+\)$/,
		);
		expect(failure.description).toMatch(/WEBHOOK_URL/);
		expect(mock().creates).toHaveLength(0);
	});

	it('submits in production when the resume URL is public, or when the user allows a local one', async () => {
		const items = [{ json: { url: 'https://example.com/1.png' } }];
		await run({
			parameters: callbackParameters(),
			items,
			mode: 'webhook',
			webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
		});
		const allowLocal = callbackParameters({ waitOptions: { ...FAST_WAIT, allowLocalResumeUrl: true } });
		await run({ parameters: allowLocal, items, mode: 'webhook' });
		expect(mock().creates).toHaveLength(2);
	});

	it('a Callback URL saved before switching to Callback mode is not sent: the resume URL is', async () => {
		await run({
			parameters: callbackParameters({ options: { callbackUrl: 'https://example.com/mine' } }),
			items: [{ json: { url: 'https://example.com/1.png' } }],
		});
		expect(sentParams(mock(), 0).callback_url).toMatch(/^http:\/\/127\.0\.0\.1:5678\/webhook-waiting\/.*\/vidu\?/);
	});

	it('without Continue On Fail, a bad later item is refused before any task is paid for', async () => {
		const failure = (await run({
			parameters: callbackParameters(),
			items: [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'ftp://example.com/2.png' } }],
		}).catch((e: unknown) => e)) as { message: string; description: string; context: { itemIndex: number } };
		expect(failure.message).toMatch(/^Image URL: "ftp:\/\/example.com\/2.png" is not an http\(s\) URL/);
		expect(failure.context.itemIndex).toBe(1);
		expect(mock().creates).toHaveLength(0);
	});

	it('names the tasks already submitted when the API refuses a later submission without Continue On Fail', async () => {
		mock().fault({ route: 'create', status: 400, body: { message: 'invalid parameter' } });
		const failure = (await run({
			parameters: callbackParameters(),
			items: [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'https://example.com/2.png' } }],
		}).catch((e: unknown) => e)) as { message: string; description: string };
		expect(failure.message).toMatch(/HTTP 400/);
		// The refusal created nothing; the other submission is the run's only task.
		expect(failure.description).toMatch(/Other tasks submitted in this run, all paid for: task_1/);
	});
});

describe("Wait Mode: Callback, the doorbell (webhook() in n8n-core's WebhookContext)", () => {
	it('keeps waiting while a task runs, then resumes with Poll-mode items once all are finished', async () => {
		mock().scriptTasks({ forItem: '/1.png', pollsBeforeDone: 1 }, { forItem: '/2.png', pollsBeforeDone: 0 });
		const items = [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'https://example.com/2.png' } }];
		const parameters = callbackParameters({ downloadVideo: true });
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const paused = await run({ parameters, items, executionId });
		const ring = async (item: number, body: Record<string, unknown> = {}) =>
			await runWebhook({ parameters, items: paused, credential, executionId }, { query: doorbell(paused, item), body });

		// "processing" costs nothing; a bare doorbell asks the API, starting after the ringing task.
		expect((await ring(1, { status: 'processing' })).answer).toEqual({ status: 200, body: { received: true } });
		expect(mock().polls).toHaveLength(0);
		const [first, second] = ['/1.png', '/2.png'].map((url) => mock().taskIdFor(url));
		expect((await ring(1)).answer).toEqual({ status: 200, body: { received: true, waitingFor: first } });
		const final = await ring(0, { id: first, status: 'completed' });
		// Answered by the node before the downloads, not by n8n after them.
		expect(final.response.noWebhookResponse).toBe(true);
		expect(final.answer).toEqual(RESUMED);
		const output = final.response.workflowData![0];
		expect(output.map((item) => [item.json.taskId, item.json.status, item.pairedItem])).toEqual([
			[first, 'completed', { item: 0 }],
			[second, 'completed', { item: 1 }],
		]);
		expect(output[0].binary?.data.mimeType).toBe('video/mp4');
		expect(Object.keys(output[0].json).sort()).toEqual(
			[
				'apiStatus',
				'elapsedSeconds',
				'metadata',
				'model',
				'progress',
				'status',
				'statusChecks',
				'taskId',
				'usage',
				'videoUrl',
				'videos',
				'videoCount',
			].sort(),
		);
	});

	/**
	 * `count` items paused in Callback mode, each task running for `pollsBeforeDone` status answers;
	 * `ring(item, body)` calls back for one of them.
	 */
	const pauseItems = async (count: number, pollsBeforeDone: number) => {
		mock().setDefaultScript({ pollsBeforeDone });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const items = Array.from({ length: count }, (_, n) => ({ json: { url: `https://example.com/${n}.png` } }));
		const paused = await run({ parameters, items, executionId });
		return async (item: number, body: unknown = {}) =>
			await runWebhook({ parameters, items: paused, credential, executionId }, { query: doorbell(paused, item), body });
	};

	it('a callback that says its task is done while the API still says running is checked again shortly, then resumes', async () => {
		// A gateway's status lagging the provider's callback: the API says running twice more.
		const ring = await pauseItems(1, 2);
		const slept = clock.sleptMs();
		const { response, answer } = await ring(0, { state: 'success' });
		expect(answer).toEqual(RESUMED);
		expect(response.workflowData![0][0].json.status).toBe('completed');
		expect(mock().polls).toHaveLength(3);
		// Asked again after 1 s, then 2 s more (on the node's clock, which real milliseconds also move).
		expect(clock.sleptMs() - slept).toBeGreaterThan(2900);
		expect(clock.sleptMs() - slept).toBeLessThanOrEqual(3000);
	});

	it('tasks that finish together, their callbacks at once, the API a moment behind: the run still resumes', async () => {
		const ring = await pauseItems(3, 1);
		const answers = await Promise.all([0, 1, 2].map(async (n) => await ring(n, { state: 'success' })));
		expect(answers.filter((a) => a.response.workflowData)).toHaveLength(1);
		expect(answers.map((a) => a.answer)).toEqual([0, 1, 2].map(() => RESUMED));
	});

	it('asks again at most three times in 6 s, and not at all for a callback that says no state', async () => {
		const ring = await pauseItems(1, 1_000_000);
		const taskId = mock().taskIdFor('/0.png');
		expect((await ring(0)).answer).toEqual({ status: 200, body: { received: true, waitingFor: taskId } });
		expect(mock().polls).toHaveLength(1);
		const slept = clock.sleptMs();
		expect((await ring(0, { status: 'completed' })).answer).toEqual({ status: 200, body: { received: true, waitingFor: taskId } });
		expect(mock().polls).toHaveLength(1 + 4);
		expect(clock.sleptMs() - slept).toBeGreaterThan(5900);
		expect(clock.sleptMs() - slept).toBeLessThanOrEqual(6000);
	});

	it('in a workflow in "combined" binary mode (n8n 2.x), finds the paused items and resumes', async () => {
		// There n8n's expressions see items as their JSON only: the run's task ids must still be found.
		mock().setDefaultScript({ pollsBeforeDone: 0 });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const items = [0, 1].map((n) => ({ json: { url: `https://example.com/${n}.png` } }));
		const setup = { parameters, credential, executionId, workflowBinaryMode: 'combined' as const };
		const paused = await run({ ...setup, items });
		const answers = [];
		for (const n of [0, 1]) answers.push(await runWebhook({ ...setup, items: paused }, { query: doorbell(paused, n), body: {} }));
		expect(answers.map((a) => a.answer.status)).toEqual([200, 200]);
		const output = answers.find((a) => a.response.workflowData)!.response.workflowData![0];
		expect(output.map((item) => item.json.taskId)).toEqual(items.map((item) => mock().taskIdFor(item.json.url)));
	});

	it('with Execute Once, resumes with the one item it submitted, not the others n8n keeps with the paused node', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 0 });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const items = [0, 1, 2].map((n) => ({ json: { url: `https://example.com/${n}.png` } }));
		// n8n hands execute() the first item only, and keeps all three on the paused node's stack.
		const [paused] = await run({ parameters, items: items.slice(0, 1), executionId });
		const stack = [paused, ...items.slice(1)];
		const { response } = await runWebhook({ parameters, items: stack, credential, executionId }, { query: doorbell(stack, 0), body: {} });
		expect(response.workflowData![0].map((item) => [item.json.taskId, item.json.status, item.pairedItem])).toEqual([
			[mock().taskIdFor('/0.png'), 'completed', { item: 0 }],
		]);
		expect(mock().creates).toHaveLength(1);
	});

	it('a callback without a JSON object (no body, null, text) is still a doorbell: the run resumes', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 0 });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		for (const body of [undefined, null, 'done', [1]]) {
			const executionId = newExecutionId();
			const paused = await run({ parameters, items: [{ json: { url: 'https://example.com/1.png' } }], executionId });
			const { response, answer } = await runWebhook(
				{ parameters, items: paused, credential, executionId },
				{ query: doorbell(paused, 0), body },
			);
			expect([answer, response.workflowData?.[0][0].json.status]).toEqual([RESUMED, 'completed']);
		}
	});

	it('refuses a doorbell for a task outside the run with HTTP 404, asking the API nothing', async () => {
		const parameters = callbackParameters();
		const paused = await run({ parameters, items: [{ json: { url: 'https://example.com/1.png' } }] });
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const refused = await runWebhook({ parameters, items: paused, credential }, { query: doorbell(paused, 0), body: { id: 'task_99' } });
		expect(refused.answer).toEqual({ status: 404, body: { error: 'not a task of this run' } });
		expect(refused.response).toEqual({ noWebhookResponse: true });
		expect(mock().polls).toHaveLength(0);
	});

	it('the resume downloads the videos six at a time, as Poll mode does, each into its own item', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 0 });
		mock().fault({ route: 'download', delayMs: 40, times: 12 });
		const parameters = callbackParameters({ downloadVideo: true });
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const items = Array.from({ length: 12 }, (_, n) => ({ json: { url: `https://example.com/${n}.png` } }));
		const paused = await run({ parameters, items, executionId });
		const { response } = await runWebhook({ parameters, items: paused, credential, executionId }, { query: doorbell(paused, 0), body: {} });
		const output = response.workflowData![0];
		expect(output.map((item) => item.binary?.data.fileName)).toEqual(items.map((item) => `${mock().taskIdFor(item.json.url)}.mp4`));
		expect(mock().downloads).toHaveLength(12);
		expect(mock().peakInFlight.download).toBe(6);
	});

	it('when callbacks arrive together, asks about each finished task once and resumes only once', async () => {
		const ring = await pauseItems(5, 0);
		const answers = await Promise.all([0, 1, 2, 3, 4].map(async (n) => await ring(n)));
		expect(answers.filter((a) => a.response.workflowData)).toHaveLength(1);
		// The others learn that the run is resuming: nothing for the provider to deliver again.
		expect(answers.map((a) => a.answer)).toEqual([0, 1, 2, 3, 4].map(() => RESUMED));
		expect(mock().polls.length).toBeLessThanOrEqual(2 * 5);
	});

	it('a burst of 300 bare doorbells while a task runs costs a few status calls, not 300', async () => {
		mock().scriptTasks({ forItem: '/0.png', pollsBeforeDone: 1_000_000 }, { forItem: '/1.png', pollsBeforeDone: 0 });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const items = [0, 1].map((n) => ({ json: { url: `https://example.com/${n}.png` } }));
		const paused = await run({ parameters, items, executionId });
		const answers = await Promise.all(
			Array.from(
				{ length: 300 },
				async () => await runWebhook({ parameters, items: paused, credential, executionId }, { query: doorbell(paused, 1), body: {} }),
			),
		);
		expect(answers.every((a) => a.response.webhookResponse && !a.response.workflowData)).toBe(true);
		expect(mock().polls.length).toBeLessThanOrEqual(6);
	});

	it('refuses a callback of an earlier run of the same node with HTTP 404, asking the API nothing', async () => {
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const paused = await run({ parameters, items: [{ json: { url: 'https://example.com/1.png' } }] });
		const late = await runWebhook(
			{ parameters, items: paused, credential },
			{ query: { vidu_item: '0', vidu_run: 'an0earlier0run00' }, body: {} },
		);
		expect(late.answer).toEqual({ status: 404, body: { error: 'not a task of this run' } });
		expect(late.response).toEqual({ noWebhookResponse: true });
		expect(mock().polls).toHaveLength(0);
	});
});

describe('Wait Mode: Callback, faults while a callback is answered: the execution keeps waiting, nothing is lost', () => {
	const setup = async (count: number) => {
		mock().setDefaultScript({ pollsBeforeDone: 0 });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		const items = Array.from({ length: count }, (_, n) => ({ json: { url: `https://example.com/${n}.png`, mine: n } }));
		const paused = await run({ parameters, items, executionId });
		const ring = async (item: number, body: unknown = {}) =>
			await runWebhook({ parameters, items: paused, credential, executionId }, { query: doorbell(paused, item), body });
		return { paused, ring };
	};
	const RETRY = { status: 503, body: { received: true, retry: 'the tasks could not be checked now: call again later' } };

	it.each([
		{ label: 'two 502s in a row', fault: { status: 502, body: { message: 'bad gateway' }, times: 2 } },
		{ label: 'two 429s in a row', fault: { status: 429, body: { message: 'slow down' }, times: 2 } },
		{ label: 'two dropped connections', fault: { drop: true, times: 2 } },
		{ label: 'a 404 for a task of the run', fault: { status: 404, body: { message: 'no such task' } } },
		{ label: 'an answer that is not JSON', fault: { status: 200, rawBody: '<html>upstream</html>' } },
	])('$label: the provider is asked to call again, and a later callback resumes with every item', async ({ fault }) => {
		const { paused, ring } = await setup(2);
		mock().fault({ route: 'poll', ...fault });
		const failed = await ring(1, { status: 'completed' });
		expect(failed.answer).toEqual(RETRY);
		expect(failed.response).toEqual({ noWebhookResponse: true });
		// The API answers again: the provider's next try resumes the run, each item with its own task.
		const { response } = await ring(1, { status: 'completed' });
		expect(response.workflowData![0].map((item) => [item.json.taskId, item.json.status, item.pairedItem])).toEqual(
			paused.map((item, n) => [(item.json.vidu as { taskId: string }).taskId, 'completed', { item: n }]),
		);
	});

	it('one failed status call is tried again within the callback: the run resumes at once', async () => {
		const { ring } = await setup(1);
		mock().fault({ route: 'poll', status: 502, body: { message: 'bad gateway' } });
		const { answer, response } = await ring(0, { status: 'completed' });
		expect(answer).toEqual(RESUMED);
		expect(response.workflowData![0][0].json.status).toBe('completed');
	});

	it('an API error text that echoes the key reaches neither the provider nor the answer', async () => {
		const { ring } = await setup(1);
		mock().fault({ route: 'poll', status: 404, body: { message: `unknown key ${mock().apiKey}` } });
		const { answer } = await ring(0);
		expect(answer).toEqual(RETRY);
		expect(JSON.stringify(answer)).not.toContain(mock().apiKey);
	});

	it('a second Callback pause of the same execution (the node again, in a loop) resumes with its own tasks', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 0 });
		const parameters = callbackParameters();
		const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
		const executionId = newExecutionId();
		for (const round of [0, 1, 2]) {
			const items = [{ json: { url: `https://example.com/round${round}.png` } }];
			const paused = await run({ parameters, items, executionId, runIndex: round });
			const { response, answer } = await runWebhook(
				{ parameters, items: paused, credential, executionId },
				{ query: doorbell(paused, 0), body: {} },
			);
			expect(answer).toEqual(RESUMED);
			expect(response.workflowData![0].map((item) => item.json.taskId)).toEqual([mock().taskIdFor(`/round${round}.png`)]);
		}
	});
});
