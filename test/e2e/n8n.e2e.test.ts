import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { mp4Bytes } from '../../dev/mock/images';
import { ViduMock } from '../../dev/mock/viduMock';
import { HostileServer } from '../helpers/hostile';
import { type N8nItem, outputOf, RealN8n } from '../../dev/n8n/realN8n';

/** n8n versions to prove the package in; see README "Compatibility". */
const VERSIONS = (process.env.VIDU_E2E_N8N_VERSIONS ?? '2.40.7,1.123.81').split(',').filter(Boolean);

type Workflow = { id: string; nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }> };

const example = (file: string): Workflow => JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8')) as Workflow;

/** The shipped example, with its outside URLs and long waits pointed at the mock and shortened. */
function localised(file: string, mock: ViduMock): Workflow {
	const text = JSON.stringify(example(file)).replace(/https:\/\/example\.com\//g, `${mock.url}/images/`);
	const workflow = JSON.parse(text) as Workflow;
	for (const node of workflow.nodes) {
		if (node.parameters.waitOptions) node.parameters.waitOptions = { pollIntervalSeconds: 1, maxWaitMinutes: 2 };
		if (node.type === 'n8n-nodes-base.wait') Object.assign(node.parameters, { amount: 1, unit: 'seconds' });
	}
	return workflow;
}

type Vidu = Workflow['nodes'][number] & Record<string, unknown>;

/** A shipped example under an id and name of its own, its Vidu node (and workflow) changed by `change`. */
function variant(
	file: string,
	mock: ViduMock,
	id: string,
	name: string,
	change: (vidu: Vidu, workflow: Workflow & Record<string, unknown>) => void,
) {
	const workflow = localised(file, mock) as Workflow & Record<string, unknown>;
	Object.assign(workflow, { id, name });
	change(workflow.nodes.find((node) => node.name === 'Vidu') as Vidu, workflow);
	return workflow;
}

/** The batch example with n8n's Retry On Fail (2 tries, no pause) instead of Continue On Fail. */
const retriedBatch = (mock: ViduMock) =>
	variant('vidu-batch-continue-on-fail.json', mock, 'viduRetryOnFail01', 'Vidu: batch with Retry On Fail', (vidu) => {
		delete vidu.onError;
		Object.assign(vidu, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
	});

/** The binary example in a workflow whose binary mode is n8n 2.x's "combined": files travel in the items' JSON. */
const combinedBinary = (mock: ViduMock) =>
	variant('vidu-generate-from-binary.json', mock, 'viduCombinedBin01', 'Vidu: binary image in combined binary mode', (_, workflow) => {
		workflow.settings = { ...(workflow.settings as object), binaryMode: 'combined' };
	});

/** The batch example with On Error "Continue (using error output)": failed items leave by the node's second output. */
const errorOutputBatch = (mock: ViduMock) =>
	variant('vidu-batch-continue-on-fail.json', mock, 'viduErrorOutput01', 'Vidu: batch with an error output', (vidu) => {
		vidu.onError = 'continueErrorOutput';
	});

/** A shipped example with its Vidu node set to `model` (and, when given, these options), under the model's id as workflow id. */
const withModel = (file: string, mock: ViduMock, model: string, options?: Record<string, unknown>) =>
	variant(file, mock, model, `Vidu: ${file} with ${model}`, (vidu) => {
		Object.assign(vidu.parameters, { model }, options && { options });
	});

/** Speaks Vidu's own API with the credential "Vidu Official API". */
const OFFICIAL_CREDENTIAL = { viduOfficialApi: { id: 'viduOfficial01', name: 'Vidu official account' } };
const official = (vidu: Vidu) =>
	Object.assign(vidu, { credentials: OFFICIAL_CREDENTIAL }, { parameters: { ...vidu.parameters, authentication: 'official' } });

/** The URL example on Vidu's own API. */
const officialPoll = (mock: ViduMock) =>
	variant('vidu-generate-from-url.json', mock, 'viduOfficialPoll01', 'Vidu: official API, Poll', official);

/** Vidu's own API: submit a task, cancel it while it queues, then read the account. */
const officialCancel = (mock: ViduMock) =>
	variant('vidu-submit-then-get-task.json', mock, 'viduOfficialCancel01', 'Vidu: official API, cancel and credits', (_, workflow) => {
		const [submit, , getTask] = ['Vidu Submit', 'Wait', 'Vidu Get Task'].map(
			(name) => workflow.nodes.find((node) => node.name === name) as Vidu,
		);
		official(submit);
		official(getTask);
		getTask.parameters = { ...getTask.parameters, operation: 'cancel' };
		const credits = { ...getTask, id: '0b7c7c1e-0000-4000-8000-0000000000c1', name: 'Vidu Credits', position: [900, 0] } as Vidu;
		credits.parameters = { authentication: 'official', resource: 'account', operation: 'getCredits' };
		workflow.nodes.push(credits);
		(workflow.connections as Record<string, unknown>)['Vidu Get Task'] = { main: [[{ node: 'Vidu Credits', type: 'main', index: 0 }]] };
	});

/** The Submit Only example with Task Kind "Text to Video": a prompt, no image, the kind's default model. */
const textSubmit = (mock: ViduMock) =>
	variant('vidu-submit-then-get-task.json', mock, 'viduSubmitText01', 'Vidu: submit text to video, fetch it later', (_, workflow) => {
		const submit = workflow.nodes.find((node) => node.name === 'Vidu Submit')!;
		submit.parameters = { resource: 'video', operation: 'submit', taskKind: 'text2video', prompt: 'A kite climbs over the dunes' };
	});

describe.each(VERSIONS)('in real n8n %s', (version) => {
	let n8n: RealN8n;
	let mock: ViduMock;

	beforeAll(async () => {
		mock = await new ViduMock('e2e-key-0123456789abcdef').start();
		n8n = await RealN8n.start(version);
		await n8n.importViduCredential(mock);
		await n8n.importCredential({
			...OFFICIAL_CREDENTIAL.viduOfficialApi,
			type: 'viduOfficialApi',
			data: { apiKey: mock.apiKey, region: 'custom', baseUrl: mock.url },
		});
		await n8n.importWorkflows([
			officialPoll(mock),
			officialCancel(mock),
			...[
				'vidu-generate-from-url.json',
				'vidu-generate-from-binary.json',
				'vidu-submit-then-get-task.json',
				'vidu-batch-continue-on-fail.json',
				'vidu-start-end-frames.json',
				'vidu-text-to-video.json',
				'vidu-reference-to-video.json',
				'vidu-extend-video.json',
			].map((file) => localised(file, mock)),
			retriedBatch(mock),
			errorOutputBatch(mock),
			combinedBinary(mock),
			withModel('vidu-start-end-frames.json', mock, 'viduq2_turbo_start_end2video'),
			withModel('vidu-text-to-video.json', mock, 'viduq1_text2video', { aspectRatio: '9:16', style: 'anime' }),
			...['viduq2_pro_img2video', 'viduq3_turbo_img2video'].map((model) => withModel('vidu-generate-from-url.json', mock, model)),
			textSubmit(mock),
			withModel('vidu-reference-to-video.json', mock, 'viduq2_reference2video'),
			variant('vidu-extend-video.json', mock, 'viduq2_turbo_extend', 'Vidu: extended by Q2 Turbo', (_, workflow) => {
				const extend = workflow.nodes.find((node) => node.name === 'Vidu Extend')!;
				Object.assign(extend.parameters, {
					model: 'viduq2_turbo_extend',
					endImageSource: 'url',
					endImageUrl: `${mock.url}/images/end.jpg`,
				});
			}),
		]);
	}, 40 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await mock?.stop();
	});
	beforeEach(() => {
		mock.requests.length = 0;
	});

	it('Generate From Image with a URL: submits with the stored credential, polls, outputs the video', async () => {
		mock.scriptTasks({ pollsBeforeDone: 1 });
		const execution = await n8n.execute('viduExampleUrl01');
		expect(execution.data.resultData.error).toBeUndefined();
		const [item] = outputOf(execution, 'Vidu');
		expect(item.json).toMatchObject({
			status: 'completed',
			videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cdn\/task_\d+\.mp4$/),
			usage: { cost: 0.2, costRaw: '0.2000', discount: 1 },
		});
		expect(mock.creates).toHaveLength(1);
		expect(mock.creates[0].headers.authorization).toBe(`Bearer ${mock.apiKey}`);
		expect(mock.creates[0].body).toMatchObject({
			model: 'viduq1_img2video',
			input: [{ params: { images: [`${mock.url}/images/product.jpg`], movement_amplitude: 'small' } }],
		});
		expect(mock.polls.length).toBeGreaterThanOrEqual(2);
	});

	/** Runs a one-task workflow with `model` (imported under the model's id unless `workflowId` says): one create, the video out; resolves with the params sent. */
	async function runModel(model: string, workflowId = model): Promise<Record<string, unknown>> {
		mock.forgetRecorded();
		mock.scriptTasks({ pollsBeforeDone: 1 });
		const execution = await n8n.execute(workflowId);
		expect(execution.data.resultData.error).toBeUndefined();
		const [item] = outputOf(execution, 'Vidu');
		expect(item.json).toMatchObject({
			model,
			status: 'completed',
			taskId: expect.stringMatching(/^task_\d+$/),
			videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cdn\/task_\d+\.mp4$/),
		});
		expect(mock.creates).toHaveLength(1);
		const body = mock.creates[0].body as { model: string; input: Array<{ params: Record<string, unknown> }> };
		expect(body.model).toBe(model);
		return body.input[0].params;
	}

	/** Runs a workflow whose HTTP Request node fetches the mock's image as a file for Vidu: the image must arrive whole. */
	async function runWithFetchedImage(workflowId: string): Promise<N8nItem> {
		mock.scriptTasks({ pollsBeforeDone: 1 });
		const execution = await n8n.execute(workflowId);
		expect(execution.data.resultData.error).toBeUndefined();
		const params = (mock.creates[0].body as { input: Array<{ params: { images: string[] } }> }).input[0].params;
		expect(params.images).toEqual([`data:image/png;base64,${mock.imageBytes.toString('base64')}`]);
		return outputOf(execution, 'Vidu')[0];
	}

	it('Generate From Image with a binary file from HTTP Request, and Download Video into n8n', async () => {
		const item = await runWithFetchedImage('viduExampleBin01');
		expect(item.json.status).toBe('completed');
		expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', fileName: expect.stringMatching(/^task_\d+\.mp4$/) });
		const video = item.binary!.video;
		expect(video.bytes ?? Buffer.from(video.data ?? '', 'base64').length).toBe(mock.videoBytes.length);
		expect(mock.downloads).toHaveLength(1);
		expect(mock.downloads[0].headers.authorization).toBeUndefined();
	});

	it('in a workflow in "combined" binary mode (n8n 2.x), the image is read from the item\'s JSON and the video goes there', async () => {
		const item = await runWithFetchedImage('viduCombinedBin01');
		// n8n 1.x has no such mode: there the files stay in the item's binary.
		const files = version.startsWith('1.') ? item.binary : (item.json._files as N8nItem['binary']);
		expect(files?.video).toMatchObject({ mimeType: 'video/mp4', fileName: expect.stringMatching(/^task_\d+\.mp4$/) });
		expect(mock.downloads).toHaveLength(1);
	});

	it('Submit Only, then Get Task after a Wait node', async () => {
		mock.scriptTasks({ pollsBeforeDone: 0 });
		const execution = await n8n.execute('viduExampleSub01');
		expect(execution.data.resultData.error).toBeUndefined();
		const [submitted] = outputOf(execution, 'Vidu Submit');
		const [fetched] = outputOf(execution, 'Vidu Get Task');
		expect(submitted.json).toMatchObject({ status: 'in_progress', videoUrl: null });
		expect(fetched.json).toMatchObject({ taskId: submitted.json.taskId, status: 'completed' });
		expect(mock.creates).toHaveLength(1);
		expect(mock.polls).toHaveLength(1);
	});

	it('Generate From Start and End Frames with two models', async () => {
		const frames = [`${mock.url}/images/first-frame.jpg`, `${mock.url}/images/last-frame.jpg`];
		expect((await runModel('viduq2_turbo_start_end2video')).images).toEqual(frames);
		// The shipped example, as it is.
		expect((await runModel('viduq3_pro_start_end2video', 'viduExampleEnds01')).images).toEqual(frames);
	});

	it('Generate From Text with two models', async () => {
		const { prompt } = example('vidu-text-to-video.json').nodes.find((node) => node.name === 'Vidu')!.parameters;
		const q1 = await runModel('viduq1_text2video');
		expect(q1).toEqual({ prompt, aspect_ratio: '9:16', style: 'anime' });
		// The shipped example, as it is.
		const q3 = await runModel('viduq3_turbo_text2video', 'viduExampleText01');
		expect(q3).toMatchObject({ prompt, aspect_ratio: '9:16' });
		expect(q3).not.toHaveProperty('images');
	});

	it('Generate From References with two models: Q3 takes the images as they are, Q2 as subjects @1 and @2', async () => {
		const references = [`${mock.url}/images/barista.jpg`, `${mock.url}/images/cafe.jpg`];
		// The shipped example, as it is.
		const q3 = await runModel('viduq3_i2v_reference', 'viduExampleRefs01');
		expect(q3).toMatchObject({ images: references, aspect_ratio: '9:16', duration: 8, audio: false });
		expect(q3.prompt).toMatch(/^The barista/);
		const q2 = await runModel('viduq2_reference2video');
		expect(q2).toMatchObject({ subjects: references.map((url, n) => ({ id: String(n + 1), images: [url] })), duration: 8 });
		expect(q2).not.toHaveProperty('images');
	});

	it('Extend Video after Generate From Image with two models: the first video is the one extended', async () => {
		for (const [workflowId, model] of [
			['viduExampleExtend01', 'viduq2_pro_extend'],
			['viduq2_turbo_extend', 'viduq2_turbo_extend'],
		]) {
			mock.forgetRecorded();
			mock.scriptTasks({ pollsBeforeDone: 1 }, { pollsBeforeDone: 1 });
			const execution = await n8n.execute(workflowId);
			expect(execution.data.resultData.error).toBeUndefined();
			const [first] = outputOf(execution, 'Vidu');
			const [extended] = outputOf(execution, 'Vidu Extend');
			expect(extended.json).toMatchObject({ model, status: 'completed' });
			expect(extended.json.videoUrl).not.toBe(first.json.videoUrl);
			expect(mock.creates).toHaveLength(2);
			const body = mock.creates[1].body as { model: string; input: Array<{ params: Record<string, unknown> }> };
			expect(body.model).toBe(model);
			expect(body.input[0].params).toMatchObject({ video_url: first.json.videoUrl, duration: 7 });
			expect(body.input[0].params.images).toEqual(model === 'viduq2_turbo_extend' ? [`${mock.url}/images/end.jpg`] : undefined);
		}
	});

	it("Vidu's own API (credential Vidu Official API): Generate polls /tasks/{id}/creations, cost in credits", async () => {
		mock.forgetRecorded();
		mock.scriptTasks({ pollsBeforeDone: 1 });
		const execution = await n8n.execute('viduOfficialPoll01');
		expect(execution.data.resultData.error).toBeUndefined();
		const [item] = outputOf(execution, 'Vidu');
		expect(item.json).toMatchObject({ status: 'completed', apiStatus: 'success', model: 'viduq1', usage: { credits: 4 } });
		expect(mock.creates[0]).toMatchObject({ path: '/ent/v2/img2video', headers: { authorization: `Token ${mock.apiKey}` } });
		expect(mock.creates[0].body).toMatchObject({ model: 'viduq1', images: [`${mock.url}/images/product.jpg`] });
		expect(mock.polls.every((poll) => /^\/ent\/v2\/tasks\/task_\d+\/creations$/.test(poll.path))).toBe(true);
	});

	it("Vidu's own API: Cancel Task cancels a queued task, Get Credits reads the account", async () => {
		mock.forgetRecorded();
		mock.officialConcurrency = 0;
		try {
			const execution = await n8n.execute('viduOfficialCancel01');
			expect(execution.data.resultData.error).toBeUndefined();
			const [submitted] = outputOf(execution, 'Vidu Submit');
			expect(outputOf(execution, 'Vidu Get Task')[0].json).toEqual({ taskId: submitted.json.taskId, cancelled: true });
			expect(outputOf(execution, 'Vidu Credits')[0].json).toMatchObject({ creditsRemaining: 1000, concurrencyLimit: 0 });
		} finally {
			mock.officialConcurrency = 5;
		}
	});

	it('Generate From Image with a newer model', async () => {
		const image = [`${mock.url}/images/product.jpg`];
		expect(await runModel('viduq2_pro_img2video')).toMatchObject({ images: image, movement_amplitude: 'small' });
		// Q3 takes no movement setting, and its audio, on unless sent, goes as off.
		const q3 = await runModel('viduq3_turbo_img2video');
		expect(q3).toMatchObject({ images: image, audio: false });
		expect(q3).not.toHaveProperty('movement_amplitude');
	});

	it('Submit Only with Task Kind Text to Video, then Get Task', async () => {
		mock.scriptTasks({ pollsBeforeDone: 0 });
		const execution = await n8n.execute('viduSubmitText01');
		expect(execution.data.resultData.error).toBeUndefined();
		const [submitted] = outputOf(execution, 'Vidu Submit');
		const [fetched] = outputOf(execution, 'Vidu Get Task');
		expect(submitted.json).toMatchObject({ status: 'in_progress', videoUrl: null });
		expect(fetched.json).toMatchObject({ taskId: submitted.json.taskId, status: 'completed', model: 'viduq3_pro_text2video' });
		expect(mock.creates).toHaveLength(1);
		const body = mock.creates[0].body as { model: string; input: Array<{ params: Record<string, unknown> }> };
		expect(body.model).toBe('viduq3_pro_text2video');
		expect(body.input[0].params).toMatchObject({ prompt: 'A kite climbs over the dunes' });
		expect(body.input[0].params).not.toHaveProperty('images');
		expect(mock.polls).toHaveLength(1);
	});

	it('several items with one failed task and Continue On Fail: every item answered, in order', async () => {
		mock.scriptTasks({ forItem: 'B-200', finalStatus: 'failed', error: { code: 8008003004, message: 'bad image' } });
		const execution = await n8n.execute('viduExampleBatch01');
		expect(execution.data.resultData.error).toBeUndefined();
		const items = outputOf(execution, 'Vidu');
		expect(items).toHaveLength(3);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({ status: 'completed', taskId: mock.taskIdFor('A-100') });
		expect(items[1].json).toMatchObject({
			error: `Vidu task ${mock.taskIdFor('B-200')} failed: Invalid image (code 8008003004)`,
			taskId: mock.taskIdFor('B-200'),
		});
		expect(items[2].json).toMatchObject({ status: 'completed', taskId: mock.taskIdFor('C-300') });
		// Sent together, so the API may receive them in any order: one each.
		const prompts = mock.creates.map((c) => (c.body as { input: Array<{ params: { prompt: string } }> }).input[0].params.prompt);
		expect(prompts.sort()).toEqual([
			'Product A-100 turns slowly on a white table',
			'Product B-200 turns slowly on a white table',
			'Product C-300 turns slowly on a white table',
		]);
	});

	it('On Error "Continue (using error output)": the failed item leaves by the error output, with its input and its task id', async () => {
		mock.scriptTasks({ forItem: 'B-200', finalStatus: 'failed', error: { code: 8008003004, message: 'Invalid image' } });
		const execution = await n8n.execute('viduErrorOutput01');
		expect(execution.data.resultData.error).toBeUndefined();
		const [success, failure] = execution.data.resultData.runData.Vidu[0].data.main as N8nItem[][];
		expect(success.map((item) => item.json.taskId)).toEqual([mock.taskIdFor('A-100'), mock.taskIdFor('C-300')]);
		expect(failure).toHaveLength(1);
		// n8n puts the input item's fields beside the node's error.
		expect(failure[0].json).toMatchObject({
			sku: 'B-200',
			error: { message: `Vidu task ${mock.taskIdFor('B-200')} failed: Invalid image (code 8008003004)`, taskId: mock.taskIdFor('B-200') },
		});
	});

	it("n8n's Retry On Fail runs the node again: only the failed task is submitted again, none is paid twice", async () => {
		mock.scriptTasks({ forItem: 'B-200', finalStatus: 'failed', error: { code: 8008003098, message: 'no luck' } });
		const execution = await n8n.execute('viduRetryOnFail01');
		expect(execution.data.resultData.error).toBeUndefined();
		const items = outputOf(execution, 'Vidu');
		expect(items.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		const prompts = mock.creates.map((c) => (c.body as { input: Array<{ params: { prompt: string } }> }).input[0].params.prompt);
		// The first try: one each. The second: only B, whose task failed.
		expect(prompts.filter((p) => p.includes('A-100'))).toHaveLength(1);
		expect(prompts.filter((p) => p.includes('C-300'))).toHaveLength(1);
		expect(prompts.filter((p) => p.includes('B-200'))).toHaveLength(2);
		expect(items[1].json.taskId).toBe(mock.taskIdFor('B-200'));
	});

	it('the video host: a redirect is followed without the key, a redirect to cloud metadata is not', async () => {
		const video = mp4Bytes(50_000, 9);
		const host = await new HostileServer((req, res) => {
			if (req.url === '/v.mp4') res.writeHead(302, { location: '/storage/v.mp4' }).end();
			else if (req.url === '/metadata.mp4') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
			else res.writeHead(200, { 'content-type': 'video/mp4' }).end(video);
		}).start();
		const finished = (path: string) => ({
			route: 'poll' as const,
			// No id: a status answer that does not repeat it is about the task asked for.
			body: { status: 'completed', output: [{ content: [{ type: 'video', url: host.url + path }] }] },
		});
		try {
			mock.fault(finished('/v.mp4'));
			const followed = await n8n.execute('viduExampleBin01');
			expect(followed.data.resultData.error).toBeUndefined();
			const stored = outputOf(followed, 'Vidu')[0].binary!.video;
			expect(stored.bytes ?? Buffer.from(stored.data ?? '', 'base64').length).toBe(video.length);
			expect(host.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
				['/v.mp4', undefined],
				['/storage/v.mp4', undefined],
			]);

			mock.fault(finished('/metadata.mp4'));
			const refused = await n8n.execute('viduExampleBin01');
			expect(refused.data.resultData.error?.message).toMatch(/redirects to a URL that points at a link-local address/);
			expect(host.requests).toHaveLength(3);
		} finally {
			await host.stop();
		}
	});

	it('a redirect from the API is not followed: the key and the image stay with the API host', async () => {
		const elsewhere = await new HostileServer((_req, res) => res.end('{"id":"stolen","status":"processing"}')).start();
		try {
			mock.fault({ route: 'create', status: 307, headers: { location: `${elsewhere.url}/model/v1/generation` } });
			const execution = await n8n.execute('viduExampleUrl01');
			expect(execution.data.resultData.error?.message).toMatch(/redirect \(HTTP 307\)/);
			expect(elsewhere.requests).toHaveLength(0);
			expect(mock.creates).toHaveLength(1);
		} finally {
			await elsewhere.stop();
		}
	});

	// Last: it turns n8n's debug log on for the commands that follow.
	it('the API key appears nowhere n8n keeps: outputs, saved errors, its database, its debug log', async () => {
		const key = mock.apiKey;
		const n8nFolder = join(n8n.userFolder, '.n8n');
		n8n.useEnv({ N8N_LOG_LEVEL: 'debug', N8N_LOG_OUTPUT: 'console,file', N8N_LOG_FILE_LOCATION: join(n8nFolder, 'logs', 'vidu-leak.log') });
		// A far side that echoes the key into every text and field it answers with.
		const echo = {
			status: 'failed',
			error: { code: 'E_UNLISTED', message: `upstream refused Bearer ${key}` },
			messages: [`key ${key}`],
			metadata: { token: key },
			usage: { cost: key },
			model: key,
		};
		mock.scriptTasks({ pollsBeforeDone: 0 });
		mock.fault({ route: 'poll', body: echo });
		const stopped = await n8n.execute('viduExampleUrl01');
		expect(stopped.data.resultData.error?.message).toMatch(/failed: upstream refused Bearer \*+/);
		mock.fault({ route: 'poll', body: echo, times: 3 });
		const continued = await n8n.execute('viduExampleBatch01');
		expect(outputOf(continued, 'Vidu').map((item) => item.json.error)).toEqual(Array(3).fill(expect.stringMatching(/upstream refused/)));
		mock.fault({ route: 'create', status: 500, body: { message: `internal error for ${key}` } });
		const refused = await n8n.execute('viduExampleUrl01');
		expect(refused.data.resultData.error?.message).toBeDefined();

		for (const execution of [stopped, continued, refused]) expect(JSON.stringify(execution)).not.toContain(key);
		// Everything n8n wrote to its folder: the database (saved executions, with the errors as n8n
		// stores them) and the debug log. The credential itself is stored encrypted.
		const files = readdirSync(n8nFolder, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes(`${n8nFolder}/nodes/`))
			.map((entry) => join(entry.parentPath, entry.name));
		const textOf = (pattern: RegExp) =>
			files
				.filter((file) => pattern.test(file))
				.map((file) => readFileSync(file).toString('latin1'))
				.join('\n');
		// Not vacuous: the saved executions and the node's log lines are there.
		expect(mock.creates.length).toBeGreaterThanOrEqual(5);
		expect(textOf(/database\.sqlite/)).toContain('upstream refused');
		expect(textOf(/vidu-leak\.log$/)).toMatch(/Vidu task task_\d+ submitted/);
		const everything = textOf(/./);
		expect(everything).not.toContain(key);
	});
});
