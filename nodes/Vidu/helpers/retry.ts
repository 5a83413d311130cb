import { ViduFailure } from '../transport/failure';
import { type Clock, pause } from './clock';

/**
 * The one owner of retries: which failures are worth another request, how often, and after how long.
 * Requests made once (a submission, Get Task, a callback's check) retry through withRetries; the
 * poller retries its status checks on its own timer, with the same policy and the same delays.
 */
export interface RetryPolicy {
	/** Attempts in all, the first included, for a request that failed this way (1: never again). */
	attemptsFor(failure: ViduFailure): number;
}

const UNTIL_MAX_WAIT = Number.POSITIVE_INFINITY;

/**
 * A status answer that should not come about a task the API itself named: not JSON, no or another
 * task id, completed without a video, HTTP 404. Most likely something on the way (a proxy's error
 * page, a gateway that has not seen the task or its video yet) rather than the task; asking again is
 * free, so a few tries before the item fails.
 */
const ODD_ANSWER_ATTEMPTS = 3;
const isOddStatusAnswer = (f: ViduFailure) =>
	f.phase === 'status' && (f.kind === 'malformed' || (f.kind === 'http' && f.details.status === 404));

/** A paid request is only repeated when it provably created nothing (429, a refused connection). */
export const SUBMISSION: RetryPolicy = { attemptsFor: (f) => (f.retry.notSent ? 3 : 1) };

/**
 * Wait Mode Callback cannot pause before every task is submitted: a submission the API refuses for
 * now (HTTP 429, tasks in flight at the account's limit) is sent again, backing off, until the run's
 * Max Wait, as the poller's queue does.
 */
export const SUBMISSION_UNTIL_ACCEPTED: RetryPolicy = {
	attemptsFor: (f) => (f.retry.rateLimited ? UNTIL_MAX_WAIT : SUBMISSION.attemptsFor(f)),
};

/**
 * The poller queues refused submissions itself (they slow the whole batch down), so only
 * connection faults that sent nothing are retried in place.
 */
export const SUBMISSION_IN_BATCH: RetryPolicy = { attemptsFor: (f) => (f.retry.notSent && !f.retry.rateLimited ? 3 : 1) };

/**
 * A submission the API refused in a batch (HTTP 429: nothing created, nothing paid): the poller
 * queues it and sends it again later, for as long as the item's Max Wait allows.
 */
export const REFUSED_IN_BATCH: RetryPolicy = { attemptsFor: (f) => (f.retry.rateLimited ? UNTIL_MAX_WAIT : 1) };

/**
 * A single status query (Get Task) has no wait budget of its own: a few tries. A 404 or an odd
 * answer there most likely means a task ID of the user's that the API does not know: said at once.
 */
export const STATUS_QUERY: RetryPolicy = { attemptsFor: (f) => (f.retry.transient ? 4 : 1) };

/** A callback's check answers the provider: short, it calls again anyway. */
export const CALLBACK_CHECK: RetryPolicy = { attemptsFor: (f) => (f.retry.transient ? 2 : 1) };

/** The poller's checks: transient faults are retried until the task's Max Wait, odd answers a few times. */
export const STATUS_IN_BATCH: RetryPolicy = {
	attemptsFor: (f) => (f.retry.transient ? UNTIL_MAX_WAIT : isOddStatusAnswer(f) ? ODD_ANSWER_ATTEMPTS : 1),
};

/** Without a Max Wait to respect, retries (and the Retry-After they honour) stop after this long. */
const DEFAULT_RETRY_BUDGET_MS = 2 * 60_000;

const BASE_MS = 1000;
const CAP_MS = 30_000;

/** Exponential backoff with jitter: attempt n waits base·2^n, scaled by 50–100 % and capped. */
export function backoffMs(attempt: number, random: () => number): number {
	const exponential = Math.min(CAP_MS, BASE_MS * 2 ** attempt);
	return Math.round(exponential * (0.5 + random() / 2));
}

/** Whether to try again after failed attempt number `attempt` (0-based), and after how long. */
export function nextRetry(
	policy: RetryPolicy,
	error: unknown,
	attempt: number,
	random: () => number = Math.random,
): { retry: false } | { retry: true; delayMs: number; retryAfterMs?: number } {
	if (!(error instanceof ViduFailure) || attempt + 1 >= policy.attemptsFor(error)) return { retry: false };
	const { retryAfterMs } = error.retry;
	return { retry: true, delayMs: Math.max(retryAfterMs ?? 0, backoffMs(attempt, random)), retryAfterMs };
}

export interface RetryLimits {
	/** Clock time after which no new attempt starts, whatever Retry-After asks (the user's Max Wait). */
	deadline?: number;
	signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, the policy says stop, or the time runs out. */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, clock: Clock, limits: RetryLimits = {}): Promise<T> {
	const deadline = limits.deadline ?? clock.now() + DEFAULT_RETRY_BUDGET_MS;
	for (let n = 0; ; n++) {
		const outcome = await attempt().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		const next = nextRetry(policy, outcome.error, n);
		if (!next.retry || clock.now() + next.delayMs > deadline || limits.signal?.aborted) throw outcome.error;
		await pause(clock, next.delayMs, limits.signal);
	}
}
