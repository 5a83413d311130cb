import { readBinary } from '../helpers/runNode';
import { FAST_WAIT, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();

describe('Submit Only', () => {
	it('outputs the task id at once without polling', async () => {
		mock().scriptTasks({ pollsBeforeDone: 5 });
		const [item] = await run({ parameters: { operation: 'submit', ...URL_IMAGE } });
		expect(mock().creates).toHaveLength(1);
		expect(mock().polls).toHaveLength(0);
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'in_progress', apiStatus: 'in_progress', videoUrl: null });
		expect(item.json.usage).toEqual({ cost: null, costRaw: null, discount: null });
	});

	it('outputs the video when the create answer is already completed', async () => {
		mock().scriptTasks({ terminalOnCreate: true });
		const [item] = await run({ parameters: { operation: 'submit', ...URL_IMAGE } });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed', videoUrl: `${mock().url}/cdn/task_1.mp4` });
	});
});

describe('Get Task', () => {
	it('reports a running task with its progress', async () => {
		mock().scriptTasks({ pollsBeforeDone: 3, runningStates: ['processing'] });
		const [submitted] = await run({ parameters: { operation: 'submit', ...URL_IMAGE } });
		const [item] = await run({ parameters: { operation: 'getTask', taskId: submitted.json.taskId as string } });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'in_progress', apiStatus: 'processing', progress: 0.25, videoUrl: null });
	});

	it('outputs the same shape as Generate for a finished task, and can download it', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 }, { pollsBeforeDone: 0 });
		const [generated] = await run({ parameters: { operation: 'generate', ...URL_IMAGE, waitOptions: FAST_WAIT } });
		const [fetched] = await run({ parameters: { operation: 'getTask', taskId: 'task_1', downloadVideo: true } });
		expect(Object.keys(fetched.json).sort()).toEqual(Object.keys(generated.json).sort());
		expect({ ...fetched.json, elapsedSeconds: 0 }).toEqual({ ...generated.json, elapsedSeconds: 0 });
		expect(fetched.json.elapsedSeconds).toBeNull();
		expect((await readBinary(fetched.binary!.data)).equals(mock().videoBytes)).toBe(true);
	});

	it('a finished task is at progress 1, whatever progress the answer said or left out', async () => {
		const output = [{ content: [{ type: 'video', url: 'https://cdn.example/v.mp4' }] }];
		mock().fault({ route: 'poll', body: { id: 'task_9', status: 'completed', output } });
		mock().fault({ route: 'poll', body: { id: 'task_9', status: 'completed', progress: 0.97, output } });
		for (let n = 0; n < 2; n++) {
			const [item] = await run({ parameters: { operation: 'getTask', taskId: 'task_9' } });
			expect(item.json).toMatchObject({ status: 'completed', progress: 1 });
		}
	});

	it('explains an unknown task id', async () => {
		await expect(run({ parameters: { operation: 'getTask', taskId: 'task_404' } })).rejects.toMatchObject({
			message: expect.stringContaining('not found'),
			description: expect.stringContaining('task ID'),
		});
	});
});

describe('task state spellings', () => {
	it.each([
		{ runningStates: ['pending', 'processing'], finalStatus: 'completed' },
		{ runningStates: ['queued', 'in_queue'], finalStatus: 'done' },
		{ runningStates: ['IN_PROGRESS', 'Processing'], finalStatus: 'COMPLETED' },
		{ runningStates: ['created', 'queueing', 'something_new'], finalStatus: 'success' },
	])('treats $runningStates as running and $finalStatus as finished', async ({ runningStates, finalStatus }) => {
		mock().scriptTasks({ pollsBeforeDone: runningStates.length, runningStates, finalStatus });
		const [item] = await run({ parameters: { operation: 'generate', ...URL_IMAGE, waitOptions: FAST_WAIT } });
		expect(mock().polls).toHaveLength(runningStates.length + 1);
		expect(item.json).toMatchObject({ status: 'completed', apiStatus: finalStatus, videoUrl: `${mock().url}/cdn/task_1.mp4` });
	});

	it('accepts task_id instead of id, video_url entries and no progress field', async () => {
		mock().scriptTasks({ idField: 'task_id', videoType: 'video_url', progress: false, pollsBeforeDone: 1 });
		const [item] = await run({ parameters: { operation: 'generate', ...URL_IMAGE, waitOptions: FAST_WAIT } });
		expect(item.json).toMatchObject({ taskId: 'task_1', videoUrl: `${mock().url}/cdn/task_1.mp4` });
		expect(item.json.videos).toEqual([{ type: 'video_url', url: `${mock().url}/cdn/task_1.mp4` }]);
	});

	it('lists every video and takes the first as videoUrl', async () => {
		mock().scriptTasks({ videoCount: 2 });
		const [item] = await run({ parameters: { operation: 'generate', ...URL_IMAGE, waitOptions: FAST_WAIT } });
		expect(item.json.videoUrl).toBe(`${mock().url}/cdn/task_1.mp4`);
		expect(item.json.videos).toHaveLength(2);
	});

	it('keeps an empty cost string as null cost with the raw string', async () => {
		mock().scriptTasks({ usage: { cost: '', discount: 0 } });
		const [item] = await run({ parameters: { operation: 'generate', ...URL_IMAGE, waitOptions: FAST_WAIT } });
		expect(item.json.usage).toEqual({ cost: null, costRaw: '', discount: 0 });
	});
});

