import { type IDataObject, type INode, type INodeExecutionData, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InputProblem, NotSubmitted, type Outcome, type SubmittedTask, TaskFailed, WaitStopped } from './outcomes';
import { clip, type TaskError } from '../transport/task';
import { forModel } from '../output/items';
import { APIS, apiOf, DEFAULT_BASE_URL } from '../transport/credential';
import { ViduFailure } from '../transport/failure';
import { type Redact, redactDeep, redactError, redactorFor } from './redact';

type NodeError = NodeApiError | NodeOperationError;

// [what the API did, what to do]: "The Vidu API <did> (HTTP <status>)". Other statuses by class below.
const STATUS_ADVICE: Record<number, [did: string, todo: string]> = {
	401: ['rejected the API key', 'Check the API Key in the Vidu credential: copy it again from the API key page of your account.'],
	403: [
		'refused the request: insufficient balance or permission',
		'Top up the account balance or check that this API key may use the model.',
	],
	404: ['answered "not found"', `Check the Base URL in the Vidu credential (default ${DEFAULT_BASE_URL}) and, for Get Task, the task ID.`],
	429: ['is rate limiting requests', 'Wait a little and run again, or process fewer items at a time.'],
};
const SERVER_TROUBLE: [string, string] = ['had an internal problem', 'The provider is having trouble. Try again later.'];
const REFUSED: [string, string] = ['refused the request', 'Check the node parameters against the limits shown in their descriptions.'];

// Model error codes from the Vidu Q1 reference: [meaning, what a user can do about it].
const MODEL_ERROR_CODES: Record<string, [meaning: string, hint: string]> = {
	'0': ['No error', 'The API reported no error code; run the task again or check it with Get Task.'],
	'8008003001': ['Missing image', 'Make sure the image field holds one PNG, JPEG or WebP image.'],
	'8008003002': ['Invalid parameter value', 'Check the node parameters against the limits shown in their descriptions.'],
	'8008003003': ['Invalid style', 'Check the prompt and the chosen options.'],
	'8008003004': ['Invalid image', 'Use a PNG, JPEG or WebP image under 50 MB with an aspect ratio between 1:4 and 4:1.'],
	'8008003098': ['Generation failed', 'The provider could not generate this video. Try again, perhaps with another image or prompt.'],
	'8008003099': ['Provider unavailable', 'The video provider is temporarily unavailable. Try again later.'],
};

// Plain words: n8n replaces a message holding a raw code such as ECONNREFUSED with generic text.
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

// A submission that may have reached the server is paid for; say so instead of inviting a blind re-run.
const MAYBE_CREATED = ' The task may have been created and charged: check your task list on the provider dashboard before running again.';

const apiSaid = (message?: string) => (message ? `API message: ${message}. ` : '');
const stillRunning = ({ phase, details: { taskId } }: ViduFailure) =>
	phase === 'status' && taskId ? ` The task itself may still finish: fetch it later with Get Task and task ID ${taskId}.` : '';
const notSubmitted = (node: INode, why: string, itemIndex: number) =>
	new NodeOperationError(node, `Not submitted: ${why}`, { description: 'Nothing was paid for this item. Run it again.', itemIndex });

export async function createPresenter(ctx: { getNode(): INode; getCredentials(type: string): Promise<IDataObject> }): Promise<Presenter> {
	const node = ctx.getNode();
	const { apiKey } = await ctx.getCredentials(APIS[apiOf(ctx)].credential);
	// An AI agent's tool variant of the node has the same type name with "Tool" appended.
	return new Presenter(node, redactorFor(String(apiKey ?? '')), node.type.endsWith('Tool'));
}

/** An error's message for n8n's log, the credential's key taken out; empty when the key cannot be read to do so. */
export async function redactedMessage(ctx: Parameters<typeof createPresenter>[0], error: unknown): Promise<string> {
	const redact = (await createPresenter(ctx).catch(() => undefined))?.redact;
	return redact && error instanceof Error ? redact(error.message) : '';
}

export class Presenter {
	constructor(
		private readonly node: INode,
		readonly redact: Redact,
		// As an AI agent's tool the answer goes into the model's context: only what it needs to go on.
		readonly asTool = false,
	) {}

	error(error: unknown, itemIndex: number): NodeError {
		return redactError(this.build(error, itemIndex), this.redact);
	}

	errorItem(error: unknown, itemIndex: number): INodeExecutionData {
		const { message, description, context } = this.error(error, itemIndex);
		const about: IDataObject = { ...(description ? { description } : {}), ...(context.taskId ? { taskId: context.taskId } : {}) };
		// n8n routes an item to the error output only when its JSON holds `error` alone.
		const routed = this.node.onError === 'continueErrorOutput' && !this.asTool;
		const json = routed ? { error: { message, ...about } } : { error: message, ...about };
		return this.items([{ json, pairedItem: { item: itemIndex } }])[0];
	}

