import { type Outcome, refusedPastMaxWait, type SubmittedTask, WaitStopped } from '../errors/outcomes';
import type { Task } from '../transport/task';
import { type Clock, pause } from '../helpers/clock';
import { inPool, PARALLEL_CHECKS, PARALLEL_SUBMITS } from '../helpers/pool';
import { nextRetry, REFUSED_IN_BATCH, STATUS_IN_BATCH } from '../helpers/retry';
import { AIM_AFTER_MS, firstCheckDelay, nextCheckDelay, type ScheduleSettings } from './schedule';

/** A queue that never moves must still end: queued time counts for nothing up to a day. */
const QUEUE_LIMIT_MS = 24 * 3_600_000;

export interface BatchHooks<R> {
	submit(index: number): Promise<Task>;
	check(task: Task, index: number): Promise<Task>;
	finish(task: Task, index: number, stats: { statusChecks: number; elapsedMs: number }): Promise<R>;
}

export interface BatchSettings {
	maxConcurrent: number;
	maxWaitMs: number;
	schedule: ScheduleSettings;
	continueOnFail: boolean;
	signal?: AbortSignal;
	random?: () => number;
	/** The API queues tasks past a concurrency limit (state "queueing"): Max Wait then counts from leaving the queue. */
	queueing?: boolean;
}

export interface BatchResult<R> {
	outcomes: Array<Outcome<R> | undefined>;
	submitted: SubmittedTask[];
	/** Set when the run stopped at the first failure (Continue On Fail off). */
	firstFailure?: { index: number; error: unknown };
}

interface Watched {
	index: number;
	task: Task;
	submittedAt: number;
	deadline: number;
	dueAt: number;
	lastCheckAt: number;
	checks: number;
	/** Failed status calls in a row. */
	faults: number;
	lastFault?: unknown;
	/** The one check allowed ahead of the budget (notBeforeBudget) has been spent. */
	aimedEarly?: boolean;
	/** Aimed at the learnt end: where the check goes back if the aim proves wrong. */
	aim?: { early: boolean; unaimedDueAt: number };
}
type Pick = { index: number; refusals: number; refused?: unknown };
/** Tasks in flight allowed at first (slow start). */
const FIRST_WAVE = 8;
/** Tasks that must be found done at a learnt end before the others are aimed at it. */
const PROBES = 2;
/** Share of the interval a refuted learnt end moves past the longest run seen (once). */
const WIDEN_SHARE = 0.12;

/** When every span agrees (all running at `after`, done by `by`), `by`: one check surely finds a task done. Else the median. */
export function expectedDuration(spans: Array<{ after: number; by: number }>): number | undefined {
	if (spans.length === 0) return undefined;
	const bys = spans.map((s) => s.by).sort((a, b) => a - b);
	if (Math.max(...spans.map((s) => s.after)) < bys[0]) return bys[0];
	const middle = bys.length / 2;
	return bys.length % 2 ? bys[Math.floor(middle)] : (bys[middle - 1] + bys[middle]) / 2;
}

