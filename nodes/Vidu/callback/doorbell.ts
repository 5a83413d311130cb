import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { stateOf, stateWordOf, surelyRunning, type Task } from '../transport/task';

// A callback is only a doorbell: which tasks exist, and whether they are done, is never taken from it.
const ITEM_QUERY = 'vidu_item';
/** Names the run a callback belongs to: a late callback of an earlier run rings no bell. */
const RUN_QUERY = 'vidu_run';
/** n8n matches this path against the waiting node: a late callback cannot resume a later Wait or Form node. */
export const CALLBACK_PATH = 'vidu';
export const STATE_FIELD = 'vidu';
/** Kept on each input item while the execution waits: the only state that survives the pause. */
export interface CallbackState extends IDataObject {
	videoArrived: false;
	taskId: string | null;
	message: string;
	run?: string;
}
export type States = Array<CallbackState | undefined>;
/** A run token: not a secret (the resume URL's signature is), only different for every run. */
export const newRunToken = (): string => Array.from({ length: 16 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
export function callbackUrlFor(resumeUrl: string, index: number, run: string): string {
	const [path, query] = resumeUrl.split(/\?(.*)/s);
	return `${path.replace(/\/+$/, '')}/${CALLBACK_PATH}?${query ? `${query}&` : ''}${ITEM_QUERY}=${index}&${RUN_QUERY}=${run}`;
}
export const waitingState = (taskId: string, run: string): CallbackState => ({
	videoArrived: false,
	taskId,
	run,
	message: `No video yet. If this item has left the Vidu node, the wait ran out before the provider called back: fetch the result with Get Task and task ID ${taskId}.`,
});
export const failedSubmissionState = (message: string): CallbackState => ({ videoArrived: false, taskId: null, message });
export const asCallbackState = (value: unknown): CallbackState | undefined =>
	value && typeof value === 'object' && 'videoArrived' in value ? (value as CallbackState) : undefined;
type Doorbell = { ok: true; index: number; taskId: string; run?: string } | { ok: false; reason: string };
/** An integer id past 2^53 arrives rounded (n8n parses the body): it names the task whose digits round to it. */
const names = (value: unknown, taskId: string): boolean =>
	typeof value === 'number' && !Number.isSafeInteger(value) ? /^\d+$/.test(taskId) && Number(taskId) === value : String(value) === taskId;
export function readDoorbell(query: IDataObject, body: IDataObject, states: States): Doorbell {
	const raw = query[ITEM_QUERY];
	const index = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
	const { taskId, run } = states[index] ?? {};
	const refused: Doorbell = { ok: false, reason: 'not a task of this run' };
	if (!Number.isInteger(index) || !taskId || query[RUN_QUERY] !== run) return refused;
	// A gateway may put the model maker's own id in `id`: refused only when a name is given and none is ours.
	const claimed = [body.id, body.task_id].filter((value) => value !== undefined && value !== null && value !== '');
	if (claimed.length && !claimed.some((value) => names(value, taskId))) return refused;
	return { ok: true, index, taskId, run };
}
/** Answers the callback here and now: n8n then sends nothing more. */
export function reply(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}
/** Tasks tend to finish in submission order: the one after the ringing task is checked first, the ringing one last. */
export function checkOrder(ringing: number, states: States): number[] {
	return Array.from({ length: states.length }, (_, n) => (ringing + 1 + n) % states.length).filter((i) => states[i]?.taskId);
}
/** Only spares a useless check (a body is never trusted to say a task is done); an unknown word may be final. */
export const claimsStillRunning = (body: IDataObject): boolean => surelyRunning(stateWordOf(body) ?? '');
/** A callback that says its task is finished: if the API does not agree yet, it is asked again shortly. */
export const claimsFinished = (body: IDataObject): boolean => stateOf(stateWordOf(body) ?? '') !== 'running';
type SweepResult = { allFinished: true; tasks: Array<Task | undefined> } | { allFinished: false; waitingFor: string };

export async function sweep(order: number[], states: States, check: (id: string, index: number) => Promise<Task>): Promise<SweepResult> {
	const tasks: Array<Task | undefined> = [];
	for (const index of order) {
		const task = await check(states[index]!.taskId!, index);
		if (task.state === 'running') return { allFinished: false, waitingFor: task.id };
		tasks[index] = task;
	}
	return { allFinished: true, tasks };
}
/** One pause of one execution: a run token is new for every node run. */
export const pauseKey = (executionId: string, run: string | undefined): string => `${executionId}/${run ?? ''}`;

/** What this process knows of the pauses callbacks ring for. Bounded: only ever a saving, a fresh process asks again. */
export class DoorbellMemory {
	private claimed = new Set<string>();
	private resumed = new Set<string>();
	private sweeping = new Map<string, { again: boolean; done: Promise<unknown> }>();
	constructor(private readonly capacity = 5000) {}
	/** Remembers `entry`, the oldest going first; true when it was new. */
	private firstTime(entries: Set<string>, entry: string): boolean {
		if (entries.has(entry)) return false;
		if (entries.size >= this.capacity) entries.delete(entries.keys().next().value as string);
		entries.add(entry);
		return true;
	}
	private nonces = new Set<string>();
	/** A signed callback's nonce: true when it was seen before (a replay), else remembered. One n8n process only. */
	nonceSeen(nonce: string): boolean {
		return !this.firstTime(this.nonces, nonce);
	}
	/** While the API says this task runs, its status is taken to lag behind the callback. */
	noteClaimedFinished(pause: string, taskId: string): void {
		this.firstTime(this.claimed, `${pause}/${taskId}`);
	}
	claimedFinished(pause: string, taskId: string): boolean {
		return this.claimed.has(`${pause}/${taskId}`);
	}
	/** Callbacks during a sweep of the same pause share it and ask for one more after it: a burst costs two sweeps. */
	async coalesced<T>(pause: string, work: () => Promise<T>): Promise<T> {
		const running = this.sweeping.get(pause) as { again: boolean; done: Promise<T> } | undefined;
		if (running) {
			running.again = true;
			return await running.done;
		}
		const entry = { again: false } as { again: boolean; done: Promise<T> };
		entry.done = (async () => {
			try {
				let result: T;
				do {
					entry.again = false;
					result = await work();
				} while (entry.again);
				return result;
			} finally {
				this.sweeping.delete(pause);
			}
		})();
		this.sweeping.set(pause, entry);
		return await entry.done;
	}
	/** True for the first caller only: several tasks often end at the same moment. */
	claimResume(pause: string): boolean {
		return this.firstTime(this.resumed, pause);
	}
}
