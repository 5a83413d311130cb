import type { IExecuteFunctions } from 'n8n-workflow';

import { unusableCompletion } from '../output/items';
import type { Ledger } from './paidTasks';
import { readCreateBody } from '../request/createRequest';
import type { GenerationOptions } from '../request/body';
import type { Task } from '../transport/task';
import type { ViduClient } from '../transport/client';
import { systemClock } from './clock';
import { type RetryPolicy, withRetries } from './retry';

export interface SubmitSettings {
	policy: RetryPolicy;
	timeoutMs?: number;
	/** Clock time after which no retry starts (the user's Max Wait). */
	deadline?: number;
	/** Options the node sets itself (the callback URL in Wait Mode Callback). */
	overrides?: Partial<GenerationOptions>;
}

/** Checks the item before anything is paid, and writes the task id to the ledger the moment it exists. */
export async function submitItem(
	this: IExecuteFunctions,
	client: ViduClient,
	ledger: Ledger,
	index: number,
	settings: SubmitSettings,
): Promise<Task> {
	const body = await readCreateBody.call(this, index, settings.overrides);
	// Retry On Fail: the same request for the same item gets the task already paid for.
	const earlier = ledger.fromEarlierTry(index, body.fingerprint);
	if (earlier) return earlier;
	const { deadline, timeoutMs } = settings;
	const submit = async () => await client.submit(body, { timeoutMs });
	const created = await withRetries(submit, settings.policy, systemClock, { deadline, signal: this.getExecutionCancelSignal() });
	// The create answer may not name the model: it is the one asked for. One that says finished but
	// has no video yet is asked again, as a status answer would be.
	const task = { ...created, model: created.model ?? body.model, ...(unusableCompletion(created) ? { state: 'running' as const } : {}) };
	ledger.paid(index, task, body.fingerprint);
	return task;
}
