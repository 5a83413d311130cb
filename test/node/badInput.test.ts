import { NodeOperationError } from 'n8n-workflow';

import { jpegBytes, pngBytes, webpBytes } from '../../dev/mock/images';
import { binaryItem } from '../helpers/runNode';
import { FAST_WAIT, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();

const withOptions = (options: Record<string, unknown>) => ({ ...URL_IMAGE, options });

/** A PNG of the given header size padded to `bytes` long. */
const bigPng = (bytes: number) => Buffer.concat([pngBytes(1000, 1000), Buffer.alloc(bytes - pngBytes().length)]);

interface Case {
	label: string;
	parameters: Record<string, unknown>;
	/** The input item, when the parameters alone do not make the case. */
	item?: () => Promise<unknown>;
	message: RegExp;
	description?: RegExp;
}

const cases: Case[] = [
	{ label: 'an empty Image URL', parameters: { imageSource: 'url', imageUrl: '' }, message: /^Image URL is empty$/ },
	{
		label: 'an Image URL that is not http(s)',
		parameters: { imageSource: 'url', imageUrl: 'file:///etc/passwd' },
		message: /^Image URL: "file:\/\/\/etc\/passwd" is not an http\(s\) URL$/,
	},
	{ label: 'empty Image Data', parameters: { imageSource: 'base64', imageData: '  ' }, message: /^Image Data is empty$/ },
	{
		label: 'Image Data that is not base64',
		parameters: { imageSource: 'base64', imageData: 'data:image/png;base64,***' },
		message: /^Image Data: the text is not valid base64$/,
		description: /\*\*\*/,
	},
	{
		label: 'an item without binary data',
		parameters: {},
		item: async () => ({ json: {} }),
		message: /^Input Data Field Name: the input item has no binary field "data"$/,
		description: /no binary data at all/,
	},
	{
		label: 'a binary field name that does not exist',
		parameters: { binaryPropertyName: 'image' },
		item: async () => await binaryItem(pngBytes(), 'a.png', 'image/png', 'photo'),
		message: /no binary field "image"$/,
		description: /Fields present on this item: photo/,
	},
	{
		label: 'an empty binary file',
		parameters: {},
		item: async () => await binaryItem(Buffer.alloc(0), 'a.png', 'image/png'),
		message: /^Input Data Field Name \("data"\): the image is empty \(0 bytes\)$/,
	},
	{
		label: 'a GIF',
		parameters: {},
		item: async () => await binaryItem(Buffer.from('GIF89a\x10\x00\x10\x00', 'latin1'), 'a.png', 'image/png'),
		message: /the image is a GIF image, not PNG, JPEG or WebP$/,
	},
	{
		label: 'a HEIC photo',
		parameters: {},
		item: async () => await binaryItem(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), 'a.jpg', 'image/jpeg'),
		message: /the image is a HEIC\/HEIF image/,
	},
	{
		label: 'a PNG cut short',
		parameters: {},
		item: async () => await binaryItem(pngBytes().subarray(0, 14), 'a.png', 'image/png'),
		message: /damaged or cut short/,
	},
	{
		label: 'a panorama wider than 4:1',
		parameters: {},
		item: async () => await binaryItem(pngBytes(5000, 1000), 'a.png', 'image/png'),
		message: /is 5000×1000 pixels, an aspect ratio of 5\.00:1, outside the API's 1:4 to 4:1$/,
	},
	{
		label: 'a JPEG taller than 1:4',
		parameters: {},
		item: async () => await binaryItem(jpegBytes(300, 1500), 'a.jpg', 'image/jpeg'),
		message: /is 300×1500 pixels, an aspect ratio of 1:5\.00/,
	},
	{
		label: 'a WebP wider than 4:1',
		parameters: {},
		item: async () => await binaryItem(webpBytes(4100, 1000), 'a.webp', 'image/webp'),
		message: /is 4100×1000 pixels/,
	},
	{
		label: 'an image over 50 MB',
		parameters: {},
		item: async () => await binaryItem(bigPng(50_000_001), 'a.png', 'image/png'),
		message: /the image is 50\.0 MB, over the API's limit of 50\.0 MB$/,
	},
	{
		label: 'a request body over 20 MB',
		parameters: {},
		item: async () => await binaryItem(bigPng(16_000_000), 'a.png', 'image/png'),
		message: /the request would be 21\.3 MB, over the API's limit of 20\.0 MB$/,
		description: /largest image that fits is about 15\.0 MB/,
	},
	{
		label: 'a prompt over 2000 characters',
		parameters: { ...URL_IMAGE, prompt: 'x'.repeat(2001) },
		message: /^Prompt: 2,001 characters, over Vidu Q1's limit of 2,000$/,
	},
	{
		label: 'a prompt over 2000 characters, emoji counted as one each',
		parameters: { ...URL_IMAGE, prompt: '🎬'.repeat(2001) },
		message: /^Prompt: 2,001 characters, over Vidu Q1's limit of 2,000$/,
	},
	{
		label: 'a payload over 1,048,576 characters',
		parameters: withOptions({ payload: 'p'.repeat(1_048_577) }),
		message: /^Payload: 1,048,577 characters, over the API's limit of 1,048,576$/,
	},
	{
		label: 'a watermark position of 5',
		parameters: withOptions({ watermark: true, wmPosition: 5 }),
		message: /^Watermark Position: 5 is not one of the values the API accepts \(1, 2, 3, 4\)$/,
	},
	{ label: 'a negative seed', parameters: withOptions({ seed: -1 }), message: /^Seed: -1 is not a whole number ≥ 0$/ },
	{ label: 'a fractional seed', parameters: withOptions({ seed: 1.5 }), message: /^Seed: 1\.5 is not a whole number ≥ 0$/ },
	{
		label: 'a seed too large to be sent exactly',
		parameters: withOptions({ seed: 2 ** 53 }),
		message: /^Seed: 9007199254740992 is larger than 9007199254740991, the largest whole number sent exactly$/,
	},
	{
		label: 'a callback URL that is not http(s)',
		parameters: withOptions({ callbackUrl: 'ftp://example.com/hook' }),
		message: /^Callback URL: "ftp:\/\/example\.com\/hook" is not an http\(s\) URL$/,
	},
	{
		label: 'a watermark URL that is not http(s)',
		parameters: withOptions({ watermark: true, wmUrl: 'logo.png' }),
		message: /^Watermark URL: "logo\.png" is not an http\(s\) URL$/,
	},
	{
		label: 'a duration from an expression outside the list',
		parameters: withOptions({ duration: '={{ 10 }}' }),
		message: /^Duration \(Seconds\): 10 is not offered by Vidu Q1, which makes 5 s at 1080p$/,
	},
	{
		label: 'a duration no model offers',
		parameters: withOptions({ duration: '={{ 20 }}' }),
		message: /^Duration \(Seconds\): 20 is not one of the values the API accepts \(1, 2, 3, .*, 16\)$/,
	},
	{
		label: 'a resolution outside the list',
		parameters: withOptions({ resolution: '={{ "720p" }}' }),
		message: /^Resolution at 5 s: "720p" is not offered by Vidu Q1, which makes 5 s at 1080p$/,
	},
	{
		label: 'a movement amplitude outside the list',
		parameters: withOptions({ movementAmplitude: '={{ "huge" }}' }),
		message: /^Movement Amplitude: "huge" is not one of the values the API accepts \(auto, large, medium, small\)$/,
	},
	{
		label: 'a model outside the list',
		parameters: { ...URL_IMAGE, model: '={{ "viduq2" }}' },
		message: /^Model: "viduq2" is not one of the Image to Video models \(viduq1_img2video, vidu20_img2video, .*viduq3_turbo_img2video\)$/,
	},
];

