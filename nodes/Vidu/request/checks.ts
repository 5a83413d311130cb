import { type ApiField, MODEL_FIELD, OPTIONS_BY_LABEL, PROMPT_FIELD } from './apiFields';
import type { GenerationRequest } from './body';
import { sniffImage } from './imageType';
import { imageSize } from './imageSize';
import { InputProblem } from '../errors/outcomes';
import { largestImageFitting, LIMITS, megabytes } from './limits';

const problem = (message: string, description: string): InputProblem => new InputProblem(message, description);

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value.trim());

const shown = (value: unknown): string => {
	const text = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
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
	if (sniffed.mime === 'image/png' && !pngHasImageData(head, byteLength)) {
		return {
			problem: problem(
				`${field}: the PNG image is cut short: it has a header but no image data`,
				'Check that the whole file arrived (a download may have been interrupted) and that it opens in an image viewer.',
			),
		};
	}
	if (Math.max(size.width, size.height) > LIMITS.maxSidePixels) {
		return {
			problem: problem(
				`${field}: the image claims ${size.width}×${size.height} pixels, over the node's limit of ${LIMITS.maxSidePixels} pixels per side`,
				'Resize the image (for example with the Edit Image node); a 1080p video needs no more than about 2000 pixels per side.',
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

/** A number from the UI or from an expression (which may give text, null or anything): typed, then ranged. */
export function readNumber(
	value: unknown,
	field: string,
	limits: { min?: number; max?: number; integer?: boolean },
): { value: number; problem?: undefined } | { problem: InputProblem } {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	const range = [limits.min === undefined ? '' : `at least ${limits.min}`, limits.max === undefined ? '' : `at most ${limits.max}`]
		.filter(Boolean)
		.join(' and ');
	const todo = `Use ${limits.integer ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}, or check the expression that sets ${field}.`;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		return { problem: problem(`${field}: ${shown(value)} is not a number`, todo) };
	}
	if (limits.integer && !Number.isInteger(number)) {
		return { problem: problem(`${field}: ${shown(value)} is not a whole number`, todo) };
	}
	if (limits.min !== undefined && number < limits.min) {
		return { problem: problem(`${field}: ${shown(value)} is below the minimum of ${limits.min}`, todo) };
	}
	if (limits.max !== undefined && number > limits.max) {
		return { problem: problem(`${field}: ${shown(value)} is over the maximum of ${limits.max}`, todo) };
	}
	return { value: number };
}

/** The property of the node description a value belongs to: its label, its type and its choices. */
export interface DescribedField {
	displayName: string;
	type: string;
	options?: Array<{ value?: unknown }> | unknown[];
}

/**
 * A value typed as its field's UI type says. Expressions can give any type: numbers written as
 * text and "true"/"false" are taken; anything else that does not fit is a problem naming the field.
 */
export function coerce(value: unknown, field: DescribedField): { value: unknown; problem?: undefined } | { problem: InputProblem } {
	const label = field.displayName;
	if (value === undefined || value === null) return { value: undefined };
	if (field.type === 'boolean') {
		if (typeof value === 'boolean') return { value };
		if (value === 'true' || value === 'false') return { value: value === 'true' };
		return {
			problem: problem(
				`${label}: ${shown(value)} is not true or false`,
				`Set ${label} to true or false, or check the expression that sets it.`,
			),
		};
	}
	if (field.type === 'number') return readNumber(value, label, {});
	const choices = (field.options ?? []).map((option) => (option as { value?: unknown }).value);
	if (
		field.type === 'options' &&
		choices.every((choice) => typeof choice === 'number') &&
		typeof value === 'string' &&
		value.trim() !== ''
	) {
		const number = Number(value);
		return { value: Number.isFinite(number) ? number : value };
	}
	if (typeof value === 'string' || (field.type === 'options' && typeof value === 'number')) return { value };
	if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
	return {
		problem: problem(
			`${label}: ${shown(value)} is not text`,
			`${label} takes text. Check the expression that sets it: it gives ${Array.isArray(value) ? 'a list' : 'an object'}.`,
		),
	};
}

/** A PNG's pixels are in IDAT chunks after the header; a file that is all in `head` must have one. */
function pngHasImageData(head: Uint8Array, byteLength: number): boolean {
	if (byteLength > head.length) return true;
	return Buffer.from(head.buffer, head.byteOffset, head.byteLength).indexOf('IDAT', 33, 'latin1') >= 0;
}

function checkChoice(value: unknown, allowed: unknown[], field: string): InputProblem | undefined {
	if (value === undefined || allowed.includes(value)) return undefined;
	return problem(
		`${field}: ${shown(value)} is not one of the values the API accepts (${allowed.join(', ')})`,
		`Pick one of ${allowed.join(', ')}, or check the expression that sets ${field}.`,
	);
}

function checkUrl(value: unknown, field: string, required = false): InputProblem | undefined {
	if (typeof value !== 'string' || value.trim() === '' || isHttpUrl(value)) return undefined;
	const orEmpty = required ? '' : `, or leave ${field} empty`;
	return problem(`${field}: ${shown(value)} is not an http(s) URL`, `Give a full URL starting with http:// or https://${orEmpty}.`);
}

/** Characters as a reader counts them: an emoji is one, not the two UTF-16 units of `length`. */
export function characterCount(text: string): number {
	let pairs = 0;
	for (let i = 0; i < text.length - 1; i++) {
		const unit = text.charCodeAt(i);
		if (unit >= 0xd800 && unit <= 0xdbff) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				pairs++;
				i++;
			}
		}
	}
	return text.length - pairs;
}

function checkLength(value: unknown, max: number, field: string): InputProblem | undefined {
	// Cheap first: no text has more characters than UTF-16 units.
	if (typeof value !== 'string' || value.length <= max) return undefined;
	const count = characterCount(value);
	if (count <= max) return undefined;
	return problem(
		`${field}: ${count.toLocaleString('en-US')} characters, over the API's limit of ${max.toLocaleString('en-US')}`,
		`Shorten ${field} to at most ${max.toLocaleString('en-US')} characters.`,
	);
}

function checkWholeNumber(value: unknown, field: string): InputProblem | undefined {
	if (value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0)) return undefined;
	// Past 2^53 a number is no longer exact in JSON as n8n writes it: another seed than the one typed would be sent.
	if (Number.isInteger(value) && (value as number) > 0) {
		return problem(
			`${field}: ${shown(value)} is larger than ${Number.MAX_SAFE_INTEGER}, the largest whole number sent exactly`,
			`Use a smaller whole number, or check the expression that sets ${field}.`,
		);
	}
	return problem(
		`${field}: ${shown(value)} is not a whole number ≥ 0`,
		`Use a whole number ≥ 0 such as 42, or check the expression that sets ${field}.`,
	);
}

