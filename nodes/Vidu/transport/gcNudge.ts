// Spent 64 KB read buffers live outside V8's heap, which V8 lets grow by 64 MB before it collects. An ArrayBuffer that size,
// allocated every READ_BYTES_PER_COLLECTION bytes, never touched (address space, not memory), makes it collect soon (docs/performance.md).
export const READ_BYTES_PER_COLLECTION = 8 * 1024 * 1024;

function askV8ToCollect(): void {
	try {
		void new ArrayBuffer(64 * 1024 * 1024);
	} catch {
		// No overcommit: buffers are simply freed later.
	}
}

export function spentBufferTracker(collect: () => void = askV8ToCollect): (chunkBytes: number) => void {
	let sinceCollection = 0;
	// Gone once any collection has run, which restarts the count.
	let witness = new WeakRef({});
	return (chunkBytes) => {
		if (witness.deref() === undefined) [witness, sinceCollection] = [new WeakRef({}), 0];
		sinceCollection += chunkBytes;
		if (sinceCollection < READ_BYTES_PER_COLLECTION) return;
		sinceCollection = 0;
		collect();
	};
}

export async function* trackingSpentBuffers<T extends { length: number }>(chunks: AsyncIterable<T>): AsyncIterable<T> {
	const track = spentBufferTracker();
	for await (const chunk of chunks) {
		track(chunk.length);
		yield chunk;
	}
}
