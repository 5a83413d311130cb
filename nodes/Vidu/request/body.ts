import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { MODEL_FIELD, OPTION_FIELDS, PROMPT_FIELD } from './apiFields';
import { modelById } from './models';
import { trackingSpentBuffers } from '../transport/gcNudge';
import { base64Length, type EncodedImage } from './encode';

/** The optional API fields, keyed by UI parameter name (apiFields.ts). */
export type GenerationOptions = Record<string, string | number | boolean | undefined>;

export interface GenerationRequest {
	model: string;
	image: string; // a data URI or an http(s) URL
	prompt?: string;
	options: GenerationOptions;
}

const hasValue = (value: unknown): boolean => value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');

/** The create body (docs/api-contract.md#create-body). Empty values are not sent: the API would read them as real values. */
export function buildCreateBody(request: GenerationRequest): IDataObject {
	const params: IDataObject = { images: [request.image] };
	if (hasValue(request.prompt)) params[PROMPT_FIELD.api] = request.prompt;
	const ignored = modelById(request.model)?.ignores ?? [];
	for (const field of OPTION_FIELDS) {
		const value = request.options[field.property.name];
		if (!hasValue(value) || (field.onlyWith && request.options[field.onlyWith] !== true) || ignored.includes(field.property.name)) continue;
		params[field.api] = value;
	}
	return { [MODEL_FIELD.api]: request.model, input: [{ params }] };
}

/** A create body whose size is known before it is sent, so limits are checked before reading the image. */
export interface PlannedBody {
	model: string;
	bytes: number;
	/** The ledger's key for this request when n8n retries the node. */
	fingerprint: string;
	/** Anew for each attempt: one buffer, or a stream of the JSON around the image's base64. */
	open(): Promise<Buffer | NodeJS.ReadableStream>;
}

// `images` is the first field of the body, so the first occurrence of the marker is the image slot.
const IMAGE_SLOT = '\u0001vidu-image\u0001';
const SLOT_IN_JSON = JSON.stringify(IMAGE_SLOT).slice(1, -1);

export function planCreateBody(request: Omit<GenerationRequest, 'image'>, image: string | EncodedImage): PlannedBody {
	if (typeof image === 'string') {
		const json = Buffer.from(JSON.stringify(buildCreateBody({ ...request, image })));
		return {
			model: request.model,
			bytes: json.length,
			fingerprint: createHash('sha256').update(json).digest('base64'),
			open: async () => json,
		};
	}
	const json = JSON.stringify(buildCreateBody({ ...request, image: IMAGE_SLOT }));
	const slot = json.indexOf(SLOT_IN_JSON);
	const prefix = Buffer.from(`${json.slice(0, slot)}data:${image.mime};base64,`);
	const suffix = Buffer.from(json.slice(slot + SLOT_IN_JSON.length));
	const bytes = prefix.length + base64Length(image.byteLength) + suffix.length;
	const hash = createHash('sha256').update(prefix);
	for (const part of image.identity()) hash.update(part, 'latin1');
	const pieces = async function* () {
		yield prefix;
		yield* image.base64Chunks();
		yield suffix;
	};
	return {
		model: request.model,
		bytes,
		fingerprint: hash.update(suffix).digest('base64'),
		open: async () => {
			// Pieces are spent once sent or copied: counted, so that V8 frees them soon (transport/gcNudge.ts).
			if (image.streamOf) return image.streamOf(trackingSpentBuffers(pieces()));
			const body = Buffer.allocUnsafe(bytes);
			let at = 0;
			for await (const piece of trackingSpentBuffers(pieces())) at += piece.copy(body, at);
			return body;
		},
	};
}
