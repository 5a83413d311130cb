import type { INodeProperties } from 'n8n-workflow';

import { MODEL_FIELDS, OPTIONS_BY_LABEL, OTHER_MODEL_PROPERTIES, PROMPT_FIELD, TOGGLE_FIELDS } from '../request/apiFields';
import { KINDS, type TaskKind } from '../request/models';
import { imageProperties } from './image.description';

/** What differs by kind: its Model parameter, then the images it takes. */
export const kindProperties = (kind: TaskKind): INodeProperties[] => [
	MODEL_FIELDS[kind].property,
	...OTHER_MODEL_PROPERTIES,
	...(KINDS[kind].images > 0 ? imageProperties() : []),
	...(KINDS[kind].images > 1 ? imageProperties('end', 'The last frame of the video') : []),
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
