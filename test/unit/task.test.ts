import { parseUsage, taskToJson } from '../../nodes/Vidu/output/items';
import { parseTask, parseTaskError, stateOf } from '../../nodes/Vidu/transport/task';
import { parseJsonBody, taskIdInText } from '../../nodes/Vidu/transport/client';
import { apiMessageOf, networkFailure } from '../../nodes/Vidu/transport/failure';

describe('stateOf', () => {
	it.each(['completed', 'COMPLETED', 'done', 'Success', 'succeed', 'succeeded', 'complete', 'finished'])('%s is completed', (s) =>
		expect(stateOf(s)).toBe('completed'),
	);
	it.each(['failed', 'FAILED', 'error', 'cancelled', 'canceled', 'expired', 'failure'])('%s is failed', (s) =>
		expect(stateOf(s)).toBe('failed'),
	);
	it.each(['in_progress', 'pending', 'processing', 'queued', 'in_queue', 'created', 'queueing', 'brand_new', ''])(
		'%s is still running',
		(s) => expect(stateOf(s)).toBe('running'),
	);
});

describe('parseTaskError', () => {
	it.each([
		{ input: 'the model gave up', expected: { message: 'the model gave up' } },
		{ input: { code: 8008003098, message: 'Generation failed' }, expected: { code: 8008003098, message: 'Generation failed' } },
		{ input: { code: '8008003004', error_message: 'Invalid image' }, expected: { code: '8008003004', message: 'Invalid image' } },
		{ input: { code: 5 }, expected: { code: 5, message: '' } },
		{ input: null, expected: null },
		{ input: '', expected: null },
	])('reads $input', ({ input, expected }) => expect(parseTaskError(input)).toEqual(expected));
});

