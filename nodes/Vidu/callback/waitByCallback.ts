import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { createPresenter, type Presenter, redactedMessage } from '../errors/presenter';
import { InputProblem, type Outcome, refusedPastMaxWait, type SubmittedTask } from '../errors/outcomes';
import { isObject, type Task } from '../transport/task';
import { taskToItem } from '../output/items';
import type { Ledger } from '../helpers/paidTasks';
import { readDownloadField } from '../request/downloadChoice';
import { isLocalUrl } from '../transport/addresses';
import { createClient, type ViduClient } from '../transport/client';
import { ViduFailure } from '../transport/failure';
import { pause, systemClock } from '../helpers/clock';
import * as bell from './doorbell';
import { refuseForged } from './signature';
import { inPool, PARALLEL_CHECKS, PARALLEL_SUBMITS } from '../helpers/pool';
import { CALLBACK_CHECK, SUBMISSION_UNTIL_ACCEPTED, withRetries } from '../helpers/retry';
import type { WaitSettings } from '../helpers/waitSettings';
import { submitItem } from '../helpers/submitTask';

/** Failures become error items: after a pause the node can no longer stop the workflow with its own error. */
async function finishRun(client: ViduClient, states: bell.States, tasks: Array<Task | undefined>, model: string, field?: string) {
	const outcomes: Array<Outcome<INodeExecutionData>> = [];
	await inPool([...states.keys()], PARALLEL_CHECKS, async (index) => {
		const task = tasks[index];
		// Status calls are not counted across the pause; status answers need not repeat the model.
		const stats = { elapsedSeconds: null, statusChecks: null };
		outcomes[index] = !task
			? { ok: false, error: new Error(states[index]?.message ?? 'Not submitted') }
			: await taskToItem(client, { ...task, model: task.model ?? model }, index, stats, field).then(
					(value) => ({ ok: true, value }),
					(error: unknown) => ({ ok: false, error }),
				);
	});
	return outcomes;
}

/** Submits every task with the resume URL as callback, notes its id on its input item (webhook()'s only state), and pauses. */
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
	// Outside a manual run, a local resume URL means WEBHOOK_URL is not set: refused before anything is paid.
	if (isLocalUrl(resumeUrl) && this.getMode() !== 'manual' && !wait.allowLocalResumeUrl) {
		throw new InputProblem(
			`Wait Mode Callback: n8n's resume URL points at this machine (${resumeUrl.split('?')[0]})`,
			"The API could never call it back. Set WEBHOOK_URL to n8n's public address on every n8n process (main, workers and webhook processes), or use Wait Mode Poll. If the API really runs on this machine (a test mock), turn on Wait Options → Allow Local Resume URL.",
		);
	}
	// The same token on every try (Retry On Fail): tasks kept from an earlier try call back with it.
	const run = ledger.runToken(bell.newRunToken);
	const submitted: SubmittedTask[] = [];
	// One deadline for the run: endless 429s end by Max Wait, whatever the item count.
	const deadline = systemClock.now() + wait.maxWaitMinutes * 60_000;
	const submitSettings = { policy: SUBMISSION_UNTIL_ACCEPTED, timeoutMs: wait.requestTimeoutMs, deadline };
	const tasks: Array<Task | undefined> = [];
	let firstFailure: { index: number; error: unknown } | undefined;
	let refusedUntilDeadline = false;
	await inPool([...items.keys()], PARALLEL_SUBMITS, async (index) => {
		// After a failure without Continue On Fail, what has not been sent stays unsent (nothing paid).
		if (firstFailure) return;
		try {
			if (refusedUntilDeadline) throw refusedPastMaxWait(wait.maxWaitMinutes);
			const overrides = { callbackUrl: bell.callbackUrlFor(resumeUrl, index, run) };
			const task = await submitItem.call(this, client, ledger, index, { ...submitSettings, overrides });
			tasks[index] = task;
			submitted.push({ index, taskId: task.id, state: task.state });
			items[index].json[bell.STATE_FIELD] = bell.waitingState(task.id, run);
		} catch (error) {
			// A refusal that outlasted Max Wait ends every item not yet sent.
			if (error instanceof ViduFailure && error.retry.rateLimited) refusedUntilDeadline = true;
			if (!this.continueOnFail()) firstFailure ??= { index, error };
			else items[index].json[bell.STATE_FIELD] = bell.failedSubmissionState(presenter.error(error, index).message);
		}
	});
	// Submissions already sent when one failed are paid for: the error names them all.
	if (firstFailure) throw presenter.runError(firstFailure.error, firstFailure.index, submitted);
	if (tasks.every((task) => !task || task.state !== 'running')) {
		const states = items.map((item) => bell.asCallbackState(item.json[bell.STATE_FIELD]));
		return presenter.outcomes(await finishRun(client, states, tasks, String(this.getNodeParameter('model', 0)), downloadField));
	}
	await this.putExecutionToWait(new Date(Date.now() + wait.maxWaitMinutes * 60_000));
	return presenter.items(items);
}

