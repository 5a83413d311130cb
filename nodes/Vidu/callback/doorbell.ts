import type { IDataObject } from 'n8n-workflow';

import { stateOf, stateWordOf, surelyRunning, type Task } from '../transport/task';

/**
 * Wait by callback: each task's callback_url is n8n's resume URL plus the item it belongs to. A call
 * to it is only a doorbell: which tasks exist, and whether they are done, is never taken from it.
 */
const ITEM_QUERY = 'vidu_item';
/** Names the run a callback belongs to: a late callback of an earlier run rings no bell. */
const RUN_QUERY = 'vidu_run';
/**
 * The node's waiting webhook listens at the resume URL plus this path. n8n matches the path against
 * the node the execution waits in, so once this node has resumed, a late or repeated callback can
 * no longer resume a Wait or Form node further on (n8n answers it 404 without touching the run).
 */
export const CALLBACK_PATH = 'vidu';

/** Kept on each input item while the execution waits: the only state that survives the pause. */
export interface CallbackState extends IDataObject {
	videoArrived: false;
	taskId: string | null;
	message: string;
	/** The run's token, also in each callback URL. */
	run?: string;
}

export const STATE_FIELD = 'vidu';

/** A run token: not a secret (the resume URL's signature is), only different for every run. */
export const newRunToken = (random: () => number = Math.random): string =>
	Array.from({ length: 16 }, () => Math.floor(random() * 36).toString(36)).join('');

export function callbackUrlFor(resumeUrl: string, index: number, run: string): string {
	const queryAt = resumeUrl.indexOf('?');
	const [path, query] = queryAt < 0 ? [resumeUrl, ''] : [resumeUrl.slice(0, queryAt), resumeUrl.slice(queryAt + 1)];
	const ours = `${ITEM_QUERY}=${index}&${RUN_QUERY}=${run}`;
	return `${path.replace(/\/+$/, '')}/${CALLBACK_PATH}?${query ? `${query}&` : ''}${ours}`;
}

export function waitingState(taskId: string, run: string): CallbackState {
	return {
		videoArrived: false,
		taskId,
		run,
		message: `No video yet. If this item has left the Vidu node, the wait ran out before the provider called back: fetch the result with Get Task and task ID ${taskId}.`,
	};
}

export function failedSubmissionState(message: string): CallbackState {
	return { videoArrived: false, taskId: null, message };
}

/** A value read back from an item's STATE_FIELD, if it is a state this node wrote. */
export const asCallbackState = (value: unknown): CallbackState | undefined =>
	value && typeof value === 'object' && 'videoArrived' in value ? (value as CallbackState) : undefined;

export const callbackStateOf = (json: IDataObject | undefined): CallbackState | undefined => asCallbackState(json?.[STATE_FIELD]);

export type Doorbell = { ok: true; index: number; taskId: string; run?: string } | { ok: false; reason: string };

/**
 * Whether a body's id names `taskId`. An integer id past 2^53 arrives rounded (n8n parses the body
 * before the node sees it): it names the task whose digits round to it.
 */
const names = (value: unknown, taskId: string): boolean =>
	typeof value === 'number' && !Number.isSafeInteger(value) ? /^\d+$/.test(taskId) && Number(taskId) === value : String(value) === taskId;

/**
 * Which item's task rang. Refused: no or unknown item, an item without a task, or a body that
 * names a different task than the one this run submitted for that item.
 */
export function readDoorbell(query: IDataObject, body: IDataObject, states: Array<CallbackState | undefined>): Doorbell {
	const raw = query[ITEM_QUERY];
	const index = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
	const taskId = states[index]?.taskId;
	if (!Number.isInteger(index) || !taskId) return { ok: false, reason: 'not a task of this run' };
	if (query[RUN_QUERY] !== states[index]?.run) return { ok: false, reason: 'not a task of this run' };
	// A body may name its task as `id`, `task_id` or both (a gateway passing on the model maker's
	// callback may put the maker's own id in `id`): refused only when a name is given and none is ours.
	const claimed = [body.id, body.task_id].filter((value) => value !== undefined && value !== null && value !== '');
	if (claimed.length && !claimed.some((value) => names(value, taskId))) return { ok: false, reason: 'not a task of this run' };
	return { ok: true, index, taskId, run: states[index]?.run };
}

