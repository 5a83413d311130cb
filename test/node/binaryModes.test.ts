import { mp4Bytes, pngBytes, webpBytes } from '../../dev/mock/images';
import { useBinaryMode } from '../helpers/binaryStorage';
import { binaryItem, readBinary } from '../helpers/runNode';
import { FAST_WAIT, sentParams, useMock } from '../helpers/setup';

const { mock, run } = useMock();

/** n8n 2.x keeps binaries on disk by default: the node must stream them in and out. */
describe('binary data stored on disk (filesystem mode)', () => {
	beforeAll(async () => await useBinaryMode('filesystem'));

	it.each([0, 1, 2])('streams an image (length ≡ %i mod 3) into the data URI byte for byte', async (rest) => {
		const image = Buffer.concat([webpBytes(800, 600), Buffer.alloc(3 * 100_000 + rest, 7)]);
		const item = await binaryItem(image, 'photo.webp', 'image/webp');
		expect(item.binary!.data.id).toMatch(/^filesystem/);
		await run({ parameters: { operation: 'submit' }, items: [item] });
		expect(sentParams(mock()).images).toEqual([`data:image/webp;base64,${image.toString('base64')}`]);
	});

	it('a submission the API refused (429) is streamed again in full from the stored file', async () => {
		const image = Buffer.concat([pngBytes(800, 600), Buffer.alloc(900_001, 5)]);
		mock().fault({ route: 'create', status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } });
		await run({ parameters: { operation: 'generate', waitOptions: FAST_WAIT }, items: [await binaryItem(image, 'a.png', 'image/png')] });
		const uri = `data:image/png;base64,${image.toString('base64')}`;
		expect(mock().creates.map((_, n) => sentParams(mock(), n).images)).toEqual([[uri], [uri]]);
		expect(mock().creates.map((create) => create.headers['content-length'])).toEqual(mock().creates.map((c) => String(c.rawBodyBytes)));
	});

	it('refuses an oversized request from the file size alone', async () => {
		const item = await binaryItem(Buffer.concat([pngBytes(), Buffer.alloc(16_000_000)]), 'big.png', 'image/png');
		await expect(run({ parameters: { operation: 'submit' }, items: [item] })).rejects.toThrow(/request would be 21\.3 MB/);
		expect(mock().creates).toHaveLength(0);
	});

	it('streams the downloaded video into binary storage', async () => {
		mock().videoBytes = mp4Bytes(3_000_000, 9);
		const [item] = await run({
			parameters: {
				operation: 'generate',
				imageSource: 'url',
				imageUrl: 'https://example.com/a.png',
				downloadVideo: true,
				waitOptions: FAST_WAIT,
			},
		});
		const video = item.binary!.data;
		expect(video.id).toMatch(/^filesystem/);
		expect(video.bytes).toBe(3_000_000);
		expect((await readBinary(video)).equals(mock().videoBytes)).toBe(true);
	});
});

/** n8n 2.x's "combined" binary mode (a workflow setting): n8n moves each item's files into its JSON, under `_files`. */
describe('a workflow in combined binary mode', () => {
	beforeAll(async () => await useBinaryMode('filesystem'));

	const combined = async (image: Buffer) => {
		const { json, binary } = await binaryItem(image, 'photo.png', 'image/png');
		return { json: { ...json, _files: binary } };
	};

	it("takes the image from the item's files in its JSON, by the field name or by the path n8n shows", async () => {
		const image = Buffer.concat([pngBytes(800, 600), Buffer.alloc(10_000, 3)]);
		for (const binaryPropertyName of ['data', '_files.data']) {
			await run({
				parameters: { operation: 'submit', binaryPropertyName },
				items: [await combined(image)],
				workflowBinaryMode: 'combined',
			});
			expect(sentParams(mock()).images).toEqual([`data:image/png;base64,${image.toString('base64')}`]);
			mock().forgetRecorded();
		}
	});

	it('names the files an item has when the field is not among them', async () => {
		const failure = run({
			parameters: { operation: 'submit', binaryPropertyName: 'image' },
			items: [await combined(pngBytes(800, 600))],
			workflowBinaryMode: 'combined',
		});
		await expect(failure).rejects.toMatchObject({
			message: 'Input Data Field Name: the input item has no binary field "image"',
			description: expect.stringContaining('Fields present on this item: data.'),
		});
		expect(mock().creates).toHaveLength(0);
	});
});
