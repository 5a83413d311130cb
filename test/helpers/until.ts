/** Polls `probe` every 200 ms until it yields a value; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
