import type { INodeProperties } from 'n8n-workflow';

import { MODEL_FIELD, OPTIONS_BY_LABEL, PROMPT_FIELD, TOGGLE_FIELDS } from '../request/apiFields';

export const modelProperty: INodeProperties = MODEL_FIELD.property;
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
