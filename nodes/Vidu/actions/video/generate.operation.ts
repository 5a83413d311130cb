import type { IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { generationOptions, modelProperty, promptProperty } from '../../descriptions/generation.description';
import { imageProperties } from '../../descriptions/image.description';
import { readWaitOptions, waitOptions } from '../../descriptions/waiting.description';
import { type BatchResult, runBatch } from '../../helpers/batch';
import { systemClock } from '../../helpers/clock';
import { DEFAULT_SCHEDULE } from '../../helpers/schedule';
import type { ViduClient } from '../../transport/client';
import { retryHintsOf, waitStoppedError } from '../../transport/errors';
import { asNodeError, errorItem } from '../errorItem';
import { readCreateBody } from './request';
import { taskToItem } from './result';

const properties: INodeProperties[] = [
	modelProperty,
	...imageProperties,
	promptProperty,
	...downloadProperties,
	generationOptions,
	waitOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['generate'] } }, properties);

const STATE_WORDS = { completed: 'completed', failed: 'failed', running: 'still running' };

/** Without Continue On Fail the run stops at the first failure; every task already paid for is named. */
function withSubmittedTasks(error: unknown, result: BatchResult<unknown>, itemIndex: number, node: INode) {
	const nodeError = asNodeError(node, error, itemIndex);
	const others = result.submitted.filter((s) => s.taskId !== nodeError.context.taskId);
	if (others.length) {
		const list = others.map((s) => `${s.taskId} (item ${s.index + 1}, ${STATE_WORDS[s.state]})`).join(', ');
		nodeError.description = `${nodeError.description ?? ''} Other tasks submitted in this run, all paid for: ${list}. Fetch them with Get Task instead of running the whole workflow again.`.trim();
	}
	nodeError.context.taskIds = result.submitted.map((s) => s.taskId);
	return nodeError;
}

/**
 * Submits every item's task (a bounded number in flight), waits for all of them on one shared
 * status schedule, and outputs one item per input item, in input order.
 */
export async function execute(this: IExecuteFunctions, client: ViduClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	// Run-wide settings come from the first item: one schedule serves every task of the run.
	const wait = readWaitOptions.call(this, 0);
	const call = (itemIndex: number) => ({ itemIndex, timeoutMs: wait.requestTimeoutMs });
	const node = this.getNode();

	const result = await runBatch<INodeExecutionData>(
		items.length,
		{
			submit: async (index) => await client.submit(await readCreateBody.call(this, index), call(index)),
			check: async (task, index) => await client.getTask(task.id, { ...call(index), attempts: 1 }),
			finish: async (task, index, stats) =>
				await taskToItem.call(this, client, task, call(index), {
					elapsedSeconds: Math.round(stats.elapsedMs / 100) / 10,
					statusChecks: stats.statusChecks,
				}),
			stopped: (reason, task, index, lastFault) =>
				waitStoppedError(
					{ node, itemIndex: index, phase: 'status', redact: client.redact },
					reason,
					task,
					wait.maxWaitMinutes,
					lastFault,
				),
			retryAdvice: (error) => {
				const hints = retryHintsOf(error);
				return { retry: hints.transient, retryAfterMs: hints.retryAfterMs };
			},
		},
		{
			maxConcurrent: wait.maxConcurrent,
			maxWaitMs: wait.maxWaitMinutes * 60_000,
			schedule: { ...DEFAULT_SCHEDULE, maxGapMs: wait.pollIntervalMs },
			continueOnFail: this.continueOnFail(),
			signal: this.getExecutionCancelSignal(),
		},
		systemClock,
	);

	if (result.firstFailure) {
		throw withSubmittedTasks(result.firstFailure.error, result, result.firstFailure.index, node);
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
