import type { NodeApiError } from 'n8n-workflow';

import { pngBytes, jpegBytes } from '../../dev/mock/images';
import { HostileServer } from '../helpers/hostile';
import { runNode } from '../helpers/runNode';
import { URL_IMAGE, useMock } from '../helpers/setup';

/** Issue 10: inputs and servers that misbehave on purpose. Each case failed before its fix. */
const { mock, run, clock } = useMock();
const generate = (extra: Record<string, unknown> = {}, wait: Record<string, unknown> = {}) => ({
	operation: 'generate',
	...URL_IMAGE,
	waitOptions: { pollIntervalSeconds: 5, maxWaitMinutes: 2, ...wait },
	...extra,
});
const fail = async (promise: Promise<unknown>) => (await promise.catch((e: unknown) => e)) as NodeApiError;
/** Everything n8n would store of an error: its own fields, nested responses, the stack. */
const stored = (error: unknown) => JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).stack);

const servers: HostileServer[] = [];
const hostile = async (handler: ConstructorParameters<typeof HostileServer>[0]) => {
	const server = await new HostileServer(handler).start();
	servers.push(server);
	return server;
};
afterEach(async () => {
	await Promise.all(servers.map(async (server) => await server.stop()));
	servers.length = 0;
});

describe('wait options that are not numbers are refused before anything is paid', () => {
	it.each([
		{ name: 'maxConcurrent', label: 'Max Concurrent Tasks' },
		{ name: 'maxWaitMinutes', label: 'Max Wait (Minutes)' },
		{ name: 'pollIntervalSeconds', label: 'Polling Interval (Seconds)' },
		{ name: 'requestTimeoutSeconds', label: 'Request Timeout (Seconds)' },
	])('$name from an expression that yields nothing', async ({ name, label }) => {
		const failure = await fail(run({ parameters: generate({}, { [name]: '={{ $json.nope }}' }) }));
		expect(failure.message).toContain(label);
		expect(failure.message).toMatch(/not a number/);
		expect(failure.description).toMatch(/\d/);
		expect(mock().creates).toHaveLength(0);
	});

	it('a text that is not a number, named with its value', async () => {
		const failure = await fail(run({ parameters: generate({}, { maxWaitMinutes: '={{ "soon" }}' }) }));
		expect(failure.message).toBe('Max Wait (Minutes): "soon" is not a number');
		expect(mock().creates).toHaveLength(0);
	});

	it('a number written as text is taken', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const [item] = await run({ parameters: generate({}, { pollIntervalSeconds: '={{ "3" }}', maxConcurrent: '={{ "2" }}' }) });
		expect(item.json.status).toBe('completed');
	});

	it('a fraction where a whole number is needed, named with its value', async () => {
		const failure = await fail(run({ parameters: generate({}, { maxConcurrent: 2.5 }) }));
		expect(failure.message).toBe('Max Concurrent Tasks: 2.5 is not a whole number');
		expect(mock().creates).toHaveLength(0);
	});

	it('a value just under the minimum is refused, the minimum itself taken', async () => {
		const failure = await fail(run({ parameters: generate({}, { maxWaitMinutes: 0.09 }) }));
		expect(failure.message).toBe('Max Wait (Minutes): 0.09 is below the minimum of 0.1');
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const [item] = await run({ parameters: generate({}, { maxWaitMinutes: 0.1 }) });
		expect(item.json.status).toBe('completed');
	});

	it('a value out of range names the limit', async () => {
		const failure = await fail(run({ parameters: generate({}, { maxWaitMinutes: -1 }) }));
		expect(failure.message).toBe('Max Wait (Minutes): -1 is below the minimum of 0.1');
		expect(mock().creates).toHaveLength(0);
	});

	// Past these, no timer could count the wait: Request Timeout failed with a RangeError, a Callback
	// run would have been paused until an invalid date.
	it.each([
		{
			waitMode: 'poll',
			wait: { requestTimeoutSeconds: 1e10 },
			message: 'Request Timeout (Seconds): 10000000000 is over the maximum of 3600',
		},
		{ waitMode: 'callback', wait: { maxWaitMinutes: 1e12 }, message: 'Max Wait (Minutes): 1000000000000 is over the maximum of 10080' },
	])('a $waitMode wait too long for any timer is refused', async ({ waitMode, wait, message }) => {
		const failure = await fail(run({ parameters: generate({ waitMode }, { allowLocalResumeUrl: true, ...wait }) }));
		expect(failure.message).toBe(message);
		expect(mock().creates).toHaveLength(0);
	});
});