export async function runBatch<R>(count: number, hooks: BatchHooks<R>, settings: BatchSettings, clock: Clock): Promise<BatchResult<R>> {
	// A NaN or zero here would make the loop below spin without ever sleeping.
	if (!(settings.maxConcurrent >= 1) || !Number.isFinite(settings.maxWaitMs) || !(settings.schedule.maxGapMs > 0))
		throw new Error(`invalid batch settings: ${JSON.stringify({ ...settings, signal: undefined })}`);
	const { schedule, signal, random = Math.random } = settings;
	const interval = schedule.maxGapMs;
	const result: BatchResult<R> = { outcomes: new Array(count).fill(undefined), submitted: [] };
	// Items never accepted share one deadline, so endless 429s end by Max Wait whatever the item count.
	const runDeadline = clock.now() + settings.maxWaitMs;
	const active = new Map<number, Watched>();
	let nextIndex = 0;
	let refusing = false;
	const refusedQueue: Array<Pick & { notBefore: number }> = [];
	let submitHoldUntil = 0;
	// A 429's Retry-After holds every check: the limit is per API key, not per task.
	let holdUntil = 0;
	let limit = Math.min(settings.maxConcurrent, FIRST_WAVE);
	let acceptedSinceRefusal = 0;
	let neverRefused = true;
	const learned: Array<{ after: number; by: number }> = [];
	let longestRunningMs = 0;
	let widenedEnd = 0;
	const probes = new Set<number>();
	let probesDone = 0;
	let confirmed = false;
	/** Undefined when a task was seen running past it: then the tasks differ in length. */
	const learnedEnd = () => {
		const expected = expectedDuration(learned);
		if (expected === undefined) return undefined;
		const end = Math.max(expected, widenedEnd);
		return end + AIM_AFTER_MS > longestRunningMs ? end : undefined;
	};
	const aimedEnd = () => (confirmed ? learnedEnd() : undefined);
	const lengthsDiffer = () => learned.length > 0 && learnedEnd() === undefined;
	const stopNow = () => result.firstFailure !== undefined;
	const unsubmitted = () => nextIndex < count || refusedQueue.length > 0;
	const retryReady = () => refusedQueue.length > 0 && refusedQueue[0].notBefore <= clock.now();
	const candidateReady = () => nextIndex < count || retryReady();
	const maySubmit = () => !stopNow() && !signal?.aborted && active.size < limit && clock.now() >= submitHoldUntil && candidateReady();
	const settle = (index: number, outcome: Outcome<R>, state: SubmittedTask['state']) => {
		result.outcomes[index] = outcome;
		for (const entry of result.submitted) if (entry.index === index) entry.state = state;
		if (!outcome.ok && !settings.continueOnFail && !result.firstFailure) result.firstFailure = { index, error: outcome.error };
	};
	const fail = (index: number, error: unknown, state: SubmittedTask['state'] = 'failed') => settle(index, { ok: false, error }, state);
	const drop = (watched: Watched, error: unknown, state?: SubmittedTask['state']) => {
		active.delete(watched.index);
		fail(watched.index, error, state);
	};
	/** The node stops waiting, but the task goes on at the provider (paid, not failed). */
	const stopWatching = (watched: Watched, reason: WaitStopped['reason']) =>
		drop(watched, new WaitStopped(reason, watched.task, settings.maxWaitMs / 60_000, watched.lastFault), 'running');
	const complete = async ({ index, task, checks, submittedAt }: Watched) => {
		active.delete(index);
		try {
			const value = await hooks.finish(task, index, { statusChecks: checks, elapsedMs: clock.now() - submittedAt });
			settle(index, { ok: true, value }, 'completed');
		} catch (error) {
			fail(index, error);
		}
	};
	const submitOne = async ({ index, refusals }: Pick) => {
		// A failure elsewhere in this wave, or a cancel, stops what has not been sent yet (nothing paid).
		if (stopNow() || signal?.aborted) return;
		let task: Task;
		try {
			task = await hooks.submit(index);
		} catch (error) {
			// Refused (HTTP 429): nothing was created, so it may be sent again later, within Max Wait.
			const next = nextRetry(REFUSED_IN_BATCH, error, refusals, random);
			refusing = next.retry;
			if (!next.retry) return fail(index, error);
			limit = Math.max(1, active.size);
			acceptedSinceRefusal = 0;
			neverRefused = false;
			const notBefore = clock.now() + next.delayMs;
			submitHoldUntil = Math.max(submitHoldUntil, notBefore);
			if (notBefore > runDeadline) return fail(index, error);
			return void refusedQueue.push({ index, notBefore, refusals: refusals + 1, refused: error });
		}
		refusing = false;
		// Doubling each wave until the first refusal, then one more per round of acceptances.
		if (neverRefused || ++acceptedSinceRefusal >= limit) {
			limit = Math.min(settings.maxConcurrent, limit + 1);
			acceptedSinceRefusal = 0;
		}
		result.submitted.push({ index, taskId: task.id, state: 'running' });
		const now = clock.now();
		const deadline = now + settings.maxWaitMs;
		const dueAt = Math.min(deadline, now + firstCheckDelay(schedule, index, aimedEnd()));
		const watched: Watched = { index, task, submittedAt: now, deadline, dueAt, lastCheckAt: now, checks: 0, faults: 0 };
		if (task.state !== 'running') await complete(watched);
		else active.set(index, watched);
	};
	const checkOne = async (watched: Watched) => {
		const now = clock.now();
		// Set back since the round began: the end it was aimed at proved wrong.
		if (watched.dueAt > now) return;
		const runningAt = watched.lastCheckAt;
		const probed = probes.delete(watched.index);
		Object.assign(watched, { aim: undefined, lastCheckAt: now, checks: watched.checks + 1 });
		try {
			const checked = await hooks.check(watched.task, watched.index);
			// Status answers need not repeat the model the create answer named.
			Object.assign(watched, { task: { ...checked, model: checked.model ?? watched.task.model }, faults: 0, lastFault: undefined });
		} catch (error) {
			if (signal?.aborted) return stopWatching(watched, 'cancelled');
			const next = nextRetry(STATUS_IN_BATCH, error, watched.faults++, random);
			if (!next.retry) return drop(watched, error);
			// Retry-After counts from the answer; never past this task's Max Wait.
			const answeredAt = clock.now();
			if (next.retryAfterMs) holdUntil = Math.max(holdUntil, Math.min(watched.deadline, answeredAt + next.retryAfterMs));
			return void Object.assign(watched, { lastFault: error, dueAt: Math.min(watched.deadline, answeredAt + next.delayMs) });
		}
		const { state, progress, apiStatus } = watched.task;
		// Queued at the API (Vidu's own API accepts tasks past its concurrency limit): Max Wait counts from leaving the queue.
		if (settings.queueing && apiStatus.toLowerCase() === 'queueing')
			watched.deadline = Math.max(watched.deadline, Math.min(now, watched.submittedAt + QUEUE_LIMIT_MS) + settings.maxWaitMs);
		if (state === 'completed') {
			learned.push({ after: runningAt - watched.submittedAt, by: now - watched.submittedAt });
			if (probed) probesDone++;
			// A moved end has been wrong once already: it takes every probe to confirm it.
			const enough = widenedEnd === 0 || probesDone >= PROBES;
			if (probed && probes.size === 0 && enough && learnedEnd() !== undefined) confirmed = true;
			aimAtLearnedEnd();
		}
		if (state !== 'running') return await complete(watched);
		const later = clock.now();
		const grid = Math.max(later + schedule.minGapMs, nextOnGrid(watched));
		if (progress === null) {
			longestRunningMs = Math.max(longestRunningMs, now - watched.submittedAt);
			if (lengthsDiffer()) refute(later);
			// Tasks of different lengths: the loop's own grid makes the fewest calls.
			if (lengthsDiffer()) return scheduleCheck(watched, grid);
		}
		const end = aimedEnd();
		const at = later + nextCheckDelay(later - watched.submittedAt, progress, schedule, end);
		scheduleCheck(watched, at, progress === null && end !== undefined ? grid : undefined);
	};
	/** An aimed check carries where it would go unaimed, to go back there if the aim proves wrong. */
	const scheduleCheck = (watched: Watched, at: number, unaimed?: number) => {
		const hadEarly = watched.aimedEarly;
		watched.dueAt = Math.min(watched.deadline, notBeforeBudget(watched, at));
		watched.aim = unaimed === undefined ? undefined : { early: !hadEarly && watched.aimedEarly === true, unaimedDueAt: unaimed };
	};
	/** A task ran past the learnt end: aimed checks go back, and the first time the end moves past it. */
	const refute = (now: number) => {
		confirmed = false;
		probes.clear();
		probesDone = 0;
		for (const other of active.values()) {
			if (!other.aim) continue;
			if (other.aim.early) other.aimedEarly = false;
			other.dueAt = Math.min(other.deadline, Math.max(now, other.aim.unaimedDueAt));
			other.aim = undefined;
		}
		if (widenedEnd > 0) return;
		widenedEnd = longestRunningMs + interval * WIDEN_SHARE;
		aimAtLearnedEnd();
	};
	const nextOnGrid = (watched: Watched) =>
		watched.submittedAt + (Math.floor((watched.lastCheckAt - watched.submittedAt) / interval) + 1) * interval;
	/** At most one call more than a loop checking once per interval: one early check per task, then the grid. */
	const notBeforeBudget = (watched: Watched, at: number) => {
		const budget = watched.submittedAt + (watched.checks + 1) * interval;
		if (at >= budget) return at;
		if (watched.aimedEarly) return Math.max(at, Math.min(budget, nextOnGrid(watched)));
		watched.aimedEarly = true;
		return at;
	};
	/** Tasks submitted together end together: checks due later move to the learnt end (only probes until confirmed). */
	const aimAtLearnedEnd = () => {
		const expected = learnedEnd();
		if (expected === undefined) return;
		for (const index of probes) if (!active.has(index)) probes.delete(index);
		if (!confirmed && probes.size > 0) return;
		for (const other of active.values()) {
			if (!confirmed && probes.size >= PROBES) break;
			if (other.task.progress !== null || other.faults > 0) continue;
			const aim = other.submittedAt + expected + AIM_AFTER_MS;
			const end = Math.max(other.lastCheckAt + schedule.minGapMs, aim);
			if (end >= other.dueAt || (!confirmed && end > aim)) continue;
			const allowed = notBeforeBudget({ ...other }, end);
			// Sooner only: the budget never postpones a check already due.
			if (allowed > end) other.dueAt = Math.min(other.dueAt, allowed);
			else {
				scheduleCheck(other, end, other.dueAt);
				if (!confirmed) probes.add(other.index);
			}
		}
	};
	const stopExpired = () => {
		for (const w of [...active.values()])
			if (signal?.aborted || w.lastCheckAt >= w.deadline) stopWatching(w, signal?.aborted ? 'cancelled' : 'timeout');
	};
	const pending = () => unsubmitted() || active.size > 0;
	while (!stopNow() && pending() && !signal?.aborted) {
		if (refusing && clock.now() >= runDeadline) {
			for (const entry of refusedQueue.splice(0)) fail(entry.index, entry.refused);
			const never = refusedPastMaxWait(settings.maxWaitMs / 60_000);
			while (nextIndex < count) fail(nextIndex++, never);
		}
		while (maySubmit()) {
			const wave: Pick[] = [];
			while (wave.length < limit - active.size && candidateReady())
				wave.push(retryReady() ? refusedQueue.shift()! : { index: nextIndex++, refusals: 0 });
			await inPool(wave, PARALLEL_SUBMITS, submitOne);
		}
		stopExpired();
		if (stopNow() || !pending()) continue;
		const wakeups = [...active.values()].map((w) => Math.max(w.dueAt, holdUntil));
		if (unsubmitted() && active.size < limit) wakeups.push(Math.max(submitHoldUntil, refusedQueue[0]?.notBefore ?? 0));
		if (unsubmitted() && refusing) wakeups.push(runDeadline);
		await pause(clock, Math.min(...wakeups) - clock.now(), signal);
		const now = clock.now();
		if (signal?.aborted || now < holdUntil) continue;
		const due = [...active.values()].filter((w) => w.dueAt <= now);
		await inPool(due, PARALLEL_CHECKS, checkOne);
		stopExpired();
	}
	stopExpired();
	return result;
}
