import { clip, isObject, stateOf, stateWordOf, taskErrorOf, type TaskError } from './task';

// Plain data: errors/presenter.ts words and redacts what leaves the node.
/** A submission is paid for, a status check or download is free. */
export type Phase = 'submit' | 'status';
/** notSent: the request provably created nothing, so even a paid submission may be sent again. */
export type RetryAdvice = { transient: boolean; notSent: boolean; rateLimited: boolean; retryAfterMs?: number };

export interface FailureDetails {
	taskId?: string;
	status?: number;
	apiMessage?: string;
	networkCode?: string;
	url?: string;
	location?: string;
	problem?: string;
	sent?: boolean;
	taskError?: TaskError;
	retry?: Partial<RetryAdvice>;
}

export class ViduFailure extends Error {
	readonly retry: RetryAdvice;

	constructor(
		readonly kind: 'http' | 'redirect' | 'network' | 'blocked' | 'malformed' | 'refused' | 'cancelled' | 'unsafeVideoUrl' | 'download',
		readonly phase: Phase,
		readonly details: FailureDetails = {},
	) {
		super(`${kind} failure while ${phase === 'submit' ? 'submitting' : 'checking'}${details.status ? ` (HTTP ${details.status})` : ''}`);
		this.name = 'ViduFailure';
		this.retry = { transient: false, notSent: false, rateLimited: false, ...details.retry };
	}
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
export const networkFailure = (phase: Phase, url: string, networkCode: string | undefined, taskId?: string): ViduFailure =>
	new ViduFailure('network', phase, { taskId, url, networkCode, retry: { transient: true, notSent: NOT_SENT.has(networkCode ?? '') } });
export const httpFailure = (phase: Phase, status: number, body: unknown, retryAfterMs?: number, taskId?: string): ViduFailure => {
	const limited = status === 429;
	const retry = { transient: limited || status >= 500, notSent: limited, rateLimited: limited, retryAfterMs };
	return new ViduFailure('http', phase, { taskId, status, apiMessage: apiMessageOf(body), retry });
};
export const malformedFailure = (phase: Phase, problem: string, body: unknown, taskId?: string): ViduFailure =>
	new ViduFailure('malformed', phase, { taskId, problem, apiMessage: apiMessageOf(body) });

/** A create answer without a task that says it failed (docs/api-contract.md#task-answers); undefined when it does not. */
export function refusalOf(body: unknown): ViduFailure | undefined {
	if (!isObject(body)) return undefined;
	const given = taskErrorOf(body);
	// Code 0 is "no error" in the model's table.
	const taskError = given && (given.message || String(given.code ?? '0').trim() !== '0') ? given : null;
	if (!taskError && stateOf(stateWordOf(body) ?? '') !== 'failed') return undefined;
	return new ViduFailure('refused', 'submit', { taskError: taskError ?? { message: apiMessageOf(body) ?? '' } });
}

/** The API's own words, clipped, from any body shape in docs/api-contract.md#http-errors. */
export function apiMessageOf(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() === '' ? undefined : clip(body.trim());
	if (!isObject(body)) return undefined;
	const topError = typeof body.error === 'string' && body.error.trim() !== '' ? body.error : undefined;
	const nested = [body.error, body.status].map((inner) => (isObject(inner) ? (inner.error_message ?? inner.message) : undefined));
	const text = [topError, ...nested, body.message ?? body.error_message ?? body.msg].find((t) => typeof t === 'string' && t !== '');
	return typeof text === 'string' ? clip(text) : undefined;
}
