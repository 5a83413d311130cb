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

// Cancel Task names its task the same way.
export const description = [
	...updateDisplayOptions({ show: { resource: ['video'], operation: ['getTask', 'cancel'] } }, [taskIdProperty]),
	...updateDisplayOptions({ show: { resource: ['video'], operation: ['getTask'] } }, downloadProperties),
];

/** The Task ID parameter, checked (Get Task, Cancel Task). */
export function readTaskId(this: IExecuteFunctions, index: number): string {
	// An expression may give a number (taken as text) or an object (refused, not asked about as "[object Object]").
	const typed = coerce(this.getNodeParameter('taskId', index), taskIdProperty);
	if (typed.problem) throw typed.problem;
	const taskId = String(typed.value ?? '').trim();
	if (taskId === '')
		throw new InputProblem('Task ID is empty', 'Map the taskId field of a previous Generate From Image or Submit Only run.');
	if (!isTaskId(taskId))
		throw new InputProblem(
			`Task ID: "${clip(taskId, 80)}" is not a task ID`,
			`A task ID is at most ${MAX_TASK_ID} characters and not only dots. Map the taskId field of a previous Generate From Image or Submit Only run (e.g. task_abc123).`,
		);
	return taskId;
}

export async function execute(this: IExecuteFunctions, { client }: Deps, index: number): Promise<INodeExecutionData> {
	const taskId = readTaskId.call(this, index);
	const downloadField = downloadFieldOf.call(this, index);
	const signal = this.getExecutionCancelSignal();
	const task = await withRetries(async () => await client.getTask(taskId), STATUS_QUERY, systemClock, { signal });
	return await taskToItem(client, task, index, { elapsedSeconds: null, statusChecks: 1 }, downloadField);
}
