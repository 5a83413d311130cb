import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runNode } from '../helpers/runNode';
import { SUBMIT_ANSWER_GRACE_MS } from '../../nodes/Vidu/transport/client';
import { FAST_WAIT, unreachableBaseUrl, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();
const generate = (extra: Record<string, unknown> = {}) => ({
	operation: 'generate',
	...URL_IMAGE,
	waitOptions: FAST_WAIT,
	...extra,
});

describe('failed tasks', () => {
	it.each([
		{
			shape: '{code, error_message}',
			error: { code: 8008003098, error_message: 'Generation failed' },
			expected: 'Generation failed (code 8008003098)',
		},
		{
			shape: '{code, message} with a string code',
			error: { code: '8008003004', message: 'bad pixels' },
			expected: 'Invalid image (code 8008003004)',
		},
		{ shape: 'a plain string', error: 'the model gave up', expected: 'the model gave up' },
		{ shape: 'an unknown code', error: { code: 77, message: 'odd' }, expected: 'odd (code 77)' },
	])('names the code and its meaning when error is $shape', async ({ error, expected }) => {
		mock().scriptTasks({ finalStatus: 'FAILED', error });
		const failure = await run({ parameters: generate() }).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(NodeApiError);
		expect((failure as NodeApiError).message).toBe(`Vidu task task_1 failed: ${expected}`);
		expect((failure as NodeApiError).context.itemIndex).toBe(0);
		expect((failure as NodeApiError).context.taskId).toBe('task_1');
	});

	it('says what to do about a known code', async () => {
		mock().scriptTasks({ finalStatus: 'failed', error: { code: 8008003099, message: 'upstream down' } });
		await expect(run({ parameters: generate() })).rejects.toMatchObject({
			description: expect.stringMatching(/upstream down.*temporarily unavailable/),
		});
	});

	it('fails fast when the create answer is already failed', async () => {
		mock().scriptTasks({ terminalOnCreate: true, finalStatus: 'failed', error: { code: 8008003001, message: 'no image' } });
		await expect(run({ parameters: generate() })).rejects.toThrow('Vidu task task_1 failed: Missing image (code 8008003001)');
		expect(mock().polls).toHaveLength(0);
	});
});

describe('HTTP errors', () => {
	it.each([
		{ status: 401, body: { message: 'invalid key' }, message: /rejected the API key/, description: /invalid key/ },
		{
			status: 403,
			body: { error: 'insufficient balance' },
			message: /insufficient balance or permission/,
			description: /insufficient balance/,
		},
		{ status: 429, body: { error: { code: 429, message: 'slow down' } }, message: /rate limiting/, description: /slow down/ },
		{
			status: 500,
			body: { status: { code: 500, message: 'boom' } },
			message: /internal problem \(HTTP 500\)/,
			description: /boom.*may have been created/,
		},
		{
			status: 400,
			body: { error: { code: 8008003002, error_message: 'bad seed' } },
			message: /^The Vidu API refused the request \(HTTP 400\): bad seed$/,
			description: /bad seed/,
		},
	])('maps HTTP $status on submission to its own message', async ({ status, body, message, description }) => {
		// A 429 is retried until Max Wait: refuse for longer than that.
		mock().fault({ route: 'create', status, body, times: status === 429 ? 1000 : 3 });
		const failure = (await run({ parameters: generate() }).catch((e: unknown) => e)) as NodeApiError;
		expect(failure).toBeInstanceOf(NodeApiError);
		expect(failure.message).toMatch(message);
		expect(failure.description).toMatch(description);
		expect(failure.httpCode).toBe(String(status));
	});

	it('names the task when a status check fails', async () => {
		mock()
			.scriptTasks({ pollsBeforeDone: 2 })
			.fault({ route: 'poll', status: 401, body: { message: 'key revoked' } });
		await expect(run({ parameters: generate() })).rejects.toThrow(/rejected the API key \(HTTP 401\) \[task task_1\]/);
	});

	it('says the base URL is unreachable in plain words', async () => {
		const url = await unreachableBaseUrl();
		const failure = (await runNode({ parameters: generate(), credential: { apiKey: 'k', baseUrl: url } }).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(failure.message).toBe(`Could not reach the Vidu API at ${url}/model/v1/generation: the connection was refused`);
		expect(failure.description).toMatch(/Base URL.*ECONNREFUSED/);
	});

	it.each([
		{ baseUrl: 'cloud.vtrix.ai', problem: 'is not a web address' },
		{ baseUrl: 'ftp://cloud.vtrix.ai', problem: 'must start with https://' },
		{ baseUrl: 'https://cloud.vtrix.ai/?region=eu', problem: 'must not carry a query' },
	])('refuses Base URL $baseUrl in plain words, for every operation, even with Continue On Fail', async ({ baseUrl, problem }) => {
		for (const parameters of [generate(), { operation: 'getTask', taskId: 'task_1' }]) {
			const failure = (await runNode({ parameters, credential: { apiKey: 'k', baseUrl }, continueOnFail: true }).catch(
				(e: unknown) => e,
			)) as NodeOperationError;
			expect(failure).toBeInstanceOf(NodeOperationError);
			expect(failure.message.startsWith(`Base URL "${baseUrl}" ${problem}`)).toBe(true);
			expect(failure.message).toMatch(/\(Vidu credential\)$/);
			expect(failure.description).toMatch(/^Write the address in full in the Vidu credential, e\.g\. https:\/\/cloud\.vtrix\.ai/);
			expect(failure.context.itemIndex).toBe(0);
		}
	});

	it('refuses an API key that cannot go into a header, without quoting it, before sending anything', async () => {
		// A no-break space where the key has its first hyphen, as some pages render it.
		const apiKey = mock().apiKey.replace('-', '\u00a0');
		const refused = (await runNode({ parameters: generate(), credential: { apiKey, baseUrl: mock().url } }).catch(
			(e: unknown) => e,
		)) as NodeOperationError;
		expect(refused.message).toBe('API Key has a character that cannot be sent in a header (U+00A0, character 5) (Vidu credential)');
		expect(JSON.stringify({ m: refused.message, d: refused.description })).not.toContain(mock().apiKey.slice(5));
		expect(mock().requests).toHaveLength(0);
	});

	it.each([
		{
			body: { status: 'failed', message: 'quota exceeded' },
			message: 'The Vidu API refused the task: quota exceeded',
			description: /^Check the input and try again\. The answer names no task, so there is none to follow\.$/,
		},
		{
			body: { status: 'failed', error: { code: 8008003002, error_message: 'duration must be 5' } },
			message: 'The Vidu API refused the task: Invalid parameter value (code 8008003002)',
			description: /^API message: duration must be 5\. Check the node parameters.* none to follow\.$/,
		},
		{ body: { error: 'prompt too long' }, message: 'The Vidu API refused the task: prompt too long', description: /none to follow/ },
		{
			body: { state: 'failed', err_code: 8008003004 },
			message: 'The Vidu API refused the task: Invalid image (code 8008003004)',
			description: /none to follow/,
		},
		// Nothing says it failed: whether a task was created cannot be told.
		{
			body: { message: 'accepted' },
			message: 'The Vidu API gave an unusable answer: the create response has no task id',
			description: /^API message: accepted\. .*may have been created/,
		},
		{
			body: { status: 'in_progress', error: { code: 0, message: '' } },
			message: 'The Vidu API gave an unusable answer: the create response has no task id',
			description: /may have been created/,
		},
	])('explains a create answer without an id: $body', async ({ body, message, description }) => {
		mock().fault({ route: 'create', status: 200, body });
		await expect(run({ parameters: generate() })).rejects.toMatchObject({ message, description: expect.stringMatching(description) });
		expect(mock().creates).toHaveLength(1);
	});

	it('explains a body that is not JSON', async () => {
		mock().fault({ route: 'create', status: 200, rawBody: '<html>gateway</html>' });
		await expect(run({ parameters: generate() })).rejects.toThrow(/not JSON/);
	});

	it('refuses a completed task without a video URL, after asking three times', async () => {
		mock().scriptTasks({ videoCount: 0, pollsBeforeDone: 0 });
		await expect(run({ parameters: generate() })).rejects.toThrow('completed but carries no video URL [task task_1]');
		expect(mock().polls).toHaveLength(3);
	});

	it('asks again when a task is reported completed before its video URL', async () => {
		mock().fault({ route: 'poll', body: { id: 'task_1', status: 'completed' } });
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed', videoUrl: expect.stringMatching(/task_1\.mp4$/) });
	});

	it("reads a status answer in the maker's shape (state, creations, err_code) passed on by a gateway", async () => {
		const creations = [{ id: 'c1', url: 'https://cdn.example/m.mp4', cover_url: 'https://cdn.example/m.jpg' }];
		mock().fault({ route: 'poll', body: { id: 'task_1', state: 'success', err_code: 0, credits: 4, creations } });
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed', apiStatus: 'success', videoUrl: 'https://cdn.example/m.mp4' });
		mock().fault({ route: 'poll', body: { id: 'task_2', state: 'failed', err_code: '8008003099' } });
		await expect(run({ parameters: generate() })).rejects.toThrow('Vidu task task_2 failed: Provider unavailable (code 8008003099)');
	});
});

describe('Continue On Fail', () => {
	it('turns each failure into an error item for its input item and goes on', async () => {
		mock().scriptTasks({ forItem: '/2.png', finalStatus: 'failed', error: { code: 8008003098, message: 'no luck' } });
		const output = await run({
			parameters: generate({ imageUrl: '={{ $json.url }}' }),
			items: [
				{ json: { url: 'https://example.com/1.png' } },
				{ json: { url: 'https://example.com/2.png' } },
				{ json: { url: 'ftp://example.com/3.png' } },
				{ json: { url: 'https://example.com/4.png' } },
			],
			continueOnFail: true,
		});
		const [first, second, fourth] = ['/1.png', '/2.png', '/4.png'].map((url) => mock().taskIdFor(url));
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output[0].json.videoUrl).toBe(`${mock().url}/cdn/${first}.mp4`);
		expect(output[1].json).toMatchObject({ error: `Vidu task ${second} failed: Generation failed (code 8008003098)`, taskId: second });
		expect(output[2].json.error).toMatch(/Image URL: "ftp:\/\/example.com\/3.png" is not an http\(s\) URL/);
		expect(output[2].json.taskId).toBeUndefined();
		expect(output[3].json.taskId).toBe(fourth);
		expect(mock().creates).toHaveLength(3);
	});

	it('with On Error "Continue (using error output)", an error item holds only what n8n routes there: the key error', async () => {
		mock().scriptTasks({ forItem: '/2.png', finalStatus: 'failed', error: { code: 8008003098, message: 'no luck' } });
		const output = await run({
			parameters: generate({ imageUrl: '={{ $json.url }}' }),
			items: [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'https://example.com/2.png' } }],
			errorOutput: true,
		});
		const second = mock().taskIdFor('/2.png');
		expect(output[0].json).toMatchObject({ status: 'completed' });
		// n8n (1.x and 2.x) sends an item down the error output when its JSON has the key error alone.
		expect(output[1].json).toEqual({
			error: {
				message: `Vidu task ${second} failed: Generation failed (code 8008003098)`,
				description: expect.stringContaining('no luck'),
				taskId: second,
			},
		});
		expect(output[1].error).toBeUndefined();
	});

	it('stops at the first failure without it, naming every task already paid for', async () => {
		mock().scriptTasks({ forItem: '/1.png', finalStatus: 'failed', pollsBeforeDone: 0 }, { forItem: '/2.png', pollsBeforeDone: 50 });
		const failure = (await run({
			parameters: generate({ imageUrl: '={{ $json.url }}', waitOptions: { ...FAST_WAIT, maxConcurrent: 2 } }),
			items: [1, 2, 3].map((n) => ({ json: { url: `https://example.com/${n}.png` } })),
		}).catch((e: unknown) => e)) as NodeApiError;
		const [first, second] = ['/1.png', '/2.png'].map((url) => mock().taskIdFor(url));
		expect(failure.message).toContain(`${first} failed`);
		expect(failure.description).toContain(`Other tasks submitted in this run, all paid for: ${second} (item 2, still running)`);
		expect(failure.context.taskIds).toEqual([first, second]);
		expect(mock().creates).toHaveLength(2);
	});

	it('submits nothing more after a failure when one task runs at a time', async () => {
		mock().scriptTasks({ finalStatus: 'failed' });
		await expect(
			run({ parameters: generate({ waitOptions: { ...FAST_WAIT, maxConcurrent: 1 } }), items: [{ json: {} }, { json: {} }] }),
		).rejects.toThrow(/task_1 failed/);
		expect(mock().creates).toHaveLength(1);
	});
});