describe('parseTask', () => {
	it('an empty id falls through to task_id: the paid task is not lost to an odd answer', () => {
		expect(parseTask({ id: '', task_id: 'task_77', status: 'queued' })).toMatchObject({ id: 'task_77' });
		expect(parseTask({ id: '  ', task_id: 'task_77', status: 'queued' })).toMatchObject({ id: 'task_77' });
		expect(parseTask({ id: null, task_id: 9001, status: 'queued' })).toMatchObject({ id: '9001' });
	});

	it('keeps at most 20 video entries of an answer, and how many it listed', () => {
		const output = [{ content: Array.from({ length: 45_000 }, (_, n) => ({ type: 'video', url: `https://cdn.example/${n}.mp4` })) }];
		const task = parseTask({ id: 'a', status: 'completed', output })!;
		expect(task.videos).toHaveLength(20);
		expect(task.videos[0].url).toBe('https://cdn.example/0.mp4');
		expect(task.videoCount).toBe(45_000);
		expect(taskToJson(task, null, null)).toMatchObject({ videoUrl: 'https://cdn.example/0.mp4', videoCount: 45_000 });
	});

	it('returns undefined without an id, so the caller can report a broken answer', () => {
		expect(parseTask({ status: 'completed' })).toBeUndefined();
		expect(parseTask('<html>')).toBeUndefined();
		expect(parseTask(null)).toBeUndefined();
	});

	it('takes a status answer without an id as about the task asked for, when it says a state', () => {
		expect(parseTask({ state: 'processing', progress: 0.5 }, 'asked')).toMatchObject({ id: 'asked', state: 'running', progress: 0.5 });
		expect(parseTask({ status: 'completed' }, 'asked')).toMatchObject({ id: 'asked', state: 'completed' });
		expect(parseTask({ message: 'ok' }, 'asked')).toBeUndefined();
		expect(parseTask({ id: 'other', status: 'completed' }, 'asked')).toMatchObject({ id: 'other' });
	});

	it('takes an id of dots (it cannot address a task in a URL), or longer than any id, for no id', () => {
		expect(parseTask({ id: '..', status: 'in_progress' })).toBeUndefined();
		// An id longer than any id is no id either: it would fill every message and URL.
		expect(parseTask({ id: 'x'.repeat(1001), status: 'in_progress' })).toBeUndefined();
		expect(parseTask({ id: 'x'.repeat(1000), status: 'in_progress' })?.id).toHaveLength(1000);
		expect(parseTask({ task_id: '.', status: 'completed' }, 'asked')).toBeUndefined();
	});

	it('cuts a status or model name of a megabyte to 100 characters', () => {
		const task = parseTask({ id: 't', status: 's'.repeat(1_000_000), model: 'm'.repeat(1_000_000) })!;
		expect([task.state, task.apiStatus.length, task.model?.length]).toEqual(['running', 100, 100]);
	});

	it('reads task_id, numeric ids and string progress', () => {
		expect(parseTask({ task_id: 'x', status: 'processing', progress: '0.5' })).toMatchObject({ id: 'x', progress: 0.5 });
		expect(parseTask({ id: 42, status: 'pending' })).toMatchObject({ id: '42', state: 'running' });
	});

	it.each([
		{ progress: 0.4, read: 0.4 },
		{ progress: 1, read: 1 },
		{ progress: 40, read: 0.4 },
		{ progress: '65%', read: 0.65 },
		{ progress: 100, read: 1 },
		{ progress: 250, read: null },
		{ progress: -0.1, read: null },
		{ progress: '', read: null },
		{ progress: ' ', read: null },
		{ progress: true, read: null },
	])('reads progress $progress as $read (0–1, or a percentage past 1)', ({ progress, read }) => {
		expect(parseTask({ id: 'p', status: 'processing', progress })?.progress).toBe(read);
	});

	it('collects video entries and ignores entries without a URL', () => {
		const task = parseTask({
			id: 'a',
			status: 'completed',
			output: [{ content: [{ type: 'video', url: 'u1' }, { type: 'video' }, { type: 'video', url: 'u2' }] }],
		});
		expect(task?.videos).toEqual([
			{ type: 'video', url: 'u1' },
			{ type: 'video', url: 'u2' },
		]);
	});

	it('takes the video, not a cover image listed before it', () => {
		const output = [{ content: [{ type: 'image', url: 'cover.jpg' }, { type: 'video', url: 'v.mp4' }, { url: 'untyped.mp4' }] }];
		expect(parseTask({ id: 'a', status: 'completed', output })?.videos.map((v) => v.url)).toEqual(['v.mp4', 'untyped.mp4']);
		const unknown = [{ content: [{ type: 'mp4', url: 'x.mp4' }] }];
		expect(parseTask({ id: 'a', status: 'completed', output: unknown })?.videos.map((v) => v.url)).toEqual(['x.mp4']);
	});

	it.each([
		{ label: 'type video_url with url', output: [{ content: [{ type: 'video_url', url: 'u1' }] }] },
		{ label: 'a video_url text', output: [{ content: [{ type: 'video_url', video_url: 'u1' }] }] },
		{ label: 'a video_url object', output: [{ content: [{ type: 'video_url', video_url: { url: 'u1' } }] }] },
		{ label: 'entries directly in output', output: [{ type: 'video', url: 'u1' }] },
		{ label: 'an output object instead of a list', output: { content: [{ type: 'video', url: 'u1' }] } },
	])('finds the video in $label', ({ output }) => {
		expect(parseTask({ id: 'a', status: 'completed', output })?.videos.map((v) => v.url)).toEqual(['u1']);
	});

	it("reads the maker's shape passed on by a gateway: creations for videos, a non-zero err_code for the error", () => {
		const done = parseTask({ id: 'a', state: 'success', err_code: 0, creations: [{ id: 'c', url: 'v.mp4', cover_url: 'c.jpg' }] });
		expect(done).toMatchObject({ state: 'completed', error: null });
		expect(done?.videos).toEqual([{ id: 'c', type: 'video', url: 'v.mp4', cover_url: 'c.jpg' }]);
		expect(parseTask({ id: 'a', state: 'failed', err_code: '8008003004' })?.error).toEqual({ code: '8008003004', message: '' });
		expect(parseTask({ id: 'a', state: 'failed', err_code: 8008003098 })?.error).toEqual({ code: 8008003098, message: '' });
		const both = parseTask({ id: 'a', status: 'completed', output: [{ url: 'g.mp4' }], creations: [{ url: 'm.mp4' }] });
		expect(both?.videos.map((v) => v.url)).toEqual(['g.mp4']);
	});
});