describe('redirects: the key and the image never go to another host', () => {
	it.each([307, 308, 301, 302, 303])('HTTP %i from the create endpoint is refused, not followed', async (status) => {
		const elsewhere = await hostile((_req, res) => res.end('{"id":"stolen","status":"processing"}'));
		mock().fault({ route: 'create', status, headers: { location: `${elsewhere.url}/model/v1/generation` } });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toMatch(new RegExp(`redirect \\(HTTP ${status}\\)`));
		expect(failure.description).toContain(elsewhere.url);
		expect(elsewhere.requests).toHaveLength(0);
		expect(mock().creates).toHaveLength(1);
	});

	it('a redirect on a status check is not followed either', async () => {
		const elsewhere = await hostile((_req, res) => res.end('{"id":"task_1","status":"success"}'));
		mock().fault({ route: 'poll', status: 302, headers: { location: `${elsewhere.url}/x` }, times: 50 });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toMatch(/redirect \(HTTP 302\)/);
		expect(failure.context.taskId).toBe('task_1');
		expect(elsewhere.requests).toHaveLength(0);
	});
});

describe('the key never reaches what n8n stores', () => {
	it('a failed task that echoes the key, with an unknown code', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0, finalStatus: 'failed', error: { code: 'X1', message: `bad key ${mock().apiKey} here` } });
		const failure = await fail(run({ parameters: generate() }));
		expect(stored(failure)).not.toContain(mock().apiKey);
		expect(failure.message).toContain('***');
	});

	it('a key saved with spaces or a tab around it still works and is still redacted', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0, finalStatus: 'failed', error: { message: `echo ${mock().apiKey}` } });
		const failure = await fail(runNode({ parameters: generate(), credential: { apiKey: ` ${mock().apiKey}\t`, baseUrl: mock().url } }));
		expect(failure.message).toMatch(/^Vidu task task_1 failed/);
		expect(stored(failure)).not.toContain(mock().apiKey);
	});

	it('metadata, usage, model and video URLs are redacted in output items', async () => {
		const key = mock().apiKey;
		mock().fault({
			route: 'poll',
			body: {
				id: 'task_1',
				status: 'success',
				model: `m-${key}`,
				usage: { cost: key },
				metadata: { note: `k=${key}` },
				output: [{ content: [{ type: 'video', url: `https://cdn.example.com/v.mp4?k=${key}` }] }],
			},
		});
		const [item] = await run({ parameters: generate() });
		expect(JSON.stringify(item.json)).not.toContain(key);
		expect(item.json.videoUrl).toBe('https://cdn.example.com/v.mp4?k=***');
	});
});

describe('a hostile server is bounded by the timeouts', () => {
	it('an answer trickled one byte at a time ends at the request timeout on create', async () => {
		const slow = await hostile((_req, res, self) => self.trickle(res, `{"id":"t1","pad":"${'x'.repeat(10_000)}"}`, 100));
		const failure = await fail(
			runNode({ parameters: generate({}, { requestTimeoutSeconds: 1 }), credential: { apiKey: 'key-123456', baseUrl: slow.url } }),
		);
		expect(failure.message).toMatch(/timed out\): the task may have been created$/);
		expect(slow.requests).toHaveLength(1);
	}, 15_000);

	it('an answer trickled on a status check counts against Max Wait', async () => {
		let creates = 0;
		const slow = await hostile((req, res, self) => {
			if (req.method === 'POST') {
				creates++;
				res.end('{"id":"t1","status":"processing"}');
			} else self.trickle(res, `{"id":"t1","pad":"${'x'.repeat(10_000)}"}`, 100);
		});
		const failure = await fail(
			runNode({
				parameters: generate({}, { requestTimeoutSeconds: 1, maxWaitMinutes: 0.1 }),
				credential: { apiKey: 'key-123456', baseUrl: slow.url },
			}),
		);
		expect(failure.message).toMatch(/^Vidu task t1 did not finish within 0.1 minutes/);
		expect(creates).toBe(1);
	}, 20_000);

	it('Retry-After of a day on a status check waits no longer than Max Wait', async () => {
		mock().fault({ route: 'poll', status: 429, headers: { 'retry-after': '86400' }, times: 100 });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toMatch(/did not finish within 2 minutes/);
		expect(clock.sleptMs()).toBeLessThanOrEqual(2 * 60_000 + 1000);
	});

	it('an HTTP date three days ahead on a status check likewise', async () => {
		const later = new Date(Date.now() + 3 * 86_400_000).toUTCString();
		mock().fault({ route: 'poll', status: 503, headers: { 'retry-after': later }, times: 100 });
		await fail(run({ parameters: generate() }));
		expect(clock.sleptMs()).toBeLessThanOrEqual(2 * 60_000 + 1000);
	});

	it('Retry-After of a day on create is not slept: the item fails within Max Wait, nothing re-posted late', async () => {
		mock().fault({ route: 'create', status: 429, headers: { 'retry-after': '86400' }, times: 100 });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toMatch(/rate limiting/);
		expect(clock.sleptMs()).toBeLessThanOrEqual(2 * 60_000 + 1000);
	});

	// Submit Only and Get Task retry on n8n's real clock, so a Retry-After obeyed whole would hang here.
	it('Retry-After of a day on Submit Only is not slept: the rate limit is reported at once', async () => {
		mock().fault({ route: 'create', status: 429, headers: { 'retry-after': '86400' }, times: 100 });
		const failure = await fail(run({ parameters: { operation: 'submit', ...URL_IMAGE } }));
		expect(failure.message).toMatch(/rate limiting/);
		expect(mock().creates).toHaveLength(1);
	}, 10_000);

	it('Retry-After of a day on Get Task is not slept either', async () => {
		mock().fault({ route: 'poll', status: 503, headers: { 'retry-after': '86400' }, times: 100 });
		const failure = await fail(run({ parameters: { operation: 'getTask', taskId: 'task_1' } }));
		expect(failure.message).toMatch(/HTTP 503/);
		expect(mock().polls).toHaveLength(1);
	}, 10_000);
});

