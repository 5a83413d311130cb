import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { InputProblem } from '../../errors/outcomes';
import { apiOf } from '../../transport/credential';
import { ViduFailure } from '../../transport/failure';
import { readTaskId } from './getTask.operation';
import type { Deps } from '../router';

export const OFFICIAL_ONLY = 'The Vtrix gateway has no such endpoint: pick API "Vidu Official API" with a key from platform.vidu.com.';

/** Vidu's own API cancels a task that has not started; a started one runs on and is paid for. */
export async function execute(this: IExecuteFunctions, { client }: Deps, index: number): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, index);
	if (apiOf(this) !== 'official') throw new InputProblem('Cancel Task works with Vidu Official API only', OFFICIAL_ONLY);
	const failure: unknown = await client.cancel(taskId).catch((error: unknown) => error);
	// HTTP 400 "task state is scheduled, can not cancel" (platform.vidu.com/docs/cancel-generation).
	if (failure instanceof ViduFailure && failure.details.status === 400 && /can ?not cancel/i.test(failure.details.apiMessage ?? ''))
		throw new InputProblem(
			`Task ${taskId} has already started: Vidu cannot cancel it`,
			'A started task runs to its end and is paid for. Fetch its video later with Get Task.',
		);
	if (failure) throw failure;
	return { json: { taskId, cancelled: true }, pairedItem: { item: index } };
}
