import { type Clock, pause } from './clock';
import type { Task } from './task';

export interface WaitSettings {
	intervalMs: number;
	maxWaitMs: number;
	signal?: AbortSignal;
}

/** How waiting ended. When it stopped early the last known task travels along: its id must reach the user. */
export type WaitOutcome =
	| { outcome: 'finished'; task: Task }
	| { outcome: 'timeout' | 'cancelled'; task: Task; waitedMs: number };

/**
 * Polls until the task completes or fails. Never sleeps past the maximum wait: the last
 * pause is cut short so the final status check happens right at the deadline.
 */
export async function waitForTask(
	first: Task,
	fetchTask: (id: string, deadline: number) => Promise<Task>,
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
		task = await fetchTask(task.id, deadline);
	}
	return { outcome: 'finished', task };
}
