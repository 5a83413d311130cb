import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { generationOptions, kindProperties, promptProperty, toggleProperties } from '../../descriptions/generation.description';
import { KIND_LIST } from '../../request/models';
import { taskToItem } from '../../output/items';
import { readCreateBody } from '../../request/createRequest';
import { SUBMISSION } from '../../helpers/retry';
import { submitItem } from '../../helpers/submitTask';
import type { Deps } from '../router';

const properties: INodeProperties[] = [
	{
		displayName: 'Task Kind',
		name: 'taskKind',
		type: 'options',
		noDataExpression: true,
		options: KIND_LIST.map(([value, { label }]) => ({ name: label, value })),
		default: 'img2video',
		description: 'What the task makes the video from',
	},
	...KIND_LIST.flatMap(([kind]) => updateDisplayOptions({ show: { taskKind: [kind] } }, kindProperties(kind))),
	promptProperty,
	...toggleProperties,
	...generationOptions,
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['submit'] } }, properties);

// Every check before paying: the body is planned, not sent.
export const checkItem = readCreateBody;

export async function execute(this: IExecuteFunctions, { client, ledger }: Deps, index: number): Promise<INodeExecutionData> {
	const task = await submitItem.call(this, client, ledger, index, { policy: SUBMISSION });
	return await taskToItem(client, task, index, { elapsedSeconds: 0, statusChecks: 0 }, undefined);
}
