import { MODEL_FIELDS } from '../../nodes/Vidu/request/apiFields';
import { KINDS, type Model, MODELS, type TaskKind } from '../../nodes/Vidu/request/models';
import { pngBytes } from '../../dev/mock/images';
import { binaryItem } from '../helpers/runNode';

const defaultModelOf = (kind: TaskKind) => MODEL_FIELDS[kind].property.default;
import { FAST_WAIT, sentParams, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();

const END_URL = { endImageSource: 'url', endImageUrl: 'https://example.com/z.png' };
const REFERENCES = ['https://example.com/a.png', 'https://example.com/b.png?w=1,h=2'];
/** What each kind needs besides its model: the images, the video, a prompt where required. */
const INPUTS: Record<TaskKind, Record<string, string>> = {
	img2video: URL_IMAGE,
	startEnd2video: { ...URL_IMAGE, ...END_URL },
	text2video: { prompt: 'a red kite over the dunes' },
	reference2video: { referenceImageSource: 'url', referenceImageUrl: REFERENCES.join(', '), prompt: '@1 hands @2 a cup' },
	extend: { videoUrl: 'https://example.com/v.mp4' },
};
/** The images and video each kind sends, as the API's pages say they go. */
const SENT: Record<TaskKind, (model: Model) => Record<string, unknown>> = {
	img2video: () => ({ images: ['https://example.com/a.png'] }),
	startEnd2video: () => ({ images: ['https://example.com/a.png', 'https://example.com/z.png'] }),
	text2video: () => ({ images: undefined }),
	reference2video: (model) =>
		model.subjects
			? { images: undefined, subjects: REFERENCES.map((url, n) => ({ id: String(n + 1), images: [url] })) }
			: { images: REFERENCES },
	extend: () => ({ images: undefined, video_url: 'https://example.com/v.mp4' }),
};

describe('every model of every kind', () => {
	it.each(MODELS.map((model) => [model.kind, model.id, model] as const))(
		'%s: %s is sent with its inputs and its video comes out',
		async (kind, id, model) => {
			const output = await run({
				typeVersion: 1.1,
				parameters: { operation: KINDS[kind].operation, model: id, ...INPUTS[kind], waitOptions: FAST_WAIT },
			});
			expect(mock().creates[0].body).toMatchObject({ model: id });
			const sent = sentParams(mock());
			expect(Object.fromEntries(Object.keys(SENT[kind](model)).map((key) => [key, sent[key]]))).toEqual(SENT[kind](model));
			expect(output[0].json).toMatchObject({ model: id, status: 'completed' });
			expect(output[0].json.videoUrl).toMatch(/^http/);
		},
	);

	it.each(Object.keys(KINDS) as TaskKind[])('Submit Only with Task Kind %s sends that kind with its default model', async (kind) => {
		const output = await run({ typeVersion: 1.1, parameters: { operation: 'submit', taskKind: kind, ...INPUTS[kind] } });
		const fallback = MODELS.filter((model) => model.kind === kind).find((model) => model.id === defaultModelOf(kind));
		expect(mock().creates[0].body).toMatchObject({ model: fallback?.id });
		expect(output[0].json.taskId).toBeTruthy();
	});

	it('start and end frames: a binary start frame and a URL end frame go in that order', async () => {
		await run({
			parameters: {
				operation: 'startEndToVideo',
				model: 'viduq2_turbo_start_end2video',
				imageSource: 'binary',
				...END_URL,
				waitOptions: FAST_WAIT,
			},
			items: [await binaryItem(pngBytes(), 'a.png', 'image/png')],
		});
		const images = sentParams(mock()).images as string[];
		expect(images[0]).toMatch(/^data:image\/png;base64,iVBOR/);
		expect(images[1]).toBe('https://example.com/z.png');
	});

	it('text to video without a prompt, or with an aspect ratio the model lacks, is refused before anything is sent', async () => {
		const failure = async (parameters: Record<string, unknown>) =>
			((await run({ parameters: { operation: 'textToVideo', waitOptions: FAST_WAIT, ...parameters } }).catch((e: unknown) => e)) as Error)
				.message;
		expect(await failure({ prompt: '  ' })).toBe('Prompt is empty');
		expect(await failure({ model: 'viduq1_text2video', prompt: 'x', options: { aspectRatio: '4:3' } })).toBe(
			'Aspect Ratio: "4:3" is not offered by Vidu Q1, which makes 16:9, 9:16, 1:1',
		);
		expect(await failure({ model: 'viduq3_pro_text2video', ...END_URL, prompt: 'x', options: { duration: 20 } })).toMatch(
			/^Duration \(Seconds\): 20 is not one of/,
		);
		expect(mock().creates).toHaveLength(0);
	});

	it('Q1 text to video takes a style; Q2 does not, and it is not sent', async () => {
		await run({
			parameters: {
				operation: 'textToVideo',
				model: 'viduq1_text2video',
				prompt: 'x',
				options: { style: 'anime', aspectRatio: '9:16' },
				waitOptions: FAST_WAIT,
			},
		});
		await run({
			parameters: {
				operation: 'textToVideo',
				model: 'viduq2_text2video',
				prompt: 'x',
				options: { style: 'anime' },
				waitOptions: FAST_WAIT,
			},
		});
		expect(sentParams(mock(), 0)).toEqual({ prompt: 'x', style: 'anime', aspect_ratio: '9:16' });
		expect(sentParams(mock(), 1)).toEqual({ prompt: 'x' });
	});
});

describe('the image-to-video models', () => {
	it('a Q1 workflow saved before the model family sends the same body as before', async () => {
		await run({
			typeVersion: 1.1,
			parameters: { operation: 'submit', ...URL_IMAGE, prompt: 'waves', audio: false, options: { duration: 5 } },
		});
		expect(mock().creates[0].body).toEqual({
			model: 'viduq1_img2video',
			input: [{ params: { images: ['https://example.com/a.png'], prompt: 'waves', duration: 5 } }],
		});
	});

	it.each([
		['viduq1_img2video', { duration: 8 }, /^Duration \(Seconds\): 8 is not offered by Vidu Q1, which makes 5 s at 1080p$/],
		['vidu20_img2video', { duration: 8, resolution: '1080p' }, /^Resolution at 8 s: "1080p" is not offered by Vidu 2\.0, .*8 s at 720p$/],
		[
			'viduq2_pro_fast_img2video',
			{ resolution: '540p' },
			/^Resolution at 5 s: "540p" is not offered by Vidu Q2 Pro Fast, which makes 1–10 s at 720p or 1080p$/,
		],
		['viduq2_turbo_img2video', { duration: 12 }, /^Duration \(Seconds\): 12 is not offered by Vidu Q2 Turbo/],
	])('%s with %j is refused before anything is sent, naming the model and its limit', async (model, options, message) => {
		const error = (await run({ parameters: { model, ...URL_IMAGE, options } }).catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(message);
		expect(mock().creates).toHaveLength(0);
	});

	it("a prompt is held to the model's own limit: 5,000 characters for Q3, 2,000 for Q2", async () => {
		await run({ parameters: { operation: 'submit', model: 'viduq3_pro_img2video', ...URL_IMAGE, prompt: 'x'.repeat(4000) } });
		expect(sentParams(mock()).prompt).toHaveLength(4000);
		const error = (await run({ parameters: { model: 'viduq2_pro_img2video', ...URL_IMAGE, prompt: 'x'.repeat(4000) } }).catch(
			(e: unknown) => e,
		)) as Error;
		expect(error.message).toBe("Prompt: 4,000 characters, over Vidu Q2 Pro's limit of 2,000");
	});

	it('Q3: audio left off is sent as off (the API turns it on otherwise); music and voice it ignores are not sent', async () => {
		await run({
			typeVersion: 1.1,
			parameters: {
				operation: 'submit',
				model: 'viduq3_turbo_img2video',
				...URL_IMAGE,
				audio: false,
				options: { bgm: true, duration: 16 },
			},
		});
		expect(sentParams(mock())).toEqual({ images: ['https://example.com/a.png'], audio: false, duration: 16 });
	});
});

describe('a model newer than the node (Model: Other)', () => {
	it('sends the Model ID typed and the extra parameters as given, beside the images and options, and waits as for any task', async () => {
		const output = await run({
			parameters: {
				operation: 'generate',
				model: 'other',
				modelId: 'viduq2_turbo_img2video',
				extraParams: '{"audio_type": "speech_only", "seed": 99}',
				...URL_IMAGE,
				options: { seed: 7 },
				waitOptions: FAST_WAIT,
			},
		});
		expect(mock().creates[0].body).toEqual({
			model: 'viduq2_turbo_img2video',
			input: [{ params: { audio_type: 'speech_only', seed: 7, images: ['https://example.com/a.png'] } }],
		});
		expect(output[0].json).toMatchObject({ status: 'completed', model: 'viduq2_turbo_img2video' });
	});

	it.each([
		[{ modelId: '' }, /^Model ID: "" is not a model ID$/],
		[{ modelId: 'two words' }, /^Model ID: "two words" is not a model ID$/],
		[{ modelId: 'x', extraParams: '[1]' }, /^Extra Parameters \(JSON\): not a JSON object$/],
		[{ modelId: 'x', extraParams: '{oops' }, /^Extra Parameters \(JSON\): not a JSON object$/],
	])('%j is refused before anything is sent', async (parameters, message) => {
		const error = (await run({ parameters: { model: 'other', ...URL_IMAGE, ...parameters } }).catch((e: unknown) => e)) as Error;
		expect(error.message).toMatch(message);
		expect(mock().creates).toHaveLength(0);
	});
});

describe('reference images and extending a video', () => {
	const failure = async (parameters: Record<string, unknown>) =>
		((await run({ parameters: { waitOptions: FAST_WAIT, ...parameters } }).catch((e: unknown) => e)) as Error).message;

	it('reference images from binary fields named comma-separated, and from a list, go in the order given', async () => {
		const item = await binaryItem(pngBytes(), 'a.png', 'image/png');
		const second = await binaryItem(pngBytes(40, 30), 'b.png', 'image/png', 'second');
		item.binary = { ...item.binary, ...second.binary };
		await run({
			parameters: { operation: 'referenceToVideo', prompt: 'x', referenceBinaryPropertyName: 'second, data', waitOptions: FAST_WAIT },
			items: [item],
		});
		const images = sentParams(mock()).images as string[];
		expect(images.map((image) => image.slice(0, 22))).toEqual(['data:image/png;base64,', 'data:image/png;base64,']);
		expect(images[0]).not.toBe(images[1]);
		expect(images[0]).toBe(`data:image/png;base64,${pngBytes(40, 30).toString('base64')}`);
		await run({
			parameters: {
				operation: 'submit',
				taskKind: 'reference2video',
				prompt: 'x',
				referenceImageSource: 'url',
				referenceImageUrl: REFERENCES,
			},
		});
		expect(sentParams(mock(), 1).images).toEqual(REFERENCES);
	});

	it('no reference image, or more than seven, is refused before anything is sent', async () => {
		const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/${i}.png`).join(',');
		const references = { operation: 'referenceToVideo', prompt: 'x', referenceImageSource: 'url' };
		expect(await failure({ ...references, referenceImageUrl: urls(8) })).toBe('Reference Image URLs: 8 images, but a task takes 1 to 7');
		expect(await failure({ ...references, referenceImageUrl: ' , ' })).toBe('Reference Image URLs: 0 images, but a task takes 1 to 7');
		expect(await failure({ ...references, referenceImageUrl: `${urls(1)}\nftp://x` })).toBe(
			'Reference Image URLs (image 2): "ftp://x" is not an http(s) URL',
		);
		expect(
			await failure({ ...references, model: 'viduq2_reference2video', referenceImageUrl: urls(2), options: { aspectRatio: 'auto' } }),
		).toBe('Aspect Ratio: "auto" is not offered by Vidu Q2, which makes 16:9, 9:16, 1:1, 3:4, 4:3');
		expect(mock().creates).toHaveLength(0);
	});

	it("extend: a creation ID and an end frame go as the API's fields; the watermark position goes as words", async () => {
		await run({
			typeVersion: 1.1,
			parameters: {
				operation: 'extendVideo',
				videoSource: 'creationId',
				videoCreationId: 'creation-123',
				...END_URL,
				watermark: true,
				wmPosition: 1,
				options: { duration: 7 },
				waitOptions: FAST_WAIT,
			},
		});
		expect(sentParams(mock())).toEqual({
			video_creation_id: 'creation-123',
			images: ['https://example.com/z.png'],
			duration: 7,
			watermark: true,
			wm_position: 'top_left',
		});
	});

	it('extend: a video that is not a URL, or a length over 7 s, is refused before anything is sent', async () => {
		expect(await failure({ operation: 'extendVideo', videoUrl: 'clip.mp4' })).toBe('Video URL: "clip.mp4" is not an http(s) URL');
		expect(await failure({ operation: 'extendVideo', videoSource: 'creationId', videoCreationId: 'a b' })).toBe(
			'Creation ID: "a b" is not a creation ID',
		);
		expect(await failure({ operation: 'extendVideo', videoUrl: 'https://x/v.mp4', options: { duration: 8 } })).toBe(
			'Duration (Seconds): 8 is not offered by Vidu Q2 Pro, which makes 1–7 s at 540p, 720p or 1080p',
		);
		expect(mock().creates).toHaveLength(0);
	});
});