describe('giving up waiting', () => {
	it('reports the task id when the maximum wait runs out, without submitting again', async () => {
		mock().scriptTasks({ pollsBeforeDone: 1_000_000, runningStates: ['processing'] });
		const failure = (await run({
			parameters: generate({ waitOptions: { pollIntervalSeconds: 1, maxWaitMinutes: 0.1 } }),
		}).catch((e: unknown) => e)) as NodeOperationError;
		expect(failure).toBeInstanceOf(NodeOperationError);
		expect(failure.message).toMatch(/^Vidu task task_1 did not finish within 0.1 minutes \(last status: processing, \d+% done\)$/);
		expect(failure.description).toMatch(/Get Task .*task_1/);
		expect(mock().creates).toHaveLength(1);
	});

	it('puts the task id of a timed-out task into its Continue On Fail item', async () => {
		mock().scriptTasks({ pollsBeforeDone: 1_000_000 });
		const [item] = await run({
			parameters: generate({ waitOptions: { pollIntervalSeconds: 1, maxWaitMinutes: 0.1 } }),
			continueOnFail: true,
		});
		expect(item.json).toMatchObject({ taskId: 'task_1', error: expect.stringContaining('did not finish') });
	});

	it('stops polling as soon as the execution is cancelled, naming the task', async () => {
		mock().scriptTasks({ pollsBeforeDone: 1_000_000 });
		const controller = new AbortController();
		mock().onRequest = (request) => {
			if (request.method === 'GET') controller.abort();
		};
		const failure = (await run({
			parameters: generate({ waitOptions: { pollIntervalSeconds: 1, maxWaitMinutes: 10 } }),
			abortSignal: controller.signal,
		}).catch((e: unknown) => e)) as NodeOperationError;
		expect(failure.message).toMatch(/^Stopped waiting for Vidu task task_1: the execution was cancelled/);
		expect(failure.context.taskId).toBe('task_1');
		expect(mock().polls).toHaveLength(1);
	});

	it('a submission answering soon after a stop still yields its paid task id, and nothing more is asked', async () => {
		const controller = new AbortController();
		mock().fault({ route: 'create', delayMs: 1_500 });
		mock().onRequest = (request) => {
			if (request.method === 'POST') controller.abort();
		};
		const failure = (await run({ parameters: generate(), abortSignal: controller.signal }).catch((e: unknown) => e)) as NodeOperationError;
		expect(failure.message).toMatch(/^Stopped waiting for Vidu task task_1: the execution was cancelled/);
		expect(failure.context.taskId).toBe('task_1');
		expect(mock().polls).toHaveLength(0);
	});

	it(
		`warns that a submission still unanswered ${SUBMIT_ANSWER_GRACE_MS / 1000} s after a stop may have been created`,
		async () => {
			const controller = new AbortController();
			mock().fault({ route: 'create', delayMs: 30_000 });
			mock().onRequest = (request) => {
				if (request.method === 'POST') controller.abort();
			};
			await expect(run({ parameters: generate(), abortSignal: controller.signal })).rejects.toMatchObject({
				message: 'The execution was cancelled while the task was being submitted',
				description: expect.stringContaining('may have been created'),
			});
		},
		SUBMIT_ANSWER_GRACE_MS + 5_000,
	);
});

