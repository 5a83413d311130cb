import { randomUUID } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';

import { signedHeaders } from '../../dev/mock/signCallback';
import { newExecutionId, runNode, runWebhook } from '../helpers/runNode';
import { FAST_WAIT, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();
const OFFICIAL = { authentication: 'official' };
const failure = async (parameters: Record<string, string>) =>
	((await run({ parameters: { ...OFFICIAL, ...parameters } }).catch((e: unknown) => e)) as Error).message;

describe("Vidu's own API (credential Vidu Official API)", () => {
	it('Generate From Image: a flat body to /img2video with Token auth, polled at /tasks/{id}/creations, cost in credits', async () => {
		const [item] = await run({
			parameters: { ...OFFICIAL, ...URL_IMAGE, prompt: 'waves', options: { duration: 5 }, waitOptions: FAST_WAIT },
		});
		const [create] = mock().creates;
		expect(create.path).toBe('/ent/v2/img2video');
		expect(create.headers.authorization).toBe(`Token ${mock().apiKey}`);
		expect(create.body).toEqual({ images: ['https://example.com/a.png'], prompt: 'waves', duration: 5, model: 'viduq1' });
		expect(mock().polls.map((poll) => poll.path)).toContain('/ent/v2/tasks/task_1/creations');
		expect(item.json).toMatchObject({
			taskId: 'task_1',
			status: 'completed',
			apiStatus: 'success',
			videoUrl: `${mock().url}/cdn/task_1.mp4`,
			coverUrl: `${mock().url}/cdn/task_1.jpg`,
			watermarkedUrl: `${mock().url}/cdn/task_1_wm.mp4`,
			usage: { cost: null, credits: 4 },
		});
	});

	it('each kind goes to its own endpoint under its own model name', async () => {
		await run({
			parameters: {
				...OFFICIAL,
				operation: 'startEndToVideo',
				...URL_IMAGE,
				endImageSource: 'url',
				endImageUrl: 'https://example.com/z.png',
				waitOptions: FAST_WAIT,
			},
		});
		await run({
			parameters: {
				...OFFICIAL,
				operation: 'referenceToVideo',
				model: 'viduq2_reference2video',
				referenceImageSource: 'url',
				referenceImageUrl: 'https://example.com/a.png',
				prompt: '@1 waves',
				waitOptions: FAST_WAIT,
			},
		});
		await run({ parameters: { ...OFFICIAL, operation: 'extendVideo', videoUrl: 'https://example.com/v.mp4', waitOptions: FAST_WAIT } });
		expect(mock().creates.map(({ path, body }) => [path, (body as { model: string }).model])).toEqual([
			['/ent/v2/start-end2video', 'viduq3-pro'],
			['/ent/v2/reference2video', 'viduq2'],
			['/ent/v2/extend', 'viduq2-pro'],
		]);
	});

	it('tasks past the concurrency limit are accepted (they queue at the API) and all finish: none is sent twice', async () => {
		mock().officialConcurrency = 2;
		mock().setDefaultScript({ pollsBeforeDone: 2 });
		const items = Array.from({ length: 5 }, (_, n) => ({ json: { url: `https://example.com/${n}.png` } }));
		const output = await run({
			parameters: { ...OFFICIAL, imageSource: 'url', imageUrl: '={{ $json.url }}', waitOptions: FAST_WAIT },
			items,
		});
		expect(output.map((item) => item.json.status)).toEqual(Array(5).fill('completed'));
		expect(mock().creates).toHaveLength(5);
	});

	it('Cancel Task cancels a task not yet started, and says in words that a started one cannot be', async () => {
		mock().officialConcurrency = 1;
		mock().setDefaultScript({ pollsBeforeDone: 5 });
		const [first] = await run({ parameters: { ...OFFICIAL, operation: 'submit', ...URL_IMAGE } });
		const [second] = await run({ parameters: { ...OFFICIAL, operation: 'submit', ...URL_IMAGE } });
		const [cancelled] = await run({ parameters: { ...OFFICIAL, operation: 'cancel', taskId: String(second.json.taskId) } });
		expect(cancelled.json).toEqual({ taskId: second.json.taskId, cancelled: true });
		expect(mock().requests.find((r) => r.path.endsWith('/cancel'))?.body).toEqual({ id: second.json.taskId });
		expect(await failure({ operation: 'cancel', taskId: String(first.json.taskId) })).toBe(
			`Task ${String(first.json.taskId)} has already started: Vidu cannot cancel it`,
		);
		expect(await failure({ operation: 'getTask', taskId: String(second.json.taskId) })).toMatch(/^Vidu task task_2 failed: .*TaskCanceled/);
	});

	it.each([
		[true, 1],
		[false, 0],
	])(
		'Stop with Cancel Tasks on Stop %s: the queued task is cancelled that many times, and the error names it',
		async (cancelOnStop, cancels) => {
			mock().officialConcurrency = 0;
			mock().setDefaultScript({ pollsBeforeDone: 1_000 });
			const controller = new AbortController();
			mock().onRequest = (request) => {
				if (request.method === 'GET') controller.abort();
			};
			const failure = (await run({
				parameters: { ...OFFICIAL, ...URL_IMAGE, waitOptions: { ...FAST_WAIT, cancelOnStop } },
				abortSignal: controller.signal,
			}).catch((e: unknown) => e)) as Error;
			expect(failure.message).toMatch(/^Stopped waiting for Vidu task task_1: the execution was cancelled/);
			const cancelled = mock().requests.filter((r) => r.path === '/ent/v2/tasks/task_1/cancel');
			expect(cancelled).toHaveLength(cancels);
		},
	);

	it('Get Credits outputs credits, concurrency limit, running and queued tasks as one item', async () => {
		mock().officialConcurrency = 1;
		mock().setDefaultScript({ pollsBeforeDone: 5 });
		await run({ parameters: { ...OFFICIAL, operation: 'submit', ...URL_IMAGE } });
		await run({ parameters: { ...OFFICIAL, operation: 'submit', ...URL_IMAGE } });
		const output = await run({ parameters: { ...OFFICIAL, resource: 'account', operation: 'getCredits' } });
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ creditsRemaining: 1000, concurrencyLimit: 1, currentConcurrency: 1, queueCount: 1 });
	});

	it('Cancel Task and Get Credits with the gateway credential are refused before anything is sent', async () => {
		const gateway = async (parameters: Record<string, string>) => ((await run({ parameters }).catch((e: unknown) => e)) as Error).message;
		expect(await gateway({ operation: 'cancel', taskId: 'task_1' })).toBe('Cancel Task works with Vidu Official API only');
		expect(await gateway({ resource: 'account', operation: 'getCredits' })).toBe('Get Credits works with Vidu Official API only');
		expect(mock().requests).toHaveLength(0);
	});

	it('a wrong key is reported as rejected by the API, and the key appears in no error', async () => {
		const wrongKey = 'wrong-key-0123456789abcdef';
		const error = (await runNode({
			parameters: { ...OFFICIAL, ...URL_IMAGE, waitOptions: FAST_WAIT },
			credential: { apiKey: wrongKey, baseUrl: mock().url },
		}).catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/401/);
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(wrongKey);
		expect(mock().creates).toHaveLength(1);
		expect(mock().creates[0].headers.authorization).toBe(`Token ${wrongKey}`);
	});
});

