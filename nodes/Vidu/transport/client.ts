import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse, INode } from 'n8n-workflow';

import { systemClock } from '../waiting/clock';
import { redactorFor } from '../errors/redact';
import { parseRetryAfter, withRetries } from '../waiting/retry';
import { clip, parseTask, type Task } from '../model/task';
import {
	cancelledBeforeSendingError,
	cancelledDuringRequestError,
	downloadError,
	type ErrorContext,
	httpStatusError,
	malformedResponseError,
	networkError,
	type Phase,
	redirectError,
	retryHintsOf,
	videoUrlError,
} from './errors';

export const CREDENTIAL_TYPE = 'viduApi';
const CREATE_PATH = '/model/v1/generation';
export const TASK_PATH = '/model/v1/generation/task/';
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** A refused submission (429, connection refused) is tried this many times in all. */
const SUBMIT_ATTEMPTS = 3;
/** A single status query (Get Task) has no wait budget of its own: a few tries. */
const STATUS_ATTEMPTS = 4;
/** Without a Max Wait to respect, retries (and the Retry-After they honour) stop after this long. */
const DEFAULT_RETRY_BUDGET_MS = 2 * 60_000;

interface ViduCredential extends IDataObject {
	apiKey: string;
	baseUrl?: string;
}

export interface CallSettings {
	itemIndex: number;
	timeoutMs?: number;
	/** For status queries: how many calls in all when transient faults occur (default 4). */
	attempts?: number;
	/** Clock time after which no retry starts, whatever Retry-After asks (the user's Max Wait). */
	deadline?: number;
	/** For submissions: retry a refusal (429) here (default), or report it at once to a caller that queues it. */
	retryRefused?: boolean;
}

/** Everything that talks to the Vidu API. Built once per execution; the only place HTTP happens. */
export interface ViduClient {
	/** Sends the create request. Retried only when it provably created nothing (429, refused connection). */
	submit(body: Buffer, call: CallSettings): Promise<Task>;
	/** Asks for a task's state; a GET, so network faults, 5xx and 429 are retried with backoff (see `attempts`). */
	getTask(taskId: string, call: CallSettings): Promise<Task>;
	download(url: string, call: CallSettings, taskId: string): Promise<IBinaryData>;
	/** Removes the API key from any text that could reach the user. */
	redact(text: string): string;
}

const errorCodeOf = (error: unknown): string | undefined => {
	for (const candidate of [error, (error as { cause?: unknown })?.cause]) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
	}
	return undefined;
};

function parseJsonBody(body: Buffer): unknown {
	if (body.length === 0) return undefined;
	try {
		return JSON.parse(body.toString('utf8'));
	} catch {
		return undefined;
	}
}

/** No answer of the task API is anywhere near this; a bigger one is cut off, not kept. */
const MAX_ANSWER_BYTES = 1_000_000;

type Body = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };

const destroyBody = (body: unknown) => (body as Body | undefined)?.destroy?.();

/** Settles with `work`, or rejects when the deadline passes first; a late result is handed to `late`. */
async function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal, late: (value: T) => void): Promise<T> {
	let onAbort = () => undefined as void;
	let lost = false;
	const expired = new Promise<never>((_, reject) => {
		onAbort = () => {
			lost = true;
			reject(new Error('deadline'));
		};
		if (deadline.aborted) onAbort();
		deadline.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([work, expired]);
	} finally {
		deadline.removeEventListener('abort', onAbort);
		if (lost) work.then(late, () => undefined);
	}
}

/** Reads a streamed answer up to `maxBytes` (the rest is dropped), stopping at the deadline. */
async function readCapped(body: unknown, maxBytes: number, deadline: AbortSignal): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body.subarray(0, maxBytes);
	if (typeof body === 'string') return Buffer.from(body).subarray(0, maxBytes);
	const stream = body as Body;
	const stop = () => stream.destroy?.(new Error('deadline'));
	if (deadline.aborted) stop();
	deadline.addEventListener('abort', stop, { once: true });
	const parts: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			parts.push(Buffer.from(chunk));
			length += chunk.length;
			if (length >= maxBytes) break;
		}
	} finally {
		deadline.removeEventListener('abort', stop);
		stream.destroy?.();
	}
	return Buffer.concat(parts).subarray(0, maxBytes);
}

/**
 * Why a result URL is not fetched, if it is not: only http(s), and never the link-local range where
 * cloud metadata services answer (a video URL comes from the far side and is not trusted).
 */
