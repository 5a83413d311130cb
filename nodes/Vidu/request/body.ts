import type { IDataObject } from 'n8n-workflow';

import { base64Length, type EncodedImage } from './encode';

/** The node's optional API fields, keyed by UI parameter name; values as n8n hands them over. */
export interface GenerationOptions {
	audio?: boolean;
	voiceId?: string;
	isRec?: boolean;
	bgm?: boolean;
	duration?: number;
	seed?: number;
	resolution?: string;
	movementAmplitude?: string;
	payload?: string;
	offPeak?: boolean;
	watermark?: boolean;
	wmPosition?: number;
	wmUrl?: string;
	callbackUrl?: string;
}

export interface GenerationRequest {
	model: string;
	/** A data URI or an http(s) URL. */
	image: string;
	prompt?: string;
	options: GenerationOptions;
}

/** UI name -> API name. The order is the order of the reference page. */
const API_NAMES: Array<[keyof GenerationOptions, string]> = [
	['audio', 'audio'],
	['voiceId', 'voice_id'],
	['isRec', 'is_rec'],
	['bgm', 'bgm'],
	['duration', 'duration'],
	['seed', 'seed'],
	['resolution', 'resolution'],
	['movementAmplitude', 'movement_amplitude'],
	['payload', 'payload'],
	['offPeak', 'off_peak'],
	['watermark', 'watermark'],
	['wmPosition', 'wm_position'],
	['wmUrl', 'wm_url'],
	['callbackUrl', 'callback_url'],
];

const hasValue = (value: unknown): boolean => value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');

/**
 * The wrapped create body (docs/api-contract.md#create-body). Only parameters with a value are sent: an empty
 * voice ID, watermark URL, callback URL or payload would be read by the API as a real value.
 */
export function buildCreateBody(request: GenerationRequest): IDataObject {
	const params: IDataObject = { images: [request.image] };
	if (hasValue(request.prompt)) params.prompt = request.prompt;
	for (const [uiName, apiName] of API_NAMES) {
		const value = request.options[uiName];
		if (hasValue(value)) params[apiName] = value;
	}
	// voice_id only takes effect with audio, and the watermark fields only with a watermark
	if (params.audio !== true) delete params.voice_id;
	if (params.watermark !== true) {
		delete params.wm_position;
		delete params.wm_url;
	}
	return { model: request.model, input: [{ params }] };
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