	items(items: INodeExecutionData[]): INodeExecutionData[] {
		return items.map((item) => ({ ...item, json: redactDeep(this.asTool ? forModel(item.json) : item.json, this.redact) }));
	}

	outcomes(outcomes: Array<Outcome<INodeExecutionData> | undefined>): INodeExecutionData[] {
		const notReached = new NotSubmitted('the execution was cancelled before this item was reached');
		return outcomes.map((outcome, index) =>
			outcome?.ok ? this.items([outcome.value])[0] : this.errorItem(outcome?.error ?? notReached, index),
		);
	}

	/** Without Continue On Fail the run stops at the first failure, naming every task already paid for. */
	runError(error: unknown, itemIndex: number, submitted: SubmittedTask[]): NodeError {
		const nodeError = this.build(error, itemIndex);
		// In item order: submissions sent together are accepted in any order.
		submitted = [...submitted].sort((a, b) => a.index - b.index);
		const others = submitted.filter((s) => s.taskId !== nodeError.context.taskId);
		const list = others.map((s) => `${s.taskId} (item ${s.index + 1}, ${s.state === 'running' ? 'still running' : s.state})`).join(', ');
		if (list)
			nodeError.description =
				`${nodeError.description ?? ''} Other tasks submitted in this run, all paid for: ${list}. Fetch them with Get Task instead of running the whole workflow again.`.trim();
		nodeError.context.taskIds = submitted.map((s) => s.taskId);
		return redactError(nodeError, this.redact);
	}

	private build(error: unknown, itemIndex: number): NodeError {
		if (error instanceof ViduFailure) return withTaskId(this.fromFailure(error, itemIndex), error.details.taskId);
		if (error instanceof TaskFailed) return withTaskId(taskError(this.node, error.task.error, itemIndex, error.task.id), error.task.id);
		if (error instanceof WaitStopped) return withTaskId(this.waitStopped(error, itemIndex), error.task.id);
		if (error instanceof InputProblem)
			return new NodeOperationError(this.node, error.message, { description: error.description, itemIndex });
		if (error instanceof NotSubmitted) return notSubmitted(this.node, error.message, itemIndex);
		// The node's own n8n errors pass unchanged; anything unexpected is wrapped so it still names the item.
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
		return new NodeOperationError(this.node, error as Error, { itemIndex });
	}

	private waitStopped({ task, reason, lastFault, maxWaitMinutes }: WaitStopped, itemIndex: number): NodeOperationError {
		const said = lastFault instanceof ViduFailure ? this.fromFailure(lastFault, itemIndex) : lastFault;
		const fault = said instanceof Error ? ` The last status checks failed: ${said.message}.` : '';
		const last = `(last status: ${task.apiStatus}${task.progress === null ? '' : `, ${Math.round(task.progress * 100)}% done`})`;
		const message =
			reason === 'timeout'
				? `Vidu task ${task.id} did not finish within ${maxWaitMinutes} minutes ${last}`
				: `Stopped waiting for Vidu task ${task.id}: the execution was cancelled ${last}`;
		return new NodeOperationError(this.node, message, {
			description: `The task keeps running at the provider and is paid for: do not submit it again. Fetch its result later with the Get Task operation and task ID ${task.id}${reason === 'timeout' ? ', or raise Max Wait (Minutes) in Wait Options' : ''}.${fault}`,
			itemIndex,
		});
	}

