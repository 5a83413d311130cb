import type { Task } from '../transport/task';

// How an item can end other than with a video, as plain data: errors/presenter.ts words them.
export class InputProblem extends Error {
	override name = 'InputProblem';
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

export class TaskFailed extends Error {
	override name = 'TaskFailed';
	constructor(readonly task: Task) {
		super(`task ${task.id} failed`);
	}
}

/** The node stopped waiting (Max Wait, or a cancel) while the task goes on at the provider, paid for. */
export class WaitStopped extends Error {
	override name = 'WaitStopped';
	constructor(
		readonly reason: 'timeout' | 'cancelled',
		readonly task: { id: string; apiStatus: string; progress: number | null },
		readonly maxWaitMinutes?: number,
		readonly lastFault?: unknown,
	) {
		super(`stopped waiting for task ${task.id}: ${reason}`);
	}
}

/** The run ended (a cancel, or an earlier item's failure) before this item was submitted. */
export class NotSubmitted extends Error {
	override name = 'NotSubmitted';
}

/** Both wait modes: the API refused for longer than the run's Max Wait, so the rest is not sent. */
export const refusedPastMaxWait = (minutes: number): NotSubmitted =>
	new NotSubmitted(`the API refused submissions (HTTP 429) for longer than Max Wait (${minutes} minutes) allows`);

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };
/** A task submitted in a run: paid for, whatever became of it. */
export type SubmittedTask = { index: number; taskId: string; state: 'completed' | 'failed' | 'running' };
