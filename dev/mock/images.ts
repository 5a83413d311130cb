/** Minimal but real image headers: enough bytes for the node to recognise the format. */
export function pngBytes(width = 640, height = 480): Buffer {
	const header = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'latin1');
	ihdr.writeUInt32BE(width, 8);
	ihdr.writeUInt32BE(height, 12);
	ihdr.writeUInt8(8, 16);
	ihdr.writeUInt8(2, 17);
	return Buffer.concat([header, ihdr, Buffer.from('IDAT-and-the-rest', 'latin1')]);
}

export function jpegBytes(width = 640, height = 480): Buffer {
	const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03]);
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	return Buffer.concat([
		Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
		Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'),
		sof,
		Buffer.alloc(12),
	]);
}

export function webpBytes(width = 640, height = 480): Buffer {
	const chunk = Buffer.alloc(10);
	chunk.writeUIntLE(width - 1, 4, 3);
	chunk.writeUIntLE(height - 1, 7, 3);
	const body = Buffer.concat([Buffer.from('WEBPVP8X', 'latin1'), Buffer.from([10, 0, 0, 0]), chunk]);
	const size = Buffer.alloc(4);
	size.writeUInt32LE(body.length, 0);
	return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
}

export const gifBytes = (): Buffer => Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00', 'latin1');

/** A video file as far as the node can tell: an MP4 `ftyp` box, then `length` bytes in all of `fill`. */
export function mp4Bytes(length: number, fill = 0): Buffer {
	const bytes = Buffer.alloc(length, fill);
	Buffer.from('\0\0\0\x18ftypmp42', 'latin1').copy(bytes);
	return bytes;
}
