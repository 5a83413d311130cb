import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../descriptions/tool.description';

import * as cancel from './cancel.operation';
import * as generate from './generate.operation';
import * as getTask from './getTask.operation';
import * as submit from './submit.operation';

export { cancel, generate, getTask, submit };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Cancel Task',
				value: 'cancel',
				action: 'Cancel a video task',
				description: 'Cancel a task that has not started yet (Vidu Official API only)',
			},
			{
				name: 'Extend Video',
				value: 'extendVideo',
				action: 'Extend a video',
				description: 'Submit a task that continues a video, and wait until the longer video is ready',
			},
			{
				name: 'Generate From Image',
				value: 'generate',
				action: 'Generate a video from an image',
				description: 'Submit a task and wait until the video is ready',
			},
			{
				name: 'Generate From References',
				value: 'referenceToVideo',
				action: 'Generate a video from reference images',
				description: 'Submit a task that keeps the people, objects or scenes of 1 to 7 images, and wait until the video is ready',
			},
			{
				name: 'Generate From Start and End Frames',
				value: 'startEndToVideo',
				action: 'Generate a video between two frames',
				description: 'Submit a task that moves from a first to a last image, and wait until the video is ready',
			},
			{
				name: 'Generate From Text',
				value: 'textToVideo',
				action: 'Generate a video from text',
				description: 'Submit a task from a prompt alone, and wait until the video is ready',
			},
			{ name: 'Get Task', value: 'getTask', action: 'Get a video task', description: 'Ask once for the state and result of a task' },
			{
				name: 'Submit Only',
				value: 'submit',
				action: 'Submit a video task without waiting',
				description: 'Submit a task and output its ID at once, to fetch the result later with Get Task',
			},
		],
		default: 'generate',
	},
	...toolDescriptionProperties,
	...generate.description,
	...submit.description,
	...getTask.description,
];
