/**
 * Large reads (an image from n8n's binary store, a video streamed into it) arrive in buffers of
 * 64 KB that live outside V8's heap. V8 lets that memory grow by 64 MB past its last collection
 * before it collects, so spent buffers piled up: a 200 MB download grew n8n by 54–66 MB of data
 * already on disk, and a 15 MB image was held a second time while it was encoded (2.5× its size).
 *
 * Every READ_BYTES_PER_COLLECTION read, the tracker allocates an ArrayBuffer as large as that
 * allowance and drops it. V8 counts it against the allowance and collects soon after, spent buffers
 * and the allocation itself. The allocation is never written: fresh pages from the system allocator
 * (calloc of a size it serves by mmap), which the operating system does not back with memory until
 * they are touched; it costs address space for a moment, not resident memory. Measured by `npm run
 * bench` (README, Performance): the download inside n8n then grows by about a sixth as much. A
 * collection that V8 ran on its own meanwhile (a busy n8n collects often) restarts the count: the
 * spent buffers went with it, and asking again would only cost time.
 */
export const READ_BYTES_PER_COLLECTION = 8 * 1024 * 1024;
const V8_EXTERNAL_ALLOWANCE = 64 * 1024 * 1024;

function askV8ToCollect(): void {
	try {
		void new ArrayBuffer(V8_EXTERNAL_ALLOWANCE);
	} catch {
		// Where the system refuses even untouched memory (no overcommit), buffers are simply freed later.
	}
}

/** Returns the function to call with each chunk's length. */
export function spentBufferTracker(collect: () => void = askV8ToCollect): (chunkBytes: number) => void {
	let sinceCollection = 0;
	// An object only this weak reference points at: gone once any collection has run.
	let witness = new WeakRef({});
	return (chunkBytes) => {
		if (witness.deref() === undefined) {
			witness = new WeakRef({});
			sinceCollection = 0;
		}
		sinceCollection += chunkBytes;
		if (sinceCollection < READ_BYTES_PER_COLLECTION) return;
		sinceCollection = 0;
		collect();
	};
}

/** Passes chunks through as they are, counting them. */
export async function* trackingSpentBuffers<T extends { length: number }>(chunks: AsyncIterable<T>): AsyncIterable<T> {
	const track = spentBufferTracker();
	for await (const chunk of chunks) {
		track(chunk.length);
		yield chunk;
	}
}
