import type { NodeApiError } from 'n8n-workflow';

import { systemClock } from '../../nodes/Vidu/helpers/clock';
import { runNode } from '../helpers/runNode';
import { unreachableBaseUrl, useMock } from '../helpers/setup';

const { mock, run, clock } = useMock();
const generate = (wait: Record<string, unknown> = {}) => ({
	operation: 'generate',
	imageSource: 'url',
	imageUrl: 'https://example.com/a.png',
	// Seconds: a busy machine may take tenths of one to answer; only the tests of a timeout set less.
	waitOptions: { pollIntervalSeconds: 5, maxWaitMinutes: 10, requestTimeoutSeconds: 10, ...wait },
});
const fail = async (promise: Promise<unknown>) => (await promise.catch((e: unknown) => e)) as NodeApiError;

/** The node's (virtual) clock time at which each request of a route reached the mock. */
function arrivalTimes(method: string): number[] {
	const times: number[] = [];
	mock().onRequest = (request) => {
		if (request.method === method) times.push(systemClock.now());
	};
	return times;
}

describe('fault matrix: status checks are retried until the maximum wait', () => {
	it('rides out a server that answers 500 three times, then succeeds', async () => {
		mock()
			.scriptTasks({ pollsBeforeDone: 1 })
			.fault({ route: 'poll', status: 500, body: { message: 'hiccup' }, times: 3 });
		const [item] = await run({ parameters: generate() });
		expect(item.json.status).toBe('completed');
		expect(mock().creates).toHaveLength(1);
		expect(mock().polls).toHaveLength(5);
	});

	it('backs off exponentially with jitter between retries', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 }).fault({ route: 'poll', status: 503, times: 4 });
		const polledAt = arrivalTimes('GET');
		await run({ parameters: generate() });
		expect(polledAt).toHaveLength(5);
		const gaps = polledAt.slice(1).map((t, n) => t - polledAt[n]);
		// Retry pauses of 1, 2, 4 and 8 s, each scaled by 50–100 %.
		gaps.forEach((gap, n) => {
			expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** n * 0.5);
			expect(gap).toBeLessThanOrEqual(1000 * 2 ** n + 250);
		});
	});

	it('honours Retry-After on a 429', async () => {
		mock()
			.scriptTasks({ pollsBeforeDone: 0 })
			.fault({ route: 'poll', status: 429, headers: { 'retry-after': '17' } });
		const polledAt = arrivalTimes('GET');
		await run({ parameters: generate() });
		expect(polledAt).toHaveLength(2);
		expect(polledAt[1] - polledAt[0]).toBeGreaterThanOrEqual(17_000);
	});

	it('retries a dropped connection', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 }).fault({ route: 'poll', drop: true, times: 2 });
		const [item] = await run({ parameters: generate() });
		expect(item.json.videoUrl).toBe(`${mock().url}/cdn/task_1.mp4`);
		expect(mock().polls).toHaveLength(3);
	});

	it('retries an answer slower than the request timeout', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 }).fault({ route: 'poll', delayMs: 6000 });
		const [item] = await run({ parameters: generate({ requestTimeoutSeconds: 1 }) });
		expect(item.json.status).toBe('completed');
		expect(mock().creates).toHaveLength(1);
	});

	it('gives up only at the maximum wait, naming the task and the last fault', async () => {
		mock().fault({ route: 'poll', status: 502, times: 10_000 });
		const failure = await fail(run({ parameters: generate({ maxWaitMinutes: 2 }) }));
		expect(failure.message).toMatch(/^Vidu task task_1 did not finish within 2 minutes/);
		expect(failure.description).toMatch(/Get Task operation and task ID task_1/);
		expect(failure.description).toMatch(/last status checks failed: .*HTTP 502/);
		expect(failure.context.taskId).toBe('task_1');
		expect(clock.sleptMs()).toBeLessThanOrEqual(2 * 60_000);
		expect(clock.sleptMs()).toBeGreaterThan(60_000);
		expect(mock().creates).toHaveLength(1);
	});

	it('times out a task that never finishes, with its id, after one submission', async () => {
		mock().scriptTasks({ pollsBeforeDone: Number.MAX_SAFE_INTEGER, runningStates: ['queued', 'mystery_state'] });
		const failure = await fail(run({ parameters: generate({ maxWaitMinutes: 3 }) }));
		expect(failure.message).toMatch(/^Vidu task task_1 did not finish within 3 minutes \(last status: (queued|mystery_state)/);
		expect(mock().creates).toHaveLength(1);
		// Checks back off to the 5 s interval and no further: about 180 s / 5 s of them, never a flood.
		expect(mock().polls.length).toBeGreaterThanOrEqual(34);
		expect(mock().polls.length).toBeLessThanOrEqual(40);
	});

	it.each([
		{ answer: 'a body that is not JSON', fault: { status: 200, rawBody: 'upstream connect error' } },
		{ answer: 'HTTP 404 for the task the API has just created', fault: { status: 404, body: { message: 'task not found' } } },
		{ answer: 'an answer with no task id', fault: { status: 200, body: { data: null } } },
	])('asks again after $answer once (a status check is free), and the task completes', async ({ fault }) => {
		mock().fault({ route: 'poll', ...fault });
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed' });
		expect(mock().creates).toHaveLength(1);
	});

	it('explains a status answer that stays not JSON after three checks, naming the task', async () => {
		mock().scriptTasks({ pollsBeforeDone: Number.MAX_SAFE_INTEGER });
		mock().fault({ route: 'poll', status: 200, rawBody: 'upstream connect error', times: 10 });
		await expect(run({ parameters: generate() })).rejects.toThrow(/unusable answer: HTTP 200 with a body that is not JSON \[task task_1\]/);
		expect(mock().polls).toHaveLength(3);
	});

	it('reads JSON answers that start with a byte order mark', async () => {
		mock().fault({ route: 'create', status: 200, rawBody: '\uFEFF' + JSON.stringify({ id: 'task_bom', status: 'queued' }) });
		mock().fault({
			route: 'poll',
			status: 200,
			rawBody: '\uFEFF' + JSON.stringify({ id: 'task_bom', status: 'failed', error: 'no luck' }),
		});
		await expect(run({ parameters: generate() })).rejects.toThrow(/^Vidu task task_bom failed: no luck/);
	});

	it('retries Get Task a few times on its own', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		await run({ parameters: { operation: 'submit', imageSource: 'url', imageUrl: 'https://example.com/a.png' } });
		mock().fault({ route: 'poll', status: 500, times: 2 });
		const [item] = await run({ parameters: { operation: 'getTask', taskId: 'task_1' } });
		expect(item.json.status).toBe('completed');
		expect(mock().polls).toHaveLength(3);
	});
});

