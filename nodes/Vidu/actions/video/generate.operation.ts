import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { generationOptions, modelProperty, promptProperty } from '../../descriptions/generation.description';
import { imageProperties } from '../../descriptions/image.description';
import { readWaitOptions, waitModeProperties, waitOptions } from '../../descriptions/waiting.description';
import { runBatch } from '../../waiting/poller';
import { systemClock } from '../../waiting/clock';
import { DEFAULT_SCHEDULE } from '../../waiting/schedule';
import type { ViduClient } from '../../transport/client';
import { retryHintsOf, waitStoppedError } from '../../transport/errors';
import { errorItem, withSubmittedTasks } from '../../errors/presenter';
import { executeByCallback } from '../../waiting/callbackWait';
import { readCreateBody } from '../../request/createRequest';
import { downloadFieldOf, taskToItem } from '../../output/items';

const properties: INodeProperties[] = [
	modelProperty,
	...imageProperties,
	promptProperty,
	...downloadProperties,
	...waitModeProperties,
	generationOptions,
	waitOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['generate'] } }, properties);

/**
 * Submits every item's task (a bounded number in flight), waits for all of them on one shared
 * status schedule, and outputs one item per input item, in input order.
 */
export async function execute(this: IExecuteFunctions, client: ViduClient): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('waitMode', 0, 'poll') === 'callback') return await executeByCallback.call(this, client);
	const items = this.getInputData();
	// Run-wide settings come from the first item: one schedule serves every task of the run.
	const wait = readWaitOptions.call(this, 0);
	const call = (itemIndex: number) => ({ itemIndex, timeoutMs: wait.requestTimeoutMs });
	const startedAt = systemClock.now();
	const maxWaitMs = wait.maxWaitMinutes * 60_000;
	const node = this.getNode();

	const result = await runBatch<INodeExecutionData>(
		items.length,
		{
			submit: async (index) =>
				await client.submit(await readCreateBody.call(this, index), {
					...call(index),
					deadline: startedAt + maxWaitMs,
					retryRefused: false,
				}),
			check: async (task, index) => await client.getTask(task.id, { ...call(index), attempts: 1 }),
			finish: async (task, index, stats) =>
				await taskToItem(
					node,
					client,
					task,
					call(index),
					{ elapsedSeconds: Math.round(stats.elapsedMs / 100) / 10, statusChecks: stats.statusChecks },
					downloadFieldOf.call(this, index),
				),
			stopped: (reason, task, index, lastFault) =>
				waitStoppedError({ node, itemIndex: index, phase: 'status', redact: client.redact }, reason, task, wait.maxWaitMinutes, lastFault),
			retryAdvice: (error) => {
				const hints = retryHintsOf(error);
				return { retry: hints.transient, retryAfterMs: hints.retryAfterMs, refused: hints.rateLimited };
			},
		},
		{
			// 0: no cap of the user's; the API's refusals set the pace.
			maxConcurrent: wait.maxConcurrent || Number.POSITIVE_INFINITY,
			maxWaitMs,
			schedule: { ...DEFAULT_SCHEDULE, maxGapMs: wait.pollIntervalMs },
			continueOnFail: this.continueOnFail(),
			signal: this.getExecutionCancelSignal(),
		},
		systemClock,
	);

	if (result.firstFailure) {
		throw withSubmittedTasks(result.firstFailure.error, result.submitted, result.firstFailure.index, node);
	}
	return result.outcomes.map((outcome, index) => {
		if (outcome?.ok) return outcome.value;
		const error =
			outcome?.error ??
			new NodeOperationError(node, 'Not submitted: the execution was cancelled before this item was reached', {
				description: 'Nothing was paid for this item. Run it again.',
				itemIndex: index,
			});
		return errorItem(error, index, client.redact);
	});
}
