import type { IExecuteFunctions } from 'n8n-workflow';

import { unusableCompletion } from '../output/items';
import type { Ledger } from './paidTasks';
import { readCreateBody } from '../request/createRequest';
import type { GenerationOptions } from '../request/body';
import type { Task } from '../transport/task';
import type { ViduClient } from '../transport/client';
import { systemClock } from './clock';
import { type RetryPolicy, withRetries } from './retry';

/** `deadline`: clock time after which no retry starts (the user's Max Wait); `overrides`: options the node sets (Wait Mode Callback's URL). */
type SubmitSettings = { policy: RetryPolicy; timeoutMs?: number; deadline?: number; overrides?: Partial<GenerationOptions> };
/** Checks the item before anything is paid, and writes the task id to the ledger the moment it exists. */
export async function submitItem(
	this: IExecuteFunctions,
	client: ViduClient,
	ledger: Ledger,
	index: number,
	{ policy, timeoutMs, deadline, overrides }: SubmitSettings,
): Promise<Task> {
	const body = await readCreateBody.call(this, index, overrides);
	// Retry On Fail: the same request for the same item gets the task already paid for.
	const earlier = ledger.fromEarlierTry(index, body.fingerprint);
	if (earlier) return earlier;
	const submit = async () => await client.submit(body, { timeoutMs });
	const created = await withRetries(submit, policy, systemClock, { deadline, signal: this.getExecutionCancelSignal() });
	// The create answer may omit the model (it is the one asked for); one finished without a video is asked again.
	const task = { ...created, model: created.model ?? body.model, ...(unusableCompletion(created) ? { state: 'running' as const } : {}) };
	ledger.paid(index, task, body.fingerprint);
	return task;
}
