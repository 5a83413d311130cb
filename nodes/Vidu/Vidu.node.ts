import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as video from './actions/video';

export class Vidu implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vidu',
		name: 'vidu',
		icon: { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ { generate: "Generate From Image", submit: "Submit Only", getTask: "Get Task" }[$parameter["operation"]] }}',
		description: 'Turn a still image into a 5-second 1080p video with Vidu Q1',
		defaults: { name: 'Vidu' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'viduApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...video.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
