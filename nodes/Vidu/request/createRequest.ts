import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { OPTION_FIELDS, PROMPT_FIELD, TOGGLE_FIELDS } from './apiFields';
import { type GenerationOptions, type PlannedBody, planCreateBody } from './body';
import { checkBodySize, checkParameters, coerce } from './checks';
import { base64Length } from './encode';
import { readImage } from './imageInput';
import { KINDS, modelById, type TaskKind } from './models';

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
	const kind = kindOf.call(this, index);
	const problem = checkParameters(request, kind);
	if (problem) throw problem;
	const images = [];
	for (const prefix of ['', 'end'].slice(0, KINDS[kind].images)) images.push(await readImage.call(this, index, prefix));
	const body = planCreateBody(
		request,
		images.map(({ image }) => image),
	);
	const chars = images.map(({ image }) => (typeof image === 'string' ? image.length : base64Length(image.byteLength)));
	const tooBig = checkBodySize(body.bytes, Math.max(0, ...chars), images[chars.indexOf(Math.max(...chars))]?.label ?? 'Prompt');
	if (tooBig) throw tooBig;
	return body;
}

/** The task kind: the operation's, or for Submit Only the Task Kind chosen (Image to Video in workflows saved before it). */
export function kindOf(this: IExecuteFunctions, index: number): TaskKind {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'submit') return this.getNodeParameter('taskKind', index, 'img2video') as TaskKind;
	return (Object.keys(KINDS) as TaskKind[]).find((kind) => KINDS[kind].operation === operation) ?? 'img2video';
}
