import type { INodeProperties } from 'n8n-workflow';

import { type ApiField, MODEL_FIELD, OPTIONS_BY_LABEL, PROMPT_FIELD, TOGGLE_FIELDS } from '../request/apiFields';

export const modelProperty: INodeProperties = MODEL_FIELD.property;

export const promptProperty: INodeProperties = PROMPT_FIELD.property;

// Version 1 keeps every optional parameter under Options; from 1.1 Audio and Watermark are switches beside Prompt.
export const toggleProperties: INodeProperties[] = TOGGLE_FIELDS.map((field) => ({
	...field.property,
	displayOptions: { show: { '@version': [1.1], ...(field.onlyWith ? { [field.onlyWith]: [true] } : {}) } },
}));

const collection = (fields: ApiField[], version: number): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { '@version': [version] } },
	options: fields.map((field) => field.property),
});

export const generationOptions: INodeProperties[] = [
	collection(OPTIONS_BY_LABEL, 1),
	collection(
		OPTIONS_BY_LABEL.filter((field) => !TOGGLE_FIELDS.includes(field)),
		1.1,
	),
];
