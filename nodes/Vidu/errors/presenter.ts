import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InputProblem, NotSubmitted, type Outcome, type SubmittedTask, TaskFailed, WaitStopped } from './outcomes';
import { clip, type TaskError } from '../transport/task';
import { forModel } from '../output/taskJson';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL } from '../transport/credential';
import { ViduFailure } from '../transport/failure';
import { describeModelErrorCode } from './modelErrorCodes';
import { type Redact, redactDeep, redactError, redactorFor } from './redact';

/**
 * The one place that turns what happened into what the user reads: failures from the transport,
 * domain outcomes (a failed task, a wait that stopped, a bad input) and output items. It adds the
 * item index and the task id n8n shows and stores, and it redacts the API key, once, from all of it.
 */

type NodeError = NodeApiError | NodeOperationError;

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
		todo: `Check the Base URL in the Vidu credential (default ${DEFAULT_BASE_URL}) and, for Get Task, the task ID.`,
	},
	429: {
		what: 'The Vidu API is rate limiting requests (HTTP 429)',
		todo: 'Wait a little and run again, or process fewer items at a time.',
	},
};

function adviceFor(statusCode: number): { what: string; todo: string } {
	if (STATUS_ADVICE[statusCode]) return STATUS_ADVICE[statusCode];
	if (statusCode >= 500) {
		return { what: `The Vidu API had an internal problem (HTTP ${statusCode})`, todo: 'The provider is having trouble. Try again later.' };
	}
	return {
		what: `The Vidu API refused the request (HTTP ${statusCode})`,
		todo: 'Check the node parameters against the limits shown in their descriptions.',
	};
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

/** A submission that may have reached the server is paid for; say so instead of inviting a blind re-run. */
const MAYBE_CREATED = ' The task may have been created and charged: check your task list on the provider dashboard before running again.';

const STATE_WORDS = { completed: 'completed', failed: 'failed', running: 'still running' };

const withTask = (text: string, taskId?: string) => (taskId ? `${text} [task ${taskId}]` : text);

const stillRunning = (failure: ViduFailure) =>
	failure.phase === 'status' && failure.taskId
		? ` The task itself may still finish: fetch it later with Get Task and task ID ${failure.taskId}.`
		: '';

/** The presenter of one execution (or one callback), with the redactor built from its credential. */
export async function createPresenter(ctx: { getNode(): INode; getCredentials(type: string): Promise<IDataObject> }): Promise<Presenter> {
	const node = ctx.getNode();
	const credential = await ctx.getCredentials(CREDENTIAL_TYPE);
	// An AI agent's tool variant of the node has the same type name with "Tool" appended.
	return new Presenter(node, redactorFor(String(credential.apiKey ?? '')), node.type.endsWith('Tool'));
}

export class Presenter {
	constructor(
		private readonly node: INode,
		/** Masks the API key; see errors/redact.ts. */
		readonly redact: Redact,
		/** As an AI agent's tool the answer goes into the model's context: only what it needs to go on. */
		readonly asTool = false,
	) {}

	/** The n8n error for anything an item ran into, redacted, naming the item and any paid task. */
	error(error: unknown, itemIndex: number): NodeError {
		return redactError(this.build(error, itemIndex), this.redact);
	}

	/** A Continue On Fail item: the message, how to fix it, and the task id when one was paid for. */
	errorItem(error: unknown, itemIndex: number): INodeExecutionData {
		const presented = this.error(error, itemIndex);
		const about: IDataObject = {};
		if (presented.description) about.description = presented.description;
		const taskId = taskIdOf(error);
		if (taskId) about.taskId = taskId;
		// With On Error "Continue (using error output)" n8n sends an item down the error output only when its
		// JSON has the key error alone (2.x also allows message and details beside it, 1.x message): there it
		// is all under error, as n8n's own nodes give an error. An item's own `error` property would not do:
		// n8n then replaces the JSON with the message alone, task id included.
		const routed = this.node.onError === 'continueErrorOutput' && !this.asTool;
		const json = routed ? { error: { message: presented.message, ...about } } : { error: presented.message, ...about };
		return { json: this.shaped(json), pairedItem: { item: itemIndex } };
	}

	/** Output items as they leave the node. */
	items(items: INodeExecutionData[]): INodeExecutionData[] {
		return items.map((item) => ({ ...item, json: this.shaped(item.json) }));
	}

	/** One item per outcome, in input order: results as they are, failures as error items. */
	outcomes(outcomes: Array<Outcome<INodeExecutionData> | undefined>): INodeExecutionData[] {
		return outcomes.map((outcome, index) => {
			if (outcome?.ok) return this.items([outcome.value])[0];
			return this.errorItem(outcome?.error ?? new NotSubmitted('the execution was cancelled before this item was reached'), index);
		});
	}

	/** Without Continue On Fail the run stops at the first failure; every task already paid for is named. */
	runError(error: unknown, itemIndex: number, submitted: SubmittedTask[]): NodeError {
		const nodeError = this.build(error, itemIndex);
		// In item order: submissions sent together are accepted in any order.
		submitted = [...submitted].sort((a, b) => a.index - b.index);
		const others = submitted.filter((s) => s.taskId !== taskIdOf(error));
		if (others.length) {
			const list = others.map((s) => `${s.taskId} (item ${s.index + 1}, ${STATE_WORDS[s.state]})`).join(', ');
			nodeError.description =
				`${nodeError.description ?? ''} Other tasks submitted in this run, all paid for: ${list}. Fetch them with Get Task instead of running the whole workflow again.`.trim();
		}
		nodeError.context.taskIds = submitted.map((s) => s.taskId);
		return redactError(nodeError, this.redact);
	}

	private shaped(json: IDataObject): IDataObject {
		return redactDeep(this.asTool ? forModel(json) : json, this.redact);
	}

	private build(error: unknown, itemIndex: number): NodeError {
		const built = this.fromKnown(error, itemIndex);
		if (built) {
			const taskId = taskIdOf(error);
			if (taskId) built.context.taskId = taskId;
			return built;
		}
		// The node's own n8n errors pass unchanged; anything unexpected is wrapped so it still names the item.
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
		return new NodeOperationError(this.node, error as Error, { itemIndex });
	}

	private fromKnown(error: unknown, itemIndex: number): NodeError | undefined {
		const node = this.node;
		if (error instanceof ViduFailure) return this.fromFailure(error, itemIndex);
		if (error instanceof InputProblem) return new NodeOperationError(node, error.message, { description: error.description, itemIndex });
		if (error instanceof TaskFailed) return taskFailed(node, error, itemIndex);
		if (error instanceof WaitStopped) return this.waitStopped(error, itemIndex);
		if (error instanceof NotSubmitted) {
			return new NodeOperationError(node, `Not submitted: ${error.why}`, {
				description: 'Nothing was paid for this item. Run it again.',
				itemIndex,
			});
		}
		return undefined;
	}

	/** The task keeps running and is paid for, so the error says how to fetch it instead of inviting a re-run. */
	private waitStopped(stopped: WaitStopped, itemIndex: number): NodeOperationError {
		const { task, reason, lastFault } = stopped;
		const fault = lastFault instanceof Error ? ` The last status checks failed: ${this.faultText(lastFault, itemIndex)}.` : '';
		const progress = task.progress === null ? '' : `, ${Math.round(task.progress * 100)}% done`;
		const last = `(last status: ${task.apiStatus}${progress})`;
		const message =
			reason === 'timeout'
				? `Vidu task ${task.id} did not finish within ${stopped.maxWaitMinutes} minutes ${last}`
				: `Stopped waiting for Vidu task ${task.id}: the execution was cancelled ${last}`;
		return new NodeOperationError(this.node, message, {
			description: `The task keeps running at the provider and is paid for: do not submit it again. Fetch its result later with the Get Task operation and task ID ${task.id}${reason === 'timeout' ? ', or raise Max Wait (Minutes) in Wait Options' : ''}.${fault}`,
			itemIndex,
		});
	}

	/** A failed last status check, in the words the user would have read had it ended the wait. */
	private faultText(fault: Error, itemIndex: number): string {
		return fault instanceof ViduFailure ? this.fromFailure(fault, itemIndex).message : fault.message;
	}

	private fromFailure(failure: ViduFailure, itemIndex: number): NodeError {
		const node = this.node;
		const { details, taskId } = failure;
		const apiError = (message: string, description: string, response: JsonObject, httpCode?: number) =>
			new NodeApiError(node, response, {
				message: withTask(message, taskId),
				description,
				...(httpCode ? { httpCode: String(httpCode) } : {}),
				itemIndex,
			});
		switch (failure.kind) {
			case 'http': {
				const status = details.status ?? 0;
				const advice = adviceFor(status);
				const maybeCreated = failure.phase === 'submit' && status >= 500 ? MAYBE_CREATED : '';
				const description = [
					details.apiMessage ? `API message: ${details.apiMessage}.` : '',
					advice.todo + maybeCreated + stillRunning(failure),
				]
					.filter(Boolean)
					.join(' ');
				// A refusal the node has no words of its own for (400, 422…) is best said in the API's.
				const said = details.apiMessage && !STATUS_ADVICE[status] && status < 500 ? `: ${clip(details.apiMessage, 200)}` : '';
				const what = advice.what + said + (maybeCreated ? ' while submitting: the task may have been created' : '');
				return apiError(what, description, { httpCode: String(status), message: details.apiMessage ?? '' }, status);
			}
			case 'redirect': {
				const target = details.location ? ` to ${clip(details.location, 200)}` : '';
				return apiError(
					`The Vidu API answered with a redirect (HTTP ${details.status}), which the node does not follow`,
					`Redirects are not followed, so the API key and the image never go to another address. The answer pointed${target || ' elsewhere'}. If the API has moved, set the Base URL in the Vidu credential to its new address.${stillRunning(failure)}`,
					{ message: `HTTP ${details.status}` },
					details.status,
				);
			}
			case 'blocked':
				return apiError(
					`n8n's SSRF protection blocked the request to ${details.url}: nothing was sent`,
					`n8n says: ${details.problem}. If this address is the Vidu API (or its video storage), ask your n8n administrator to allow it (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES); otherwise correct the Base URL in the Vidu credential.${failure.phase === 'status' && taskId ? ` The task is paid for: fetch it later with Get Task and task ID ${taskId} (where the blocked address is its video's, turn off Download Video to get the URL only).` : ''}`,
					{ message: details.problem ?? '' },
				);
			case 'network': {
				const code = details.networkCode;
				const maybeCreated = failure.phase === 'submit' && !failure.retry.notSent;
				const words = (code && NETWORK_WORDS[code]) ?? 'the request failed';
				const message = maybeCreated
					? `The submission to the Vidu API at ${details.url} failed (${words}): the task may have been created`
					: `Could not reach the Vidu API at ${details.url}: ${words}`;
				return apiError(
					message,
					`Check the Base URL in the Vidu credential and the network between n8n and the API${code ? ` (error ${code})` : ''}.${maybeCreated ? MAYBE_CREATED : ''}${stillRunning(failure)}`,
					{ message: words },
				);
			}
			case 'malformed':
				return apiError(
					`The Vidu API gave an unusable answer: ${details.problem}`,
					(details.apiMessage ? `API message: ${details.apiMessage}. ` : '') +
						(failure.phase === 'submit'
							? 'No task id came back, so the node cannot follow this submission.' + MAYBE_CREATED
							: 'Try Get Task with this task ID later.'),
					{ message: details.problem ?? '' },
				);
			case 'refused': {
				const { said, description, response } = explainTaskError(details.taskError);
				return new NodeApiError(node, response, {
					message: `The Vidu API refused the task: ${said}`,
					description: `${description} The answer names no task, so there is none to follow.`,
					itemIndex,
				});
			}
			case 'download':
				// The host answered with an error status, or the node stopped a download it could not bound.
				if (details.problem) {
					return apiError(
						`Could not download the generated video: ${details.problem}`,
						'The task is finished and paid for: do not submit it again. Run Get Task with this task ID for its video URL (and to try the download again), or turn off Download Video to get only the URL.',
						{ message: details.problem },
					);
				}
				return apiError(
					`Could not download the generated video (HTTP ${details.status})`,
					'Result URLs expire (the provider keeps them about 24 hours). Run Get Task with this task ID for a fresh URL, or turn off Download Video to get only the URL.',
					{ message: `HTTP ${details.status}` },
					details.status,
				);
			case 'unsafeVideoUrl':
				return apiError(
					`The video URL the API returned was not downloaded: ${details.problem}`,
					`URL: ${clip(details.url ?? '', 120)}. Only http(s) links to the provider's storage are fetched. Turn off Download Video to get the URL only, or fetch the task again later with Get Task.`,
					{ message: details.problem ?? '' },
				);
			case 'cancelled':
				if (failure.phase === 'status' && taskId) {
					return this.waitStopped(new WaitStopped('cancelled', { id: taskId, apiStatus: 'unknown', progress: null }), itemIndex);
				}
				return details.sent
					? new NodeOperationError(node, 'The execution was cancelled while the task was being submitted', {
							description: MAYBE_CREATED.trim(),
							itemIndex,
						})
					: new NodeOperationError(node, "Not submitted: the execution was cancelled before this item's task was sent", {
							description: 'Nothing was paid for this item. Run it again.',
							itemIndex,
						});
		}
	}
}

/** The paid task an error is about, if any: users fetch it with Get Task instead of paying again. */
function taskIdOf(error: unknown): string | undefined {
	if (error instanceof ViduFailure) return error.taskId;
	if (error instanceof TaskFailed || error instanceof WaitStopped) return error.task.id;
	// An error this presenter already built carries it in its context.
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const { taskId } = error.context;
		return typeof taskId === 'string' ? taskId : undefined;
	}
	return undefined;
}

/**
 * A failed task's or a refused submission's error, in words: what the code means (or the API's message),
 * the code, the API's message where it says more, and what to do. As `response`, the model's error code
 * is kept under a name n8n does not read as an HTTP status.
 */
function explainTaskError(error: TaskError | null | undefined) {
	const code = error?.code;
	const known = describeModelErrorCode(code);
	const meaning = known?.meaning ?? (error?.message || 'no reason given');
	return {
		said: `${meaning}${code !== undefined ? ` (code ${code})` : ''}`,
		description:
			(error?.message && error.message !== meaning ? `API message: ${error.message}. ` : '') +
			(known?.hint ?? 'Check the input and try again.'),
		response: { message: meaning, modelErrorCode: code === undefined ? null : String(code) } as JsonObject,
	};
}

function taskFailed(node: INode, { task }: TaskFailed, itemIndex: number): NodeApiError {
	const { said, description, response } = explainTaskError(task.error);
	return new NodeApiError(node, response, { message: `Vidu task ${task.id} failed: ${said}`, description, itemIndex });
}
