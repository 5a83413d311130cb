import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import type { ViduClient } from '../../transport/client';
import { downloadFieldOf, taskToItem } from '../../output/items';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. task_abc123',
		description: 'The ID a Generate From Image or Submit Only run returned (field taskId)',
	},
	...downloadProperties,
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['getTask'] } }, properties);

export async function execute(this: IExecuteFunctions, client: ViduClient, itemIndex: number): Promise<INodeExecutionData> {
	const taskId = String(this.getNodeParameter('taskId', itemIndex)).trim();
	if (taskId === '') {
		throw new NodeOperationError(this.getNode(), 'Task ID is empty', {
			description: 'Map the taskId field of a previous Generate From Image or Submit Only run.',
			itemIndex,
		});
	}
	const call = { itemIndex };
	const task = await client.getTask(taskId, call);
	const stats = { elapsedSeconds: null, statusChecks: 1 };
	return await taskToItem(this.getNode(), client, task, call, stats, downloadFieldOf.call(this, itemIndex));
}
