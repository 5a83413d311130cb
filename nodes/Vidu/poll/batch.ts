import { NotSubmitted, type Outcome, type SubmittedTask, WaitStopped } from '../errors/outcomes';
import type { Task } from '../transport/task';
import { type Clock, pause } from '../helpers/clock';
import { inPool, PARALLEL_CHECKS, PARALLEL_SUBMITS } from '../helpers/pool';
import { nextRetry, REFUSED_IN_BATCH, STATUS_IN_BATCH } from '../helpers/retry';
import { AIM_AFTER_MS, firstCheckDelay, nextCheckDelay, type ScheduleSettings } from './schedule';

/**
 * Runs many generation tasks at once: submits items with a bounded number in flight, watches all
 * of them on one shared schedule, and returns one outcome per item in input order. Pure logic:
 * the HTTP calls, the output and the clock come from outside.
 */
export interface BatchHooks<R> {
	/** Reads the item, checks it and submits it. A throw here means the item failed (maybe unpaid). */
	submit(index: number): Promise<Task>;
	/** One status call. */
	check(task: Task, index: number): Promise<Task>;
	/** Turns a finished task into the item's result (may download). */
	finish(task: Task, index: number, stats: { statusChecks: number; elapsedMs: number }): Promise<R>;
}

export interface BatchSettings {
	maxConcurrent: number;
	maxWaitMs: number;
	schedule: ScheduleSettings;
	continueOnFail: boolean;
	signal?: AbortSignal;
	random?: () => number;
}

export interface BatchResult<R> {
	/** Per input index; missing where the run stopped before reaching the item. */
	outcomes: Array<Outcome<R> | undefined>;
	/** Every task submitted in this run: all of them are paid for. */
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
	/** Failed status calls in a row, and the last one. */
	faults: number;
	lastFault?: unknown;
	/** The one check allowed before the budget below has been scheduled. */
	aimedEarly?: boolean;
	/**
	 * Its next check is aimed at the run's learnt end: whether that spent the early check, and when
	 * the check was due without the aim (where it goes back if the aim proves wrong).
	 */
	aim?: { early: boolean; unaimedDueAt: number };
}

/** Tasks in flight allowed at first; doubles each wave while nothing is refused. */
const FIRST_WAVE = 8;
/** Tasks that test a learnt end: all must be found done there before the others are aimed at it. */
const PROBES = 2;
/**
 * Tasks of one nominal length still vary by a fraction of a second. A learnt end that a task
 * outlived moves this share of the polling interval past the longest run seen, once; when a task
 * outlives that too, the run's tasks are taken to differ in length.
 */
const WIDEN_SHARE = 0.12;

interface Pick {
	index: number;
	refusals: number;
	/** The API's last refusal of it. */
	refused?: unknown;
}

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length / 2;
	return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Without progress, how long the run's tasks take: when every finished task agrees (some was still
 * running at `after`, all were done by `by`, after < by), `by`: a task like the others is surely done
 * then, so one check finds it, where aiming inside the span would often need two. The first checks of
 * a batch are spread over the polling interval, so `by` lies within a second or so of the true end.
 * Tasks of different lengths agree on nothing: then the typical "done".
 */
export function expectedDuration(spans: Array<{ after: number; by: number }>): number | undefined {
	if (spans.length === 0) return undefined;
	const after = Math.max(...spans.map((s) => s.after));
	const by = Math.min(...spans.map((s) => s.by));
	return after < by ? by : median(spans.map((s) => s.by));
}

