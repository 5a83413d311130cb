import { ViduFailure } from '../transport/failure';
import { type Clock, pause } from './clock';

/** Attempts in all, the first included, for a request that failed this way (1: never again; Infinity: until the user's Max Wait). */
export type RetryPolicy = (failure: ViduFailure) => number;
/** A paid request is only repeated when it provably created nothing (429, a refused connection). */
export const SUBMISSION: RetryPolicy = (f) => (f.retry.notSent ? 3 : 1);
/** Wait Mode Callback cannot pause before every task is submitted: a 429 is retried until Max Wait. */
export const SUBMISSION_UNTIL_ACCEPTED: RetryPolicy = (f) => (f.retry.rateLimited ? Infinity : SUBMISSION(f));
/** The poller queues refused submissions itself (REFUSED_IN_BATCH). */
export const SUBMISSION_IN_BATCH: RetryPolicy = (f) => (f.retry.notSent && !f.retry.rateLimited ? 3 : 1);
export const REFUSED_IN_BATCH: RetryPolicy = (f) => (f.retry.rateLimited ? Infinity : 1);
/** Get Task: a 404 or odd answer there most likely means a task ID the API does not know. */
export const STATUS_QUERY: RetryPolicy = (f) => (f.retry.transient ? 4 : 1);
/** A callback's check answers the provider: short, it calls again anyway. */
export const CALLBACK_CHECK: RetryPolicy = (f) => (f.retry.transient ? 2 : 1);
/** The poller's checks. An odd answer about a task the API named (not JSON, 404) is likely a proxy or lagging gateway. */
const oddStatusAnswer = (f: ViduFailure) =>
	f.phase === 'status' && (f.kind === 'malformed' || (f.kind === 'http' && f.details.status === 404));
export const STATUS_IN_BATCH: RetryPolicy = (f) => (f.retry.transient ? Infinity : oddStatusAnswer(f) ? 3 : 1);

/** Exponential backoff with jitter: attempt n waits 1 s·2^n, scaled by 50–100 % and capped at 30 s. */
export function backoffMs(attempt: number, random: () => number): number {
	return Math.round(Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + random() / 2));
}
type Next = { retry: false } | { retry: true; delayMs: number; retryAfterMs?: number };
/** Whether to try again after failed attempt number `attempt` (0-based), and after how long. */
export function nextRetry(policy: RetryPolicy, error: unknown, attempt: number, random: () => number = Math.random): Next {
	if (!(error instanceof ViduFailure) || attempt + 1 >= policy(error)) return { retry: false };
	const { retryAfterMs } = error.retry;
	return { retry: true, delayMs: Math.max(retryAfterMs ?? 0, backoffMs(attempt, random)), retryAfterMs };
}

type RetryLimits = { deadline?: number; signal?: AbortSignal };
/** Retries until `deadline` (the user's Max Wait, else two minutes), whatever Retry-After asks. */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, clock: Clock, limits: RetryLimits = {}): Promise<T> {
	const deadline = limits.deadline ?? clock.now() + 2 * 60_000;
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
