/**
 * Submissions sent at once, in both wait modes: enough to overlap the API's answer times, few enough
 * for large images (one in n8n's in-memory binary mode holds its whole request body while it is sent;
 * one from the binary store streams). The API then receives items out of order: task ids need not
 * follow item order.
 */
export const PARALLEL_SUBMITS = 4;

/**
 * Status calls due at the same moment go out at most this many at a time, and with them the
 * downloads of the videos they find (in Callback mode, the resume's downloads): gentler on the API
 * and the video host, and each request in flight holds a listener on the execution's cancel signal
 * (Node warns past 10).
 */
export const PARALLEL_CHECKS = 6;

/** Runs `work` on every entry, at most `size` at a time, in entry order. */
export async function inPool<T>(entries: T[], size: number, work: (entry: T) => Promise<void>): Promise<void> {
	const queue = [...entries];
	const worker = async () => {
		for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) await work(entry);
	};
	await Promise.all(Array.from({ length: Math.min(size, queue.length) }, worker));
}