export async function runBatch<R>(count: number, hooks: BatchHooks<R>, settings: BatchSettings, clock: Clock): Promise<BatchResult<R>> {
	// A NaN or zero here would make the loop below spin without ever sleeping.
	if (!(settings.maxConcurrent >= 1) || !Number.isFinite(settings.maxWaitMs) || !(settings.schedule.maxGapMs > 0)) {
		throw new Error(`invalid batch settings: ${JSON.stringify({ ...settings, signal: undefined })}`);
	}
	const result: BatchResult<R> = { outcomes: new Array(count).fill(undefined), submitted: [] };
	/**
	 * Items the API never accepted share one deadline: under endless refusals (HTTP 429) the run ends by
	 * Max Wait, whatever the item count. An accepted task has its own Max Wait from its acceptance.
	 */
	const runDeadline = clock.now() + settings.maxWaitMs;
	/** The API's latest answer to a submission was a refusal. */
	let refusing = false;
	/** How long this run's completed tasks took, each known to lie in a span. */
	const learned: Array<{ after: number; by: number }> = [];
	/** The longest a task without progress was seen still running, since submission. */
	let longestRunningMs = 0;
	/**
	 * What the run has learnt (moved once past a task that outlived it), unless a task was seen running
	 * past that: then its tasks differ in length.
	 */
	const learnedEnd = () => {
		const expected = expectedDuration(learned);
		if (expected === undefined) return undefined;
		const end = Math.max(expected, widenedEnd);
		return end + AIM_AFTER_MS > longestRunningMs ? end : undefined;
	};
	/** Where the learnt end was moved when a task outlived it; once only. */
	let widenedEnd = 0;
	/**
	 * Tasks checked at the learnt end to test it before every task is aimed there: one task's length
	 * says little, and a wrong aim costs each task a call. Set while the test runs.
	 */
	const probes = new Set<number>();
	/** Every probe found its task done: the run's tasks are of one length. */
	let confirmed = false;
	/** Probes found done at the current learnt end. */
	let probesDone = 0;
	/** Where the schedule aims: the learnt end, once probes confirmed it and nothing has refuted it. */
	const aimedEnd = () => (confirmed ? learnedEnd() : undefined);
	const random = settings.random ?? Math.random;
	const active = new Map<number, Watched>();
	let nextIndex = 0;
	/** A 429's Retry-After holds every check: the limit is per API key, not per task. */
	let holdUntil = 0;
	/** Submissions the API refused (429), in the order they may be tried again. */
	const refusedQueue: Array<Pick & { notBefore: number }> = [];
	let submitHoldUntil = 0;
	/** Tasks allowed in flight: the user's cap, lowered while the API refuses submissions. */
	// Start with a modest wave and double it while the API accepts every task (slow start), so a
	// quota is found with a few refusals instead of a burst of them.
	let limit = Math.min(settings.maxConcurrent, FIRST_WAVE);
	let acceptedSinceRefusal = 0;
	let neverRefused = true;
	const unsubmitted = () => nextIndex < count || refusedQueue.length > 0;
	const candidateReady = () => nextIndex < count || refusedQueue[0].notBefore <= clock.now();
	const maySubmit = () =>
		!stopNow() && !settings.signal?.aborted && active.size < limit && unsubmitted() && clock.now() >= submitHoldUntil && candidateReady();

	const record = (index: number, state: SubmittedTask['state']) => {
		const entry = result.submitted.find((s) => s.index === index);
		if (entry) entry.state = state;
	};
	/** `stillRunning`: the node stopped waiting, but the task goes on at the provider (paid, not failed). */
	const fail = (index: number, error: unknown, taskId?: string, stillRunning = false) => {
		result.outcomes[index] = { ok: false, error };
		if (taskId) record(index, stillRunning ? 'running' : 'failed');
		if (!settings.continueOnFail && !result.firstFailure) result.firstFailure = { index, error };
	};
	const stopNow = () => result.firstFailure !== undefined;
	const stoppedBy = (reason: WaitStopped['reason'], watched: Watched) =>
		new WaitStopped(reason, watched.task, settings.maxWaitMs / 60_000, watched.lastFault);

	const complete = async (watched: Watched) => {
		const { index, task } = watched;
		active.delete(index);
		try {
			const stats = { statusChecks: watched.checks, elapsedMs: clock.now() - watched.submittedAt };
			result.outcomes[index] = { ok: true, value: await hooks.finish(task, index, stats) };
			record(index, 'completed');
		} catch (error) {
			fail(index, error, task.id);
		}
	};

	/** The next item to submit: a refused one whose time has come first, else the next fresh one. */
	const pick = (): Pick => {
		const retry = refusedQueue[0] && refusedQueue[0].notBefore <= clock.now() ? refusedQueue.shift() : undefined;
		return retry ?? { index: nextIndex++, refusals: 0 };
	};

	const submitOne = async (entry: Pick) => {
		const { index } = entry;
		// A failure elsewhere in this wave, or a cancel, stops what has not been sent yet (nothing paid).
		if (stopNow() || settings.signal?.aborted) return;
		let task: Task;
		try {
			task = await hooks.submit(index);
		} catch (error) {
			// Refused (HTTP 429): nothing was created, so it may be sent again later, within Max Wait.
			const next = nextRetry(REFUSED_IN_BATCH, error, entry.refusals, random);
			const answeredAt = clock.now();
			refusing = next.retry;
			if (!next.retry) return fail(index, error);
			// Slow down to what the API has accepted so far.
			limit = Math.max(1, active.size);
			acceptedSinceRefusal = 0;
			neverRefused = false;
			submitHoldUntil = Math.max(submitHoldUntil, answeredAt + next.delayMs);
			if (answeredAt + next.delayMs > runDeadline) return fail(index, error);
			refusedQueue.push({ index, notBefore: answeredAt + next.delayMs, refusals: entry.refusals + 1, refused: error });
			return;
		}
		refusing = false;
		// Accepted: the allowance grows towards the user's cap. Until the first refusal by one per
		// acceptance (it doubles each wave); after a refusal cut it to what the API took, by one per
		// round of acceptances as large as the allowance (additive increase).
		if (neverRefused) limit = Math.min(settings.maxConcurrent, limit + 1);
		else if (++acceptedSinceRefusal >= limit) {
			limit = Math.min(settings.maxConcurrent, limit + 1);
			acceptedSinceRefusal = 0;
		}
		result.submitted.push({ index, taskId: task.id, state: 'running' });
		const now = clock.now();
		const deadline = now + settings.maxWaitMs;
		const watched: Watched = {
			index,
			task,
			submittedAt: now,
			deadline,
			dueAt: Math.min(deadline, now + firstCheckDelay(settings.schedule, index, aimedEnd())),
			lastCheckAt: now,
			checks: 0,
			faults: 0,
		};
		if (task.state !== 'running') await complete(watched);
		else active.set(index, watched);
	};

	const checkOne = async (watched: Watched) => {
		const now = clock.now();
		// Set back since the round began: the end it was aimed at proved wrong.
		if (watched.dueAt > now) return;
		watched.aim = undefined;
		const runningAt = watched.lastCheckAt;
		const probed = probes.delete(watched.index);
		watched.lastCheckAt = now;
		watched.checks++;
		try {
			const checked = await hooks.check(watched.task, watched.index);
			// Status answers need not repeat what the create answer said (the model): keep it.
			watched.task = { ...checked, model: checked.model ?? watched.task.model };
			watched.faults = 0;
			watched.lastFault = undefined;
		} catch (error) {
			// A check cut short by a cancel: the task goes on at the provider, paid, not failed.
			if (settings.signal?.aborted) {
				active.delete(watched.index);
				fail(watched.index, stoppedBy('cancelled', watched), watched.task.id, true);
				return;
			}
			const next = nextRetry(STATUS_IN_BATCH, error, watched.faults++, random);
			if (!next.retry) {
				active.delete(watched.index);
				fail(watched.index, error, watched.task.id);
				return;
			}
			// Retry-After counts from the answer, not from when the request left.
			const answeredAt = clock.now();
			// Never past this task's Max Wait: a server asking for a day is not waited for.
			if (next.retryAfterMs) holdUntil = Math.max(holdUntil, Math.min(watched.deadline, answeredAt + next.retryAfterMs));
			watched.lastFault = error;
			watched.dueAt = Math.min(watched.deadline, answeredAt + next.delayMs);
			return;
		}
		if (watched.task.state !== 'running') {
			// It ended between the last check that saw it running and this one: that span is what the
			// schedule learns.
			if (watched.task.state === 'completed') {
				learned.push({ after: runningAt - watched.submittedAt, by: now - watched.submittedAt });
				if (probed) probesDone++;
				// A moved end has been wrong once already: it takes every probe to confirm it.
				const enough = widenedEnd === 0 || probesDone >= PROBES;
				if (probed && probes.size === 0 && enough && learnedEnd() !== undefined) confirmed = true;
				aimAtLearnedEnd();
			}
			await complete(watched);
			return;
		}
		const later = clock.now();
		if (watched.task.progress !== null) {
			scheduleCheck(watched, later + nextCheckDelay(later - watched.submittedAt, watched.task.progress, settings.schedule, aimedEnd()));
			return;
		}
		longestRunningMs = Math.max(longestRunningMs, now - watched.submittedAt);
		if (learned.length > 0 && learnedEnd() === undefined) refute(later);
		// Tasks known to differ in length: an aim would be a guess, and the loop's own grid is the
		// schedule with the fewest calls for what is known.
		const grid = Math.max(later + settings.schedule.minGapMs, nextOnGrid(watched));
		const end = aimedEnd();
		if (learned.length > 0 && learnedEnd() === undefined) scheduleCheck(watched, grid);
		else
			scheduleCheck(
				watched,
				later + nextCheckDelay(later - watched.submittedAt, null, settings.schedule, end),
				end === undefined ? undefined : grid,
			);
	};

	/**
	 * Sets a task's next check. An aimed one carries where it would go unaimed (`unaimed`), to go back
	 * there if the aim proves wrong.
	 */
	const scheduleCheck = (watched: Watched, at: number, unaimed?: number) => {
		const hadEarly = watched.aimedEarly;
		watched.dueAt = Math.min(watched.deadline, notBeforeBudget(watched, at));
		watched.aim = unaimed === undefined ? undefined : { early: !hadEarly && watched.aimedEarly === true, unaimedDueAt: unaimed };
	};

	/**
	 * A task was seen running past the learnt end: the checks aimed at it would find tasks still
	 * running, calls the loop would not make. They go back to when they were due before the aim,
	 * their early check unspent. The first time, the end moves past the longest run seen (tasks of
	 * one nominal length vary a little) and two probes test it; the second time the schedule stays
	 * on the grid.
	 */
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
		widenedEnd = longestRunningMs + settings.schedule.maxGapMs * WIDEN_SHARE;
		aimAtLearnedEnd();
	};

	/** The next whole polling interval after submission that follows the last check. */
	const nextOnGrid = (watched: Watched) => {
		const interval = settings.schedule.maxGapMs;
		return watched.submittedAt + (Math.floor((watched.lastCheckAt - watched.submittedAt) / interval) + 1) * interval;
	};

	/**
	 * At most one status call more than a loop checking once per polling interval, whatever the
	 * tasks' lengths. A task without progress of its own that was still running at each of its n
	 * checks would need n + 1 checks in such a loop too, so its next check comes no sooner than
	 * n + 1 intervals after submission; once per task, a check aimed at the end the run has learnt may
	 * come sooner (with tasks of one length it is the last). A task still running after that one is
	 * checked on the loop's grid again: at the next whole interval after submission. Never later than
	 * one interval after the last check either. With progress, the aim is the task's own, under the
	 * same budget: a progress that stalls near the end does not buy a call a second.
	 */
	const notBeforeBudget = (watched: Watched, at: number) => {
		const interval = settings.schedule.maxGapMs;
		const budget = watched.submittedAt + (watched.checks + 1) * interval;
		if (at >= budget) return at;
		if (!watched.aimedEarly) {
			watched.aimedEarly = true;
			return at;
		}
		return Math.max(at, Math.min(budget, nextOnGrid(watched)));
	};

	/**
	 * A task just finished: tasks without progress of their own that should end sooner than their
	 * next check are checked at the learnt end instead (tasks submitted together end together). Until
	 * probes have found that true, only they are.
	 */
	const aimAtLearnedEnd = () => {
		const expected = learnedEnd();
		if (expected === undefined) return;
		for (const index of probes) if (!active.has(index)) probes.delete(index);
		if (!confirmed && probes.size > 0) return;
		for (const other of active.values()) {
			if (!confirmed && probes.size >= PROBES) break;
			if (other.task.progress !== null || other.faults > 0) continue;
			const end = Math.max(other.lastCheckAt + settings.schedule.minGapMs, other.submittedAt + expected + AIM_AFTER_MS);
			if (end >= other.dueAt) continue;
			// A probe checked later than the end (too soon after its last check) would test another time.
			if (!confirmed && end > other.submittedAt + expected + AIM_AFTER_MS) continue;
			// Sooner only: the budget never postpones a check already due.
			const allowed = notBeforeBudget({ ...other }, end);
			if (allowed > end) {
				other.dueAt = Math.min(other.dueAt, allowed);
				continue;
			}
			scheduleCheck(other, end, other.dueAt);
			if (!confirmed) probes.add(other.index);
		}
	};

	/** Ends the watch of tasks that were cancelled, or checked at their deadline and still running. */
	const stopExpired = () => {
		for (const watched of [...active.values()]) {
			const reason = settings.signal?.aborted ? 'cancelled' : watched.lastCheckAt >= watched.deadline ? 'timeout' : undefined;
			if (!reason) continue;
			active.delete(watched.index);
			fail(watched.index, stoppedBy(reason, watched), watched.task.id, true);
		}
	};

	/** Max Wait is over and the API still refuses: what it never accepted fails, with nothing sent. */
	const giveUpUnsubmitted = () => {
		if (!refusing || clock.now() < runDeadline) return;
		for (const entry of refusedQueue.splice(0)) fail(entry.index, entry.refused);
		const never = new NotSubmitted(
			`the API refused submissions (HTTP 429) for longer than Max Wait (${settings.maxWaitMs / 60_000} minutes) allows`,
		);
		while (nextIndex < count) fail(nextIndex++, never);
	};

	while (!stopNow() && (unsubmitted() || active.size > 0) && !settings.signal?.aborted) {
		giveUpUnsubmitted();
		// Submissions go in waves: as many as there is room for, PARALLEL_SUBMITS at a time.
		while (maySubmit()) {
			const wave: Pick[] = [];
			while (wave.length < limit - active.size && unsubmitted() && candidateReady()) wave.push(pick());
			await inPool(wave, PARALLEL_SUBMITS, submitOne);
		}
		stopExpired();
		// Tasks finished on creation leave nothing to wait for: the loop's condition ends the run.
		if (stopNow() || (!unsubmitted() && active.size === 0)) continue;

		// One timer for everything: sleep until the earliest check is due, or until refused
		// submissions may go again when there is room for them.
		const wakeups = [...active.values()].map((w) => Math.max(w.dueAt, holdUntil));
		if (unsubmitted() && active.size < limit) wakeups.push(Math.max(submitHoldUntil, refusedQueue[0]?.notBefore ?? 0));
		if (unsubmitted() && refusing) wakeups.push(runDeadline);
		await pause(clock, Math.max(0, Math.min(...wakeups) - clock.now()), settings.signal);
		if (settings.signal?.aborted) break;
		const now = clock.now();
		if (now < holdUntil) continue;
		await inPool(
			[...active.values()].filter((w) => w.dueAt <= now),
			PARALLEL_CHECKS,
			checkOne,
		);
		stopExpired();
	}
	stopExpired();
	return result;
}
