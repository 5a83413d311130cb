import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { OPTION_FIELDS, PROMPT_FIELD, WM_POSITIONS } from './apiFields';
import { modelById, type TaskKind } from './models';
import type { ApiName } from '../transport/credential';
import { trackingSpentBuffers } from '../transport/gcNudge';
import { base64Length, type EncodedImage } from './encode';

/** The optional API fields, keyed by UI parameter name (apiFields.ts). */
export type GenerationOptions = Record<string, string | number | boolean | undefined>;

export interface GenerationRequest {
	model: string;
	/** Data URIs or http(s) URLs, in the order the kind takes them (none for text to video). */
	images: string[];
	prompt?: string;
	options: GenerationOptions;
	/** For a model the node does not know: parameters sent as given. */
	extra?: IDataObject;
	/** The video to extend: `video_url` or `video_creation_id`. */
	video?: IDataObject;
	/** Vidu's own API takes the fields flat, the gateway wrapped in `input[].params`. */
	api?: ApiName;
}

const hasValue = (value: unknown): boolean => value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');

/**
 * The create body (docs/api-contract.md#create-body). Empty values are not sent: the API would read them as real
 * values. Only the fields the model takes go (all, for a model the node does not know).
 */
export function buildCreateBody(request: GenerationRequest): IDataObject {
	const model = modelById(request.model);
	const images = model?.subjects
		? { subjects: request.images.map((image, n) => ({ id: String(n + 1), images: [image] })) }
		: { images: request.images };
	const params: IDataObject = { ...request.video, ...(request.images.length ? images : {}) };
	if (hasValue(request.prompt)) params[PROMPT_FIELD.api] = request.prompt;
	for (const field of OPTION_FIELDS) {
		const value = request.options[field.property.name];
		if (!hasValue(value) || (field.onlyWith && request.options[field.onlyWith] !== true)) continue;
		if (!model || model.takes.includes(field.property.name)) params[field.api] = value;
	}
	if (model?.wmPositionWords && typeof params.wm_position === 'number') params.wm_position = WM_POSITIONS[params.wm_position - 1];
	if (request.api === 'official') return { ...request.extra, ...params, model: model?.official ?? request.model };
	return { model: request.model, input: [{ params: { ...request.extra, ...params } }] };
}

/** A create body whose size is known before it is sent, so limits are checked before reading the images. */
export interface PlannedBody {
	model: string;
	kind: TaskKind;
	bytes: number;
	/** The ledger's key for this request when n8n retries the node. */
	fingerprint: string;
	/** Anew for each attempt: one buffer, or a stream of the JSON around the images' base64. */
	open(): Promise<Buffer | NodeJS.ReadableStream>;
}

// Each image waits in the JSON as a marker, then the text between markers is sent around the images' base64.
const slot = (n: number) => `\u0001vidu-image-${n}\u0001`;

export function planCreateBody(
	request: Omit<GenerationRequest, 'images'>,
	images: Array<string | EncodedImage>,
	kind: TaskKind = 'img2video',
): PlannedBody {
	const json = JSON.stringify(
		buildCreateBody({ ...request, images: images.map((image, n) => (typeof image === 'string' ? image : slot(n))) }),
	);
	const texts: Buffer[] = [];
	const encoded: EncodedImage[] = [];
	let rest = json;
	images.forEach((image, n) => {
		if (typeof image === 'string') return;
		const [before, after] = rest.split(JSON.stringify(slot(n)).slice(1, -1));
		texts.push(Buffer.from(`${before}data:${image.mime};base64,`));
		encoded.push(image);
		rest = after;
	});
	texts.push(Buffer.from(rest));
	const bytes = texts.reduce((sum, text) => sum + text.length, 0) + encoded.reduce((sum, image) => sum + base64Length(image.byteLength), 0);
	const hash = createHash('sha256');
	encoded.forEach((image, n) => {
		hash.update(texts[n]);
		for (const part of image.identity()) hash.update(part, 'latin1');
	});
	const pieces = async function* () {
		for (const [n, image] of encoded.entries()) {
			yield texts[n];
			yield* image.base64Chunks();
		}
		yield texts[encoded.length];
	};
	const streamOf = encoded.find((image) => image.streamOf)?.streamOf;
	return {
		model: request.model,
		kind,
		bytes,
		fingerprint: hash.update(texts[encoded.length]).digest('base64'),
		open: async () => {
			// Pieces are spent once sent or copied: counted, so that V8 frees them soon (transport/gcNudge.ts).
			if (streamOf) return streamOf(trackingSpentBuffers(pieces()));
			const body = Buffer.allocUnsafe(bytes);
			let at = 0;
			for await (const piece of trackingSpentBuffers(pieces())) at += piece.copy(body, at);
			return body;
		},
	};
}