describe("Vidu's own API in Wait Mode Callback: signed callbacks", () => {
	/** A callback of `item` as Vidu sends it to its callback_url: signed with `key`, dated `date`. */
	async function ring(
		setup: { paused: INodeExecutionData[]; executionId: string },
		item: number,
		sign: { key?: string; date?: Date; nonce?: string; path?: string } = {},
	) {
		const url = new URL(String((mock().creates[item].body as { callback_url: string }).callback_url));
		const signed = signedHeaders(
			sign.key ?? mock().apiKey,
			'POST',
			`${sign.path ?? url.pathname}${url.search}`,
			sign.date ?? new Date(),
			sign.nonce ?? randomUUID(),
		);
		const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]));
		return await runWebhook(
			{
				parameters: callbackParameters,
				items: setup.paused,
				credential: { apiKey: mock().apiKey, baseUrl: mock().url },
				executionId: setup.executionId,
			},
			{ query: Object.fromEntries(url.searchParams), headers, url: `${url.pathname}${url.search}`, body: { state: 'success' } },
		);
	}
	const callbackParameters = { ...OFFICIAL, ...URL_IMAGE, waitMode: 'callback', waitOptions: FAST_WAIT };

	async function paused() {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const executionId = newExecutionId();
		return { paused: await run({ parameters: callbackParameters, executionId }), executionId };
	}

	it('a callback signed with the key resumes the run once the API confirms the task; its replay is refused', async () => {
		const setup = await paused();
		expect(mock().creates[0].path).toBe('/ent/v2/img2video');
		const nonce = randomUUID();
		const { answer, response } = await ring(setup, 0, { nonce });
		expect(answer).toEqual({ status: 200, body: { received: true, resumed: true } });
		expect(response.workflowData![0][0].json).toMatchObject({ status: 'completed', usage: { credits: 4 } });
		expect((await ring(setup, 0, { nonce })).answer).toEqual({ status: 401, body: { error: 'callback refused: nonce reused' } });
	});

	it.each([
		['a wrong key', { key: 'forged-key-0123456789' }, 'signature does not match'],
		['another path', { path: '/webhook-waiting/other/vidu' }, 'signature does not match'],
		['a Date 6 minutes old', { date: new Date(Date.now() - 6 * 60_000) }, 'stale Date'],
	])('a callback signed with %s is answered 401 without asking the API anything', async (_, sign, reason) => {
		const setup = await paused();
		const polls = mock().polls.length;
		expect((await ring(setup, 0, sign)).answer).toEqual({ status: 401, body: { error: `callback refused: ${reason}` } });
		expect(mock().polls).toHaveLength(polls);
	});

	it('an unsigned callback is refused', async () => {
		const setup = await paused();
		const url = new URL(String((mock().creates[0].body as { callback_url: string }).callback_url));
		const { answer } = await runWebhook(
			{
				parameters: callbackParameters,
				items: setup.paused,
				credential: { apiKey: mock().apiKey, baseUrl: mock().url },
				executionId: setup.executionId,
			},
			{ query: Object.fromEntries(url.searchParams), url: `${url.pathname}${url.search}`, body: { state: 'success' } },
		);
		expect(answer).toEqual({ status: 401, body: { error: 'callback refused: no signature' } });
		expect(mock().polls).toHaveLength(0);
	});
});