describe('fault matrix: a submission is never sent twice once it may have arrived', () => {
	it.each([
		// Request Timeout (1 s) and the 5 s grace a create answer gets: a paid id may still be on its way.
		{ label: 'a timeout', fault: { delayMs: 9_000 }, words: /the request timed out/ },
		{ label: 'a dropped connection', fault: { drop: true }, words: /the connection was closed unexpectedly/ },
	])('after $label it stops and says the task may exist', async ({ fault, words }) => {
		mock().fault({ route: 'create', ...fault });
		const failure = await fail(run({ parameters: generate({ requestTimeoutSeconds: 1 }) }));
		expect(failure.message).toMatch(words);
		expect(failure.message).toMatch(/the task may have been created$/);
		expect(failure.description).toMatch(/check your task list/);
		expect(mock().creates).toHaveLength(1);
		expect(mock().polls).toHaveLength(0);
	});

	it('does not retry a 500 on submission', async () => {
		mock().fault({ route: 'create', status: 500, body: { error: 'db down' }, times: 5 });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toBe('The Vidu API had an internal problem (HTTP 500) while submitting: the task may have been created');
		expect(mock().creates).toHaveLength(1);
	});

	it('retries a 429 after the time Retry-After asks, then goes on', async () => {
		mock().fault({ route: 'create', status: 429, headers: { 'retry-after': '30' } });
		const submittedAt = arrivalTimes('POST');
		const [item] = await run({ parameters: generate() });
		expect(item.json.taskId).toBe('task_1');
		expect(submittedAt).toHaveLength(2);
		expect(submittedAt[1] - submittedAt[0]).toBeGreaterThanOrEqual(30_000);
	});

	it("keeps refused (429) submissions for later until Max Wait runs out, then gives the API's refusal", async () => {
		mock().fault({ route: 'create', status: 429, body: { message: 'too many' }, times: 1000 });
		const failure = await fail(run({ parameters: generate({ maxWaitMinutes: 2 }) }));
		expect(failure.message).toBe('The Vidu API is rate limiting requests (HTTP 429)');
		expect(mock().creates.length).toBeGreaterThan(3);
		expect(mock().creates.length).toBeLessThan(40);
		expect(clock.sleptMs()).toBeLessThanOrEqual(2 * 60_000);
	});

	it('retries a refused connection, which cannot have created anything, and says so plainly', async () => {
		const url = await unreachableBaseUrl();
		const failure = await fail(runNode({ parameters: generate(), credential: { apiKey: 'k-123456', baseUrl: url } }));
		expect(failure.message).toBe(`Could not reach the Vidu API at ${url}/model/v1/generation: the connection was refused`);
		expect(failure.description).not.toMatch(/may have been created/);
		expect(clock.sleptMs()).toBeGreaterThanOrEqual(500 + 1000);
	});
});
