import type { INodeProperties } from 'n8n-workflow';

import { type ApiField, OPTIONS_BY_LABEL, OTHER_MODEL, PROMPT_FIELD } from './apiFields';
import type { GenerationRequest } from './body';
import { sniffImage } from './imageType';
import { imageSize } from './imageSize';
import { InputProblem } from '../errors/outcomes';
import { LIMITS, megabytes } from './limits';
import { KINDS, type Model, modelById, MODELS, offers, type TaskKind } from './models';

type Checked<T> = (T & { problem?: undefined }) | { problem: InputProblem };
type NumberRange = { min?: number; max?: number; integer?: boolean };

const fail = (message: string, description: string) => ({ problem: new InputProblem(message, description) });

const shown = (value: unknown): string => {
	const text = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
	return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

const CUT_SHORT = 'Check that the whole file arrived (a download may have been interrupted) and that it opens in an image viewer.';

/** Checks an image from its size and first bytes, before the rest is read; gives the MIME type sniffed. */
export function checkImage(head: Uint8Array, byteLength: number, field: string): Checked<{ mime: string }> {
	const refuse = (message: string, description: string) => fail(`${field}: ${message}`, description);
	if (byteLength === 0) return refuse('the image is empty (0 bytes)', 'Check that the previous node really produced the image file.');
	if (byteLength > LIMITS.imageBytes)
		return refuse(
			`the image is ${megabytes(byteLength)}, over the API's limit of ${megabytes(LIMITS.imageBytes)}`,
			'Resize or compress the image (for example with the Edit Image node) or pass a smaller file.',
		);
	const sniffed = sniffImage(head);
	if (!sniffed.supported)
		return refuse(
			`the image is ${sniffed.label}, not PNG, JPEG or WebP`,
			'Vidu accepts PNG, JPEG and WebP images only. Convert the image first (for example with the Edit Image node).',
		);
	const size = imageSize(sniffed.mime, head);
	if (!size) return refuse(`the ${sniffed.label} image is damaged or cut short: its width and height cannot be read`, CUT_SHORT);
	// A PNG's pixels are in IDAT chunks after the header: a file that is all in `head` must have one.
	const pngData = () => Buffer.from(head.buffer, head.byteOffset, head.byteLength).indexOf('IDAT', 33, 'latin1') >= 0;
	if (sniffed.mime === 'image/png' && byteLength <= head.length && !pngData())
		return refuse('the PNG image is cut short: it has a header but no image data', CUT_SHORT);
	if (Math.max(size.width, size.height) > LIMITS.maxSidePixels)
		return refuse(
			`the image claims ${size.width}×${size.height} pixels, over the node's limit of ${LIMITS.maxSidePixels} pixels per side`,
			'Resize the image (for example with the Edit Image node); a 1080p video needs no more than about 2000 pixels per side.',
		);
	const ratio = size.width / size.height;
	if (ratio > LIMITS.maxAspect || ratio < 1 / LIMITS.maxAspect)
		return refuse(
			`the image is ${size.width}×${size.height} pixels, an aspect ratio of ${ratio >= 1 ? `${ratio.toFixed(2)}:1` : `1:${(1 / ratio).toFixed(2)}`}, outside the API's 1:4 to 4:1`,
			'Crop the image so that neither side is more than 4 times the other.',
		);
	return { mime: sniffed.mime };
}

/** A number from the UI or from an expression (which may give text, null or anything): typed, then ranged. */
export function readNumber(value: unknown, field: string, { min, max, integer }: NumberRange): Checked<{ value: number }> {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	const range = [min === undefined ? '' : `at least ${min}`, max === undefined ? '' : `at most ${max}`].filter(Boolean).join(' and ');
	const todo = `Use ${integer ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}, or check the expression that sets ${field}.`;
	const refuse = (why: string) => fail(`${field}: ${shown(value)} ${why}`, todo);
	if (typeof number !== 'number' || !Number.isFinite(number)) return refuse('is not a number');
	if (integer && !Number.isInteger(number)) return refuse('is not a whole number');
	if (min !== undefined && number < min) return refuse(`is below the minimum of ${min}`);
	if (max !== undefined && number > max) return refuse(`is over the maximum of ${max}`);
	return { value: number };
}

/** A value typed as its field's UI type says: expressions can give any type; numbers as text and "true"/"false" are taken. */
export function coerce(value: unknown, field: INodeProperties): Checked<{ value: unknown }> {
	const label = field.displayName;
	if (value === undefined || value === null) return { value: undefined };
	if (field.type === 'boolean') {
		if (typeof value === 'boolean') return { value };
		if (value === 'true' || value === 'false') return { value: value === 'true' };
		return fail(`${label}: ${shown(value)} is not true or false`, `Set ${label} to true or false, or check the expression that sets it.`);
	}
	if (field.type === 'number') return readNumber(value, label, {});
	const numberChoices = (field.options ?? []).every((option) => typeof (option as { value?: unknown }).value === 'number');
	if (field.type === 'options' && numberChoices && typeof value === 'string' && value.trim() !== '') {
		const number = Number(value);
		return { value: Number.isFinite(number) ? number : value };
	}
	if (typeof value === 'string' || (field.type === 'options' && typeof value === 'number')) return { value };
	if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
	return fail(
		`${label}: ${shown(value)} is not text`,
		`${label} takes text. Check the expression that sets it: it gives ${Array.isArray(value) ? 'a list' : 'an object'}.`,
	);
}

/** An http(s) URL; empty only when not `required` (the image's). */
export function checkUrl(value: unknown, field: string, required = false): InputProblem | undefined {
	const empty = typeof value !== 'string' || value.trim() === '';
	if (empty && required)
		return new InputProblem(`${field} is empty`, 'Give a public http(s) link to the image, or map one from the previous node.');
	if (empty || /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value.trim())) return undefined;
	const orEmpty = required ? '' : `, or leave ${field} empty`;
	return new InputProblem(
		`${field}: ${shown(value)} is not an http(s) URL`,
		`Give a full URL starting with http:// or https://${orEmpty}.`,
	);
}

