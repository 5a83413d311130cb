import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { generationOptions, modelProperty, promptProperty } from '../../descriptions/generation.description';
import { imageProperties } from '../../descriptions/image.description';
import type { ViduClient } from '../../transport/client';
import { readCreateBody } from '../../request/createRequest';
import { taskToItem } from '../../output/items';

const properties: INodeProperties[] = [modelProperty, ...imageProperties, promptProperty, generationOptions];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['submit'] } }, properties);

export async function execute(this: IExecuteFunctions, client: ViduClient, itemIndex: number): Promise<INodeExecutionData> {
	const body = await readCreateBody.call(this, itemIndex);
	const call = { itemIndex };
	const task = await client.submit(body, call);
	return await taskToItem(this.getNode(), client, task, call, { elapsedSeconds: 0, statusChecks: 0 }, undefined);
}
