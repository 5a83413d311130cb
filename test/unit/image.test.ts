import { sniffImage } from '../../nodes/Vidu/helpers/image';
import { gifBytes, jpegBytes, pngBytes, webpBytes } from '../helpers/images';

describe('sniffImage', () => {
	it.each([
		['PNG', pngBytes(), 'image/png'],
		['JPEG', jpegBytes(), 'image/jpeg'],
		['WebP', webpBytes(), 'image/webp'],
	])('recognises %s from its first bytes', (label, bytes, mime) => {
		expect(sniffImage(bytes)).toEqual({ supported: true, mime, label });
	});

	it.each([
		['a GIF image', gifBytes()],
		['a HEIC/HEIF image', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1')],
		['an AVIF image', Buffer.from('\0\0\0\x18ftypavif\0\0\0\0', 'latin1')],
		['a BMP image', Buffer.from('BM\x36\x00\x00\x00', 'latin1')],
		['a TIFF image', Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0])],
		['a PDF document', Buffer.from('%PDF-1.7\n', 'latin1')],
		['an SVG image', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
		['an HTML page', Buffer.from('<!DOCTYPE html><html></html>')],
		['an empty file', Buffer.alloc(0)],
		['an unrecognised file type', Buffer.from('hello world')],
	])('names %s instead of accepting it', (label, bytes) => {
		expect(sniffImage(bytes)).toEqual({ supported: false, label });
	});

	it('does not take a RIFF file that is not WebP (a WAV sound) for an image', () => {
		expect(sniffImage(Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1')).supported).toBe(false);
	});
});