describe('parseUsage', () => {
	it.each([
		{ input: { cost: '0.2000', discount: 1 }, expected: { cost: 0.2, costRaw: '0.2000', discount: 1 } },
		{ input: { cost: '' }, expected: { cost: null, costRaw: '', discount: null } },
		{ input: { cost: 0.35 }, expected: { cost: 0.35, costRaw: '0.35', discount: null } },
		{ input: { cost: 'n/a', discount: 'x' }, expected: { cost: null, costRaw: 'n/a', discount: null } },
		{ input: { cost: '0.1', discount: null }, expected: { cost: 0.1, costRaw: '0.1', discount: null } },
		// Only a non-negative decimal is a cost; what the API wrote stays readable in costRaw, clipped.
		{ input: { cost: '-1' }, expected: { cost: null, costRaw: '-1', discount: null } },
		{ input: { cost: '1e308' }, expected: { cost: null, costRaw: '1e308', discount: null } },
		{ input: { cost: '0x10' }, expected: { cost: null, costRaw: '0x10', discount: null } },
		{ input: { cost: [5] }, expected: { cost: null, costRaw: '[5]', discount: null } },
		{ input: { cost: -0.5 }, expected: { cost: null, costRaw: '-0.5', discount: null } },
		{ input: { cost: '7'.repeat(200_000) }, expected: { cost: null, costRaw: `${'7'.repeat(99)}…`, discount: null } },
		{ input: { cost: '0.1', discount: '' }, expected: { cost: 0.1, costRaw: '0.1', discount: null } },
		{ input: { cost: '0.1', discount: '0.8' }, expected: { cost: 0.1, costRaw: '0.1', discount: 0.8 } },
		{ input: null, expected: { cost: null, costRaw: null, discount: null } },
	])('reads $input', ({ input, expected }) => expect(parseUsage(input)).toEqual(expected));
});

describe('taskToJson', () => {
	it('never leaves a field undefined', () => {
		const json = taskToJson(parseTask({ id: 'a', status: 'processing' })!, null, 0);
		for (const [key, value] of Object.entries(json)) expect([key, value]).not.toEqual([key, undefined]);
	});
});

describe('apiMessageOf', () => {
	it.each([
		{ body: { message: 'm1' }, expected: 'm1' },
		{ body: { error: 'm2' }, expected: 'm2' },
		{ body: { error: { code: 1, message: 'm3' } }, expected: 'm3' },
		{ body: { error: { code: 1, error_message: 'm4' } }, expected: 'm4' },
		{ body: { status: { code: 500, message: 'm5' } }, expected: 'm5' },
		{ body: 'plain text', expected: 'plain text' },
		{ body: {}, expected: undefined },
	])('finds the message in $body', ({ body, expected }) => expect(apiMessageOf(body)).toBe(expected));
});

describe('networkFailure', () => {
	it.each([
		{ code: 'ECONNREFUSED', notSent: true },
		{ code: 'ENOTFOUND', notSent: true },
		{ code: 'EAI_AGAIN', notSent: true },
		{ code: 'EHOSTUNREACH', notSent: true },
		{ code: 'ECONNRESET', notSent: false },
		{ code: 'ETIMEDOUT', notSent: false },
		{ code: undefined, notSent: false },
	])('$code: a submission provably not sent: $notSent', ({ code, notSent }) => {
		expect(networkFailure('submit', 'http://api', code).retry).toMatchObject({ transient: true, notSent });
	});
});

describe('reading answers', () => {
	it('keeps an integer task id past 2^53 exactly as the API wrote it', () => {
		const body = Buffer.from('{"id": 787587466925535232, "status":"queued", "task_id":12345678901234567890}');
		expect(parseJsonBody(body)).toEqual({ id: '787587466925535232', status: 'queued', task_id: '12345678901234567890' });
		expect(parseTask(parseJsonBody(body))?.id).toBe('787587466925535232');
		// Other numbers, and ids small enough, are read as numbers.
		expect(parseJsonBody(Buffer.from('{"id": 42, "cost": 12345678901234567}'))).toEqual({ id: 42, cost: 12345678901234567 });
	});

	it('finds the task id in a create answer cut at its cap, past an echo of the request', () => {
		const cut = `{"images":["data:image/png;base64,${'A'.repeat(5000)}"],"payload":"{\\"id\\": \\"mine\\"}","id":"task_9","stat`;
		expect(taskIdInText(cut)).toBe('task_9');
		expect(taskIdInText('{"task_id": 787587466925535232, "sta')).toBe('787587466925535232');
		expect(taskIdInText(`{"images":["${'A'.repeat(5000)}`)).toBeUndefined();
	});
});
