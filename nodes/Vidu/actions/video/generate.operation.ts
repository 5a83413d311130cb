import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { sleep, updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { generationOptions, modelProperty, promptProperty } from '../../descriptions/generation.description';
import { imageProperties } from '../../descriptions/image.description';
import {
	DEFAULT_MAX_WAIT_MINUTES,
	DEFAULT_POLL_INTERVAL_SECONDS,
	waitOptions,
} from '../../descriptions/waiting.description';
import { type Clock, waitForTask } from '../../helpers/wait';
import type { ViduClient } from '../../transport/client';
import { waitStoppedError } from '../../transport/errors';
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

export const clock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(ms),
};

export async function execute(
	this: IExecuteFunctions,
	client: ViduClient,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const body = await readCreateBody.call(this, itemIndex);
	const wait = this.getNodeParameter('waitOptions', itemIndex, {}) as {
		pollIntervalSeconds?: number;
		maxWaitMinutes?: number;
	};
	const maxWaitMinutes = wait.maxWaitMinutes ?? DEFAULT_MAX_WAIT_MINUTES;
	const started = clock.now();
	const submitted = await client.submit(body, itemIndex);
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
		const errorContext = { node: this.getNode(), itemIndex, phase: 'status' as const, redact: client.redact };
		throw waitStoppedError(errorContext, waited.outcome, waited.task, maxWaitMinutes);
	}
	return await taskToItem.call(this, client, waited.task, itemIndex, Math.round((clock.now() - started) / 100) / 10);
}
