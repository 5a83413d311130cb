/** Submissions sent at once: few enough for large images held in memory while they are sent. */
export const PARALLEL_SUBMITS = 4;
/** Status calls and downloads at once: each holds a listener on the cancel signal (Node warns past 10). */
export const PARALLEL_CHECKS = 6;
/** Runs `work` on every entry, at most `size` at a time, in entry order. */
export async function inPool<T>(entries: T[], size: number, work: (entry: T) => Promise<void>): Promise<void> {
	const queue = [...entries];
	const worker = async () => {
		for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) await work(entry);
	};
	await Promise.all(Array.from({ length: Math.min(size, queue.length) }, worker));
}
