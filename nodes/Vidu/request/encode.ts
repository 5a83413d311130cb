/**
 * The image travels as base64 inside the JSON body. These helpers write it straight into the one
 * buffer that is sent, so a large image is never held as bytes, base64 string and JSON copies at once.
 */
export interface EncodedImage {
	mime: string;
	byteLength: number;
	/** Writes exactly base64Length(byteLength) characters of base64 into `target` at `offset`. */
	writeBase64(target: Buffer, offset: number): Promise<void>;
}

export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/**
 * Base64 of bytes[start, end) (a multiple of 3 long) written straight into `target`: toString('base64')
 * would make a string of each chunk first, 20 MB of short-lived strings for a 15 MB image, which
 * V8 keeps until its next collection and which count in n8n's memory.
 */
function encodeGroupsInto(bytes: Uint8Array, start: number, end: number, target: Buffer, offset: number): number {
	let out = offset;
	for (let i = start; i < end; i += 3) {
		const group = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
		target[out++] = ALPHABET[group >>> 18];
		target[out++] = ALPHABET[(group >>> 12) & 63];
		target[out++] = ALPHABET[(group >>> 6) & 63];
		target[out++] = ALPHABET[group & 63];
	}
	return out;
}

/**
 * Encodes a byte stream as it comes. Chunks rarely end on a 3-byte group: the 1–2 bytes left over
 * wait in `pending` and are completed from the next chunk, which is then encoded where it lies
 * (joining the two would copy most chunks once more: megabytes of garbage for a large image).
 */
export async function writeStreamAsBase64(
	chunks: AsyncIterable<Uint8Array>,
	target: Buffer,
	offset: number,
	expectedBytes: number,
): Promise<void> {
	const pending = new Uint8Array(3);
	let pendingLength = 0;
	let position = offset;
	let seen = 0;
	for await (const chunk of chunks) {
		seen += chunk.length;
		if (seen > expectedBytes) break;
		let start = 0;
		while (pendingLength > 0 && pendingLength < 3 && start < chunk.length) pending[pendingLength++] = chunk[start++];
		if (pendingLength === 3) {
			position = encodeGroupsInto(pending, 0, 3, target, position);
			pendingLength = 0;
		}
		const end = chunk.length - ((chunk.length - start) % 3);
		position = encodeGroupsInto(chunk, start, end, target, position);
		for (let i = end; i < chunk.length; i++) pending[pendingLength++] = chunk[i];
	}
	if (seen !== expectedBytes) {
		throw new Error(`the image changed while it was read (${seen} bytes instead of ${expectedBytes})`);
	}
	if (pendingLength) target.write(Buffer.from(pending.subarray(0, pendingLength)).toString('base64'), position, 'latin1');
}

/** The decoded length of clean base64 text (no whitespace). */
export const decodedLength = (base64: string): number =>
	(base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/** Base64 text already in memory (n8n's in-memory binary mode, or the Image Data field) is copied as is. */
export const copyBase64Text =
	(base64: string): EncodedImage['writeBase64'] =>
	async (target, offset) => {
		target.write(base64, offset, 'latin1');
	};

/**
 * Standard, padded base64 from text that may be base64url, unpadded or wrapped in whitespace; undefined
 * when it is not base64 at all. Only then may the text be written into the JSON body as it is.
 */
export function standardBase64(text: string): string | undefined {
	const payload = text.replace(/\s+/g, '');
	if (payload.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) return undefined;
	const unpadded = payload.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
	return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
}