describe('as an AI agent tool', () => {
	it('answers the model with the video URL, the task id, its state and its cost only', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const [item] = await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: 'https://example.com/a.png' },
			nodeType: 'n8n-nodes-vidu.viduTool',
		});
		expect(item.json).toEqual({
			videoUrl: expect.stringMatching(/\/cdn\/task_1\.mp4$/),
			taskId: 'task_1',
			status: 'completed',
			costUsd: 0.2,
		});
	});

	it('takes the image from a URL unless told otherwise (version 1.1; the tool of version 1 keeps Binary File)', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const parameters = { operation: 'generate', imageUrl: 'https://example.com/a.png' };
		const [item] = await run({ parameters, nodeType: 'n8n-nodes-vidu.viduTool', typeVersion: 1.1 });
		expect(item.json).toMatchObject({ taskId: 'task_1', status: 'completed' });
		expect(mock().creates[0].body).toMatchObject({ input: [{ params: { images: ['https://example.com/a.png'] } }] });
		const [old] = await run({ parameters, nodeType: 'n8n-nodes-vidu.viduTool', typeVersion: 1 });
		expect(old.json.error).toMatch(/binary/i);
		const [plain] = await run({ parameters: { ...parameters, waitOptions: FAST_WAIT }, typeVersion: 1.1, continueOnFail: true });
		expect(plain.json.error).toMatch(/binary/i);
	});

	it.each([false, true])(
		'answers the model with the error, what to do and the task id when the task failed (Continue On Fail: %s)',
		async (continueOnFail) => {
			// Thrown, n8n would hand the model an empty answer: the failure is the tool's answer either way.
			mock().scriptTasks({ pollsBeforeDone: 0, finalStatus: 'failed', error: { code: 8008003004, message: 'bad image' } });
			const [item] = await run({
				parameters: { operation: 'generate', imageSource: 'url', imageUrl: 'https://example.com/a.png' },
				nodeType: 'n8n-nodes-vidu.viduTool',
				continueOnFail,
			});
			expect(item.json).toEqual({
				taskId: 'task_1',
				error: 'Vidu task task_1 failed: Invalid image (code 8008003004)',
				description: expect.stringMatching(/\S/),
			});
		},
	);

	it('answers the model with what is wrong with its call, before anything is paid', async () => {
		const [item] = await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: 'ftp://example.com/a.png' },
			nodeType: 'n8n-nodes-vidu.viduTool',
		});
		expect(item.json.error).toMatch(/^Image URL: "ftp:\/\/example.com\/a.png" is not an http\(s\) URL/);
		expect(mock().creates).toHaveLength(0);
	});

	it('a stopped execution still stops the tool with an error naming the paid task', async () => {
		mock().scriptTasks({ pollsBeforeDone: 1_000_000 });
		const controller = new AbortController();
		mock().onRequest = (request) => {
			if (request.method === 'GET') controller.abort();
		};
		const stopped = run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: 'https://example.com/a.png' },
			nodeType: 'n8n-nodes-vidu.viduTool',
			abortSignal: controller.signal,
		});
		await expect(stopped).rejects.toMatchObject({ message: expect.stringMatching(/^Stopped waiting for Vidu task task_1/) });
	});
});
