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

/**
 * The submit step of every operation and wait mode: reads and checks the item (nothing is paid for
 * a bad input), sends it, retrying only what the policy allows, and writes the task id to the ledger
 * the moment it exists. When n8n runs the node again (Retry On Fail), the same request for the same
 * item is answered from the ledger with the task already paid for.
 */
export async function submitItem(
	this: IExecuteFunctions,
	client: ViduClient,
	ledger: Ledger,
	index: number,
	settings: SubmitSettings,
): Promise<Task> {
	const body = await readCreateBody.call(this, index, settings.overrides);
	const earlier = ledger.fromEarlierTry(index, body.fingerprint);
	if (earlier) return earlier;
	const created = await withRetries(
		async () => await client.submit(body, { timeoutMs: settings.timeoutMs }),
		settings.policy,
		systemClock,
		{
			deadline: settings.deadline,
			signal: this.getExecutionCancelSignal(),
		},
	);
	// The create answer may not name the model (nor will the status answers, then): it is the one asked for.
	// One that says finished but has no video yet is asked again, as a status answer would be.
	const task = { ...created, model: created.model ?? body.model, ...(unusableCompletion(created) ? { state: 'running' as const } : {}) };
	ledger.paid(index, task, body.fingerprint);
	return task;
}