const LAGGING_STATUS_RECHECKS_MS = [1000, 2000, 3000];

/** Never throws (n8n would answer 500 and resume with an empty item): on any fault, 503 and the execution keeps waiting. */
export async function answerCallback(this: IWebhookFunctions, memory: bell.DoorbellMemory): Promise<IWebhookResponseData> {
	try {
		// Vidu's own API signs its callbacks: a forged one is refused before anything is asked or resumed.
		const forged = await refuseForged(this, memory);
		if (forged) return forged;
		// No getInputData() here; an entry is an item or (n8n 2.x "combined" binary mode) its JSON. Only states are serialised.
		const expression = `{{ JSON.stringify($input.all().map((entry) => entry.${bell.STATE_FIELD} ?? entry.json?.${bell.STATE_FIELD} ?? null)) }}`;
		const states: bell.States = (JSON.parse(String(this.evaluateExpression(expression, 0))) as unknown[]).map(bell.asCallbackState);
		// Without a JSON object body the callback still only means "look again".
		const sent: unknown = this.getBodyData();
		const body = isObject(sent) ? sent : {};
		const doorbell = bell.readDoorbell(this.getQueryData() as IDataObject, body, states);
		if (!doorbell.ok) return bell.reply(this, 404, { error: doorbell.reason });
		if (bell.claimsStillRunning(body)) return { webhookResponse: { received: true } };
		const client = await createClient(this);
		// Everything the resume needs is read before it is claimed: nothing after the claim may fail.
		const field = readDownloadField((property) => this.getNodeParameter(property.name, property.default));
		const presenter = await createPresenter(this);
		const model = String(this.getNodeParameter('model', ''));
		const thisPause = bell.pauseKey(this.getExecutionId(), doorbell.run);
		const check = async (taskId: string) => await withRetries(async () => await client.getTask(taskId), CALLBACK_CHECK, systemClock);
		const order = bell.checkOrder(doorbell.index, states);
		const sweepRun = async () => await memory.coalesced(thisPause, async () => await bell.sweep(order, states, check));
		if (bell.claimsFinished(body)) memory.noteClaimedFinished(thisPause, doorbell.taskId);
		let outcome = await sweepRun();
		// A gateway's status can lag the callback that said the task is finished, and it may be the run's last.
		for (const waitMs of LAGGING_STATUS_RECHECKS_MS) {
			if (outcome.allFinished || !memory.claimedFinished(thisPause, outcome.waitingFor)) break;
			await pause(systemClock, waitMs);
			outcome = await sweepRun();
		}
		if (!outcome.allFinished) return { webhookResponse: { received: true, waitingFor: outcome.waitingFor } };
		if (!memory.claimResume(thisPause)) return { webhookResponse: { received: true, resumed: true } };
		// Answered before the downloads: past its timeout the provider would deliver again.
		this.getResponseObject().status(200).json({ received: true, resumed: true });
		const outcomes = await finishRun(client, states, outcome.tasks, model, field);
		// Items without a state were not this run's (Execute Once keeps every input item with the paused node).
		const output = presenter.outcomes(outcomes).filter((_, index) => states[index] !== undefined);
		return { noWebhookResponse: true, workflowData: [output] };
	} catch (error) {
		const said = await redactedMessage(this, error);
		this.logger?.warn(`Vidu callback not handled, the execution keeps waiting: ${said}`, { executionId: this.getExecutionId() });
		if (this.getResponseObject().headersSent) return { noWebhookResponse: true };
		return bell.reply(this, 503, { received: true, retry: 'the tasks could not be checked now: call again later' });
	}
}
