import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { claimsStillRunning, DoorbellMemory, reply } from '../callback/doorbell';
import { refuseForged } from '../callback/signature';
import { redactedMessage } from '../errors/presenter';
import { taskToItem, taskToJson } from '../output/items';
import { readDownloadField } from '../request/downloadChoice';
import { createClient } from '../transport/client';
import { ViduFailure } from '../transport/failure';
import { isObject, isTaskId, type Task } from '../transport/task';
import { systemClock } from '../helpers/clock';
import { CALLBACK_CHECK, withRetries } from '../helpers/retry';

/** Task ids that started an execution: the last ones kept in the workflow's static data, and in this process. */
const REMEMBERED = 10_000;
/** The event a task's state is, as the Events option names it. */
const EVENT: Record<Task['state'], string> = { completed: 'completed', failed: 'failed', running: 'processing' };

/** Per workflow, what this process started: two callbacks at once both read static data before either is saved. */
const startedHere = new Map<string, Set<string>>();

/** Task ids are unique per API: `where` is the API's address. `remember` marks the task as started. */
function firstTime(ctx: IWebhookFunctions, where: string, taskId: string, remember: boolean): boolean {
	const key = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().name}/${where}`;
	const here = startedHere.get(key) ?? new Set<string>();
	startedHere.set(key, here);
	const data = ctx.getWorkflowStaticData('node');
	const saved = Array.isArray(data.startedTasks) ? (data.startedTasks as string[]) : [];
	if (here.has(taskId) || saved.includes(taskId)) return false;
	if (!remember) return true;
	here.add(taskId);
	if (here.size > REMEMBERED) here.delete(here.values().next().value as string);
	data.startedTasks = [...saved, taskId].slice(-REMEMBERED);
	return true;
}

// Signed callbacks' nonces, remembered as Callback mode remembers them.
const memory = new DoorbellMemory();

/**
 * A callback is a doorbell: the task's state is read from the API with the credential, and only a task it knows, in a
 * state the user picked, starts one execution, once. The provider gets 200 whenever calling again would change nothing.
 */
export async function answerTrigger(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const ignored = (reason: string): IWebhookResponseData => ({ webhookResponse: { received: true, ignored: reason } });
	try {
		const forged = await refuseForged(this, memory);
		if (forged) return forged;
		const body: unknown = this.getBodyData();
		const named = isObject(body) ? [body.id, body.task_id].find((v) => typeof v === 'string' || typeof v === 'number') : undefined;
		const taskId = named === undefined ? '' : String(named).trim();
		if (!taskId || !isTaskId(taskId)) return ignored('no task id');
		const events = this.getNodeParameter('events', ['completed', 'failed']) as string[];
		// Answered without reading the credential or asking the API: neither can start an execution, and a batch
		// brings thousands of callbacks, each costing n8n 2.x an expression isolate while it lasts (docs/performance.md).
		if (!events.includes(EVENT.running) && claimsStillRunning(body as IDataObject))
			return ignored('processing is not an event this trigger starts on');
		const client = await createClient(this);
		if (!firstTime(this, client.baseUrl, taskId, false)) return ignored('this task already started an execution');
		const task = await withRetries(async () => await client.getTask(taskId), CALLBACK_CHECK, systemClock).catch((error: unknown) => error);
		// Not a task of this credential's account (unknown, foreign or forged): nothing to start, nothing to call again for.
		if (task instanceof ViduFailure && task.kind === 'http' && [400, 403, 404].includes(task.details.status ?? 0))
			return ignored('not a task of this account');
		if (!task || task instanceof Error || !('state' in (task as object))) throw task;
		const known = task as Task;
		if (!events.includes(EVENT[known.state])) return ignored(`${EVENT[known.state]} is not an event this trigger starts on`);
		if (known.state !== 'running' && !firstTime(this, client.baseUrl, known.id, true))
			return ignored('this task already started an execution');
		const field = readDownloadField((property) => this.getNodeParameter(property.name, property.default));
		const item =
			known.state === 'completed'
				? await taskToItem(client, known, 0, { elapsedSeconds: null, statusChecks: 1 }, field)
				: { json: { ...taskToJson(known, null, 1), error: known.error as IDataObject | null } };
		return { webhookResponse: { received: true }, workflowData: [[item]] };
	} catch (error) {
		// The status API failing, or an odd answer: the provider calls again (the maker retries finals up to 3 times).
		this.logger?.warn(
			`Vidu Trigger: callback not handled, answered 503 for the provider to call again: ${await redactedMessage(this, error)}`,
		);
		return reply(this, 503, { error: 'could not check the task; call again' });
	}
}
