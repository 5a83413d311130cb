import type { Task } from './task';

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export interface WaitSettings {
	intervalMs: number;
	maxWaitMs: number;
	signal?: AbortSignal;
}

/** How waiting ended. When it stopped early the last known task travels along: its id must reach the user. */
export type WaitOutcome =
	| { outcome: 'finished'; task: Task }
	| { outcome: 'timeout' | 'cancelled'; task: Task; waitedMs: number };

// The signal is checked between short sleeps instead of being handed to sleep(): n8n 1.x
// ignores it there, and n8n 2.x would reject the sleep instead of letting us report the task id.
const SLICE_MS = 250;

async function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
	let left = ms;
	while (left > 0 && !signal?.aborted) {
		const step = Math.min(SLICE_MS, left);
		await clock.sleep(step);
		left -= step;
	}
}

/**
 * Polls until the task completes or fails. Never sleeps past the maximum wait: the last
 * pause is cut short so the final status check happens right at the deadline.
 */
export async function waitForTask(
	first: Task,
	fetchTask: (id: string) => Promise<Task>,
	settings: WaitSettings,
	clock: Clock,
): Promise<WaitOutcome> {
	const start = clock.now();
	const deadline = start + settings.maxWaitMs;
	let task = first;
	while (task.state === 'running') {
		const left = deadline - clock.now();
		if (settings.signal?.aborted) return { outcome: 'cancelled', task, waitedMs: clock.now() - start };
		if (left <= 0) return { outcome: 'timeout', task, waitedMs: clock.now() - start };
		await pause(clock, Math.min(settings.intervalMs, left), settings.signal);
		if (settings.signal?.aborted) return { outcome: 'cancelled', task, waitedMs: clock.now() - start };
		task = await fetchTask(task.id);
	}
	return { outcome: 'finished', task };
}
