import { NodeOperationError } from 'n8n-workflow';

import { jpegBytes, pngBytes, webpBytes } from '../../dev/mock/images';
import { binaryItem } from '../helpers/runNode';
import { FAST_WAIT, URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();

const withOptions = (options: Record<string, unknown>) => ({ ...URL_IMAGE, options });

/** A PNG of the given header size padded to `bytes` long. */
const bigPng = (bytes: number) => Buffer.concat([pngBytes(1000, 1000), Buffer.alloc(bytes - pngBytes().length)]);

type Case = [string, Record<string, unknown>, (() => Promise<unknown>) | null, RegExp, RegExp?];
// it.each hands a `done` callback to rows shorter than the test function: give every row five cells.
const rows = (list: Case[]) => list.map(([a, b, c, d, e]) => [a, b, c, d, e ?? null] as const);

const cases: Case[] = [
	['an empty Image URL', { imageSource: 'url', imageUrl: '' }, null, /^Image URL is empty$/],
	[
		'an Image URL that is not http(s)',
		{ imageSource: 'url', imageUrl: 'file:///etc/passwd' },
		null,
		/^Image URL: "file:\/\/\/etc\/passwd" is not an http\(s\) URL$/,
	],
	['empty Image Data', { imageSource: 'base64', imageData: '  ' }, null, /^Image Data is empty$/],
	[
		'Image Data that is not base64',
		{ imageSource: 'base64', imageData: 'data:image/png;base64,***' },
		null,
		/^Image Data: the text is not valid base64$/,
		/\*\*\*/,
	],
	[
		'an item without binary data',
		{},
		async () => ({ json: {} }),
		/^Input Data Field Name: the input item has no binary field "data"$/,
		/no binary data at all/,
	],
	[
		'a binary field name that does not exist',
		{ binaryPropertyName: 'image' },
		async () => await binaryItem(pngBytes(), 'a.png', 'image/png', 'photo'),
		/no binary field "image"$/,
		/Fields present on this item: photo/,
	],
	[
		'an empty binary file',
		{},
		async () => await binaryItem(Buffer.alloc(0), 'a.png', 'image/png'),
		/^Input Data Field Name \("data"\): the image is empty \(0 bytes\)$/,
	],
	[
		'a GIF',
		{},
		async () => await binaryItem(Buffer.from('GIF89a\x10\x00\x10\x00', 'latin1'), 'a.png', 'image/png'),
		/the image is a GIF image, not PNG, JPEG or WebP$/,
	],
	[
		'a HEIC photo',
		{},
		async () => await binaryItem(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), 'a.jpg', 'image/jpeg'),
		/the image is a HEIC\/HEIF image/,
	],
	['a PNG cut short', {}, async () => await binaryItem(pngBytes().subarray(0, 14), 'a.png', 'image/png'), /damaged or cut short/],
	[
		'a panorama wider than 4:1',
		{},
		async () => await binaryItem(pngBytes(5000, 1000), 'a.png', 'image/png'),
		/is 5000×1000 pixels, an aspect ratio of 5\.00:1, outside the API's 1:4 to 4:1$/,
	],
	[
		'a JPEG taller than 1:4',
		{},
		async () => await binaryItem(jpegBytes(300, 1500), 'a.jpg', 'image/jpeg'),
		/is 300×1500 pixels, an aspect ratio of 1:5\.00/,
	],
	['a WebP wider than 4:1', {}, async () => await binaryItem(webpBytes(4100, 1000), 'a.webp', 'image/webp'), /is 4100×1000 pixels/],
	[
		'an image over 50 MB',
		{},
		async () => await binaryItem(bigPng(50_000_001), 'a.png', 'image/png'),
		/the image is 50\.0 MB, over the API's limit of 50\.0 MB$/,
	],
	[
		'a request body over 20 MB',
		{},
		async () => await binaryItem(bigPng(16_000_000), 'a.png', 'image/png'),
		/the request would be 21\.3 MB, over the API's limit of 20\.0 MB$/,
		/largest image that fits is about 15\.0 MB/,
	],
	[
		'a prompt over 2000 characters',
		{ ...URL_IMAGE, prompt: 'x'.repeat(2001) },
		null,
		/^Prompt: 2,001 characters, over the API's limit of 2,000$/,
	],
	[
		'a payload over 1,048,576 characters',
		withOptions({ payload: 'p'.repeat(1_048_577) }),
		null,
		/^Payload: 1,048,577 characters, over the API's limit of 1,048,576$/,
	],
	[
		'a watermark position of 5',
		withOptions({ watermark: true, wmPosition: 5 }),
		null,
		/^Watermark Position: 5 is not one of the values the API accepts \(1, 2, 3, 4\)$/,
	],
	['a negative seed', withOptions({ seed: -1 }), null, /^Seed: -1 is not a whole number ≥ 0$/],
	['a fractional seed', withOptions({ seed: 1.5 }), null, /^Seed: 1\.5 is not a whole number ≥ 0$/],
	[
		'a callback URL that is not http(s)',
		withOptions({ callbackUrl: 'ftp://example.com/hook' }),
		null,
		/^Callback URL: "ftp:\/\/example\.com\/hook" is not an http\(s\) URL$/,
	],
	[
		'a watermark URL that is not http(s)',
		withOptions({ watermark: true, wmUrl: 'logo.png' }),
		null,
		/^Watermark URL: "logo\.png" is not an http\(s\) URL$/,
	],
	[
		'a duration from an expression outside the list',
		withOptions({ duration: '={{ 10 }}' }),
		null,
		/^Duration \(Seconds\): 10 is not one of the values the API accepts \(5\)$/,
	],
	[
		'a resolution outside the list',
		withOptions({ resolution: '={{ "720p" }}' }),
		null,
		/^Resolution: "720p" is not one of the values the API accepts \(1080p\)$/,
	],
	[
		'a movement amplitude outside the list',
		withOptions({ movementAmplitude: '={{ "huge" }}' }),
		null,
		/^Movement Amplitude: "huge" is not one of the values the API accepts \(auto, large, medium, small\)$/,
	],
	[
		'a model outside the list',
		{ ...URL_IMAGE, model: '={{ "viduq2" }}' },
		null,
		/^Model: "viduq2" is not one of the values the API accepts \(viduq1_img2video\)$/,
	],
];

describe('bad input is refused before anything is paid for', () => {
	it.each(rows(cases))('%s', async (_label, parameters, makeItem, message, description) => {
		const items = makeItem ? [(await makeItem()) as never] : undefined;
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
});
