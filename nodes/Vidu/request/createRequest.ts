import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { OPTION_FIELDS, PROMPT_FIELD, TOGGLE_FIELDS } from './apiFields';
import { type GenerationOptions, type PlannedBody, planCreateBody } from './body';
import { checkBodySize, checkParameters, coerce } from './checks';
import { base64Length } from './encode';
import { readImage } from './imageInput';
import { modelById } from './models';

/** One item's create body, planned after every check possible before paying; the image itself is read only as the body is sent. */
export async function readCreateBody(
	this: IExecuteFunctions,
	index: number,
	/** Options the node sets itself (the callback URL in callback wait mode). */
	overrides: Partial<GenerationOptions> = {},
): Promise<PlannedBody> {
	const prompt = coerce(this.getNodeParameter('prompt', index, ''), PROMPT_FIELD.property);
	if (prompt.problem) throw prompt.problem;
	const fromOptions = this.getNodeParameter('options', index, {}) as IDataObject;
	// From version 1.1 Audio and Watermark are switches beside Prompt: one left off is not sent, nor the fields it hides.
	// A switch the model turns on when it is not sent (Q3's audio) is sent when off.
	const model = String(this.getNodeParameter('model', index));
	const onUnlessSent = modelById(model)?.onUnlessSent ?? [];
	const toggles: IDataObject = {};
	for (const { property, onlyWith } of this.getNode().typeVersion < 1.1 ? [] : TOGGLE_FIELDS) {
		if (onlyWith && toggles[onlyWith] !== true) continue;
		const value = this.getNodeParameter(property.name, index, undefined) as IDataObject[string];
		if (value !== undefined && (value !== false || onUnlessSent.includes(property.name))) toggles[property.name] = value;
	}
	const raw = { ...fromOptions, ...toggles };
	const options: GenerationOptions = {};
	for (const { property } of OPTION_FIELDS) {
		if (!(property.name in raw)) continue;
		const typed = coerce(raw[property.name], property);
		if (typed.problem) throw typed.problem;
		options[property.name] = typed.value as GenerationOptions[string];
	}
	const request = { model, prompt: prompt.value as string | undefined, options: { ...options, ...overrides } };
	const problem = checkParameters(request);
	if (problem) throw problem;
	const { image, label } = await readImage.call(this, index);
	const body = planCreateBody(request, image);
	const tooBig = checkBodySize(body.bytes, typeof image === 'string' ? image.length : base64Length(image.byteLength), label);
	if (tooBig) throw tooBig;
	return body;
}
