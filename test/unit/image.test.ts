import { sniffImage } from '../../nodes/Vidu/request/imageType';
import { imageSize } from '../../nodes/Vidu/request/imageSize';
import { gifBytes, jpegBytes, pngBytes, webpBytes } from '../../dev/mock/images';

describe('sniffImage', () => {
	it.each([
		{ label: 'PNG', bytes: pngBytes(), mime: 'image/png' },
		{ label: 'JPEG', bytes: jpegBytes(), mime: 'image/jpeg' },
		{ label: 'WebP', bytes: webpBytes(), mime: 'image/webp' },
	])('recognises $label from its first bytes', ({ label, bytes, mime }) => {
		expect(sniffImage(bytes)).toEqual({ supported: true, mime, label });
	});

	it.each([
		{ label: 'a GIF image', bytes: gifBytes() },
		{ label: 'a HEIC/HEIF image', bytes: Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1') },
		{ label: 'an AVIF image', bytes: Buffer.from('\0\0\0\x18ftypavif\0\0\0\0', 'latin1') },
		{ label: 'a BMP image', bytes: Buffer.from('BM\x36\x00\x00\x00', 'latin1') },
		{ label: 'a TIFF image', bytes: Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]) },
		{ label: 'a PDF document', bytes: Buffer.from('%PDF-1.7\n', 'latin1') },
		{ label: 'an SVG image', bytes: Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>') },
		{ label: 'an HTML page', bytes: Buffer.from('<!DOCTYPE html><html></html>') },
		{ label: 'an empty file', bytes: Buffer.alloc(0) },
		{ label: 'an unrecognised file type', bytes: Buffer.from('hello world') },
	])('names $label instead of accepting it', ({ label, bytes }) => {
		expect(sniffImage(bytes)).toEqual({ supported: false, label });
	});

	it('does not take a RIFF file that is not WebP (a WAV sound) for an image', () => {
		expect(sniffImage(Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1')).supported).toBe(false);
	});
});

describe('imageSize', () => {
	const riff = (chunk: string, data: number[]) => {
		const body = Buffer.concat([Buffer.from(`WEBP${chunk}`, 'latin1'), Buffer.from([data.length, 0, 0, 0]), Buffer.from(data)]);
		const size = Buffer.alloc(4);
		size.writeUInt32LE(body.length);
		return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
	};

	it('reads lossy WebP (VP8) frames', () => {
		const lossy = riff('VP8 ', [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x20, 0x03, 0x58, 0x02, 0, 0]);
		expect(imageSize('image/webp', lossy)).toEqual({ width: 800, height: 600 });
	});

	it('reads lossless WebP (VP8L) frames', () => {
		const bits = (800 - 1) | ((600 - 1) << 14);
		const lossless = riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff, 0, 0, 0, 0, 0]);
		expect(imageSize('image/webp', lossless)).toEqual({ width: 800, height: 600 });
	});

	it('finds the frame size of a progressive JPEG after other segments', () => {
		const jpeg = jpegBytes(1024, 768);
		const progressive = Buffer.from(jpeg);
		progressive[progressive.indexOf(Buffer.from([0xff, 0xc0])) + 1] = 0xc2;
		expect(imageSize('image/jpeg', progressive)).toEqual({ width: 1024, height: 768 });
	});

	it('skips fill bytes and a Huffman table (FF C4, not a frame) before the frame header', () => {
		const jpeg = jpegBytes(1024, 768);
		const frameAt = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
		// The table's bytes would read as 2570×2570 were it taken for a frame.
		const table = Buffer.from([0xff, 0xc4, 0x00, 0x08, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a]);
		const padded = Buffer.concat([jpeg.subarray(0, frameAt), table, Buffer.from([0xff, 0xff]), jpeg.subarray(frameAt)]);
		expect(imageSize('image/jpeg', padded)).toEqual({ width: 1024, height: 768 });
	});

	it('gives up on a JPEG whose scan starts before any frame header', () => {
		expect(imageSize('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
	});
});
