import { Readable } from 'node:stream';

import fc from 'fast-check';

import { buildCreateBody, type GenerationOptions, planCreateBody } from '../../nodes/Vidu/request/body';
import { base64Text, streamAsBase64, streamMakerLike } from '../../nodes/Vidu/request/encode';
import { sniffImage } from '../../nodes/Vidu/request/imageType';
import { imageSize } from '../../nodes/Vidu/request/imageSize';
import { parseRetryAfter } from '../../nodes/Vidu/transport/client';
import { backoffMs } from '../../nodes/Vidu/helpers/retry';
import { parseTask } from '../../nodes/Vidu/transport/task';
import { checkImage } from '../../nodes/Vidu/request/checks';
import { jpegBytes, pngBytes, webpBytes } from '../../dev/mock/images';

const MIMES = ['image/png', 'image/jpeg', 'image/webp'];
const bytes = fc.uint8Array({ maxLength: 512 });

describe('image header parsing, on any bytes', () => {
	it('never throws on random bytes', () => {
		fc.assert(
			fc.property(bytes, fc.constantFrom(...MIMES), (data, mime) => {
				sniffImage(data);
				imageSize(mime, data);
				checkImage(data, data.length, 'Image');
			}),
			{ numRuns: 2000 },
		);
	});

	it('never throws on real headers cut short or corrupted, and never reports a zero size', () => {
		const samples = [pngBytes(800, 600), jpegBytes(800, 600), webpBytes(800, 600)];
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 2 }),
				fc.nat(),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
				(which, cut, flips) => {
					const data = Uint8Array.from(samples[which]).subarray(0, cut % (samples[which].length + 1));
					for (const [at, value] of flips) if (data.length) data[at % data.length] = value;
					const sniffed = sniffImage(data);
					const size = sniffed.supported ? imageSize(sniffed.mime, data) : undefined;
					if (size) expect(size.width > 0 && size.height > 0).toBe(true);
					const checked = checkImage(data, data.length, 'Image');
					if (checked.problem) expect(checked.problem.message.startsWith('Image: ')).toBe(true);
				},
			),
			{ numRuns: 3000 },
		);
	});

	it('reads back any width and height written into the headers', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 16383 }), fc.integer({ min: 1, max: 16383 }), (width, height) => {
				for (const [mime, make] of [
					['image/png', pngBytes],
					['image/jpeg', jpegBytes],
					['image/webp', webpBytes],
				] as const) {
					expect(imageSize(mime, make(width, height))).toEqual({ width, height });
				}
			}),
		);
	});
});

describe('buildCreateBody, on any options', () => {
	const text = fc.oneof(fc.constant(''), fc.constant('  '), fc.string({ maxLength: 20 }));
	const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
	const options: fc.Arbitrary<GenerationOptions> = fc.record(
		{
			audio: maybe(fc.boolean()),
			voiceId: maybe(text),
			isRec: maybe(fc.boolean()),
			bgm: maybe(fc.boolean()),
			duration: maybe(fc.constant(5)),
			seed: maybe(fc.nat()),
			resolution: maybe(fc.constant('1080p')),
			movementAmplitude: maybe(fc.constantFrom('auto', 'small', 'medium', 'large')),
			payload: maybe(text),
			offPeak: maybe(fc.boolean()),
			watermark: maybe(fc.boolean()),
			wmPosition: maybe(fc.integer({ min: 1, max: 4 })),
			wmUrl: maybe(text),
			callbackUrl: maybe(text),
		},
		{ requiredKeys: [] },
	);

	it('never emits an empty, blank or undefined field, and always the one image', () => {
		fc.assert(
			fc.property(options, maybe(text), (opts, prompt) => {
				const body = buildCreateBody({ model: 'viduq1_img2video', images: ['https://x/a.png'], prompt, options: opts });
				const params = (body.input as Array<{ params: Record<string, unknown> }>)[0].params;
				expect(params.images).toEqual(['https://x/a.png']);
				for (const value of Object.values(params)) {
					expect(value).not.toBeUndefined();
					expect(value).not.toBeNull();
					if (typeof value === 'string') expect(value.trim()).not.toBe('');
				}
				if (params.voice_id !== undefined) expect(params.audio).toBe(true);
				if (params.wm_url !== undefined || params.wm_position !== undefined) expect(params.watermark).toBe(true);
			}),
			{ numRuns: 2000 },
		);
	});
});

