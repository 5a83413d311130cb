import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse, INode } from 'n8n-workflow';

import { type Clock, systemClock } from '../helpers/clock';
import { parseRetryAfter, withRetries } from '../helpers/retry';
import { parseTask, type Task } from '../helpers/task';
import {
	cancelledDuringRequestError,
	downloadError,
	type ErrorContext,
	httpStatusError,
	malformedResponseError,
	networkError,
	type Phase,
	retryHintsOf,
} from './errors';

export const CREDENTIAL_TYPE = 'viduApi';
const CREATE_PATH = '/model/v1/generation';
const TASK_PATH = '/model/v1/generation/task/';
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** A refused submission (429, connection refused) is tried this many times in all. */
const SUBMIT_ATTEMPTS = 3;
/** A single status query (Get Task) has no wait budget of its own: a few tries. */
const STATUS_ATTEMPTS = 4;

interface ViduCredential extends IDataObject {
	apiKey: string;
	baseUrl?: string;
}

export interface CallSettings {
	itemIndex: number;
	timeoutMs?: number;
	/** For status queries: how many calls in all when transient faults occur (default 4). */
	attempts?: number;
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

function parseJsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

const safeFileName = (taskId: string) => `${taskId.replace(/[^\w.-]+/g, '_')}.mp4`;

/** What the client needs from n8n: an execute() context, or a webhook() one when a callback resumes the run. */
export interface ApiContext {
	getNode(): INode;
	getCredentials(type: string): Promise<IDataObject>;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication' | 'httpRequest' | 'prepareBinaryData'>;
	getExecutionCancelSignal?(): AbortSignal | undefined;
}

export async function createClient(ctx: ApiContext, clock: Clock = systemClock): Promise<ViduClient> {
	const credential = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ViduCredential;
	const baseUrl = (credential.baseUrl || 'https://cloud.vtrix.ai').trim().replace(/\/+$/, '');
	const secret = String(credential.apiKey ?? '');
	const redact = (text: string) => (secret.length >= 4 ? text.split(secret).join('***') : text);
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
		let response: IN8nHttpFullResponse;
		try {
			// n8n's helper reads the credential through its `this`: the node context, execute() or webhook() alike.
			response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx as IExecuteFunctions, CREDENTIAL_TYPE, {
				method,
				url,
				// The body arrives serialised (the image is written into it in place): send it as is.
				...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
				json: true,
				timeout: call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			throw unanswered(errorContext, url, error);
		}
		const parsed = parseJsonBody(response.body);
		if (response.statusCode >= 400) {
			const retryAfter = parseRetryAfter(response.headers?.['retry-after'], clock.now());
			throw httpStatusError(errorContext, response.statusCode, parsed ?? response.body, retryAfter);
		}
		if (parsed === undefined) {
			throw malformedResponseError(errorContext, `HTTP ${response.statusCode} with a body that is not JSON`, response.body);
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
						return { retry: hints.notSent, retryAfterMs: hints.retryAfterMs };
					},
					maxAttempts: SUBMIT_ATTEMPTS,
					signal,
				},
				clock,
			);
			const task = parseTask(answer);
			if (!task) throw malformedResponseError(errorContext, 'the create response has no task id', answer);
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
					signal,
				},
				clock,
			);
			const task = parseTask(answer);
			if (!task) throw malformedResponseError(errorContext, 'the status response has no task id', answer);
			return task;
		},
		async download(url, call, taskId) {
			const errorContext = context(call, 'status', taskId);
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
			return await ctx.helpers.prepareBinaryData(response.body as Buffer, safeFileName(taskId), 'video/mp4');
		},
	};
}
