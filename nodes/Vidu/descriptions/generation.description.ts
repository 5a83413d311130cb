import type { INodeProperties } from 'n8n-workflow';

import { MODEL_FIELD, OPTIONS_BY_LABEL, PROMPT_FIELD, TOGGLE_FIELDS } from '../request/apiFields';

/** The UI of the API's request parameters, as request/apiFields.ts describes them. */
export const modelProperty: INodeProperties = MODEL_FIELD.property;

export const promptProperty: INodeProperties = PROMPT_FIELD.property;

/**
 * Node version 1 kept every optional parameter under Options; workflows saved with it keep that
 * layout. From 1.1, Audio and Watermark are switches beside Prompt that show their own fields.
 */
const VERSION_1 = [1];
const FROM_VERSION_1_1 = [1.1];

/** Audio, Voice ID, Watermark and its fields (version 1.1): each dependent field shows once its switch is on. */
export const toggleProperties: INodeProperties[] = TOGGLE_FIELDS.map((field) => ({
	...field.property,
	displayOptions: { show: { '@version': FROM_VERSION_1_1, ...(field.onlyWith ? { [field.onlyWith]: [true] } : {}) } },
}));

const collection = (fields: typeof OPTIONS_BY_LABEL, version: number[]): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { '@version': version } },
	options: fields.map((field) => field.property),
});

/** Every other optional API parameter, alphabetical by label, each showing the API default. */
export const generationOptions: INodeProperties[] = [
	collection(OPTIONS_BY_LABEL, VERSION_1),
	collection(
		OPTIONS_BY_LABEL.filter((field) => !TOGGLE_FIELDS.includes(field)),
		FROM_VERSION_1_1,
	),
];
