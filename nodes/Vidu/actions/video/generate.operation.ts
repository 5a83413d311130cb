import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep, updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { generationOptions, modelProperty, promptProperty } from '../../descriptions/generation.description';
import { imageProperties } from '../../descriptions/image.description';
import {
	DEFAULT_MAX_WAIT_MINUTES,
	DEFAULT_POLL_INTERVAL_SECONDS,
	waitOptions,
} from '../../descriptions/waiting.description';
import { buildCreateBody } from '../../helpers/body';
import type { Task } from '../../helpers/task';
import { type Clock, waitForTask } from '../../helpers/wait';
import type { ViduClient } from '../../transport/client';
import { readGenerationRequest } from './request';
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

export const clock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(ms),
};

function waitStoppedError(
	this: IExecuteFunctions,
	reason: 'timeout' | 'cancelled',
	lastTask: Task,
	itemIndex: number,
	maxWaitMinutes: number,
) {
	const progress = lastTask.progress === null ? '' : `, ${Math.round(lastTask.progress * 100)}% done`;
	const message =
		reason === 'timeout'
			? `Vidu task ${lastTask.id} did not finish within ${maxWaitMinutes} minutes (last status: ${lastTask.apiStatus}${progress})`
			: `Stopped waiting for Vidu task ${lastTask.id}: the execution was cancelled (last status: ${lastTask.apiStatus}${progress})`;
	const error = new NodeOperationError(this.getNode(), message, {
		description: `The task keeps running at the provider and is paid for: do not submit it again. Fetch its result later with the Get Task operation and task ID ${lastTask.id}${reason === 'timeout' ? ', or raise Max Wait (Minutes) in Wait Options' : ''}.`,
		itemIndex,
	});
	error.context.taskId = lastTask.id;
	return error;
}

export async function execute(
	this: IExecuteFunctions,
	client: ViduClient,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const request = await readGenerationRequest.call(this, itemIndex);
	const wait = this.getNodeParameter('waitOptions', itemIndex, {}) as {
		pollIntervalSeconds?: number;
		maxWaitMinutes?: number;
	};
	const maxWaitMinutes = wait.maxWaitMinutes ?? DEFAULT_MAX_WAIT_MINUTES;
	const started = clock.now();
	const submitted = await client.submit(buildCreateBody(request), itemIndex);
	const waited = await waitForTask(
		submitted,
		async (id) => await client.getTask(id, itemIndex),
		{
			intervalMs: (wait.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
			maxWaitMs: maxWaitMinutes * 60_000,
			signal: this.getExecutionCancelSignal(),
		},
		clock,
	);
	if (waited.outcome !== 'finished') {
		throw waitStoppedError.call(this, waited.outcome, waited.task, itemIndex, maxWaitMinutes);
	}
	return await taskToItem.call(this, client, waited.task, itemIndex, Math.round((clock.now() - started) / 100) / 10);
}
