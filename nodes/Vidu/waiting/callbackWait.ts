import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readWaitOptions } from '../descriptions/waiting.description';
import type { SubmittedTask } from './poller';
import {
	type CallbackState,
	callbackUrlFor,
	checkOrder,
	failedSubmissionState,
	callbackStateOf,
	claimsStillRunning,
	DoorbellMemory,
	isLocalUrl,
	newRunToken,
	readDoorbell,
	STATE_FIELD,
	sweep,
	waitingState,
} from './doorbell';
import { stateOf, type Task } from '../model/task';
import { redactDeep } from '../errors/redact';
import { createClient, type ViduClient } from '../transport/client';
import { errorItem, withSubmittedTasks } from '../errors/presenter';
import { readCreateBody } from '../request/createRequest';
import { downloadFieldOf, taskToItem } from '../output/items';

const memory = new DoorbellMemory();

/**
 * The items of a finished run, in input order and of the same shape as in Poll mode. Failures become
 * error items: after a pause the node can no longer stop the workflow with an error of its own.
 */
async function finishRun(
	node: INode,
	client: ViduClient,
	states: Array<CallbackState | undefined>,
	tasks: Array<Task | undefined>,
	downloadField: string | undefined,
	/** The Model parameter, for status answers that do not repeat it. */
	model: string,
): Promise<INodeExecutionData[]> {
	return await Promise.all(
		states.map(async (state, itemIndex) => {
			const task = tasks[itemIndex];
			if (!task) {
				const error = new NodeOperationError(node, state?.message ?? 'Not submitted', { itemIndex });
				return errorItem(error, itemIndex, client.redact);
			}
			try {
				// Calls happen per callback, not per task, and are not counted across the pause.
				const stats = { elapsedSeconds: null, statusChecks: null };
				return await taskToItem(node, client, { ...task, model: task.model ?? model }, { itemIndex }, stats, downloadField);
			} catch (error) {
				return errorItem(error, itemIndex, client.redact);
			}
		}),
	);
}

/**
 * Wait Mode "Callback": submits every item's task with the execution's resume URL as callback_url,
 * notes each task id on its input item (the only state that survives the pause, and what flows on
 * visibly if the wait runs out), then pauses the execution until webhook() resumes it.
 */
export async function executeByCallback(this: IExecuteFunctions, client: ViduClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const node = this.getNode();
	const wait = readWaitOptions.call(this, 0);
	const resumeUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	const allowLocal = (this.getNodeParameter('waitOptions', 0, {}) as IDataObject).allowLocalResumeUrl === true;
	// In production (and on queue-mode workers, which build the URL themselves) a resume URL on this
	// machine means WEBHOOK_URL is not set: the provider could never call back, and the run would only
	// end at Max Wait. Refused before anything is paid. A manual test run in the editor is let through.
	if (isLocalUrl(resumeUrl) && this.getMode() !== 'manual' && !allowLocal) {
		throw new NodeOperationError(node, `Wait Mode Callback: n8n's resume URL points at this machine (${resumeUrl.split('?')[0]})`, {
			description:
				"The API could never call it back. Set WEBHOOK_URL to n8n's public address on every n8n process (main, workers and webhook processes), or use Wait Mode Poll. If the API really runs on this machine (a test mock), turn on Wait Options → Allow Local Resume URL.",
			itemIndex: 0,
		});
	}
	const run = newRunToken();
	const submitted: SubmittedTask[] = [];
	const tasks: Array<Task | undefined> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			// Callback URL is not offered in this mode (n8n drops a value saved before): the node's own resume URL is the callback.
			const body = await readCreateBody.call(this, itemIndex, { callbackUrl: callbackUrlFor(resumeUrl, itemIndex, run) });
			const task = await client.submit(body, { itemIndex, timeoutMs: wait.requestTimeoutMs });
			tasks[itemIndex] = task;
			submitted.push({ index: itemIndex, taskId: task.id, state: task.state });
			items[itemIndex].json[STATE_FIELD] = waitingState(task.id, run);
		} catch (error) {
			if (!this.continueOnFail()) throw withSubmittedTasks(error, submitted, itemIndex, node);
			items[itemIndex].json[STATE_FIELD] = failedSubmissionState((error as Error).message);
		}
	}
	const states = items.map((item) => callbackStateOf(item.json));
	// Nothing left to wait for (every task finished on creation, or nothing was submitted): no pause.
	if (tasks.every((task) => !task || task.state !== 'running')) {
		return await finishRun(node, client, states, tasks, downloadFieldOf.call(this, 0), String(this.getNodeParameter('model', 0)));
	}
	await this.putExecutionToWait(new Date(Date.now() + wait.maxWaitMinutes * 60_000));
	return items;
}

/**
 * A callback arrived. It only says "look again": the task states come from the API, with the
 * credential. While any task of the run is unfinished the execution keeps waiting.
 */
export async function webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	// webhook() has no getInputData(); the paused node's input items (with the task ids noted by
	// executeByCallback) are reachable through the expression engine, serialised to stay plain data.
	const inputs = JSON.parse(String(this.evaluateExpression('{{ JSON.stringify($input.all()) }}', 0))) as INodeExecutionData[];
	const states = inputs.map((item) => callbackStateOf(item.json));
	const body = this.getBodyData();
	const doorbell = readDoorbell(this.getQueryData() as IDataObject, body, states);
	if (!doorbell.ok) {
		this.getResponseObject().status(404).json({ error: doorbell.reason });
		return { noWebhookResponse: true };
	}
	if (claimsStillRunning(body, (status) => stateOf(status) === 'running')) {
		return { webhookResponse: { received: true } };
	}
	const client = await createClient(this);
	const executionId = this.getExecutionId();
	const outcome = await memory.coalesced(
		executionId,
		async () =>
			await sweep(checkOrder(doorbell.index, states), states, async (taskId, itemIndex) => {
				const known = memory.finishedTask(executionId, taskId);
				if (known) return known;
				const task = await client.getTask(taskId, { itemIndex, attempts: 2 });
				memory.rememberFinished(executionId, task);
				return task;
			}),
	);
	if (!outcome.allFinished) return { webhookResponse: { received: true, waitingFor: outcome.waitingFor } };
	if (!memory.claimResume(executionId)) return { webhookResponse: { received: true, resumed: true } };
	const download = this.getNodeParameter('downloadVideo', false) as boolean;
	const field = download ? (this.getNodeParameter('outputBinaryPropertyName', 'data') as string) : undefined;
	return {
		webhookResponse: { received: true, resumed: true },
		workflowData: [
			(await finishRun(this.getNode(), client, states, outcome.tasks, field, String(this.getNodeParameter('model', '')))).map((item) => ({
				...item,
				json: redactDeep(item.json, client.redact),
			})),
		],
	};
}