describe('refused submissions slow the batch down instead of abandoning it', () => {
	it('30 items with 429s sprinkled in: every item is submitted once and finishes, no error', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 1 });
		for (let n = 0; n < 10; n++) {
			mock().fault({ route: 'create', status: 429, body: { message: 'slow down' }, times: 3 });
		}
		const items = Array.from({ length: 30 }, () => ({ json: {} }));
		const output = await run({ parameters: generate({}, { maxConcurrent: 50, maxWaitMinutes: 10 }), items });
		expect(output.map((item) => item.json.status)).toEqual(Array(30).fill('completed'));
		const accepted = mock().creates.length - 30;
		expect(accepted).toBe(30);
	});
});

describe('answers no API should send are bounded', () => {
	it('a create answer far over its cap is not read whole, yet the paid task id is read from what was', async () => {
		mock().fault({ route: 'create', rawBody: JSON.stringify({ id: 't1', status: 'processing', pad: 'x'.repeat(3_000_000) }) });
		mock().fault({
			route: 'poll',
			body: { id: 't1', status: 'completed', output: [{ content: [{ type: 'video', url: 'https://cdn.example/t1.mp4' }] }] },
		});
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 't1', status: 'completed' });
	});

	it('a status answer over 1 MB is not read whole: taken for what it is, unusable', async () => {
		mock().scriptTasks({ pollsBeforeDone: Number.MAX_SAFE_INTEGER });
		mock().fault({ route: 'poll', rawBody: JSON.stringify({ id: 'task_1', status: 'processing', pad: 'x'.repeat(3_000_000) }), times: 3 });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toBe('The Vidu API gave an unusable answer: HTTP 200 with a body that is not JSON [task task_1]');
	});

	it('a video that says it is over 1000 MB is refused before its first byte is stored', async () => {
		const host = await hostile((_req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(2_000_000_000) });
			res.write(Buffer.alloc(1000));
		});
		mock().fault({
			route: 'poll',
			body: { id: 'task_1', status: 'completed', output: [{ content: [{ type: 'video', url: `${host.url}/v.mp4` }] }] },
		});
		const failure = await fail(run({ parameters: generate({ downloadVideo: true }) }));
		expect(failure.message).toBe('Could not download the generated video: it is larger than 1000 MB [task task_1]');
	});

	it('a task id that is no file name gives a safe one to the downloaded video', async () => {
		const video = `${mock().url}/cdn/task_1.mp4`;
		mock().fault({
			route: 'create',
			body: { id: '../odd id', status: 'completed', output: [{ content: [{ type: 'video', url: video }] }] },
		});
		const [item] = await run({ parameters: generate({ downloadVideo: true }) });
		expect(item.binary?.data.fileName).toBe('.._odd_id.mp4');
	});
});