describe('the API key', () => {
	it('never appears in an error, even when the API echoes it', async () => {
		const key = mock().apiKey;
		mock().fault({ route: 'create', status: 400, body: { message: `bad request from Bearer ${key}` } });
		const failure = (await run({ parameters: generate() }).catch((e: unknown) => e)) as NodeApiError;
		expect(JSON.stringify({ m: failure.message, d: failure.description, c: failure.context, x: failure.cause })).not.toContain(key);
		expect(failure.description).toContain('Bearer ***');
		expect(failure.message).toBe('The Vidu API refused the request (HTTP 400): bad request from Bearer ***');
	});

	it('never appears in a Continue On Fail item', async () => {
		const key = mock().apiKey;
		mock().scriptTasks({ finalStatus: 'failed', error: { code: 1, message: `echo ${key}` } });
		const output = await run({ parameters: generate(), continueOnFail: true });
		expect(JSON.stringify(output)).not.toContain(key);
	});
});

describe('what a failure carries', () => {
	it("a failed task's model error code is not passed off as an HTTP status", async () => {
		mock().scriptTasks({ pollsBeforeDone: 0, finalStatus: 'failed', error: { code: '8008003004', message: 'bad image' } });
		const failure = (await run({ parameters: generate() }).catch((e: unknown) => e)) as NodeApiError;
		expect(failure.message).toMatch(/code 8008003004/);
		expect(failure.httpCode).toBeNull();
	});

	it('a bad Image URL is not told to leave the required field empty', async () => {
		const failure = (await run({ parameters: { ...generate(), imageUrl: 'ftp://example.com/a.png' } }).catch(
			(e: unknown) => e,
		)) as NodeApiError;
		expect(failure.message).toBe('Image URL: "ftp://example.com/a.png" is not an http(s) URL');
		expect(failure.description).not.toMatch(/empty/);
	});
});
