import type { GenerationOptions, GenerationRequest } from './body';
import { sniffImage } from './image';
import { imageSize } from './imageSize';
import { largestImageFitting, LIMITS, megabytes } from './limits';

/** A user-input problem found before anything is paid for: which field, what is wrong, what to do. */
export interface InputProblem {
	message: string;
	description: string;
}

const problem = (message: string, description: string): InputProblem => ({ message, description });

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value.trim());

const shown = (value: unknown): string => {
	const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
	return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/**
 * Checks an image from its total size and its first bytes (enough for the type and the header),
 * before the rest is read. On success gives the MIME type sniffed from the bytes.
 */
export function checkImage(
	head: Uint8Array,
	byteLength: number,
	field: string,
): { mime: string; problem?: undefined } | { problem: InputProblem } {
	if (byteLength === 0) {
		return { problem: problem(`${field}: the image is empty (0 bytes)`, 'Check that the previous node really produced the image file.') };
	}
	if (byteLength > LIMITS.imageBytes) {
		return {
			problem: problem(
				`${field}: the image is ${megabytes(byteLength)}, over the API's limit of ${megabytes(LIMITS.imageBytes)}`,
				'Resize or compress the image (for example with the Edit Image node) or pass a smaller file.',
			),
		};
	}
	const sniffed = sniffImage(head);
	if (!sniffed.supported) {
		return {
			problem: problem(
				`${field}: the image is ${sniffed.label}, not PNG, JPEG or WebP`,
				'Vidu accepts PNG, JPEG and WebP images only. Convert the image first (for example with the Edit Image node).',
			),
		};
	}
	const size = imageSize(sniffed.mime, head);
	if (!size) {
		return {
			problem: problem(
				`${field}: the ${sniffed.label} image is damaged or cut short: its width and height cannot be read`,
				'Check that the whole file arrived (a download may have been interrupted) and that it opens in an image viewer.',
			),
		};
	}
	const ratio = size.width / size.height;
	if (ratio > LIMITS.maxAspect || ratio < 1 / LIMITS.maxAspect) {
		return {
			problem: problem(
				`${field}: the image is ${size.width}×${size.height} pixels, an aspect ratio of ${ratio >= 1 ? `${ratio.toFixed(2)}:1` : `1:${(1 / ratio).toFixed(2)}`}, outside the API's 1:4 to 4:1`,
				'Crop the image so that neither side is more than 4 times the other.',
			),
		};
	}
	return { mime: sniffed.mime };
}

function checkChoice<T>(value: unknown, allowed: readonly T[], field: string): InputProblem | undefined {
	if (value === undefined || allowed.includes(value as T)) return undefined;
	return problem(
		`${field}: ${shown(value)} is not one of the values the API accepts (${allowed.join(', ')})`,
		`Pick one of ${allowed.join(', ')}, or check the expression that sets ${field}.`,
	);
}

function checkUrl(value: string | undefined, field: string): InputProblem | undefined {
	if (value === undefined || value.trim() === '' || isHttpUrl(value)) return undefined;
	return problem(`${field}: ${shown(value)} is not an http(s) URL`, `Give a full URL starting with http:// or https://, or leave ${field} empty.`);
}

function checkLength(value: string | undefined, max: number, field: string): InputProblem | undefined {
	if (value === undefined || value.length <= max) return undefined;
	return problem(
		`${field}: ${value.length.toLocaleString('en-US')} characters, over the API's limit of ${max.toLocaleString('en-US')}`,
		`Shorten ${field} to at most ${max.toLocaleString('en-US')} characters.`,
	);
}

function checkSeed(seed: GenerationOptions['seed']): InputProblem | undefined {
	if (seed === undefined || (Number.isInteger(seed) && seed >= 0)) return undefined;
	return problem(`Seed: ${shown(seed)} is not a whole number ≥ 0`, 'Use 0 for a random seed, or any whole number such as 42.');
}

/** Every check on the fields other than the image, in the order they appear in the node. */
export function checkParameters(request: Omit<GenerationRequest, 'image'>): InputProblem | undefined {
	const o = request.options;
	return (
		checkChoice(request.model, LIMITS.models, 'Model') ??
		checkLength(request.prompt, LIMITS.promptChars, 'Prompt') ??
		checkUrl(o.callbackUrl, 'Callback URL') ??
		checkChoice(o.duration, LIMITS.durations, 'Duration (Seconds)') ??
		checkChoice(o.movementAmplitude, LIMITS.movementAmplitudes, 'Movement Amplitude') ??
		checkLength(o.payload, LIMITS.payloadChars, 'Payload') ??
		checkChoice(o.resolution, LIMITS.resolutions, 'Resolution') ??
		checkSeed(o.seed) ??
		(o.watermark ? checkChoice(o.wmPosition, LIMITS.watermarkPositions, 'Watermark Position') : undefined) ??
		(o.watermark ? checkUrl(o.wmUrl, 'Watermark URL') : undefined)
	);
}

export function checkImageUrl(url: string): InputProblem | undefined {
	if (url.trim() === '') return problem('Image URL is empty', 'Give a public http(s) link to the image, or map one from the previous node.');
	return checkUrl(url, 'Image URL');
}

/** The create body must stay under the API's request limit; checked before the image is read in full. */
export function checkBodySize(bodyBytes: number, imageChars: number, field: string): InputProblem | undefined {
	if (bodyBytes <= LIMITS.requestBytes) return undefined;
	const largest = largestImageFitting(bodyBytes - imageChars);
	return problem(
		`${field}: the request would be ${megabytes(bodyBytes)}, over the API's limit of ${megabytes(LIMITS.requestBytes)}`,
		`Base64 makes the image a third larger, so the largest image that fits is about ${megabytes(largest)}. Compress or resize the image, or pass it as a URL instead.`,
	)
}
