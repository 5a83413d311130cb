import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { OPTION_FIELDS, OTHER_MODEL, PROMPT_FIELD, TOGGLE_FIELDS } from './apiFields';
import { type GenerationOptions, type PlannedBody, planCreateBody } from './body';
import { checkBodySize, checkParameters, checkUrl, coerce } from './checks';
import { base64Length } from './encode';
import { readImages } from './imageInput';
import { KIND_LIST, KINDS, modelById, type TaskKind } from './models';
import { InputProblem } from '../errors/outcomes';
import { apiOf } from '../transport/credential';

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
	const chosen = String(this.getNodeParameter('model', index));
	const other = chosen === OTHER_MODEL ? readOtherModel.call(this, index) : undefined;
	const model = other?.model ?? chosen;
	const onUnlessSent = modelById(model)?.onUnlessSent ?? [];
	const toggles: IDataObject = {};
	for (const { property, onlyWith } of this.getNode().typeVersion < 1.1 ? [] : TOGGLE_FIELDS) {
		if (onlyWith && toggles[onlyWith] !== true) continue;
		// Hidden for this model: real n8n throws for a hidden parameter without a fallback.
		const value = this.getNodeParameter(property.name, index, null) as IDataObject[string];
		if (value !== null && value !== undefined && (value !== false || onUnlessSent.includes(property.name))) toggles[property.name] = value;
	}
	const raw = { ...fromOptions, ...toggles };
	const options: GenerationOptions = {};
	for (const { property } of OPTION_FIELDS) {
		if (!(property.name in raw)) continue;
		const typed = coerce(raw[property.name], property);
		if (typed.problem) throw typed.problem;
		options[property.name] = typed.value as GenerationOptions[string];
	}
	const kind = kindOf.call(this, index);
	const request = {
		model,
		prompt: prompt.value as string | undefined,
		options: { ...options, ...overrides },
		extra: other?.extra,
		video: KINDS[kind].video ? readVideo.call(this, index) : undefined,
		api: apiOf(this),
	};
	const problem = checkParameters({ ...request, model: chosen }, kind);
	if (problem) throw problem;
	const images = [];
	for (const input of KINDS[kind].images) images.push(...(await readImages.call(this, index, input)));
	const body = planCreateBody(
		request,
		images.map(({ image }) => image),
		kind,
	);
	// The advice names the largest image, the one worth shrinking.
	const largest = images
		.map(({ image, label }) => ({ label, chars: typeof image === 'string' ? image.length : base64Length(image.byteLength) }))
		.sort((a, b) => b.chars - a.chars)[0] ?? { label: 'Prompt', chars: 0 };
	const tooBig = checkBodySize(body.bytes, largest.chars, largest.label);
	if (tooBig) throw tooBig;
	return body;
}

/** The task kind: the operation's, or for Submit Only the Task Kind chosen (Image to Video in workflows saved before it). */
export function kindOf(this: IExecuteFunctions, index: number): TaskKind {
	const operation = this.getNodeParameter('operation', 0) as string;
	if (operation === 'submit') return this.getNodeParameter('taskKind', index, 'img2video') as TaskKind;
	return KIND_LIST.find(([, { operation: own }]) => own === operation)?.[0] ?? 'img2video';
}

/** The video to extend: its URL, or Vidu's creation ID. */
function readVideo(this: IExecuteFunctions, index: number): IDataObject {
	if (this.getNodeParameter('videoSource', index, 'url') === 'creationId') {
		const id = this.getNodeParameter('videoCreationId', index, '');
		if (typeof id === 'string' && /^[\w.:-]{1,200}$/.test(id.trim())) return { video_creation_id: id.trim() };
		throw new InputProblem(
			`Creation ID: ${JSON.stringify(id)?.slice(0, 80)} is not a creation ID`,
			"Give Vidu's ID of the video to extend (letters, digits, _ . - : only), or pick Video Source URL.",
		);
	}
	const url = this.getNodeParameter('videoUrl', index, '');
	const problem = checkUrl(url, 'Video URL', true);
	if (problem) throw problem;
	return { video_url: (url as string).trim() };
}

/** A model newer than the node: its ID and extra parameters, checked only for their type. */
function readOtherModel(this: IExecuteFunctions, index: number): { model: string; extra: IDataObject } {
	const id = this.getNodeParameter('modelId', index, '');
	if (typeof id !== 'string' || !/^[\w.:/-]{1,200}$/.test(id.trim()))
		throw new InputProblem(
			`Model ID: ${JSON.stringify(id)?.slice(0, 80)} is not a model ID`,
			"Give the gateway's ID of the model, such as viduq3_pro_img2video: letters, digits, _ . - : / only, at most 200.",
		);
	let extra: unknown = this.getNodeParameter('extraParams', index, '{}');
	try {
		if (typeof extra === 'string') extra = JSON.parse(extra.trim() || '{}');
	} catch {
		extra = undefined;
	}
	if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
		throw new InputProblem(
			'Extra Parameters (JSON): not a JSON object',
			'Write the parameters as one JSON object, such as {"aspect_ratio": "16:9"}, or leave {} for none.',
		);
	return { model: id.trim(), extra: extra as IDataObject };
}
