import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IN8nHttpFullResponse,
	INode,
} from 'n8n-workflow';

import { InputProblem } from '../errors/outcomes';
import { clip, parseTask, type Task } from './task';
import { CREDENTIAL_TYPE, readCredential } from './credential';
import { httpFailure, malformedFailure, networkFailure, type Phase, refusalOf, ViduFailure } from './failure';
import { downloadVideo } from './videoDownload';

const CREATE_PATH = '/model/v1/generation';
export const TASK_PATH = '/model/v1/generation/task/';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface CallSettings {
	/** The whole exchange, answer included (default 60 s). */
	timeoutMs?: number;
}

/** A serialised request body: one buffer, or a stream of `bytes` bytes in all. */
export interface RequestBody {
	bytes: number;
	open(): Promise<Buffer | NodeJS.ReadableStream>;
}

/**
 * Everything that talks to the Vidu API: one request per call, no retries (helpers/retry.ts decides
 * those), failures thrown as ViduFailure. Built once per execution; the only place HTTP happens.
 */
export interface ViduClient {
	/** Sends the create request; `open` gives the body anew for each attempt. */
	submit(body: RequestBody, call?: CallSettings): Promise<Task>;
	/** Asks for a task's state. */
	getTask(taskId: string, call?: CallSettings): Promise<Task>;
	/** Fetches the video into n8n's binary data, without the API key. */
	download(url: string, taskId: string, call?: CallSettings): Promise<IBinaryData>;
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const errorCodeOf = (error: unknown): string | undefined => {
	for (const candidate of [error, (error as { cause?: unknown })?.cause]) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
	}
	return undefined;
};

/**
 * What n8n 2.x's SSRF protection said, when it refused the address (its errors are named Ssrf…, and
 * n8n's request helpers wrap them); undefined for any other failure.
 */
function ssrfRefusal(error: unknown): string | undefined {
	for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
		const { name, message } = cause as { name?: unknown; message?: unknown };
		if (typeof name === 'string' && name.startsWith('Ssrf')) return clip(String(message ?? ''), 200);
	}
	return undefined;
}

/**
 * An integer task id of 16 digits or more, which JSON.parse would round past 2^53: the API's own
 * digits are kept by reading it as text.
 */
const LONG_INTEGER_ID = /("(?:id|task_id)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g;

/** An answer's JSON, or undefined when it is empty or not JSON. */
export function parseJsonBody(body: Buffer): unknown {
	if (body.length === 0) return undefined;
	try {
		// Some servers start UTF-8 JSON with a byte order mark, which JSON.parse refuses.
		return JSON.parse(
			body
				.toString('utf8')
				.replace(/^\uFEFF/, '')
				.replace(LONG_INTEGER_ID, '$1"$2"'),
		);
	} catch {
		return undefined;
	}
}

/**
 * The task id of a create answer cut at its cap: the first `id` or `task_id` in the text. The create
 * answer may echo the request (its images, its payload); the request itself has no such key.
 */
export function taskIdInText(text: string): string | undefined {
	const found = /"(?:id|task_id)"\s*:\s*(?:"([^"\\]{1,1000})"|(\d{1,40})\b)/.exec(text);
	return found ? (found[1] ?? found[2]) : undefined;
}

/**
 * No status answer is anywhere near this; a bigger one is cut off, not kept. A create answer may echo
 * the request (up to 20 MB of image), so it may be as large as twice its request more.
 */
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

/** Half of a UTF-16 pair on its own: no URL can carry it (encodeURIComponent throws). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const safeFileName = (taskId: string) => `${taskId.replace(/[^\w.-]+/g, '_')}.mp4`;

/** What the client needs from n8n: an execute() context, or a webhook() one when a callback resumes the run. */
export interface ApiContext {
	getNode(): INode;
	getCredentials(type: string): Promise<IDataObject>;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication' | 'httpRequest' | 'prepareBinaryData'>;
	getExecutionCancelSignal?(): AbortSignal | undefined;
}

