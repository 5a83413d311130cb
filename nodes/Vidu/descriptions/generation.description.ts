import type { INodeProperties } from 'n8n-workflow';

import { MODEL_FIELDS, OPTIONS_BY_LABEL, OTHER_MODEL_PROPERTIES, PROMPT_FIELD, TOGGLE_FIELDS } from '../request/apiFields';
import { KINDS, type TaskKind } from '../request/models';
import { imageProperties } from './image.description';

/** The video Extend continues: a link, or the creation ID Vidu gave it. */
const videoProperties: INodeProperties[] = [
	{
		displayName: 'Video Source',
		name: 'videoSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'URL', value: 'url', description: 'A public http(s) link to the video, such as the videoUrl of a finished task' },
			{ name: 'Creation ID', value: 'creationId', description: "Vidu's ID of a video it made" },
		],
		default: 'url',
		description: 'The video to extend, 4 seconds to 1 minute long',
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/clip.mp4',
		displayOptions: { show: { videoSource: ['url'] } },
		description: 'A publicly reachable http(s) URL of the video (MP4, MOV or AVI)',
	},
	{
		displayName: 'Creation ID',
		name: 'videoCreationId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { videoSource: ['creationId'] } },
		description: "Vidu's ID of the video to extend",
	},
];

/** What differs by kind: its Model parameter, then the video and images it takes. */
export const kindProperties = (kind: TaskKind): INodeProperties[] => [
	MODEL_FIELDS[kind].property,
	...OTHER_MODEL_PROPERTIES,
	...(KINDS[kind].video ? videoProperties : []),
	...KINDS[kind].images.flatMap((input) => imageProperties(input)),
];

export const promptProperty: INodeProperties = PROMPT_FIELD.property;

// Version 1 keeps every optional parameter under Options; from 1.1 Audio and Watermark are switches beside Prompt.
export const toggleProperties: INodeProperties[] = TOGGLE_FIELDS.map((field) => ({
	...field.property,
	displayOptions: {
		show: { ...field.property.displayOptions?.show, '@version': [1.1], ...(field.onlyWith ? { [field.onlyWith]: [true] } : {}) },
	},
}));

export const generationOptions: INodeProperties[] = [1, 1.1].map((version) => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { '@version': [version] } },
	options: OPTIONS_BY_LABEL.filter((field) => version === 1 || !TOGGLE_FIELDS.includes(field)).map((field) => field.property),
}));
