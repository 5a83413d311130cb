import { clip, isObject, stateOf, stateWordOf, taskErrorOf, type TaskError } from './task';

/**
 * What went wrong with one request, as plain data: no n8n error, no item, no wording for the user
 * (errors/presenter.ts writes that), no redaction (the presenter redacts what leaves the node).
 */
export type FailureKind =
	/** The API answered with an HTTP error status. */
	| 'http'
	/** The API answered with a redirect, which is never followed. */
	| 'redirect'
	/** No HTTP answer: refused, unreachable, timed out, reset. */
	| 'network'
	/** n8n's own SSRF protection refused the address: nothing left n8n, and asking again changes nothing. */
	| 'blocked'
	/** An answer the node cannot use (not JSON, no task id, another task). */
	| 'malformed'
	/** A create answer with no task that says the submission failed: nothing to follow. */
	| 'refused'
	/** The execution was cancelled before the request was sent (`sent` false) or while it was in flight. */
	| 'cancelled'
	/** A video URL the node refuses to fetch. */
	| 'unsafeVideoUrl'
	/** The video host answered with an HTTP error status. */
	| 'download';

/** What the caller was doing: a submission is paid for, a status check or download is free. */
export type Phase = 'submit' | 'status';

/** What the failure says about trying the same request again. */
export interface RetryAdvice {
	/** The fault may clear up (network, 5xx, 429). */
	transient: boolean;
	/** The request provably created nothing, so even a paid submission may be sent again. */
	notSent: boolean;
	/** HTTP 429: the API refused for now. */
	rateLimited: boolean;
	/** From the Retry-After header. */
	retryAfterMs?: number;
}

export interface FailureDetails {
	/** The task the request was about (status checks, downloads). */
	taskId?: string;
	status?: number;
	/** The API's own words, clipped. */
	apiMessage?: string;
	/** A Node.js error code such as ECONNREFUSED. */
	networkCode?: string;
	url?: string;
	/** Where a redirect pointed. */
	location?: string;
	/** For malformed answers and refused URLs: what is wrong, in a few words. */
	problem?: string;
	/** For cancellations: whether the request had left. */
	sent?: boolean;
	/** For refusals: the API's error, as a task's error reads. */
	taskError?: TaskError;
	retry?: Partial<RetryAdvice>;
}

export class ViduFailure extends Error {
	readonly retry: RetryAdvice;

	constructor(
		readonly kind: FailureKind,
		readonly phase: Phase,
		readonly details: FailureDetails = {},
	) {
		super(`${kind} failure while ${phase === 'submit' ? 'submitting' : 'checking'}${details.status ? ` (HTTP ${details.status})` : ''}`);
		this.name = 'ViduFailure';
		this.retry = { transient: false, notSent: false, rateLimited: false, ...details.retry };
	}

	get taskId(): string | undefined {
		return this.details.taskId;
	}
}

// Failures where the request provably never left n8n: nothing can have been created.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export const networkFailure = (phase: Phase, url: string, networkCode: string | undefined, taskId?: string): ViduFailure =>
	new ViduFailure('network', phase, {
		taskId,
		url,
		networkCode,
		retry: { transient: true, notSent: networkCode !== undefined && NOT_SENT.has(networkCode) },
	});

export const httpFailure = (phase: Phase, status: number, body: unknown, retryAfterMs?: number, taskId?: string): ViduFailure =>
	new ViduFailure('http', phase, {
		taskId,
		status,
		apiMessage: apiMessageOf(body),
		// A 429 is an explicit refusal: nothing was created, so even a submission may be repeated.
		retry: { transient: status === 429 || status >= 500, notSent: status === 429, rateLimited: status === 429, retryAfterMs },
	});

export const malformedFailure = (phase: Phase, problem: string, body: unknown, taskId?: string): ViduFailure =>
	new ViduFailure('malformed', phase, { taskId, problem, apiMessage: apiMessageOf(body) });

/**
 * A create answer without a task that says it failed (a failed state, or an `error`) is a refused
 * submission, said with the API's error (docs/api-contract.md#task-answers). Anything else without a task is
 * malformed: whether a task was created cannot be told.
 */
export function refusalOf(body: unknown): ViduFailure | undefined {
	if (!isObject(body)) return undefined;
	const said = stateWordOf(body);
	const given = taskErrorOf(body);
	// Code 0 is "no error" in the model's table.
	const taskError = given && (given.message || String(given.code ?? '0').trim() !== '0') ? given : null;
	if (!taskError && !(said && stateOf(said) === 'failed')) return undefined;
	return new ViduFailure('refused', 'submit', { taskError: taskError ?? { message: apiMessageOf(body) ?? '' } });
}

/** The API's own words from any of the body shapes in docs/api-contract.md#http-errors. */
export function apiMessageOf(body: unknown): string | undefined {
	const text = apiTextOf(body);
	return text === undefined ? undefined : clip(text);
}

function apiTextOf(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() === '' ? undefined : body.trim();
	if (!isObject(body)) return undefined;
	if (typeof body.error === 'string' && body.error.trim() !== '') return body.error;
	for (const nested of [body.error, body.status]) {
		const text = isObject(nested) ? (nested.error_message ?? nested.message) : undefined;
		if (typeof text === 'string' && text !== '') return text;
	}
	const text = body.message ?? body.error_message ?? body.msg;
	return typeof text === 'string' && text !== '' ? text : undefined;
}