/**
 * How long a create request may still answer after the user pressed Stop. Its task may already
 * exist and be charged; the answer is the only place its id comes from (docs/api-contract.md#stop).
 */
export const SUBMIT_ANSWER_GRACE_MS = 5_000;

/** Aborts `grace` ms after `cancel` does; `release` drops the listener once the request is over. */
function graceAfter(cancel: AbortSignal | undefined, grace: number): { signal?: AbortSignal; release: () => void } {
	if (!cancel) return { release: () => undefined };
	const controller = new AbortController();
	const start = () => AbortSignal.timeout(grace).addEventListener('abort', () => controller.abort(), { once: true });
	if (cancel.aborted) start();
	else cancel.addEventListener('abort', start, { once: true });
	return { signal: controller.signal, release: () => cancel.removeEventListener('abort', start) };
}

/**
 * The context as httpRequestWithAuthentication sees it for a create request: everything it reads
 * except the execution's cancel signal, which it would otherwise attach to the request (n8n-core
 * 1.x and 2.x alike) and so cut off the answer that carries a paid task's id.
 */
const withoutCancelSignal = (ctx: ApiContext) => ({
	getNode: () => ctx.getNode(),
	getCredentials: async (type: string) => await ctx.getCredentials(type),
	helpers: ctx.helpers,
	logger: (ctx as Partial<IExecuteFunctions>).logger,
});