describe('answers nested thousands deep are cut to a few levels', () => {
	it('a completed task whose metadata and video entry nest 50000 levels gives its item', async () => {
		const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
		const video = `{"type":"video","url":"https://cdn.example/x.mp4","extra":${deep(50_000)}}`;
		mock().fault({
			route: 'poll',
			rawBody: `{"id":"task_1","status":"completed","output":[{"content":[${video}]}],"metadata":${deep(50_000)}}`,
		});
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ status: 'completed', videoUrl: 'https://cdn.example/x.mp4' });
		// What n8n will store: plain JSON of a few levels.
		expect(JSON.stringify(item.json)).toContain('[nested too deep]');
		expect(JSON.stringify(item.json).length).toBeLessThan(2_000);
	});
});

describe('huge texts from the API are cut', () => {
	it('a 500 with a 2 MB message', async () => {
		mock().fault({ route: 'create', status: 500, body: { message: 'x'.repeat(2_000_000) } });
		const failure = await fail(run({ parameters: generate() }));
		expect(stored(failure).length).toBeLessThan(20_000);
	});

	it('a failed task with a 2 MB message', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0, finalStatus: 'failed', error: { code: 'X', message: 'y'.repeat(2_000_000) } });
		const failure = await fail(run({ parameters: generate() }));
		expect(stored(failure).length).toBeLessThan(20_000);
		expect(failure.context.taskId).toBe('task_1');
	});
});

describe('answers are checked', () => {
	it('a status answer for another task is not taken for this one', async () => {
		mock().fault({
			route: 'poll',
			body: { id: 'someone_else', status: 'success', output: [{ content: [{ type: 'video', url: 'https://cdn.example.com/x.mp4' }] }] },
			times: 50,
		});
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toMatch(/someone_else/);
		expect(failure.context.taskId).toBe('task_1');
	});

	it('a status answer that does not repeat the id is about the task asked for', async () => {
		mock().fault({
			route: 'poll',
			body: { state: 'SUCCESS', output: [{ content: [{ type: 'video', url: 'https://cdn.example.com/x.mp4' }] }] },
		});
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed', videoUrl: 'https://cdn.example.com/x.mp4' });
	});

	it.each([
		{ url: 'data:video/mp4;base64,AAAA' },
		{ url: 'file:///etc/passwd' },
		{ url: 'ftp://example.com/v.mp4' },
		{ url: 'http://169.254.169.254/latest/meta-data' },
	])('a video URL $url is not downloaded', async ({ url }) => {
		mock().fault({ route: 'poll', body: { id: 'task_1', status: 'success', output: [{ content: [{ type: 'video', url }] }] } });
		const failure = await fail(run({ parameters: generate({ downloadVideo: true }) }));
		expect(failure.message).toMatch(/video URL/);
		expect(failure.context.taskId).toBe('task_1');
	});
});

