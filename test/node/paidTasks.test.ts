import type { NodeApiError } from 'n8n-workflow';

import { FAST_WAIT, sentParams, URL_IMAGE, useMock } from '../helpers/setup';

/** A paid task is never lost to the shape, size or timing of an answer, and a run is bounded whatever the API does. */
const { mock, run, clock } = useMock();
const generate = (extra: Record<string, unknown> = {}, wait: Record<string, unknown> = {}) => ({
	operation: 'generate',
	...URL_IMAGE,
	waitOptions: { ...FAST_WAIT, ...wait },
	...extra,
});
const fail = async (promise: Promise<unknown>) => (await promise.catch((e: unknown) => e)) as NodeApiError;
const done = (id: string) => ({
	id,
	status: 'completed',
	output: [{ content: [{ type: 'video', url: `https://cdn.example/${id}.mp4` }] }],
});

describe('the paid task id is read from every create answer that carries it', () => {
	it('an answer that echoes a 1 MB Payload, the id after it', async () => {
		const payload = 'p'.repeat(1_048_576);
		mock().fault({
			route: 'create',
			rawBody: JSON.stringify({ payload, images: ['https://example.com/a.png'], id: 't_echo', status: 'queued' }),
		});
		mock().fault({ route: 'poll', body: done('t_echo') });
		const [item] = await run({ parameters: generate({ options: { payload } }) });
		expect(item.json).toMatchObject({ taskId: 't_echo', status: 'completed' });
		expect(sentParams(mock()).payload).toHaveLength(1_048_576);
	});

	it('an empty `id` beside a `task_id`', async () => {
		mock().fault({ route: 'create', body: { id: '', task_id: 'task_77', status: 'queued' } });
		mock().fault({ route: 'poll', body: done('task_77') });
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 'task_77', status: 'completed' });
	});

	it('an integer id past 2^53: output, recorded and asked about with the digits the API wrote', async () => {
		mock().fault({ route: 'create', rawBody: '{"id": 787587466925535232, "status": "queued"}' });
		mock().fault({
			route: 'poll',
			rawBody: '{"id": 787587466925535232, "status": "completed", "output": [{"url": "https://cdn.example/v.mp4"}]}',
		});
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: '787587466925535232', status: 'completed' });
		expect(mock().polls[0].path).toMatch(/\/787587466925535232$/);
	});

	it('"success" on creation without a video yet: asked again, not failed', async () => {
		mock().fault({ route: 'create', body: { id: 't9', status: 'success' } });
		mock().fault({ route: 'poll', body: done('t9') });
		const [item] = await run({ parameters: generate() });
		expect(item.json).toMatchObject({ taskId: 't9', status: 'completed', videoUrl: 'https://cdn.example/t9.mp4' });
	});

	it('an answer that comes just after Request Timeout is still taken: its task is followed, not lost', async () => {
		mock().fault({ route: 'create', delayMs: 2_500 });
		const [item] = await run({ parameters: generate({}, { requestTimeoutSeconds: 1 }) });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed' });
		expect(mock().creates).toHaveLength(1);
	});

	it('an id no URL can carry (a lone UTF-16 surrogate): the item fails naming it', async () => {
		mock().fault({ route: 'create', rawBody: '{"id": "task_\\ud800x", "status": "queued"}' });
		const [item] = await run({ parameters: generate(), continueOnFail: true });
		expect(item.json).toMatchObject({ taskId: 'task_\ud800x', error: expect.stringMatching(/the task id is not valid text/) });
		expect(mock().polls).toHaveLength(0);
	});
});

describe('refused submissions (HTTP 429) are bounded by Max Wait, in both wait modes', () => {
	const items = (count: number) => Array.from({ length: count }, (_, n) => ({ json: { url: `https://example.com/${n}.png` } }));
	const parameters = (waitMode: string) => generate({ imageUrl: '={{ $json.url }}', waitMode }, { maxWaitMinutes: 10 });

	it.each(['poll', 'callback'])('%s: 200 items against endless 429s end by Max Wait, with few requests', async (waitMode) => {
		mock().fault({ route: 'create', status: 429, headers: { 'retry-after': '60' }, body: { message: 'busy' }, times: 100_000 });
		const output = await run({ parameters: parameters(waitMode), items: items(200), continueOnFail: true });
		expect(output).toHaveLength(200);
		const errors = output.map((item) => String(item.json.error ?? (item.json.vidu as { message?: string } | undefined)?.message));
		expect(errors.every((error) => /HTTP 429/.test(error))).toBe(true);
		expect(clock.sleptMs()).toBeLessThanOrEqual(10 * 60_000);
		expect(mock().creates.length).toBeLessThan(40);
	});

	it('callback: submissions refused for a while are sent again, and every item pauses with its task', async () => {
		mock().fault({ route: 'create', status: 429, headers: { 'retry-after': '20' }, body: { message: 'busy' }, times: 6 });
		const output = await run({ parameters: parameters('callback'), items: items(5) });
		expect(output.map((item) => (item.json.vidu as { taskId: string }).taskId)).toEqual(
			items(5).map((item) => mock().taskIdFor(item.json.url)),
		);
		expect(mock().creates).toHaveLength(5 + 6);
	});

	it('poll: a run-wide failure without Continue On Fail names the refusal', async () => {
		mock().fault({ route: 'create', status: 429, body: { message: 'busy' }, times: 100_000 });
		const failure = await fail(run({ parameters: parameters('poll'), items: items(3) }));
		expect(failure.message).toBe('The Vidu API is rate limiting requests (HTTP 429)');
		expect(clock.sleptMs()).toBeLessThanOrEqual(10 * 60_000);
	});
});
