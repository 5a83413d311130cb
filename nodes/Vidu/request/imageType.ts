export type SniffResult =
	{ supported: true; mime: 'image/png' | 'image/jpeg' | 'image/webp'; label: string } | { supported: false; label: string };

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0): boolean =>
	bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
	String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

export function sniffImage(bytes: Uint8Array): SniffResult {
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { supported: true, mime: 'image/png', label: 'PNG' };
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { supported: true, mime: 'image/jpeg', label: 'JPEG' };
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { supported: true, mime: 'image/webp', label: 'WebP' };
	return { supported: false, label: describeUnsupported(bytes) };
}

function describeUnsupported(bytes: Uint8Array): string {
	if (bytes.length === 0) return 'an empty file';
	const head = ascii(bytes, 0, 16);
	if (head.startsWith('GIF8')) return 'a GIF image';
	if (head.startsWith('BM')) return 'a BMP image';
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'a TIFF image';
	if (head.startsWith('%PDF')) return 'a PDF document';
	if (ascii(bytes, 4, 8) === 'ftyp') {
		const brand = ascii(bytes, 8, 12);
		if (/^hei|^hev|^mif1|^msf1/.test(brand)) return 'a HEIC/HEIF image';
		return brand.startsWith('avi') ? 'an AVIF image' : 'an MP4/QuickTime file';
	}
	const text = ascii(bytes, 0, 256).trimStart().toLowerCase();
	if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'an SVG image';
	if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'an HTML page';
	return 'an unrecognised file type';
}
