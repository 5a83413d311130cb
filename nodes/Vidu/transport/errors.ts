import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { describeModelErrorCode } from '../errors/modelErrorCodes';
import { clip, type Task } from '../model/task';

/** What the caller was doing: the advice differs for a paid submission and a free status check. */
export type Phase = 'submit' | 'status';

const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

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

const STATUS_ADVICE: Record<number, { what: string; todo: string }> = {
	401: {
		what: 'The Vidu API rejected the API key (HTTP 401)',
		todo: 'Check the API Key in the Vidu credential: copy it again from the API key page of your account.',
	},
	403: {
		what: 'The Vidu API refused the request: insufficient balance or permission (HTTP 403)',
		todo: 'Top up the account balance or check that this API key may use the model.',
	},
	404: {
		what: 'The Vidu API answered "not found" (HTTP 404)',
		todo: 'Check the Base URL in the Vidu credential (default https://cloud.vtrix.ai) and, for Get Task, the task ID.',
	},
	429: {
		what: 'The Vidu API is rate limiting requests (HTTP 429)',
		todo: 'Wait a little and run again, or process fewer items at a time.',
	},
};

function adviceFor(statusCode: number): { what: string; todo: string } {
	if (STATUS_ADVICE[statusCode]) return STATUS_ADVICE[statusCode];
	if (statusCode >= 500) {
		return {
			what: `The Vidu API had an internal problem (HTTP ${statusCode})`,
			todo: 'The provider is having trouble. Try again later.',
		};
	}
	return {
		what: `The Vidu API refused the request (HTTP ${statusCode})`,
		todo: 'Check the node parameters against the limits shown in their descriptions.',
	};
}

export interface ErrorContext {
	node: INode;
	itemIndex: number;
	phase: Phase;
	taskId?: string;
	redact: (text: string) => string;
}

const withTask = (text: string, taskId?: string) => (taskId ? `${text} [task ${taskId}]` : text);

const stillRunning = (ctx: ErrorContext) =>
	ctx.phase === 'status' && ctx.taskId ? ` The task itself may still finish: fetch it later with Get Task and task ID ${ctx.taskId}.` : '';

/** Continue On Fail items and callers read the task id from here, so a paid task is never lost. */
function tagged<T extends NodeApiError | NodeOperationError>(error: T, taskId: string | undefined): T {
	if (taskId) error.context.taskId = taskId;
	return error;
}

/**
 * Whether trying again could help, for the retry policy: `transient` faults may clear up;
 * `notSent` ones never reached the API, so even a paid submission may be sent again.
 */
export interface RetryHints {
	transient: boolean;
	notSent: boolean;
	/** HTTP 429: the API refused for now; nothing was created. */
	rateLimited?: boolean;
	retryAfterMs?: number;
}

function hinted(error: NodeApiError, hints: RetryHints): NodeApiError {
	error.context.retry = { ...hints };
	return error;
}

export function retryHintsOf(error: unknown): RetryHints {
	const hints = (error as { context?: { retry?: RetryHints } })?.context?.retry;
	return hints ?? { transient: false, notSent: false };
}

/** A submission that may have reached the server is paid for; say so instead of inviting a blind re-run. */
const MAYBE_CREATED = ' The task may have been created and charged: check your task list on the provider dashboard before running again.';

export function httpStatusError(ctx: ErrorContext, statusCode: number, body: unknown, retryAfterMs?: number): NodeApiError {
	const advice = adviceFor(statusCode);
	const apiMessage = apiMessageOf(body);
	const maybeCreated = ctx.phase === 'submit' && statusCode >= 500 ? MAYBE_CREATED : '';
	const description = [apiMessage ? `API message: ${apiMessage}.` : '', advice.todo + maybeCreated + stillRunning(ctx)]
		.filter(Boolean)
		.join(' ');
	const error = new NodeApiError(ctx.node, { httpCode: String(statusCode), message: ctx.redact(apiMessage ?? '') } as JsonObject, {
		message: withTask(advice.what + (maybeCreated ? ' while submitting: the task may have been created' : ''), ctx.taskId),
		description: ctx.redact(description),
		httpCode: String(statusCode),
		itemIndex: ctx.itemIndex,
	});
	// A 429 is an explicit refusal: nothing was created, so even a submission may be repeated.
	return hinted(tagged(error, ctx.taskId), {
		transient: statusCode === 429 || statusCode >= 500,
		notSent: statusCode === 429,
		rateLimited: statusCode === 429,
		retryAfterMs,
	});
}

