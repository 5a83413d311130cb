import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { InputProblem } from '../../errors/outcomes';
import { clip, isTaskId, MAX_TASK_ID } from '../../transport/task';
import { taskToItem } from '../../output/items';
import { coerce } from '../../request/checks';
import { downloadFieldOf } from '../../request/downloadChoice';
import { systemClock } from '../../helpers/clock';
import { STATUS_QUERY, withRetries } from '../../helpers/retry';
import type { Deps } from '../router';

const taskIdProperty: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. task_abc123',
	description: 'The ID a Generate From Image or Submit Only run returned (field taskId)',
};

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['getTask'] } }, [
	taskIdProperty,
	...downloadProperties,
]);

export async function execute(this: IExecuteFunctions, { client }: Deps, index: number): Promise<INodeExecutionData> {
	// An expression may give a number (taken as text) or an object (refused, not asked about as "[object Object]").
	const typed = coerce(this.getNodeParameter('taskId', index), taskIdProperty);
	if (typed.problem) throw typed.problem;
	const taskId = String(typed.value ?? '').trim();
	const downloadField = downloadFieldOf.call(this, index);
	if (taskId === '')
		throw new InputProblem('Task ID is empty', 'Map the taskId field of a previous Generate From Image or Submit Only run.');
	if (!isTaskId(taskId))
		throw new InputProblem(
			`Task ID: "${clip(taskId, 80)}" is not a task ID`,
			`A task ID is at most ${MAX_TASK_ID} characters and not only dots. Map the taskId field of a previous Generate From Image or Submit Only run (e.g. task_abc123).`,
		);
	const signal = this.getExecutionCancelSignal();
	const task = await withRetries(async () => await client.getTask(taskId), STATUS_QUERY, systemClock, { signal });
	return await taskToItem(client, task, index, { elapsedSeconds: null, statusChecks: 1 }, downloadField);
}