export async function createClient(ctx: ApiContext): Promise<ViduClient> {
	const decrypted = await ctx.getCredentials(CREDENTIAL_TYPE);
	const credential = readCredential(decrypted);
	if (credential.problem !== undefined) throw new InputProblem(`${credential.problem} (Vidu credential)`, credential.advice);
	const { baseUrl } = credential.values;
	// Handed to n8n's helper, which otherwise reads the credential from its database and decrypts it
	// again for every request: a few milliseconds each, most of what 200 submissions cost. The helper
	// still applies it (the credential's authenticate block) itself.
	const saved = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialOptions = {
		credentialsDecrypted: {
			id: saved?.id ?? '',
			name: saved?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: decrypted as ICredentialDataDecryptedObject,
		},
	};
	const signal = ctx.getExecutionCancelSignal?.();

	/** A request that got no HTTP answer: cancelled by the user, refused by n8n itself, or a network fault. */
	const unanswered = (phase: Phase, url: string, error: unknown, taskId?: string) => {
		if (signal?.aborted) return new ViduFailure('cancelled', phase, { taskId, sent: true });
		const refusal = ssrfRefusal(error);
		if (refusal !== undefined) return new ViduFailure('blocked', phase, { taskId, url, problem: refusal, sent: false });
		return networkFailure(phase, url, errorCodeOf(error), taskId);
	};

	async function request(
		method: IHttpRequestMethods,
		path: string,
		phase: Phase,
		call: CallSettings,
		taskId?: string,
		body?: RequestBody,
	): Promise<unknown> {
		const url = baseUrl + path;
		// Cancelled while waiting to retry: this request never leaves, so nothing can have been created.
		if (signal?.aborted) throw new ViduFailure('cancelled', phase, { taskId, sent: false });
		// A create answer that comes just after Request Timeout still carries a paid id: it gets the grace a Stop gets.
		const timeoutMs = (call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + (phase === 'submit' ? SUBMIT_ANSWER_GRACE_MS : 0);
		// One deadline for the whole exchange: the socket timeout alone lets a server that sends a
		// byte now and then hold the node forever.
		const deadline = AbortSignal.timeout(timeoutMs);
		// Other requests stop with the execution (n8n aborts them); a create request gets a grace.
		const grace = phase === 'submit' ? graceAfter(signal, SUBMIT_ANSWER_GRACE_MS) : undefined;
		const cutoff = grace?.signal ? AbortSignal.any([deadline, grace.signal]) : deadline;
		let response: IN8nHttpFullResponse;
		let answer: Buffer;
		const maxBytes = MAX_ANSWER_BYTES + 2 * (body?.bytes ?? 0);
		const data = await body?.open();
		try {
			// n8n's helper reads the credential through its `this`: the node context, execute() or webhook() alike.
			const self = grace ? withoutCancelSignal(ctx) : ctx;
			const sent = ctx.helpers.httpRequestWithAuthentication.call(
				self as IExecuteFunctions,
				CREDENTIAL_TYPE,
				{
					method,
					url,
					// The body arrives serialised, the image streamed into it as it is read: sent as is.
					headers: {
						accept: 'application/json',
						...(body ? { 'content-type': 'application/json', 'content-length': String(body.bytes) } : {}),
					},
					// n8n hands a stream to its HTTP client as it is, though its type lists only buffers.
					...(data ? { body: data as Buffer } : {}),
					encoding: 'stream',
					timeout: timeoutMs,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					// Never follow: a redirect would carry the key (and a paid POST) to wherever it points.
					disableFollowRedirect: true,
					...(grace ? { abortSignal: cutoff } : {}),
				},
				credentialOptions,
			) as Promise<IN8nHttpFullResponse>;
			response = await beforeDeadline(sent, cutoff, (late) => destroyBody(late.body));
			answer = await readCapped(response.body, maxBytes, cutoff);
		} catch (error) {
			throw unanswered(phase, url, deadline.aborted && !signal?.aborted ? { code: 'ETIMEDOUT' } : error, taskId);
		} finally {
			grace?.release();
			// An exchange cut short leaves the image's file open otherwise.
			(data as { destroy?: () => void } | undefined)?.destroy?.();
		}
		if (response.statusCode >= 300 && response.statusCode < 400) {
			// Nothing was created by this answer.
			throw new ViduFailure('redirect', phase, { taskId, status: response.statusCode, location: String(response.headers?.location ?? '') });
		}
		const parsed = parseJsonBody(answer);
		if (response.statusCode >= 400) {
			const retryAfter = parseRetryAfter(response.headers?.['retry-after'], Date.now());
			throw httpFailure(phase, response.statusCode, parsed ?? answer.toString('utf8'), retryAfter, taskId);
		}
		if (parsed === undefined) {
			// Cut at the cap, a create answer still names the paid task: asked about as any other.
			const id = phase === 'submit' && answer.length >= maxBytes ? taskIdInText(answer.toString('utf8')) : undefined;
			if (id !== undefined) return { id };
			throw malformedFailure(phase, `HTTP ${response.statusCode} with a body that is not JSON`, answer.toString('utf8'), taskId);
		}
		return parsed;
	}

	return {
		async submit(body, call = {}) {
			const answer = await request('POST', CREATE_PATH, 'submit', call, undefined, body);
			const task = parseTask(answer);
			if (!task) throw refusalOf(answer) ?? malformedFailure('submit', 'the create response has no task id', answer);
			return task;
		},
		async getTask(taskId, call = {}) {
			if (LONE_SURROGATE.test(taskId))
				throw malformedFailure('status', 'the task id is not valid text, so no URL can name it', undefined, taskId);
			const answer = await request('GET', TASK_PATH + encodeURIComponent(taskId), 'status', call, taskId);
			const task = parseTask(answer, taskId);
			if (!task) throw malformedFailure('status', 'the status response has no task id', answer, taskId);
			if (task.id !== taskId) {
				throw malformedFailure('status', `the status answer is about another task (${clip(task.id, 80)})`, answer, taskId);
			}
			return task;
		},
		async download(url, taskId, call = {}) {
			return await downloadVideo({
				url,
				taskId,
				fileName: safeFileName(taskId),
				timeoutMs: call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
				cancel: signal,
				// Plain httpRequest on purpose: the Bearer token must never reach the video host.
				httpRequest: async (options) => await ctx.helpers.httpRequest(options),
				store: async (body, fileName, mimeType) => await ctx.helpers.prepareBinaryData(body as Buffer, fileName, mimeType),
				unanswered: (at, error) => unanswered('status', at, error, taskId),
			});
		},
	};
}