/**
 * The API answered with a redirect. Never followed: the key (and, for a submission, the paid request
 * with the image) would go to wherever it points. Nothing was created by this answer.
 */
export function redirectError(ctx: ErrorContext, statusCode: number, location: string): NodeApiError {
	const target = location ? ` to ${clip(location, 200)}` : '';
	const error = new NodeApiError(ctx.node, { message: `HTTP ${statusCode}` } as JsonObject, {
		message: withTask(`The Vidu API answered with a redirect (HTTP ${statusCode}), which the node does not follow`, ctx.taskId),
		description: ctx.redact(
			`Redirects are not followed, so the API key and the image never go to another address. The answer pointed${target || ' elsewhere'}. If the API has moved, set the Base URL in the Vidu credential to its new address.${stillRunning(ctx)}`,
		),
		httpCode: String(statusCode),
		itemIndex: ctx.itemIndex,
	});
	return tagged(error, ctx.taskId);
}

// Plain words, because n8n replaces any message containing a raw code such as ECONNREFUSED
// with its own generic text, which would drop the URL and the task id.
const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	ETIMEDOUT: 'the request timed out',
	ECONNABORTED: 'the request timed out',
	ECONNRESET: 'the connection was closed unexpectedly',
	ERR_CANCELED: 'the request was cancelled',
	EHOSTUNREACH: 'the host is unreachable',
};

// Failures where the request provably never left n8n: nothing can have been created.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function networkError(ctx: ErrorContext, url: string, code: string | undefined): NodeApiError {
	const notSent = code !== undefined && NOT_SENT.has(code);
	const maybeCreated = ctx.phase === 'submit' && !notSent;
	const words = (code && NETWORK_WORDS[code]) ?? 'the request failed';
	const message = maybeCreated
		? `The submission to the Vidu API at ${url} failed (${words}): the task may have been created`
		: `Could not reach the Vidu API at ${url}: ${words}`;
	const error = new NodeApiError(ctx.node, { message: words } as JsonObject, {
		message: withTask(message, ctx.taskId),
		description: ctx.redact(
			`Check the Base URL in the Vidu credential and the network between n8n and the API${code ? ` (error ${code})` : ''}.${maybeCreated ? MAYBE_CREATED : ''}${stillRunning(ctx)}`,
		),
		itemIndex: ctx.itemIndex,
	});
	return hinted(tagged(error, ctx.taskId), { transient: true, notSent });
}

export function malformedResponseError(ctx: ErrorContext, problem: string, body: unknown): NodeApiError {
	const apiMessage = apiMessageOf(body);
	const error = new NodeApiError(ctx.node, { message: problem } as JsonObject, {
		message: withTask(`The Vidu API gave an unusable answer: ${problem}`, ctx.taskId),
		description: ctx.redact(
			(apiMessage ? `API message: ${apiMessage}. ` : '') +
				(ctx.phase === 'submit'
					? 'No task id came back, so the node cannot follow this submission.' + MAYBE_CREATED
					: 'Try Get Task with this task ID later.'),
		),
		itemIndex: ctx.itemIndex,
	});
	return tagged(error, ctx.taskId);
}

export function taskFailedError(ctx: ErrorContext, task: Task): NodeApiError {
	const code = task.error?.code;
	const known = describeModelErrorCode(code);
	const meaning = known?.meaning ?? (task.error?.message || 'no reason given');
	const codeText = code !== undefined ? ` (code ${code})` : '';
	const detail = task.error?.message && task.error.message !== meaning ? `API message: ${task.error.message}. ` : '';
	// The model's error code is not an HTTP status: kept under a name n8n does not read as one.
	const error = new NodeApiError(ctx.node, { message: meaning, modelErrorCode: code === undefined ? null : String(code) } as JsonObject, {
		message: ctx.redact(`Vidu task ${task.id} failed: ${meaning}${codeText}`),
		description: ctx.redact(detail + (known?.hint ?? 'Check the input and try again.')),
		itemIndex: ctx.itemIndex,
	});
	return tagged(error, task.id);
}

