/**
 * The image travels as base64 inside the JSON body. One that n8n keeps in its binary store is encoded
 * piece by piece as it is read and sent as it is encoded, so it is never held whole: not as bytes,
 * nor as base64, nor as the JSON body. One already in memory as base64 is copied into the body as is.
 */
export interface EncodedImage {
	mime: string;
	byteLength: number;
	/** The image as base64, in pieces: base64Length(byteLength) characters in all. Read anew on each call. */
	base64Chunks(): AsyncIterable<Buffer>;
	/** What tells this image apart from any other, in parts (n8n's binary id, or the base64 text itself). */
	identity(): Iterable<string>;
	/**
	 * Makes a Node.js stream of pieces, for an image that n8n hands over as a stream: the body is then
	 * sent as it is made. Without it (the image is in memory already) the body is built whole.
	 */
	streamOf?: StreamMaker;
}

export type StreamMaker = (pieces: AsyncIterable<Buffer>) => NodeJS.ReadableStream;

/**
 * n8n Cloud does not let community nodes import `node:stream`, and n8n's HTTP helper sends only a
 * Node.js stream. A stream n8n hands over is a Readable: its class's static `from` is Readable.from.
 */
export function streamMakerLike(sample: unknown): StreamMaker | undefined {
	const like = sample as { pipe?: unknown; constructor?: { from?: unknown } } | undefined;
	// Only a Node.js stream (a web ReadableStream has `from` too, which n8n's HTTP client cannot send).
	const from = typeof like?.pipe === 'function' ? like.constructor?.from : undefined;
	if (typeof from !== 'function') return undefined;
	return (pieces) => (from as (pieces: AsyncIterable<Buffer>, options: object) => NodeJS.ReadableStream)(pieces, { objectMode: false });
}

export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/**
 * Base64 of bytes[start, end) (a multiple of 3 long) written straight into `target`: toString('base64')
 * would make a string of each chunk first, short-lived strings V8 keeps until its next collection.
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
 * Encodes a byte stream as it comes, one piece of base64 per chunk. Chunks rarely end on a 3-byte
 * group: the 1–2 bytes left over wait in `pending` and are completed from the next chunk, which is
 * then encoded where it lies (joining the two would copy most chunks once more).
 */
export async function* streamAsBase64(chunks: AsyncIterable<Uint8Array>, expectedBytes: number): AsyncGenerator<Buffer> {
	const pending = new Uint8Array(3);
	let pendingLength = 0;
	let seen = 0;
	for await (const chunk of chunks) {
		seen += chunk.length;
		if (seen > expectedBytes) break;
		let start = 0;
		while (pendingLength > 0 && pendingLength < 3 && start < chunk.length) pending[pendingLength++] = chunk[start++];
		const completed = pendingLength === 3;
		const end = chunk.length - ((chunk.length - start) % 3);
		const piece = Buffer.allocUnsafe((completed ? 4 : 0) + ((end - start) / 3) * 4);
		if (completed) {
			encodeGroupsInto(pending, 0, 3, piece, 0);
			pendingLength = 0;
		}
		encodeGroupsInto(chunk, start, end, piece, completed ? 4 : 0);
		for (let i = end; i < chunk.length; i++) pending[pendingLength++] = chunk[i];
		if (piece.length) yield piece;
	}
	if (seen !== expectedBytes) {
		throw new Error(`the image changed while it was read (${seen} bytes instead of ${expectedBytes})`);
	}
	if (pendingLength) yield Buffer.from(Buffer.from(pending.subarray(0, pendingLength)).toString('base64'), 'latin1');
}

/** The decoded length of clean base64 text (no whitespace). */
export const decodedLength = (base64: string): number =>
	(base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/** Pieces of base64 text handed out at a time: the text is in memory already, its copies need not be. */
const TEXT_PIECE_CHARS = 256 * 1024;

/** Base64 text already in memory (n8n's in-memory binary mode, or the Image Data field), sent as is. */
export function base64Text(base64: string): Pick<EncodedImage, 'base64Chunks' | 'identity'> {
	const pieces = function* () {
		for (let at = 0; at < base64.length; at += TEXT_PIECE_CHARS) yield base64.slice(at, at + TEXT_PIECE_CHARS);
	};
	return {
		base64Chunks: async function* () {
			for (const piece of pieces()) yield Buffer.from(piece, 'latin1');
		},
		identity: pieces,
	};
}

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