/** The check a field of apiFields.ts asks for, labelled with its UI name. */
function checkField({ check, property }: ApiField, value: unknown): InputProblem | undefined {
	const label = property.displayName;
	if (check === 'choice')
		return checkChoice(
			value,
			(property.options ?? []).map((option) => (option as { value: unknown }).value),
			label,
		);
	if (check === 'url') return checkUrl(value, label);
	if (check === 'wholeNumber') return checkWholeNumber(value, label);
	if (check) return checkLength(value, check.maxChars, label);
	return undefined;
}

/** Every check on the fields other than the image, in the order they appear in the node. */
export function checkParameters(request: Omit<GenerationRequest, 'image'>): InputProblem | undefined {
	const values: Record<string, unknown> = { ...request.options, model: request.model, prompt: request.prompt };
	for (const field of [MODEL_FIELD, PROMPT_FIELD, ...OPTIONS_BY_LABEL]) {
		if (field.onlyWith && values[field.onlyWith] !== true) continue;
		const found = checkField(field, values[field.property.name]);
		if (found) return found;
	}
	return undefined;
}

export function checkImageUrl(url: string, label: string): InputProblem | undefined {
	if (url.trim() === '') return problem(`${label} is empty`, 'Give a public http(s) link to the image, or map one from the previous node.');
	return checkUrl(url, label, true);
}

/** The create body must stay under the API's request limit; checked before the image is read in full. */
export function checkBodySize(bodyBytes: number, imageChars: number, field: string): InputProblem | undefined {
	if (bodyBytes <= LIMITS.requestBytes) return undefined;
	const largest = largestImageFitting(bodyBytes - imageChars);
	return problem(
		`${field}: the request would be ${megabytes(bodyBytes)}, over the API's limit of ${megabytes(LIMITS.requestBytes)}`,
		`Base64 makes the image a third larger, so the largest image that fits is about ${megabytes(largest)}. Compress or resize the image, or pass it as a URL instead.`,
	);
}
