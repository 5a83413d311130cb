import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { createPresenter, type Presenter } from '../errors/presenter';
import { InputProblem, NotSubmitted, type Outcome, type SubmittedTask } from '../errors/outcomes';
import { isObject, type Task } from '../transport/task';
import { taskToItem } from '../output/items';
import type { Ledger } from '../helpers/paidTasks';
import { readDownloadField } from '../request/downloadChoice';
import { isLocalUrl } from '../transport/addresses';
import { createClient, type ViduClient } from '../transport/client';
import { ViduFailure } from '../transport/failure';
import { pause, systemClock } from '../helpers/clock';
import {
	asCallbackState,
	type CallbackState,
	callbackStateOf,
	callbackUrlFor,
	checkOrder,
	claimsFinished,
	claimsStillRunning,
	type DoorbellMemory,
	failedSubmissionState,
	newRunToken,
	pauseKey,
	readDoorbell,
	STATE_FIELD,
	sweep,
	waitingState,
} from './doorbell';
import { inPool, PARALLEL_CHECKS, PARALLEL_SUBMITS } from '../helpers/pool';
import { CALLBACK_CHECK, SUBMISSION_UNTIL_ACCEPTED, withRetries } from '../helpers/retry';
import type { WaitSettings } from '../helpers/waitSettings';
import { submitItem } from '../helpers/submitTask';

/**
 * The finish step for a whole run, in input order and of the same shape as in Poll mode. Failures
 * become error items: after a pause the node can no longer stop the workflow with an error of its own.
 */
async function finishRun(
	client: ViduClient,
	states: Array<CallbackState | undefined>,
	tasks: Array<Task | undefined>,
	downloadField: string | undefined,
	/** The Model parameter, for status answers that do not repeat it. */
	model: string,
): Promise<Array<Outcome<INodeExecutionData>>> {
	const outcomes: Array<Outcome<INodeExecutionData>> = [];
	// As many downloads at a time as Poll mode makes.
	await inPool(
		states.map((_, index) => index),
		PARALLEL_CHECKS,
		async (index) => {
			const task = tasks[index];
			if (!task) {
				outcomes[index] = { ok: false, error: new Error(states[index]?.message ?? 'Not submitted') };
				return;
			}
			// Calls happen per callback, not per task, and are not counted across the pause.
			const stats = { elapsedSeconds: null, statusChecks: null };
			outcomes[index] = await taskToItem(client, { ...task, model: task.model ?? model }, index, stats, downloadField).then(
				(value) => ({ ok: true, value }),
				(error: unknown) => ({ ok: false, error }),
			);
		},
	);
	return outcomes;
}

/**
 * Wait Mode "Callback": submits every item's task with the execution's resume URL as callback_url,
 * notes each task id on its input item (n8n hands webhook() no other state of the paused node, and
 * it is what flows on visibly if the wait runs out), then pauses the execution until webhook()
 * resumes it.
 */
