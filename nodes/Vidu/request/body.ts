import type { IDataObject } from 'n8n-workflow';

import { MODEL_FIELD, OPTION_FIELDS, PROMPT_FIELD } from '../model/apiFields';
import { base64Length, type EncodedImage } from './encode';

/** The node's optional API fields, keyed by UI parameter name (model/apiFields.ts); values as n8n hands them over. */
export type GenerationOptions = Record<string, string | number | boolean | undefined>;

export interface GenerationRequest {
	model: string;
	/** A data URI or an http(s) URL. */
	image: string;
	prompt?: string;
	options: GenerationOptions;
}

const hasValue = (value: unknown): boolean => value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');

/**
 * The wrapped create body (docs/api-contract.md#create-body). Only parameters with a value are sent: an empty
 * voice ID, watermark URL, callback URL or payload would be read by the API as a real value. A field
 * that depends on another option (voice_id on audio, the watermark fields on watermark) goes only with it.
 */
export function buildCreateBody(request: GenerationRequest): IDataObject {
	const params: IDataObject = { images: [request.image] };
	if (hasValue(request.prompt)) params[PROMPT_FIELD.api] = request.prompt;
	for (const field of OPTION_FIELDS) {
		const value = request.options[field.property.name];
		if (!hasValue(value) || (field.onlyWith && request.options[field.onlyWith] !== true)) continue;
		params[field.api] = value;
	}
	return { [MODEL_FIELD.api]: request.model, input: [{ params }] };
}

/** A create body whose size is known before it is built, so limits are checked before reading the image. */
export interface PlannedBody {
	bytes: number;
	build(): Promise<Buffer>;
}

// `images` is the first field of the body, so the first occurrence of the marker is the image slot.
const IMAGE_SLOT = '\u0001vidu-image\u0001';

/** Serialises the body with the image written in place: one buffer, no intermediate copies of the image. */
export function planCreateBody(request: Omit<GenerationRequest, 'image'>, image: string | EncodedImage): PlannedBody {
	if (typeof image === 'string') {
		const json = JSON.stringify(buildCreateBody({ ...request, image }));
		return { bytes: Buffer.byteLength(json), build: async () => Buffer.from(json) };
	}
	const json = JSON.stringify(buildCreateBody({ ...request, image: IMAGE_SLOT }));
	const slot = json.indexOf(JSON.stringify(IMAGE_SLOT).slice(1, -1));
	const prefix = Buffer.from(`${json.slice(0, slot)}data:${image.mime};base64,`);
	const suffix = Buffer.from(json.slice(slot + JSON.stringify(IMAGE_SLOT).length - 2));
	const imageChars = base64Length(image.byteLength);
	return {
		bytes: prefix.length + imageChars + suffix.length,
		build: async () => {
			const body = Buffer.allocUnsafe(prefix.length + imageChars + suffix.length);
			prefix.copy(body, 0);
			await image.writeBase64(body, prefix.length);
			suffix.copy(body, prefix.length + imageChars);
			return body;
		},
	};
}
