/** Width and height from a PNG, JPEG or WebP header; undefined when cut short or malformed, never throws. */
type ImageSize = { width: number; height: number } | undefined;

const valid = (width: number, height: number): ImageSize => (width > 0 && height > 0 ? { width, height } : undefined);

function pngSize(b: Uint8Array): ImageSize {
	// signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4)
	if (b.length < 24 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return undefined;
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	return valid(view.getUint32(16), view.getUint32(20));
}

// Start-of-frame markers carry the size; C4 (Huffman), C8 (reserved) and CC (arithmetic) do not.
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(b: Uint8Array): ImageSize {
	let offset = 2;
	while (offset + 4 <= b.length) {
		if (b[offset] !== 0xff) return undefined;
		const marker = b[offset + 1];
		const length = (b[offset + 2] << 8) | b[offset + 3];
		// A fill byte; markers without a length; end of image or start of scan before any frame.
		if (marker === 0xff) offset += 1;
		else if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) offset += 2;
		else if (marker === 0xd9 || marker === 0xda || length < 2) return undefined;
		else if (!isStartOfFrame(marker)) offset += 2 + length;
		else return offset + 9 > b.length ? undefined : valid((b[offset + 7] << 8) | b[offset + 8], (b[offset + 5] << 8) | b[offset + 6]);
	}
	return undefined;
}

function webpSize(b: Uint8Array): ImageSize {
	if (b.length < 30) return undefined;
	const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
	const le24 = (o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
	if (chunk === 'VP8X') return valid(le24(24) + 1, le24(27) + 1);
	if (chunk === 'VP8 ') {
		// key frame start code 9d 01 2a, then 14-bit width and height
		if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
		return valid((b[26] | (b[27] << 8)) & 0x3fff, (b[28] | (b[29] << 8)) & 0x3fff);
	}
	if (chunk !== 'VP8L' || b[20] !== 0x2f) return undefined;
	const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
	return valid((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
}

const SIZE_READERS = new Map(Object.entries({ 'image/png': pngSize, 'image/jpeg': jpegSize, 'image/webp': webpSize }));
export const imageSize = (mime: string, bytes: Uint8Array): ImageSize => SIZE_READERS.get(mime)?.(bytes);