	private fromFailure(failure: ViduFailure, itemIndex: number): NodeError {
		const { details, phase } = failure;
		const { taskId } = details;
		const apiError = (message: string, description: string, response: string | JsonObject = details.problem ?? '', httpCode?: number) =>
			new NodeApiError(this.node, typeof response === 'string' ? { message: response } : response, {
				message: taskId ? `${message} [task ${taskId}]` : message,
				description,
				...(httpCode ? { httpCode: String(httpCode) } : {}),
				itemIndex,
			});
		switch (failure.kind) {
			case 'http': {
				const status = details.status ?? 0;
				const known = STATUS_ADVICE[status];
				const [did, todo] = known ?? (status >= 500 ? SERVER_TROUBLE : REFUSED);
				const maybeCreated = phase === 'submit' && status >= 500 ? MAYBE_CREATED : '';
				// A refusal the node has no words of its own for (400, 422…) is best said in the API's.
				const said = details.apiMessage && !known && status < 500 ? `: ${clip(details.apiMessage, 200)}` : '';
				return apiError(
					`The Vidu API ${did} (HTTP ${status})${said}${maybeCreated ? ' while submitting: the task may have been created' : ''}`,
					apiSaid(details.apiMessage) + todo + maybeCreated + stillRunning(failure),
					{ httpCode: String(status), message: details.apiMessage ?? '' },
					status,
				);
			}
			case 'redirect':
				return apiError(
					`The Vidu API answered with a redirect (HTTP ${details.status}), which the node does not follow`,
					`Redirects are not followed, so the API key and the image never go to another address. The answer pointed${details.location ? ` to ${clip(details.location, 200)}` : ' elsewhere'}. If the API has moved, set the Base URL in the Vidu credential to its new address.${stillRunning(failure)}`,
					`HTTP ${details.status}`,
					details.status,
				);
			case 'blocked':
				return apiError(
					`n8n's SSRF protection blocked the request to ${details.url}: nothing was sent`,
					`n8n says: ${details.problem}. If this address is the Vidu API (or its video storage), ask your n8n administrator to allow it (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES); otherwise correct the Base URL in the Vidu credential.${phase === 'status' && taskId ? ` The task is paid for: fetch it later with Get Task and task ID ${taskId} (where the blocked address is its video's, turn off Download Video to get the URL only).` : ''}`,
				);
			case 'network': {
				const maybeCreated = phase === 'submit' && !failure.retry.notSent;
				const words = (details.networkCode && NETWORK_WORDS[details.networkCode]) ?? 'the request failed';
				return apiError(
					maybeCreated
						? `The submission to the Vidu API at ${details.url} failed (${words}): the task may have been created`
						: `Could not reach the Vidu API at ${details.url}: ${words}`,
					`Check the Base URL in the Vidu credential and the network between n8n and the API${details.networkCode ? ` (error ${details.networkCode})` : ''}.${maybeCreated ? MAYBE_CREATED : ''}${stillRunning(failure)}`,
					words,
				);
			}
			case 'malformed':
				return apiError(
					`The Vidu API gave an unusable answer: ${details.problem}`,
					`${apiSaid(details.apiMessage)}${phase === 'submit' ? `No task id came back, so the node cannot follow this submission.${MAYBE_CREATED}` : 'Try Get Task with this task ID later.'}`,
				);
			case 'refused':
				return taskError(this.node, details.taskError, itemIndex);
			case 'download':
				return apiError(
					`Could not download the generated video${details.problem ? `: ${details.problem}` : ` (HTTP ${details.status})`}`,
					details.problem
						? 'The task is finished and paid for: do not submit it again. Run Get Task with this task ID for its video URL (and to try the download again), or turn off Download Video to get only the URL.'
						: 'Result URLs expire (the provider keeps them about 24 hours). Run Get Task with this task ID for a fresh URL, or turn off Download Video to get only the URL.',
					details.problem || `HTTP ${details.status}`,
					details.problem ? undefined : details.status,
				);
			case 'unsafeVideoUrl':
				return apiError(
					`The video URL the API returned was not downloaded: ${details.problem}`,
					`URL: ${clip(details.url ?? '', 120)}. Only http(s) links to the provider's storage are fetched. Turn off Download Video to get the URL only, or fetch the task again later with Get Task.`,
				);
			case 'cancelled':
				if (phase === 'status' && taskId)
					return this.waitStopped(new WaitStopped('cancelled', { id: taskId, apiStatus: 'unknown', progress: null }), itemIndex);
				if (!details.sent) return notSubmitted(this.node, "the execution was cancelled before this item's task was sent", itemIndex);
				return new NodeOperationError(this.node, 'The execution was cancelled while the task was being submitted', {
					description: MAYBE_CREATED.trim(),
					itemIndex,
				});
		}
	}
}

/** The paid task an error is about: users fetch it with Get Task instead of paying again. */
function withTaskId<E extends NodeError>(error: E, taskId: string | undefined): E {
	if (taskId) error.context.taskId = taskId;
	return error;
}

// A failed task (with its id) or a refused submission. The model's code goes under a name n8n does not read as an HTTP status.
function taskError(node: INode, error: TaskError | null | undefined, itemIndex: number, taskId?: string): NodeApiError {
	const code = error?.code;
	const known = code === undefined ? undefined : MODEL_ERROR_CODES[String(code).trim()];
	const meaning = known?.[0] ?? (error?.message || 'no reason given');
	const response = { message: meaning, modelErrorCode: code === undefined ? null : String(code) };
	return new NodeApiError(node, response, {
		message: `${taskId !== undefined ? `Vidu task ${taskId} failed` : 'The Vidu API refused the task'}: ${meaning}${code !== undefined ? ` (code ${code})` : ''}`,
		description: `${apiSaid(error?.message !== meaning ? error?.message : '')}${known?.[1] ?? 'Check the input and try again.'}${taskId !== undefined ? '' : ' The answer names no task, so there is none to follow.'}`,
		itemIndex,
	});
}
