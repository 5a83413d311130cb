import type { INodeProperties } from 'n8n-workflow';

import { MODEL_FIELD, OPTIONS_BY_LABEL, PROMPT_FIELD } from '../model/apiFields';

/** The UI of the API's request parameters, as model/apiFields.ts describes them. */
export const modelProperty: INodeProperties = MODEL_FIELD.property;

export const promptProperty: INodeProperties = PROMPT_FIELD.property;

/** Every optional API parameter, alphabetical by label, each showing the API default. */
export const generationOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: OPTIONS_BY_LABEL.map((field) => field.property),
};