export function downloadError(ctx: ErrorContext, statusCode: number): NodeApiError {
	const error = new NodeApiError(ctx.node, { message: `HTTP ${statusCode}` } as JsonObject, {
		message: withTask(`Could not download the generated video (HTTP ${statusCode})`, ctx.taskId),
		description:
			'Result URLs expire (the provider keeps them about 24 hours). Run Get Task with this task ID for a fresh URL, or turn off Download Video to get only the URL.',
		httpCode: String(statusCode),
		itemIndex: ctx.itemIndex,
	});
	return tagged(error, ctx.taskId);
}

export function videoUrlError(ctx: ErrorContext, url: string, why: string): NodeApiError {
	const error = new NodeApiError(ctx.node, { message: why } as JsonObject, {
		message: withTask(`The video URL the API returned was not downloaded: ${why}`, ctx.taskId),
		description: ctx.redact(
			`URL: ${clip(url, 120)}. Only http(s) links to the provider's storage are fetched. Turn off Download Video to get the URL only, or fetch the task again later with Get Task.`,
		),
		itemIndex: ctx.itemIndex,
	});
	return tagged(error, ctx.taskId);
}

export interface StoppedTask {
	id: string;
	apiStatus: string;
	progress: number | null;
}

/**
 * The node stopped waiting (maximum wait reached, or the execution was cancelled). The task keeps
 * running and is paid for, so the error says how to fetch it instead of inviting a re-run.
 */
export function waitStoppedError(
	ctx: ErrorContext,
	reason: 'timeout' | 'cancelled',
	task: StoppedTask,
	maxWaitMinutes?: number,
	lastFault?: unknown,
): NodeOperationError {
	const fault = lastFault instanceof Error ? ` The last status checks failed: ${lastFault.message}.` : '';
	const progress = task.progress === null ? '' : `, ${Math.round(task.progress * 100)}% done`;
	const last = `(last status: ${task.apiStatus}${progress})`;
	const message =
		reason === 'timeout'
			? `Vidu task ${task.id} did not finish within ${maxWaitMinutes} minutes ${last}`
			: `Stopped waiting for Vidu task ${task.id}: the execution was cancelled ${last}`;
	const error = new NodeOperationError(ctx.node, message, {
		description: ctx.redact(
			`The task keeps running at the provider and is paid for: do not submit it again. Fetch its result later with the Get Task operation and task ID ${task.id}${reason === 'timeout' ? ', or raise Max Wait (Minutes) in Wait Options' : ''}.${fault}`,
		),
		itemIndex: ctx.itemIndex,
	});
	return tagged(error, task.id);
}

/** Cancelled while a request was in flight: for a submission, the task may exist already. */
export function cancelledDuringRequestError(ctx: ErrorContext): NodeOperationError {
	if (ctx.phase === 'status' && ctx.taskId) {
		return waitStoppedError(ctx, 'cancelled', { id: ctx.taskId, apiStatus: 'unknown', progress: null });
	}
	return new NodeOperationError(ctx.node, 'The execution was cancelled while the task was being submitted', {
		description: MAYBE_CREATED.trim(),
		itemIndex: ctx.itemIndex,
	});
}

/** Cancelled before a request was sent (while waiting to retry it). */
export function cancelledBeforeSendingError(ctx: ErrorContext): NodeOperationError {
	if (ctx.phase === 'status' && ctx.taskId) {
		return waitStoppedError(ctx, 'cancelled', { id: ctx.taskId, apiStatus: 'unknown', progress: null });
	}
	return new NodeOperationError(ctx.node, "Not submitted: the execution was cancelled before this item's task was sent", {
		description: 'Nothing was paid for this item. Run it again.',
		itemIndex: ctx.itemIndex,
	});
}
