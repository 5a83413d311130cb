import { sleep } from 'n8n-workflow';

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** The one real clock of the node; tests swap its methods for a virtual one. */
export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(ms),
};

// The signal is checked between short sleeps instead of being handed to sleep(): n8n 1.x
// ignores it there, and n8n 2.x would reject the sleep instead of letting us report the task id.
const SLICE_MS = 250;

/** Sleeps `ms`, returning early (within a quarter second) once the signal fires. */
export async function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
	// A NaN would return at once, and a caller's loop would spin the event loop instead of waiting.
	if (Number.isNaN(ms)) throw new Error('pause: the wait time is not a number');
	// Measured against the clock, not summed: every timer fires a little late, and twenty slices a
	// polling interval would otherwise add a tenth of a second to each wait.
	const until = clock.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - clock.now()) {
		await clock.sleep(Math.min(SLICE_MS, left));
	}
}
