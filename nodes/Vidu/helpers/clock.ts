import { sleep } from 'n8n-workflow';

export type Clock = { now(): number; sleep(ms: number): Promise<void> };
/** Tests swap its methods for a virtual clock. */
export const systemClock: Clock = { now: () => Date.now(), sleep: async (ms) => await sleep(ms) };

// Returns within 250 ms of the signal firing. Not handed to sleep(): n8n 1.x ignores it, 2.x rejects instead of letting us report the task.
export async function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
	// A NaN would return at once, and a caller's loop would spin.
	if (Number.isNaN(ms)) throw new Error('pause: the wait time is not a number');
	// Measured against the clock, not summed: every timer fires a little late.
	const until = clock.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - clock.now()) await clock.sleep(Math.min(250, left));
}