describe('parameters of the wrong type from expressions', () => {
	it('a Prompt that is a number is sent as text', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		await run({ parameters: generate({ prompt: '={{ 42 }}' }) });
		expect((mock().creates[0].body as { input: Array<{ params: { prompt: unknown } }> }).input[0].params.prompt).toBe('42');
	});

	it('a Prompt that is an object is refused', async () => {
		const failure = await fail(run({ parameters: generate({ prompt: '={{ { a: 1 } }}' }) }));
		expect(failure.message).toMatch(/^Prompt: .* is not text/);
		expect(mock().creates).toHaveLength(0);
	});

	it('a Payload that is an object is refused', async () => {
		const failure = await fail(run({ parameters: generate({ options: { payload: '={{ [1, 2] }}' } }) }));
		expect(failure.message).toMatch(/^Payload: .* is not text/);
	});

	it('Seed "5" is taken as 5', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		await run({ parameters: generate({ options: { seed: '={{ "5" }}' } }) });
		expect((mock().creates[0].body as { input: Array<{ params: { seed: unknown } }> }).input[0].params.seed).toBe(5);
	});

	it('Watermark Position "2" as text is sent as the number 2', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		await run({ parameters: generate({ options: { watermark: true, wmPosition: '={{ "2" }}' } }) });
		expect((mock().creates[0].body as { input: Array<{ params: { wm_position: unknown } }> }).input[0].params.wm_position).toBe(2);
	});

	it('a watermark field left over with Watermark off is neither checked nor sent', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		await run({ parameters: generate({ options: { watermark: false, wmUrl: 'not a url', wmPosition: 9 } }) });
		const params = (mock().creates[0].body as { input: Array<{ params: Record<string, unknown> }> }).input[0].params;
		expect(Object.keys(params).filter((name) => name.startsWith('wm_'))).toEqual([]);
	});

	it('Audio "yes" is refused', async () => {
		const failure = await fail(run({ parameters: generate({ options: { audio: '={{ "yes" }}' } }) }));
		expect(failure.message).toBe('Audio: "yes" is not true or false');
		expect(mock().creates).toHaveLength(0);
	});

	it('Download Video "false" as text downloads nothing', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const [item] = await run({ parameters: generate({ downloadVideo: '={{ "false" }}' }) });
		expect(item.binary).toBeUndefined();
		expect(mock().downloads).toHaveLength(0);
	});

	it.each([
		{ label: 'Download Video "yes"', extra: { downloadVideo: '={{ "yes" }}' }, message: 'Download Video: "yes" is not true or false' },
		{
			label: 'an empty Put Output in Field',
			extra: { downloadVideo: true, outputBinaryPropertyName: '={{ "" }}' },
			message: 'Put Output in Field is empty',
		},
		{
			label: 'a Put Output in Field that is an object',
			extra: { downloadVideo: true, outputBinaryPropertyName: '={{ { a: 1 } }}' },
			message: /^Put Output in Field: .* is not text/,
		},
	])('$label is refused before anything is paid, in both wait modes', async ({ extra, message }) => {
		for (const waitMode of ['poll', 'callback']) {
			const failure = await fail(run({ parameters: generate({ ...extra, waitMode, waitOptions: { allowLocalResumeUrl: true } }) }));
			expect(failure.message).toMatch(message);
			expect(failure.context.itemIndex).toBe(0);
		}
		expect(mock().creates).toHaveLength(0);
	});

	it('a Task ID that is an object is refused without asking the API', async () => {
		const failure = await fail(run({ parameters: { operation: 'getTask', taskId: '={{ { id: 1 } }}' } }));
		expect(failure.message).toMatch(/^Task ID: .* is not text/);
		expect(mock().polls).toHaveLength(0);
	});

	it('a Task ID of dots is refused without asking the API (a URL would read it as "this folder" or "the one above")', async () => {
		for (const taskId of ['..', ' . ']) {
			const failure = await fail(run({ parameters: { operation: 'getTask', taskId } }));
			expect(failure.message).toBe(`Task ID: "${taskId.trim()}" is not a task ID`);
			expect(failure.context.itemIndex).toBe(0);
		}
		expect(mock().requests).toHaveLength(0);
	});

	it('a Task ID longer than any task ID is refused, quoted in part, without asking the API', async () => {
		const failure = await fail(run({ parameters: { operation: 'getTask', taskId: 'y'.repeat(5000) } }));
		expect(failure.message).toBe(`Task ID: "${'y'.repeat(79)}…" is not a task ID`);
		expect(failure.description).toMatch(/at most 1000 characters/);
		expect(mock().requests).toHaveLength(0);
	});

	it('a create answer naming its task with 5000 characters is no usable answer, and no megabyte message', async () => {
		mock().fault({ route: 'create', body: { id: 'z'.repeat(5000), status: 'processing' } });
		const failure = await fail(run({ parameters: generate() }));
		expect(failure.message).toBe('The Vidu API gave an unusable answer: the create response has no task id');
		expect(mock().polls).toHaveLength(0);
	});

	it('a Task ID that is a number is asked about as text', async () => {
		const failure = await fail(run({ parameters: { operation: 'getTask', taskId: '={{ 12345 }}' } }));
		expect(mock().polls.map((p) => p.path)).toEqual(['/model/v1/generation/task/12345']);
		expect(failure.message).toMatch(/not found/);
	});
});