describe('bad input is refused before anything is paid for', () => {
	it.each(cases)('$label', async ({ parameters, item, message, description }) => {
		const items = item ? [(await item()) as never] : undefined;
		for (const operation of ['generate', 'submit']) {
			const failure = (await run({ parameters: { operation, waitOptions: FAST_WAIT, ...parameters }, items }).catch(
				(e: unknown) => e,
			)) as NodeOperationError;
			expect(failure).toBeInstanceOf(NodeOperationError);
			expect(failure.message).toMatch(message);
			expect(failure.description).toBeTruthy();
			if (description) expect(failure.description).toMatch(description);
			expect(failure.context.itemIndex).toBe(0);
		}
		expect(mock().creates).toHaveLength(0);
	});

	it('accepts images right at the limits: 4:1, 1:4, and a body just under 20 MB', async () => {
		for (const bytes of [pngBytes(4000, 1000), pngBytes(1000, 4000), bigPng(14_900_000)]) {
			await run({ parameters: { operation: 'submit' }, items: [await binaryItem(bytes, 'a.png', 'image/png')] });
		}
		expect(mock().creates).toHaveLength(3);
		expect(mock().creates[2].rawBodyBytes).toBeLessThanOrEqual(20_000_000);
	});

	it('lets Continue On Fail report a bad item and still process the good ones', async () => {
		const output = await run({
			parameters: { operation: 'generate', waitOptions: FAST_WAIT },
			items: [await binaryItem(Buffer.from('GIF89a', 'latin1'), 'a.gif', 'image/gif'), await binaryItem(pngBytes(), 'b.png', 'image/png')],
			continueOnFail: true,
		});
		expect(output[0].json.error).toMatch(/GIF/);
		expect(output[0].json.taskId).toBeUndefined();
		expect(output[1].json.status).toBe('completed');
		expect(mock().creates).toHaveLength(1);
	});

	it('with Continue On Fail and every item refused, the run ends at once with an error item each', async () => {
		const gif = () => binaryItem(Buffer.from('GIF89a', 'latin1'), 'a.gif', 'image/gif');
		const output = await run({
			parameters: { operation: 'generate', waitOptions: FAST_WAIT },
			items: [await gif(), await gif()],
			continueOnFail: true,
		});
		expect(output.map((o) => [o.json.error, o.pairedItem])).toEqual([
			[expect.stringMatching(/GIF/), { item: 0 }],
			[expect.stringMatching(/GIF/), { item: 1 }],
		]);
		expect(mock().requests).toHaveLength(0);
	});
});