export async function waitByCallback(
	this: IExecuteFunctions,
	client: ViduClient,
	ledger: Ledger,
	presenter: Presenter,
	wait: WaitSettings,
	downloadField: string | undefined,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const resumeUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	// In production (and on queue-mode workers, which build the URL themselves) a resume URL on this
	// machine means WEBHOOK_URL is not set: the provider could never call back, and the run would only
	// end at Max Wait. Refused before anything is paid. A manual test run in the editor is let through.
	if (isLocalUrl(resumeUrl) && this.getMode() !== 'manual' && !wait.allowLocalResumeUrl) {
		throw new InputProblem(
			`Wait Mode Callback: n8n's resume URL points at this machine (${resumeUrl.split('?')[0]})`,
			"The API could never call it back. Set WEBHOOK_URL to n8n's public address on every n8n process (main, workers and webhook processes), or use Wait Mode Poll. If the API really runs on this machine (a test mock), turn on Wait Options → Allow Local Resume URL.",
		);
	}
	// The same token on every try of this node run (Retry On Fail): tasks kept from an earlier try call back with it.
	const run = ledger.runToken(newRunToken);
	const submitted: SubmittedTask[] = [];
	// One deadline for the whole run: under endless refusals (HTTP 429) it ends by Max Wait, whatever the item count.
	const deadline = systemClock.now() + wait.maxWaitMinutes * 60_000;
	const tasks: Array<Task | undefined> = [];
	let firstFailure: { index: number; error: unknown } | undefined;
	let refusedUntilDeadline = false;
	const submitOne = async (index: number) => {
		// After a failure without Continue On Fail, what has not been sent stays unsent (nothing paid).
		if (firstFailure) return;
		try {
			// The API refused for longer than Max Wait allows: the rest is not sent at all.
			if (refusedUntilDeadline)
				throw new NotSubmitted(`the API refused submissions (HTTP 429) for longer than Max Wait (${wait.maxWaitMinutes} minutes) allows`);
			// Callback URL is not offered in this mode (n8n drops a value saved before): the node's own resume URL is the callback.
			const task = await submitItem.call(this, client, ledger, index, {
				policy: SUBMISSION_UNTIL_ACCEPTED,
				timeoutMs: wait.requestTimeoutMs,
				deadline,
				overrides: { callbackUrl: callbackUrlFor(resumeUrl, index, run) },
			});
			tasks[index] = task;
			submitted.push({ index, taskId: task.id, state: task.state });
			items[index].json[STATE_FIELD] = waitingState(task.id, run);
		} catch (error) {
			// A refusal is retried until Max Wait: one that ends the item ends every item not yet sent.
			if (error instanceof ViduFailure && error.retry.rateLimited) refusedUntilDeadline = true;
			if (!this.continueOnFail()) firstFailure ??= { index, error };
			else items[index].json[STATE_FIELD] = failedSubmissionState(presenter.error(error, index).message);
		}
	};
	await inPool(
		items.map((_, index) => index),
		PARALLEL_SUBMITS,
		submitOne,
	);
	// Submissions already sent when one failed are paid for: the error names them all.
	if (firstFailure) throw presenter.runError(firstFailure.error, firstFailure.index, submitted);
	// Nothing left to wait for (every task finished on creation, or nothing was submitted): no pause.
	if (tasks.every((task) => !task || task.state !== 'running')) {
		const states = items.map((item) => callbackStateOf(item.json));
		return presenter.outcomes(await finishRun(client, states, tasks, downloadField, String(this.getNodeParameter('model', 0))));
	}
	await this.putExecutionToWait(new Date(Date.now() + wait.maxWaitMinutes * 60_000));
	return presenter.items(items);
}

/**
 * The states waitByCallback noted on the paused node's input items. webhook() has no getInputData();
 * the items are reachable through the expression engine. There each is a whole item, or its JSON
 * alone in a workflow in n8n 2.x's "combined" binary mode (the workflow setting does not tell: n8n 1.x
 * keeps it and ignores it; a whole item has no key of the state's name beside `json`). Only the states
 * are serialised: the items may carry megabytes of images in their binary data.
 */
function pausedStates(context: IWebhookFunctions): Array<CallbackState | undefined> {
	const expression = `{{ JSON.stringify($input.all().map((entry) => entry.${STATE_FIELD} ?? entry.json?.${STATE_FIELD} ?? null)) }}`;
	return (JSON.parse(String(context.evaluateExpression(expression, 0))) as unknown[]).map(asCallbackState);
}

/** Pauses before asking again about a task its callback called finished and the API not yet: 6 s in all. */
const LAGGING_STATUS_RECHECKS_MS = [1000, 2000, 3000];

/**
 * A callback arrived. It only says "look again": the task states come from the API, with the
 * credential. While any task of the run is unfinished the execution keeps waiting. `memory` is what
 * this n8n process knows of the pauses callbacks ring for (see DoorbellMemory).
 *
 * Never throws: n8n would answer the provider 500 and resume the node with an empty item in place of
 * the execution's data. Whatever fails (the status API down, an odd answer, the credential), the
 * provider is asked to call again (HTTP 503) and the execution keeps waiting with everything it
 * holds; a later callback, or Max Wait, ends it.
 */