describe('task parsing and retry timing, on any input', () => {
	it('parseTask never throws on any JSON value', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => void parseTask(value)),
			{ numRuns: 2000 },
		);
	});

	it('backoff stays within 50–100 % of the capped exponential', () => {
		fc.assert(
			fc.property(fc.nat({ max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, random) => {
				const ms = backoffMs(attempt, () => random);
				const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
				expect(ms).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
				expect(ms).toBeLessThanOrEqual(ceiling);
			}),
		);
	});

	it('reads Retry-After as seconds or an HTTP date, and ignores nonsense', () => {
		const now = Date.parse('2026-11-25T10:00:00Z');
		expect(parseRetryAfter('17', now)).toBe(17_000);
		expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('-3', now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});

/** Everything a body gives, joined: what the server receives. */
const sent = async (body: Buffer | AsyncIterable<Buffer> | NodeJS.ReadableStream): Promise<Buffer> => {
	if (Buffer.isBuffer(body)) return body;
	const pieces: Buffer[] = [];
	for await (const piece of body as AsyncIterable<Buffer>) pieces.push(piece);
	return Buffer.concat(pieces);
};

describe('the serialised create body', () => {
	it('equals JSON.stringify of the body with the data URIs, however many images (URLs or files) and however they arrive in chunks', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.oneof(fc.webUrl(), fc.uint8Array({ maxLength: 2000 })), { maxLength: 3 }),
				fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 10 }),
				fc.string({ maxLength: 30 }),
				fc.boolean(),
				async (inputs, cuts, prompt, asStream) => {
					async function* chunks(bytes: Uint8Array) {
						let at = 0;
						for (let n = 0; at < bytes.length; n++) {
							const size = cuts[n % cuts.length];
							yield bytes.subarray(at, at + size);
							at += size;
						}
					}
					const request = { model: 'viduq2_pro_start_end2video', prompt, options: { seed: 1 } };
					const images = inputs.map((input, n) =>
						typeof input === 'string'
							? input
							: {
									mime: 'image/png',
									byteLength: input.length,
									base64Chunks: () => streamAsBase64(chunks(input), input.length),
									identity: () => [`image ${n}`],
									// An image n8n hands over as a stream goes out as one; else the body is built whole.
									streamOf: asStream ? streamMakerLike(Readable.from([])) : undefined,
								},
					);
					const plan = planCreateBody(request, images);
					const opened = await plan.open();
					expect(Buffer.isBuffer(opened)).toBe(!asStream || images.every((image) => typeof image === 'string'));
					const built = await sent(opened);
					const uris = inputs.map((input) =>
						typeof input === 'string' ? input : `data:image/png;base64,${Buffer.from(input).toString('base64')}`,
					);
					expect(built.length).toBe(plan.bytes);
					expect(built.toString('utf8')).toBe(JSON.stringify(buildCreateBody({ ...request, images: uris })));
					// Read anew for a second attempt (a refused submission is sent again), byte for byte.
					expect((await sent(await plan.open())).equals(built)).toBe(true);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('refuses a stream that is shorter or longer than announced', async () => {
		async function* twoChunks() {
			yield new Uint8Array(5);
			yield new Uint8Array(5);
		}
		await expect(sent(streamAsBase64(twoChunks(), 12))).rejects.toThrow(/changed while it was read/);
		await expect(sent(streamAsBase64(twoChunks(), 7))).rejects.toThrow(/changed while it was read/);
	});

	it('a stream maker comes only from a Node.js stream, and makes Node.js streams', async () => {
		expect(streamMakerLike(new ReadableStream())).toBeUndefined();
		expect(streamMakerLike({})).toBeUndefined();
		expect(streamMakerLike(undefined)).toBeUndefined();
		const made = streamMakerLike(Readable.from([]))!(base64Text('QUJD').base64Chunks());
		expect(typeof (made as Readable).pipe).toBe('function');
		expect((await sent(made)).toString()).toBe('QUJD');
	});

	it('base64 text in memory goes out in pieces that join to the text, and identifies the image by it', async () => {
		const text = 'QUJD'.repeat(200_000);
		const image = base64Text(text);
		expect((await sent(image.base64Chunks())).toString('latin1')).toBe(text);
		expect([...image.identity()].join('')).toBe(text);
	});

	it('the fingerprint tells requests apart by parameters and by image, and is the same for the same request', () => {
		const request = { model: 'viduq1_img2video', prompt: 'a', options: {} };
		const image = (id: string) => ({
			mime: 'image/png',
			byteLength: 3,
			base64Chunks: () => base64Text('').base64Chunks(),
			identity: () => [id],
		});
		const of = (r: typeof request, id: string) => planCreateBody(r, [image(id)]).fingerprint;
		expect(of(request, 'x')).toBe(of(request, 'x'));
		expect(of(request, 'x')).not.toBe(of(request, 'y'));
		expect(of(request, 'x')).not.toBe(of({ ...request, prompt: 'b' }, 'x'));
		expect(planCreateBody(request, ['https://example.com/a.png']).fingerprint).not.toBe(
			planCreateBody(request, ['https://example.com/b.png']).fingerprint,
		);
	});
});