describe('without Continue On Fail, every item is checked before any task is paid for', () => {
	const twoItems = [{ json: { url: 'https://example.com/1.png', seed: 1 } }, { json: { url: 'https://example.com/2.png', seed: 1.5 } }];
	const perItem = { imageSource: 'url', imageUrl: '={{ $json.url }}', options: { seed: '={{ $json.seed }}' } };

	it.each([
		{ operation: 'generate', extra: { waitOptions: FAST_WAIT } },
		{ operation: 'submit', extra: {} },
	])('$operation: a bad second item fails the run naming it, and the first is not submitted', async ({ operation, extra }) => {
		const failure = (await run({ parameters: { operation, ...perItem, ...extra }, items: twoItems }).catch((e: unknown) => e)) as {
			message: string;
			context: { itemIndex: number };
		};
		expect(failure.message).toBe('Seed: 1.5 is not a whole number ≥ 0');
		expect(failure.context.itemIndex).toBe(1);
		expect(mock().requests).toHaveLength(0);
	});

	it('generate: a Download Video field left empty on the second item is refused before the first is paid for', async () => {
		const failure = (await run({
			parameters: {
				operation: 'generate',
				...URL_IMAGE,
				downloadVideo: true,
				outputBinaryPropertyName: '={{ $itemIndex === 1 ? "" : "data" }}',
				waitOptions: FAST_WAIT,
			},
			items: [{ json: {} }, { json: {} }],
		}).catch((e: unknown) => e)) as { message: string; context: { itemIndex: number } };
		expect(failure.message).toBe('Put Output in Field is empty');
		expect(failure.context.itemIndex).toBe(1);
		expect(mock().requests).toHaveLength(0);
	});
});