export async function answerCallback(this: IWebhookFunctions, memory: DoorbellMemory): Promise<IWebhookResponseData> {
	try {
		return await answerDoorbell.call(this, memory);
	} catch (error) {
		const redact = await createPresenter(this).then(
			(presenter) => presenter.redact,
			() => () => '',
		);
		const said = error instanceof Error ? redact(error.message) : '';
		this.logger?.warn(`Vidu callback not handled, the execution keeps waiting: ${said}`, { executionId: this.getExecutionId() });
		const response = this.getResponseObject();
		if (!response.headersSent) response.status(503).json({ received: true, retry: 'the tasks could not be checked now: call again later' });
		return { noWebhookResponse: true };
	}
}

async function answerDoorbell(this: IWebhookFunctions, memory: DoorbellMemory): Promise<IWebhookResponseData> {
	const states = pausedStates(this);
	// A doorbell may come without a JSON object (no body, `null`, text, another content type): n8n then
	// hands over nothing, a string or null, and the callback still only means "look again".
	const sent: unknown = this.getBodyData();
	const body = isObject(sent) ? sent : {};
	const doorbell = readDoorbell(this.getQueryData() as IDataObject, body, states);
	if (!doorbell.ok) {
		this.getResponseObject().status(404).json({ error: doorbell.reason });
		return { noWebhookResponse: true };
	}
	if (claimsStillRunning(body)) {
		return { webhookResponse: { received: true } };
	}
	const client = await createClient(this);
	// Everything the resume needs is read before it is claimed: nothing after the claim may fail.
	const field = readDownloadField(this.getNodeParameter('downloadVideo', false), this.getNodeParameter('outputBinaryPropertyName', 'data'));
	const presenter = await createPresenter(this);
	const model = String(this.getNodeParameter('model', ''));
	const thisPause = pauseKey(this.getExecutionId(), doorbell.run);
	const sweepRun = async () =>
		await memory.coalesced(
			thisPause,
			async () =>
				await sweep(
					checkOrder(doorbell.index, states),
					states,
					async (taskId) => await withRetries(async () => await client.getTask(taskId), CALLBACK_CHECK, systemClock),
				),
		);
	if (claimsFinished(body)) memory.noteClaimedFinished(thisPause, doorbell.taskId);
	let outcome = await sweepRun();
	// The run waits for a task whose callback said it is finished: a gateway's status can lag the
	// provider's callback by a moment, and callbacks of tasks that finished together may be the run's last.
	for (const waitMs of LAGGING_STATUS_RECHECKS_MS) {
		if (outcome.allFinished || !memory.claimedFinished(thisPause, outcome.waitingFor)) break;
		await pause(systemClock, waitMs);
		outcome = await sweepRun();
	}
	if (!outcome.allFinished) return { webhookResponse: { received: true, waitingFor: outcome.waitingFor } };
	if (!memory.claimResume(thisPause)) return { webhookResponse: { received: true, resumed: true } };
	// Answered now, before the downloads: the provider is not kept waiting for them (past its timeout it
	// would deliver again), and where another n8n process wins the resume (queue mode), n8n refuses
	// this one only after the answer, so the provider gets no error to retry.
	this.getResponseObject().status(200).json({ received: true, resumed: true });
	// Each item's failure is its own (finishRun): nothing here throws once the answer is sent.
	const outcomes = await finishRun(client, states, outcome.tasks, field, model);
	// Items without a state were not this run's: with Execute Once n8n hands execute() the first item
	// only, yet keeps every input item with the paused node. Poll mode answers for the first item only too.
	const output = presenter.outcomes(outcomes).filter((_, index) => states[index] !== undefined);
	return { noWebhookResponse: true, workflowData: [output] };
}
