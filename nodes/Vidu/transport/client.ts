import type { IBinaryData, ICredentialDataDecryptedObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { InputProblem } from '../errors/outcomes';
import { clip, parseTask, type Task } from './task';
import { APIS, apiOf, readCredential } from './credential';
import type { TaskKind } from '../request/models';
import { httpFailure, malformedFailure, networkFailure, type Phase, refusalOf, ViduFailure } from './failure';
import { downloadVideo, RAW } from './videoDownload';

export const TASK_PATH = '/model/v1/generation/task/';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** A create answer may echo its request (up to 20 MB of image), so it may be twice the request larger. */
const MAX_ANSWER_BYTES = 1_000_000;
/** How long a create request may still answer after Stop: a paid task's id is only there (docs/api-contract.md#stop). */
export const SUBMIT_ANSWER_GRACE_MS = 5_000;
/** `afterStop`: sent although the execution was stopped (the cancel that Stop asks for). */
export type CallSettings = { timeoutMs?: number; afterStop?: boolean };
export type RequestBody = { bytes: number; kind?: TaskKind; open(): Promise<Buffer | NodeJS.ReadableStream> };
/** One request per call, no retries (helpers/retry.ts decides those), failures thrown as ViduFailure. */
export interface ViduClient {
	/** The API's address, from the credential: task ids are unique per API. */
	baseUrl: string;
	submit(body: RequestBody, call?: CallSettings): Promise<Task>;
	getTask(taskId: string, call?: CallSettings): Promise<Task>;
	download(url: string, taskId: string, call?: CallSettings): Promise<IBinaryData>;
	/** Vidu's own API only: cancel a task not yet started, and the account's credits and concurrency. */
	cancel(taskId: string, call?: CallSettings): Promise<void>;
	account(call?: CallSettings): Promise<unknown>;
}

export interface ApiContext extends Pick<IExecuteFunctions, 'getNode'> {
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequestWithAuthentication' | 'httpRequest' | 'prepareBinaryData'>;
	getExecutionCancelSignal?(): AbortSignal | undefined;
}

export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export function parseJsonBody(body: Buffer): unknown {
	try {
		// JSON.parse refuses a byte order mark, and would round ids of 16+ digits: those are read as text.
		const text = body.toString('utf8').replace(/^\uFEFF/, '');
		return JSON.parse(text.replace(/("(?:id|task_id)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
	} catch {
		return undefined;
	}
}

/** The task id of a create answer cut at its cap: the first `id` or `task_id` (the echoed request has none). */
export function taskIdInText(text: string): string | undefined {
	const found = /"(?:id|task_id)"\s*:\s*(?:"([^"\\]{1,1000})"|(\d{1,40})\b)/.exec(text);
	return found ? (found[1] ?? found[2]) : undefined;
}

type Body = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };
/** The answer and its body cut at `maxBytes`, or a rejection when the deadline passes first; an answer that comes later is closed. */
async function readCapped(sent: Promise<IN8nHttpFullResponse>, maxBytes: number, deadline: AbortSignal) {
	let stream: Body | undefined;
	let onAbort = () => undefined as void;
	const expired = new Promise<never>((_, reject) => {
		onAbort = () => {
			reject(new Error('deadline'));
			stream?.destroy?.(new Error('deadline'));
		};
		if (deadline.aborted) onAbort();
		deadline.addEventListener('abort', onAbort, { once: true });
	});
	try {
		const response = await Promise.race([sent, expired]);
		const { body } = response;
		// A body read whole (a buffer or text) is read like a stream of one chunk.
		stream = (Buffer.isBuffer(body) || typeof body === 'string' ? [body] : body) as Body;
		if (deadline.aborted) onAbort();
		const parts: Buffer[] = [];
		let length = 0;
		for await (const chunk of stream) {
			parts.push(Buffer.from(chunk));
			length += chunk.length;
			if (length >= maxBytes) break;
		}
		return { response, answer: Buffer.concat(parts).subarray(0, maxBytes) };
	} finally {
		deadline.removeEventListener('abort', onAbort);
		stream?.destroy?.();
		if (deadline.aborted) sent.then((late) => (late.body as Body | undefined)?.destroy?.()).catch(() => undefined);
	}
}

export async function createClient(ctx: ApiContext): Promise<ViduClient> {
	const api = apiOf(ctx);
	const type = APIS[api].credential;
	const data = await ctx.getCredentials(type);
	const credential = readCredential(data, api);
	if (credential.problem !== undefined) throw new InputProblem(`${credential.problem} (Vidu credential)`, credential.advice);
	const { baseUrl } = credential.values;
	// Handed over so that n8n's helper does not read and decrypt the credential again for every request.
	const saved = ctx.getNode().credentials?.[type];
	const credentialOptions = { credentialsDecrypted: { id: saved?.id ?? '', name: saved?.name ?? '', type, data } };
	const signal = ctx.getExecutionCancelSignal?.();
	// n8n would attach the context's cancel signal to a create request, and so cut off the paid task's id.
	const { logger } = ctx as Partial<IExecuteFunctions>;
	const noCancelCtx = { getNode: ctx.getNode.bind(ctx), getCredentials: ctx.getCredentials.bind(ctx), helpers: ctx.helpers, logger };

	const unanswered = (phase: Phase, url: string, error: unknown, taskId?: string) => {
		if (signal?.aborted) return new ViduFailure('cancelled', phase, { taskId, sent: true });
		const chain: Array<{ name?: unknown; message?: unknown; code?: unknown; cause?: unknown }> = [];
		for (let cause = error; cause && chain.length < 5; cause = chain[chain.length - 1].cause) chain.push(cause);
		// n8n 2.x's SSRF protection names its errors Ssrf…, and the request helpers wrap them.
		const ssrf = chain.find(({ name }) => typeof name === 'string' && name.startsWith('Ssrf'));
		if (ssrf) return new ViduFailure('blocked', phase, { taskId, url, problem: clip(String(ssrf.message ?? ''), 200), sent: false });
		const code = chain.slice(0, 2).find(({ code }) => typeof code === 'string' && /^E[A-Z_]+$/.test(code))?.code as string | undefined;
		return networkFailure(phase, url, code, taskId);
	};

	async function request(path: string, call: CallSettings, taskId?: string, body?: RequestBody, phase: Phase = body ? 'submit' : 'status') {
		const url = baseUrl + path;
		if (signal?.aborted && !call.afterStop) throw new ViduFailure('cancelled', phase, { taskId, sent: false });
		// A create answer just after Request Timeout still carries a paid id: it gets the grace a Stop gets.
		const timeoutMs = (call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + (body ? SUBMIT_ANSWER_GRACE_MS : 0);
		// One deadline for the whole exchange: a server that trickles bytes would outlast the socket timeout.
		const deadline = AbortSignal.timeout(timeoutMs);
		const grace = body && signal ? new AbortController() : undefined;
		const onStop = () => AbortSignal.timeout(SUBMIT_ANSWER_GRACE_MS).addEventListener('abort', () => grace?.abort(), { once: true });
		if (grace) signal?.addEventListener('abort', onStop, { once: true });
		const cutoff = grace ? AbortSignal.any([deadline, grace.signal]) : deadline;
		const maxBytes = MAX_ANSWER_BYTES + 2 * (body?.bytes ?? 0);
		const sending = await body?.open();
		const json = 'application/json';
		const sentHeaders = body ? { accept: json, 'content-type': json, 'content-length': String(body.bytes) } : { accept: json };
		// n8n hands a stream to its HTTP client as it is, though its type lists only buffers.
		const payload = body ? { body: sending as Buffer, abortSignal: cutoff } : {};
		// n8n's helper (an async function: it rejects, never throws) reads the credential through its `this`.
		const sent = ctx.helpers.httpRequestWithAuthentication.call(
			(body ? noCancelCtx : ctx) as IExecuteFunctions,
			type,
			{ ...RAW, method: body ? 'POST' : 'GET', url, headers: sentHeaders, timeout: timeoutMs, ...payload },
			credentialOptions,
		) as Promise<IN8nHttpFullResponse>;
		const { response, answer } = await readCapped(sent, maxBytes, cutoff)
			.catch((error: unknown) => {
				throw unanswered(phase, url, deadline.aborted && !signal?.aborted ? { code: 'ETIMEDOUT' } : error, taskId);
			})
			.finally(() => {
				signal?.removeEventListener('abort', onStop);
				// An exchange cut short leaves the image's file open otherwise.
				(sending as { destroy?: () => void } | undefined)?.destroy?.();
			});
		const { statusCode, headers } = response;
		if (statusCode >= 300 && statusCode < 400)
			throw new ViduFailure('redirect', phase, { taskId, status: statusCode, location: String(headers?.location ?? '') });
		const parsed = parseJsonBody(answer);
		const text = () => answer.toString('utf8');
		if (statusCode >= 400)
			throw httpFailure(phase, statusCode, parsed ?? text(), parseRetryAfter(headers?.['retry-after'], Date.now()), taskId);
		if (parsed !== undefined) return parsed;
		// Cut at the cap, a create answer still names the paid task.
		const id = body && answer.length >= maxBytes ? taskIdInText(text()) : undefined;
		if (id !== undefined) return { id };
		throw malformedFailure(phase, `HTTP ${statusCode} with a body that is not JSON`, text(), taskId);
	}

	return {
		baseUrl,
		async submit(body, call = {}) {
			const answer = await request(APIS[api].createPath(body.kind ?? 'img2video'), call, undefined, body);
			const task = parseTask(answer);
			if (!task) throw refusalOf(answer) ?? malformedFailure('submit', 'the create response has no task id', answer);
			return task;
		},
		async getTask(taskId, call = {}) {
			// Half of a UTF-16 pair on its own (\p{Cs} under /u): encodeURIComponent throws on it.
			if (/\p{Cs}/u.test(taskId))
				throw malformedFailure('status', 'the task id is not valid text, so no URL can name it', undefined, taskId);
			const answer = await request(APIS[api].taskPath(taskId), call, taskId);
			const task = parseTask(answer, taskId);
			if (!task) throw malformedFailure('status', 'the status response has no task id', answer, taskId);
			if (task.id !== taskId)
				throw malformedFailure('status', `the status answer is about another task (${clip(task.id, 80)})`, answer, taskId);
			return task;
		},
		async cancel(taskId, call = {}) {
			const text = Buffer.from(JSON.stringify({ id: taskId }));
			const body = { bytes: text.length, open: async () => text };
			await request(`${APIS[api].prefix}/tasks/${encodeURIComponent(taskId)}/cancel`, call, taskId, body, 'status');
		},
		async account(call = {}) {
			return await request(`${APIS[api].prefix}/credits`, call);
		},
		async download(url, taskId, call = {}) {
			const job = { url, taskId, timeoutMs: call.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, cancel: signal };
			return await downloadVideo(ctx.helpers, job, (at, error) => unanswered('status', at, error, taskId));
		},
	};
}