/**
 * The order to check tasks after a doorbell; checking stops at the first task still running. Tasks
 * submitted together tend to finish in submission order, so the one after the ringing task is the
 * likeliest to be unfinished, and the ringing task itself comes last: it is only worth a call when
 * every other task is done. For 10 tasks finishing in order that is 19 calls in all.
 */
export function checkOrder(ringing: number, states: Array<CallbackState | undefined>): number[] {
	const count = states.length;
	return Array.from({ length: count }, (_, n) => (ringing + 1 + n) % count).filter((i) => states[i]?.taskId);
}

/**
 * A callback that says its task is still running needs no status call. The body is not trusted to
 * say a task is done (that is always checked with the API), only allowed to spare a useless check.
 */
export function claimsStillRunning(body: IDataObject): boolean {
	const said = stateWordOf(body);
	// Only a word that surely means running spares the check: an unknown one may be a final state.
	return said !== undefined && surelyRunning(said);
}

/** A callback that says its task is finished (done or failed): if the API does not agree yet, it is asked again shortly. */
export function claimsFinished(body: IDataObject): boolean {
	const said = stateWordOf(body);
	return said !== undefined && stateOf(said) !== 'running';
}

export type SweepResult = { allFinished: true; tasks: Array<Task | undefined> } | { allFinished: false; waitingFor: string };

/**
 * Decides whether the run is over: asks the API about tasks in `order` and stops at the first one
 * still running. Only when every task of the run is finished is there anything to resume with.
 */
export async function sweep(
	order: number[],
	states: Array<CallbackState | undefined>,
	check: (taskId: string, index: number) => Promise<Task>,
): Promise<SweepResult> {
	const tasks: Array<Task | undefined> = [];
	for (const index of order) {
		const task = await check(states[index]!.taskId!, index);
		if (task.state === 'running') return { allFinished: false, waitingFor: task.id };
		tasks[index] = task;
	}
	return { allFinished: true, tasks };
}

/** Makes room for one more entry in a collection kept to `capacity` entries, the oldest going first. */
function makeRoom(entries: Set<string> | Map<string, unknown>, capacity: number): void {
	if (entries.size >= capacity) entries.delete(entries.keys().next().value as string);
}

/** One pause of one execution: a run token is new for every node run (another Vidu node, a loop's next round). */
export const pauseKey = (executionId: string, run: string | undefined): string => `${executionId}/${run ?? ''}`;

/**
 * What this n8n process knows of the pauses its callbacks ring for, by pause (pauseKey): which tasks a
 * callback called finished, which sweep is under way, and which pause has been resumed (several tasks
 * often end at the same moment; only the first callback that finds the run complete resumes it).
 * Ids and keys only, bounded: only ever a saving, a fresh process simply asks again.
 */
export class DoorbellMemory {
	private claimed = new Set<string>();
	private resumed = new Set<string>();
	private sweeping = new Map<string, { again: boolean; done: Promise<unknown> }>();

	constructor(private readonly capacity = 5000) {}

	/** A callback said this task is finished: while the API says it runs, its status is taken to lag behind. */
	noteClaimedFinished(pause: string, taskId: string): void {
		makeRoom(this.claimed, this.capacity);
		this.claimed.add(`${pause}/${taskId}`);
	}

	claimedFinished(pause: string, taskId: string): boolean {
		return this.claimed.has(`${pause}/${taskId}`);
	}

	/**
	 * Callbacks that arrive while a sweep of the same pause is under way share it: they only ask for one
	 * more sweep after it (their task may have finished meanwhile), so a burst costs two sweeps, not one each.
	 */
	async coalesced<T>(pause: string, work: () => Promise<T>): Promise<T> {
		const running = this.sweeping.get(pause) as { again: boolean; done: Promise<T> } | undefined;
		if (running) {
			running.again = true;
			return await running.done;
		}
		const entry: { again: boolean; done: Promise<T> } = { again: false, done: Promise.resolve(undefined as T) };
		entry.done = (async (): Promise<T> => {
			try {
				let result = await work();
				while (entry.again) {
					entry.again = false;
					result = await work();
				}
				return result;
			} finally {
				this.sweeping.delete(pause);
			}
		})();
		this.sweeping.set(pause, entry);
		return await entry.done;
	}

	/** True for the first caller only. */
	claimResume(pause: string): boolean {
		if (this.resumed.has(pause)) return false;
		makeRoom(this.resumed, this.capacity);
		this.resumed.add(pause);
		return true;
	}
}
