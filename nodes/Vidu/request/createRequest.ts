import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { OPTION_FIELDS, PROMPT_FIELD, TOGGLE_FIELDS } from './apiFields';
import type { InputProblem } from '../errors/outcomes';
import { type GenerationOptions, type GenerationRequest, type PlannedBody, planCreateBody } from './body';
import { checkBodySize, checkParameters, coerce } from './checks';
import { base64Length } from './encode';
import { readImage } from './imageInput';

/**
 * From node version 1.1, Audio and Watermark are switches beside Prompt with their fields below
 * them. A switch left off is not sent (off is the API's default), nor are the fields it hides.
 */
function readToggles(this: IExecuteFunctions, index: number): IDataObject {
	if (this.getNode().typeVersion < 1.1) return {};
	const values: IDataObject = {};
	for (const { property, onlyWith } of TOGGLE_FIELDS) {
		// Hidden while its switch is off; an expression's answer is judged by the checks after this.
		if (onlyWith && values[onlyWith] === undefined) continue;
		const value = this.getNodeParameter(property.name, index, undefined) as IDataObject[string];
		if (value !== undefined && value !== false) values[property.name] = value;
	}
	return values;
}

/** Model, Prompt and Options as the API takes them, each typed as its UI field says. */
function readTypedParameters(
	this: IExecuteFunctions,
	index: number,
): { parameters: Omit<GenerationRequest, 'image'>; problem?: undefined } | { problem: InputProblem } {
	const prompt = coerce(this.getNodeParameter('prompt', index, ''), PROMPT_FIELD.property);
	if (prompt.problem) return prompt;
	const raw = { ...(this.getNodeParameter('options', index, {}) as IDataObject), ...readToggles.call(this, index) };
	const options: Record<string, unknown> = {};
	for (const { property } of OPTION_FIELDS) {
		if (!(property.name in raw)) continue;
		const typed = coerce(raw[property.name], property);
		if (typed.problem) return typed;
		options[property.name] = typed.value;
	}
	const model = String(this.getNodeParameter('model', index));
	return { parameters: { model, prompt: prompt.value as string | undefined, options: options as GenerationOptions } };
}

/**
 * Reads one item's parameters and plans its create body, after every check that can be made before
 * paying: the parameters (cheap), the image's size and header, the request size. The image itself is
 * read only as the body is sent.
 */
export async function readCreateBody(
	this: IExecuteFunctions,
	index: number,
	/** Options the node sets itself (the callback URL in callback wait mode). */
	overrides: Partial<GenerationOptions> = {},
): Promise<PlannedBody> {
	const typed = readTypedParameters.call(this, index);
	if (typed.problem) throw typed.problem;
	const parameters = { ...typed.parameters, options: { ...typed.parameters.options, ...overrides } };
	const problem = checkParameters(parameters);
	if (problem) throw problem;
	const { image, label } = await readImage.call(this, index);
	const body = planCreateBody(parameters, image);
	const imageChars = typeof image === 'string' ? image.length : base64Length(image.byteLength);
	const tooBig = checkBodySize(body.bytes, imageChars, label);
	if (tooBig) throw tooBig;
	return body;
}

/** Every check of the item's create request, without reading the image in full; throws what is wrong. */
export async function checkCreateRequest(
	this: IExecuteFunctions,
	index: number,
	overrides: Partial<GenerationOptions> = {},
): Promise<void> {
	await readCreateBody.call(this, index, overrides);
}
