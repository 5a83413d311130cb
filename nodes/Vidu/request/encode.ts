/** The image as base64 for the JSON body: one in n8n's binary store is encoded as it is read and sent, never held whole. */
export interface EncodedImage {
	mime: string;
	byteLength: number;
	/** base64Length(byteLength) characters in all, read anew on each call. */
	base64Chunks(): AsyncIterable<Buffer>;
	/** What tells this image apart from any other (n8n's binary id, or the base64 text itself). */
	identity(): Iterable<string>;
	/** For an image n8n hands over as a stream: the body is then streamed too, else built whole. */
	streamOf?: (pieces: AsyncIterable<Buffer>) => NodeJS.ReadableStream;
}

/** Readable.from, taken from a stream n8n hands over: n8n Cloud does not let community nodes import `node:stream`. */
export function streamMakerLike(sample: unknown): EncodedImage['streamOf'] {
	const like = sample as { pipe?: unknown; constructor?: { from?: unknown } } | undefined;
	// Only a Node.js stream (a web ReadableStream has `from` too, which n8n's HTTP client cannot send).
	const from = typeof like?.pipe === 'function' ? like.constructor?.from : undefined;
	if (typeof from !== 'function') return undefined;
	return (pieces) => (from as (pieces: AsyncIterable<Buffer>, options: object) => NodeJS.ReadableStream)(pieces, { objectMode: false });
}

export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

// Written straight into `target`: toString('base64') would leave a short-lived string per chunk for V8 to collect.
function encodeGroupsInto(bytes: Uint8Array, start: number, end: number, target: Buffer, offset: number): void {
	for (let i = start, out = offset; i < end; i += 3) {
		const group = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
		target[out++] = ALPHABET[group >>> 18];
		target[out++] = ALPHABET[(group >>> 12) & 63];
		target[out++] = ALPHABET[(group >>> 6) & 63];
		target[out++] = ALPHABET[group & 63];
	}
}

/** One piece of base64 per chunk; the 1–2 bytes past a chunk's last whole group wait for the next chunk. */
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
	if (seen !== expectedBytes) throw new Error(`the image changed while it was read (${seen} bytes instead of ${expectedBytes})`);
	if (pendingLength) yield Buffer.from(Buffer.from(pending.subarray(0, pendingLength)).toString('base64'), 'latin1');
}

/** The decoded length of clean base64 text (no whitespace). */
export const decodedLength = (base64: string): number =>
	(base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

const TEXT_PIECE_CHARS = 256 * 1024;

/** Base64 text already in memory, handed out in pieces: the text need not be copied whole. */
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

/** Standard, padded base64 from base64url, unpadded or whitespace-wrapped text; undefined when not base64 at all. */
export function standardBase64(text: string): string | undefined {
	const payload = text.replace(/\s+/g, '');
	if (payload.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) return undefined;
	const unpadded = payload.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
	return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
}