export function unsafeVideoUrl(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'it is not a valid URL';
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `it is a ${parsed.protocol} URL, not http(s)`;
	const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (/^169\.254\./.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return 'it points at a link-local address';
	return undefined;
}

const safeFileName = (taskId: string) => `${taskId.replace(/[^\w.-]+/g, '_')}.mp4`;

/** What the client needs from n8n: an execute() context, or a webhook() one when a callback resumes the run. */
export interface ApiContext {
	getNode(): INode;
	getCredentials(type: string): Promise<IDataObject>;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication' | 'httpRequest' | 'prepareBinaryData'>;
	getExecutionCancelSignal?(): AbortSignal | undefined;
}

export interface ClientOptions {
	/** Told of every task the API accepted, the moment it exists: from then on it is paid for. */
	onSubmitted?: (itemIndex: number, taskId: string) => void;
}

export async function createClient(ctx: ApiContext, options: ClientOptions = {}): Promise<ViduClient> {
	const clock = systemClock;
	const credential = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ViduCredential;
	const baseUrl = (credential.baseUrl || 'https://cloud.vtrix.ai').trim().replace(/\/+$/, '');
	const redact = redactorFor(String(credential.apiKey ?? ''));
	const node = ctx.getNode();
	const signal = ctx.getExecutionCancelSignal?.();

	const context = (call: CallSettings, phase: Phase, taskId?: string): ErrorContext => ({
		node,
		itemIndex: call.itemIndex,
		phase,
		taskId,
		redact,
	});

	/** A request that got no HTTP answer: cancelled by the user, or a network fault. */
	const unanswered = (errorContext: ErrorContext, url: string, error: unknown) =>
		signal?.aborted ? cancelledDuringRequestError(errorContext) : networkError(errorContext, url, errorCodeOf(error));

	async function request(
		method: IHttpRequestMethods,
		path: string,
		errorContext: ErrorContext,
		call: CallSettings,
		body?: Buffer,
	): Promise<unknown> {
		const url = baseUrl + path;
		// Cancelled while waiting to retry: this request never leaves, so nothing can have been created.
		if (signal?.aborted) throw cancelledBeforeSendingError(errorContext);
		const timeoutMs = call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		// One deadline for the whole exchange: the socket timeout alone lets a server that sends a
		// byte now and then hold the node forever.
		const deadline = AbortSignal.timeout(timeoutMs);
		let response: IN8nHttpFullResponse;
		let answer: Buffer;
		try {
			// n8n's helper reads the credential through its `this`: the node context, execute() or webhook() alike.
			const sent = ctx.helpers.httpRequestWithAuthentication.call(ctx as IExecuteFunctions, CREDENTIAL_TYPE, {
				method,
				url,
				// The body arrives serialised (the image is written into it in place): send it as is.
				headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
				...(body ? { body } : {}),
				encoding: 'stream',
				timeout: timeoutMs,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// Never follow: a redirect would carry the key (and a paid POST) to wherever it points.
				disableFollowRedirect: true,
			}) as Promise<IN8nHttpFullResponse>;
			response = await beforeDeadline(sent, deadline, (late) => destroyBody(late.body));
			answer = await readCapped(response.body, MAX_ANSWER_BYTES, deadline);
		} catch (error) {
			throw unanswered(errorContext, url, deadline.aborted && !signal?.aborted ? { code: 'ETIMEDOUT' } : error);
		}
		if (response.statusCode >= 300 && response.statusCode < 400) {
			throw redirectError(errorContext, response.statusCode, String(response.headers?.location ?? ''));
		}
		const parsed = parseJsonBody(answer);
		if (response.statusCode >= 400) {
			const retryAfter = parseRetryAfter(response.headers?.['retry-after'], clock.now());
			throw httpStatusError(errorContext, response.statusCode, parsed ?? answer.toString('utf8'), retryAfter);
		}
		if (parsed === undefined) {
			throw malformedResponseError(errorContext, `HTTP ${response.statusCode} with a body that is not JSON`, answer.toString('utf8'));
		}
		return parsed;
	}

	return {
		redact,
		async submit(body, call) {
			const errorContext = context(call, 'submit');
			const answer = await withRetries(
				async () => await request('POST', CREATE_PATH, errorContext, call, body),
				{
					advise: (error) => {
						const hints = retryHintsOf(error);
						const refusedHere = hints.rateLimited && call.retryRefused === false;
						return { retry: hints.notSent && !refusedHere, retryAfterMs: hints.retryAfterMs };
					},
					maxAttempts: SUBMIT_ATTEMPTS,
					deadline: call.deadline ?? clock.now() + DEFAULT_RETRY_BUDGET_MS,
					signal,
				},
				clock,
			);
			const task = parseTask(answer);
			if (!task) throw malformedResponseError(errorContext, 'the create response has no task id', answer);
			options.onSubmitted?.(call.itemIndex, task.id);
			return task;
		},
		async getTask(taskId, call) {
			const errorContext = context(call, 'status', taskId);
			const answer = await withRetries(
				async () => await request('GET', TASK_PATH + encodeURIComponent(taskId), errorContext, call),
				{
					advise: (error) => {
						const hints = retryHintsOf(error);
						return { retry: hints.transient, retryAfterMs: hints.retryAfterMs };
					},
					maxAttempts: call.attempts ?? STATUS_ATTEMPTS,
					deadline: call.deadline ?? clock.now() + DEFAULT_RETRY_BUDGET_MS,
					signal,
				},
				clock,
			);
			const task = parseTask(answer);
			if (!task) throw malformedResponseError(errorContext, 'the status response has no task id', answer);
			if (task.id !== taskId) {
				throw malformedResponseError(errorContext, `the status answer is about another task (${clip(task.id, 80)})`, answer);
			}
			return task;
		},
		async download(url, call, taskId) {
			const errorContext = context(call, 'status', taskId);
			const refused = unsafeVideoUrl(url);
			if (refused) throw videoUrlError(errorContext, url, refused);
			let response: IN8nHttpFullResponse;
			try {
				// Plain httpRequest on purpose: the Bearer token must never reach the video CDN.
				response = (await ctx.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
					abortSignal: signal,
				})) as IN8nHttpFullResponse;
			} catch (error) {
				throw unanswered(errorContext, url, error);
			}
			if (response.statusCode >= 400) {
				(response.body as { destroy?: () => void }).destroy?.();
				throw downloadError(errorContext, response.statusCode);
			}
			try {
				return await ctx.helpers.prepareBinaryData(response.body as Buffer, safeFileName(taskId), 'video/mp4');
			} catch (error) {
				throw unanswered(errorContext, url, error);
			}
		},
	};
}
