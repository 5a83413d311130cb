import { TestCredentialsHelper } from '../helpers/credentialsHelper';
import { binaryItem, readBinary } from '../helpers/runNode';
import { FAST_WAIT, sentParams, useMock } from '../helpers/setup';
import { jpegBytes, pngBytes, webpBytes } from '../../dev/mock/images';

const { mock: currentMock, run } = useMock();

describe('Generate From Image', () => {
	let mock: ReturnType<typeof currentMock>;
	beforeEach(() => {
		mock = currentMock();
	});
	/** One image URL per item, each task running for its own number of status calls, whatever the arrival order. */
	const scriptPerUrl = (...pollsBeforeDone: number[]) => {
		const urls = pollsBeforeDone.map((_, n) => `https://example.com/${n + 1}.png`);
		mock.scriptTasks(...urls.map((forItem, n) => ({ forItem, pollsBeforeDone: pollsBeforeDone[n] })));
		return urls;
	};

	it('submits a binary PNG as a data URI, polls to completion and outputs URL and usage', async () => {
		mock.scriptTasks({ pollsBeforeDone: 2 });
		const png = pngBytes();
		const [item] = await run({
			parameters: { operation: 'generate', prompt: 'a cat waves', waitOptions: FAST_WAIT },
			items: [await binaryItem(png, 'photo.jpg', 'image/jpeg')],
		});
		expect(mock.creates).toHaveLength(1);
		const sent = mock.creates[0];
		expect(sent.headers.authorization).toBe(`Bearer ${mock.apiKey}`);
		expect(sent.body).toEqual({
			model: 'viduq1_img2video',
			input: [{ params: { images: [`data:image/png;base64,${png.toString('base64')}`], prompt: 'a cat waves' } }],
		});
		expect(mock.polls).toHaveLength(3);
		expect(item.json).toMatchObject({
			taskId: 'task_1',
			status: 'completed',
			videoUrl: `${mock.url}/cdn/task_1.mp4`,
			usage: { cost: 0.2, costRaw: '0.2000', discount: 1 },
			progress: 1,
			model: 'viduq1_img2video',
			metadata: { in_queue_at: 1710000001, completed_at: 1710000060 },
		});
		expect(item.json.videos).toEqual([{ type: 'video', url: `${mock.url}/cdn/task_1.mp4` }]);
		expect(typeof item.json.elapsedSeconds).toBe('number');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary).toBeUndefined();
	});

	it.each([
		{ label: 'JPEG', bytes: jpegBytes(), mime: 'image/jpeg' },
		{ label: 'WebP', bytes: webpBytes(), mime: 'image/webp' },
	])('sniffs $label from the bytes, not the file name', async ({ bytes, mime }) => {
		await run({
			parameters: { operation: 'generate', waitOptions: FAST_WAIT },
			items: [await binaryItem(bytes, 'image.png', 'application/octet-stream')],
		});
		const [image] = sentParams(mock).images as string[];
		expect(image.startsWith(`data:${mime};base64,`)).toBe(true);
		expect(Buffer.from(image.split(',')[1], 'base64').equals(bytes)).toBe(true);
	});

	it('reads the image from a binary field with another name', async () => {
		await run({
			parameters: { operation: 'generate', binaryPropertyName: 'photo', waitOptions: FAST_WAIT },
			items: [await binaryItem(pngBytes(), 'p.png', 'image/png', 'photo')],
		});
		expect(mock.creates).toHaveLength(1);
	});

	it('sends an image URL unchanged', async () => {
		await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: 'https://example.com/a.png', waitOptions: FAST_WAIT },
		});
		expect(mock.creates[0].body).toMatchObject({ input: [{ params: { images: ['https://example.com/a.png'] } }] });
	});

	it.each([
		{ label: 'raw base64', encode: (b: Buffer) => b.toString('base64') },
		{ label: 'a data URI with a wrong declared type', encode: (b: Buffer) => `data:image/gif;base64,${b.toString('base64')}` },
		{ label: 'base64 with line breaks', encode: (b: Buffer) => b.toString('base64').replace(/(.{10})/g, '$1\n') },
	])('turns $label into a data URI with the sniffed type', async ({ encode }) => {
		const jpeg = jpegBytes();
		await run({
			parameters: { operation: 'generate', imageSource: 'base64', imageData: encode(jpeg), waitOptions: FAST_WAIT },
		});
		expect(mock.creates[0].body).toMatchObject({
			input: [{ params: { images: [`data:image/jpeg;base64,${jpeg.toString('base64')}`] } }],
		});
	});

	it('downloads the video into the chosen binary field without sending the token to the CDN', async () => {
		const [item] = await run({
			parameters: { operation: 'generate', downloadVideo: true, outputBinaryPropertyName: 'video', waitOptions: FAST_WAIT },
			items: [await binaryItem(pngBytes(), 'p.png', 'image/png')],
		});
		expect(mock.downloads).toHaveLength(1);
		expect(mock.downloads[0].headers.authorization).toBeUndefined();
		const video = item.binary!.video;
		expect(video.mimeType).toBe('video/mp4');
		expect(video.fileName).toBe('task_1.mp4');
		expect((await readBinary(video)).equals(mock.videoBytes)).toBe(true);
		expect(item.json.videoUrl).toBe(`${mock.url}/cdn/task_1.mp4`);
	});

	it('outputs at once, without a status call, tasks whose create answer is already completed or failed', async () => {
		const urls = ['https://example.com/1.png', 'https://example.com/2.png'];
		mock.scriptTasks(
			{ forItem: urls[0], terminalOnCreate: true },
			{ forItem: urls[1], terminalOnCreate: true, finalStatus: 'failed', error: { code: 8008003004, message: 'bad image' } },
		);
		const output = await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: '={{ $json.url }}', downloadVideo: true, waitOptions: FAST_WAIT },
			items: urls.map((url) => ({ json: { url } })),
			continueOnFail: true,
		});
		expect(output[0].json).toMatchObject({
			status: 'completed',
			videoUrl: `${mock.url}/cdn/${mock.taskIdFor(urls[0])}.mp4`,
			statusChecks: 0,
		});
		expect((await readBinary(output[0].binary!.data)).equals(mock.videoBytes)).toBe(true);
		expect(output[1].json).toMatchObject({ taskId: mock.taskIdFor(urls[1]), error: expect.stringMatching(/Invalid image/) });
		expect(mock.polls).toHaveLength(0);
	});

	it('waits for several items at once, outputs them in input order with their status-call counts', async () => {
		const urls = scriptPerUrl(6, 0, 2);
		const output = await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: '={{ $json.url }}', waitOptions: FAST_WAIT },
			items: urls.map((url) => ({ json: { url } })),
		});
		expect(output.map((o) => o.json.taskId)).toEqual(urls.map((url) => mock.taskIdFor(url)));
		expect(output.map((o) => o.json.statusChecks)).toEqual([7, 1, 3]);
		// All three were submitted before the first status check: they generate at the same time.
		const firstPoll = mock.requests.findIndex((r) => r.method === 'GET');
		expect(mock.requests.slice(0, firstPoll).filter((r) => r.method === 'POST')).toHaveLength(3);
	});

	it('handles several items in one run, keeping order and pairing whatever order the API received them in', async () => {
		const urls = scriptPerUrl(3, 0, 1);
		const output = await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: '={{ $json.url }}', waitOptions: FAST_WAIT },
			items: urls.map((url) => ({ json: { url } })),
		});
		const ids = urls.map((url) => mock.taskIdFor(url));
		expect(new Set(ids).size).toBe(3);
		expect(output.map((o) => o.json.taskId)).toEqual(ids);
		expect(output.map((o) => o.json.videoUrl)).toEqual(ids.map((id) => `${mock.url}/cdn/${id}.mp4`));
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('reads the credential once per run, not once per request', async () => {
		const urls = scriptPerUrl(3, 1, 2, 0, 4);
		TestCredentialsHelper.reads = 0;
		await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: '={{ $json.url }}', waitOptions: FAST_WAIT },
			items: urls.map((url) => ({ json: { url } })),
		});
		expect(mock.requests.length).toBeGreaterThanOrEqual(15);
		expect(TestCredentialsHelper.reads).toBeLessThanOrEqual(2);
	});

	it('uploads binary images several at a time, never more than four at once, each to its own item', async () => {
		// Each create is answered after 100 ms, so submissions that are sent together overlap at the API.
		mock.fault({ route: 'create', delayMs: 100, times: 10 });
		const images = Array.from({ length: 10 }, (_, n) => pngBytes(64 + n, 64));
		const output = await run({
			parameters: { operation: 'generate', waitOptions: { ...FAST_WAIT, maxConcurrent: 10 } },
			items: await Promise.all(images.map(async (png, n) => await binaryItem(png, `${n}.png`, 'image/png'))),
		});
		expect(mock.peakInFlight.create).toBe(4);
		expect(mock.creates).toHaveLength(10);
		expect(output.map((o) => o.json.taskId)).toEqual(images.map((png) => mock.taskIdFor(png.toString('base64'))));
	});

	it('model comes from the create answer when the status answers do not repeat it', async () => {
		const mock = currentMock();
		mock.fault({
			route: 'poll',
			body: { id: 'task_1', status: 'success', output: [{ content: [{ type: 'video', url: 'https://cdn.example.com/v.mp4' }] }] },
		});
		const [item] = await run({
			parameters: { operation: 'generate', imageSource: 'url', imageUrl: 'https://example.com/a.png', waitOptions: FAST_WAIT },
		});
		expect(item.json.model).toBe('viduq1_img2video');
	});

	it('model is the Model parameter when no answer of the API names it', async () => {
		const mock = currentMock();
		const done = { id: 'task_1', status: 'success', output: [{ content: [{ type: 'video', url: 'https://cdn.example.com/v.mp4' }] }] };
		for (const operation of ['generate', 'submit']) {
			mock.fault({ route: 'create', body: { id: 'task_1', status: 'processing' } }).fault({ route: 'poll', body: done });
			const [item] = await run({
				parameters: { operation, imageSource: 'url', imageUrl: 'https://example.com/a.png', waitOptions: FAST_WAIT },
			});
			expect(item.json.model).toBe('viduq1_img2video');
		}
	});
});
