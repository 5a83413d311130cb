import { type Clock, pause } from './clock';

/** What a failed attempt says about trying again. */
export interface RetryAdvice {
	retry: boolean;
	/** From the server's Retry-After header. */
	retryAfterMs?: number;
}

export interface RetryPolicy {
	advise(error: unknown): RetryAdvice;
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** Clock time after which no new attempt starts (the user's maximum wait). */
	deadline?: number;
	signal?: AbortSignal;
}

/** Exponential backoff with jitter: attempt n waits base·2^n, scaled by 50–100 % and capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
	const exponential = Math.min(capMs, baseMs * 2 ** attempt);
	return Math.round(exponential * (0.5 + random() / 2));
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Runs `attempt` until it succeeds, the error is not worth retrying, or the budget runs out. */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, clock: Clock): Promise<T> {
	for (let n = 0; ; n++) {
		const outcome = await attempt().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		const advice = policy.advise(outcome.error);
		const delay = Math.max(advice.retryAfterMs ?? 0, backoffMs(n, 1000, 30_000, Math.random));
		const outOfTime = policy.deadline !== undefined && clock.now() + delay > policy.deadline;
		if (!advice.retry || n + 1 >= policy.maxAttempts || outOfTime || policy.signal?.aborted) throw outcome.error;
		await pause(clock, delay, policy.signal);
	}
}
