import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse } from 'n8n-workflow';

import { parseTask, type Task } from '../helpers/task';
import {
	cancelledDuringRequestError,
	type ErrorContext,
	type Phase,
	downloadError,
	httpStatusError,
	malformedResponseError,
	networkError,
} from './errors';

export const CREDENTIAL_TYPE = 'viduApi';
const CREATE_PATH = '/model/v1/generation';
const TASK_PATH = '/model/v1/generation/task/';
const REQUEST_TIMEOUT_MS = 60_000;

interface ViduCredential extends IDataObject {
	apiKey: string;
	baseUrl?: string;
}

/** Everything that talks to the Vidu API. Built once per execution; the only place HTTP happens. */
export interface ViduClient {
	submit(body: IDataObject, itemIndex: number): Promise<Task>;
	getTask(taskId: string, itemIndex: number): Promise<Task>;
	download(url: string, itemIndex: number, taskId: string): Promise<IBinaryData>;
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
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

export async function createClient(ctx: IExecuteFunctions): Promise<ViduClient> {
	const credential = (await ctx.getCredentials(CREDENTIAL_TYPE)) as ViduCredential;
	const baseUrl = (credential.baseUrl || 'https://cloud.vtrix.ai').trim().replace(/\/+$/, '');
	const secret = String(credential.apiKey ?? '');
	const redact = (text: string) => (secret.length >= 4 ? text.split(secret).join('***') : text);
	const node = ctx.getNode();

	async function call(
		method: IHttpRequestMethods,
		path: string,
		errorContext: ErrorContext,
		body?: IDataObject,
	): Promise<unknown> {
		const url = baseUrl + path;
		let response: IN8nHttpFullResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
				method,
				url,
				body,
				json: true,
				timeout: REQUEST_TIMEOUT_MS,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			if (ctx.getExecutionCancelSignal()?.aborted) throw cancelledDuringRequestError(errorContext);
			throw networkError(errorContext, url, errorCodeOf(error));
		}
		const parsed = parseJsonBody(response.body);
		if (response.statusCode >= 400) throw httpStatusError(errorContext, response.statusCode, parsed ?? response.body);
		if (parsed === undefined) {
			throw malformedResponseError(errorContext, `HTTP ${response.statusCode} with a body that is not JSON`, response.body);
		}
		return parsed;
	}

	const context = (itemIndex: number, phase: Phase, taskId?: string): ErrorContext => ({
		node,
		itemIndex,
		phase,
		taskId,
		redact,
	});

	return {
		redact,
		async submit(body, itemIndex) {
			const errorContext = context(itemIndex, 'submit');
			const answer = await call('POST', CREATE_PATH, errorContext, body);
			const task = parseTask(answer);
			if (!task) throw malformedResponseError(errorContext, 'the create response has no task id', answer);
			return task;
		},
		async getTask(taskId, itemIndex) {
			const errorContext = context(itemIndex, 'status', taskId);
			const answer = await call('GET', TASK_PATH + encodeURIComponent(taskId), errorContext);
			const task = parseTask(answer);
			if (!task) throw malformedResponseError(errorContext, 'the status response has no task id', answer);
			return task;
		},
		async download(url, itemIndex, taskId) {
			const errorContext = context(itemIndex, 'status', taskId);
			let response: IN8nHttpFullResponse;
			try {
				// Plain httpRequest on purpose: the Bearer token must never reach the video CDN.
				response = (await ctx.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: REQUEST_TIMEOUT_MS,
				})) as IN8nHttpFullResponse;
			} catch (error) {
				throw networkError(errorContext, url, errorCodeOf(error));
			}
			if (response.statusCode >= 400) {
				(response.body as { destroy?: () => void }).destroy?.();
				throw downloadError(errorContext, response.statusCode);
			}
			return await ctx.helpers.prepareBinaryData(response.body as Buffer, `${taskId}.mp4`, 'video/mp4');
		},
	};
}