describe('image bytes that cannot be what they claim', () => {
	const base64Item = (data: string) => ({ json: {}, binary: { data: { data, mimeType: 'image/png', fileName: 'a.png' } } });
	const binaryParams = generate({ imageSource: 'binary', binaryPropertyName: 'data' });

	it('in-memory binary data with a quote in it is refused, nothing sent', async () => {
		const text = pngBytes(640, 480).toString('base64');
		const failure = await fail(run({ parameters: binaryParams, items: [base64Item(`${text.slice(0, 20)}"${text.slice(20)}`)] }));
		expect(failure.message).toMatch(/not valid base64/);
		expect(mock().creates).toHaveLength(0);
	});

	it('unpadded base64url binary data is sent as standard, valid JSON', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const bytes = Buffer.concat([pngBytes(640, 480), Buffer.from([0xfb, 0xff])]);
		const url = bytes.toString('base64url');
		await run({ parameters: binaryParams, items: [base64Item(url)] });
		const images = (mock().creates[0].body as { input: Array<{ params: { images: string[] } }> }).input[0].params.images;
		expect(images[0]).toBe(`data:image/png;base64,${bytes.toString('base64')}`);
	});

	it('a PNG header with nothing after it', async () => {
		const header = pngBytes(640, 480).subarray(0, 33);
		const failure = await fail(run({ parameters: generate({ imageSource: 'base64', imageData: header.toString('base64') }) }));
		expect(failure.message).toMatch(/cut short|no image data/);
		expect(mock().creates).toHaveLength(0);
	});

	it.each([
		{ label: 'PNG 100000×100000', bytes: pngBytes(100_000, 100_000) },
		{ label: 'JPEG 65535×65535', bytes: jpegBytes(65_535, 65_535) },
	])('$label is refused', async ({ bytes }) => {
		const failure = await fail(run({ parameters: generate({ imageSource: 'base64', imageData: bytes.toString('base64') }) }));
		expect(failure.message).toMatch(/pixels, over/);
		expect(mock().creates).toHaveLength(0);
	});
});

describe('cancelling says what happened in plain words', () => {
	it('tasks still running when the execution is cancelled are listed as still running, not failed', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 1_000_000 });
		const controller = new AbortController();
		mock().onRequest = (request) => {
			if (request.method === 'GET') controller.abort();
		};
		// Items 1 and 6 are first checked at the same moment: the cancel cuts those checks short.
		mock().fault({ route: 'poll', delayMs: 1000, times: 2 });
		const items = Array.from({ length: 6 }, () => ({ json: {} }));
		const failure = await fail(run({ parameters: generate(), items, abortSignal: controller.signal }));
		expect(failure.message).toMatch(/^Stopped waiting for Vidu task task_\d: the execution was cancelled/);
		expect(failure.description?.match(/task_\d \(item \d, still running\)/g)).toHaveLength(5);
		expect(failure.description).not.toMatch(/failed\)/);
	});

	it('a status check hanging on a slow server is dropped the moment the execution is cancelled', async () => {
		mock().scriptTasks({ pollsBeforeDone: 1_000_000 });
		mock().fault({ route: 'poll', delayMs: 25_000 });
		const controller = new AbortController();
		mock().onRequest = (request) => {
			if (request.method === 'GET') controller.abort();
		};
		const failure = await fail(run({ parameters: generate(), abortSignal: controller.signal }));
		// What the node last knew of the task (from its create answer), not "unknown".
		expect(failure.message).toBe('Stopped waiting for Vidu task task_1: the execution was cancelled (last status: in_progress)');
		expect(mock().polls).toHaveLength(1);
	}, 10_000);

	it('a submission cancelled before it was sent is not called possibly created', async () => {
		const controller = new AbortController();
		controller.abort();
		const failure = await fail(run({ parameters: generate(), abortSignal: controller.signal }));
		expect(`${failure.message} ${failure.description}`).not.toMatch(/may have been created/);
		expect(mock().creates).toHaveLength(0);
	});
});

describe('concurrency follows the API (issue 12)', () => {
	it('with no cap set, waves grow while the API accepts: 60 items all go before the first status check', async () => {
		mock().setDefaultScript({ pollsBeforeDone: 1 });
		const items = Array.from({ length: 60 }, () => ({ json: {} }));
		await run({ parameters: generate(), items });
		const firstCheck = mock().requests.findIndex((r) => r.method === 'GET');
		expect(
			mock()
				.requests.slice(0, firstCheck)
				.filter((r) => r.method === 'POST'),
		).toHaveLength(60);
	});

	it('against an API that allows 7 tasks in flight, 100 items all finish, none lost, none paid twice', async () => {
		mock().maxInFlight = 7;
		mock().setDefaultScript({ pollsBeforeDone: 2 });
		const items = Array.from({ length: 100 }, () => ({ json: {} }));
		const output = await run({ parameters: generate({}, { maxWaitMinutes: 30 }), items });
		expect(output.map((item) => item.json.status)).toEqual(Array(100).fill('completed'));
		expect(new Set(output.map((item) => item.json.taskId)).size).toBe(100);
		expect(mock().creates.length - mock().refusedCreates).toBe(100);
		// It slows down to what the API accepts instead of hammering it: fewer refusals than tasks.
		expect(mock().refusedCreates).toBeLessThan(100);
	});
});
