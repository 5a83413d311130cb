import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { generationOptions, modelProperty, promptProperty } from '../../descriptions/generation.description';
import { imageProperties } from '../../descriptions/image.description';
import {
	DEFAULT_MAX_WAIT_MINUTES,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_REQUEST_TIMEOUT_SECONDS,
	waitOptions,
} from '../../descriptions/waiting.description';
import { systemClock } from '../../helpers/clock';
import { waitForTask } from '../../helpers/wait';
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

export async function execute(
	this: IExecuteFunctions,
	client: ViduClient,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const body = await readCreateBody.call(this, itemIndex);
	const wait = this.getNodeParameter('waitOptions', itemIndex, {}) as {
		pollIntervalSeconds?: number;
		maxWaitMinutes?: number;
		requestTimeoutSeconds?: number;
	};
	const maxWaitMinutes = wait.maxWaitMinutes ?? DEFAULT_MAX_WAIT_MINUTES;
	const call = { itemIndex, timeoutMs: (wait.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000 };
	const started = systemClock.now();
	const submitted = await client.submit(body, call);
	const waited = await waitForTask(
		submitted,
		async (id, deadline) => await client.getTask(id, { ...call, retryUntil: deadline }),
		{
			intervalMs: (wait.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
			maxWaitMs: maxWaitMinutes * 60_000,
			signal: this.getExecutionCancelSignal(),
		},
		systemClock,
	);
	if (waited.outcome !== 'finished') {
		const errorContext = { node: this.getNode(), itemIndex, phase: 'status' as const, redact: client.redact };
		throw waitStoppedError(errorContext, waited.outcome, waited.task, maxWaitMinutes);
	}
	const elapsedSeconds = Math.round((systemClock.now() - started) / 100) / 10;
	return await taskToItem.call(this, client, waited.task, call, elapsedSeconds);
}
