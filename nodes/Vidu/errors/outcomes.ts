import type { Task } from '../transport/task';

/**
 * How an item can end other than with a video, as plain data. errors/presenter.ts turns each into
 * what the user reads; the code that finds them says only what happened.
 */

/** A user-input problem found before anything is paid for: which field, what is wrong, what to do. */
export class InputProblem extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'InputProblem';
	}
}

/** The API reports the task as failed. */
export class TaskFailed extends Error {
	constructor(readonly task: Task) {
		super(`task ${task.id} failed`);
		this.name = 'TaskFailed';
	}
}

/** What is known of a task the node stopped waiting for. */
export interface StoppedTask {
	id: string;
	apiStatus: string;
	progress: number | null;
}

/**
 * The node stopped waiting (Max Wait reached, or the execution was cancelled) while the task goes
 * on at the provider, paid for.
 */
export class WaitStopped extends Error {
	constructor(
		readonly reason: 'timeout' | 'cancelled',
		readonly task: StoppedTask,
		readonly maxWaitMinutes?: number,
		/** The last status check, when it failed. */
		readonly lastFault?: unknown,
	) {
		super(`stopped waiting for task ${task.id}: ${reason}`);
		this.name = 'WaitStopped';
	}
}

/** The run ended (a cancel, or an earlier item's failure) before this item was submitted. */
export class NotSubmitted extends Error {
	constructor(readonly why: string) {
		super(why);
		this.name = 'NotSubmitted';
	}
}

/** How one item of a batch ended: its result, or why not. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** A task submitted in a run: paid for, whatever became of it. */
export interface SubmittedTask {
	index: number;
	taskId: string;
	state: 'completed' | 'failed' | 'running';
}