/** Characters as a reader counts them: an emoji is one, not the two UTF-16 units of `length`. */
export const characterCount = (text: string): number => text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '_').length;

function checkField({ check, property }: ApiField, value: unknown): InputProblem | undefined {
	const field = property.displayName;
	if (value === undefined || !check) return undefined;
	if (check === 'choice') {
		const allowed = (property.options ?? []).map((option) => (option as { value: unknown }).value);
		if (allowed.includes(value)) return undefined;
		return new InputProblem(
			`${field}: ${shown(value)} is not one of the values the API accepts (${allowed.join(', ')})`,
			`Pick one of ${allowed.join(', ')}, or check the expression that sets ${field}.`,
		);
	}
	if (check === 'url') return checkUrl(value, field);
	if (check === 'wholeNumber') {
		if (Number.isSafeInteger(value) && (value as number) >= 0) return undefined;
		// Past 2^53 a number is no longer exact in JSON as n8n writes it: another seed than the one typed would be sent.
		if (Number.isInteger(value) && (value as number) > 0)
			return new InputProblem(
				`${field}: ${shown(value)} is larger than ${Number.MAX_SAFE_INTEGER}, the largest whole number sent exactly`,
				`Use a smaller whole number, or check the expression that sets ${field}.`,
			);
		return new InputProblem(
			`${field}: ${shown(value)} is not a whole number ≥ 0`,
			`Use a whole number ≥ 0 such as 42, or check the expression that sets ${field}.`,
		);
	}
	return tooLong(value, check.maxChars, field, "the API's");
}

/** Text over `maxChars` characters, named with whose limit it is. */
function tooLong(value: unknown, maxChars: number, field: string, whose: string): InputProblem | undefined {
	// Cheap first: no text has more characters than UTF-16 units.
	if (typeof value !== 'string' || value.length <= maxChars) return undefined;
	const count = characterCount(value);
	if (count <= maxChars) return undefined;
	const max = maxChars.toLocaleString('en-US');
	return new InputProblem(
		`${field}: ${count.toLocaleString('en-US')} characters, over ${whose} limit of ${max}`,
		`Shorten ${field} to at most ${max} characters.`,
	);
}

/** What the chosen model offers: its prompt limit, and its lengths with their resolutions (docs/api-contract.md#models). */
function checkForModel(model: Model, values: Record<string, unknown>): InputProblem | undefined {
	const refuse = (what: string, value: unknown) =>
		new InputProblem(
			`${what}: ${shown(value)} is not offered by ${model.name}, which makes ${offers(model)}`,
			`Pick a value ${model.name} offers, or another model.`,
		);
	const longPrompt = tooLong(values.prompt, model.promptChars, 'Prompt', `${model.name}'s`);
	if (longPrompt) return longPrompt;
	if (values.aspectRatio !== undefined && model.aspectRatios && !model.aspectRatios.includes(values.aspectRatio as string))
		return new InputProblem(
			`Aspect Ratio: ${shown(values.aspectRatio)} is not offered by ${model.name}, which makes ${model.aspectRatios.join(', ')}`,
			`Pick one of ${model.aspectRatios.join(', ')}, or another model.`,
		);
	const lengths = Object.keys(model.lengths).map(Number);
	const duration = values.duration ?? (lengths.includes(5) ? 5 : lengths[0]);
	if (!lengths.includes(duration as number)) return refuse('Duration (Seconds)', duration);
	const resolution = values.resolution;
	if (resolution !== undefined && !model.lengths[duration as number].includes(resolution as string))
		return refuse(`Resolution at ${String(duration)} s`, resolution);
	return undefined;
}

/** The first problem of the fields other than the images, in the order the node shows them. */
export function checkParameters(request: Omit<GenerationRequest, 'images'>, kind: TaskKind): InputProblem | undefined {
	const values: Record<string, unknown> = { ...request.options, model: request.model, prompt: request.prompt };
	const model = modelById(request.model);
	if (request.model !== OTHER_MODEL && model?.kind !== kind) {
		const ids = MODELS.filter((known) => known.kind === kind).map((known) => known.id);
		return new InputProblem(
			`Model: ${shown(request.model)} is not one of the ${KINDS[kind].label} models (${ids.join(', ')})`,
			'Pick one of them, or Other (by Model ID) to send the ID of a newer model as given.',
		);
	}
	for (const field of [PROMPT_FIELD, ...OPTIONS_BY_LABEL]) {
		if (field.onlyWith && values[field.onlyWith] !== true) continue;
		const found = checkField(field, values[field.property.name]);
		if (found) return found;
	}
	if (KINDS[kind].promptRequired && !request.prompt?.trim())
		return new InputProblem('Prompt is empty', `${KINDS[kind].label} needs a prompt saying what the video shows.`);
	return model && checkForModel(model, values);
}

export function checkBodySize(bodyBytes: number, imageChars: number, field: string): InputProblem | undefined {
	if (bodyBytes <= LIMITS.requestBytes) return undefined;
	const largest = Math.floor(((LIMITS.requestBytes - (bodyBytes - imageChars)) / 4) * 3);
	return new InputProblem(
		`${field}: the request would be ${megabytes(bodyBytes)}, over the API's limit of ${megabytes(LIMITS.requestBytes)}`,
		`Base64 makes the image a third larger, so the largest image that fits is about ${megabytes(largest)}. Compress or resize the image, or pass it as a URL instead.`,
	);
}
