import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

import { IMAGE_INPUTS, imageProperties, named } from '../descriptions/image.description';
import { InputProblem } from '../errors/outcomes';
import { type ImageInput, REFERENCES } from './models';

import { base64Text, decodedLength, type EncodedImage, standardBase64, streamAsBase64, streamMakerLike } from './encode';
import { checkImage, checkUrl } from './checks';

/** The labels the UI shows for the image fields: messages name what the user sees. */
const LABEL: Record<string, string> = Object.fromEntries(
	(Object.keys(IMAGE_INPUTS) as ImageInput[]).flatMap(imageProperties).map((property) => [property.name, property.displayName]),
);

/** Enough of the file for its type and its width and height (JPEG headers can sit behind large metadata). */
const HEAD_BYTES = 1024 * 1024;

function checked(head: Uint8Array, byteLength: number, field: string, content: Omit<EncodedImage, 'mime' | 'byteLength'>): EncodedImage {
	const result = checkImage(head, byteLength, field);
	if (result.problem) throw result.problem;
	return { mime: result.mime, byteLength, ...content };
}

/** Base64 text already in memory, checked from its head: the whole goes into the body as is. */
function inMemory(text: string, label: string, notBase64: string, todo: string): EncodedImage {
	const base64 = standardBase64(text);
	if (base64 === undefined) throw new InputProblem(`${label}: ${notBase64}`, todo);
	const head = Buffer.from(base64.slice(0, (HEAD_BYTES / 3) * 4), BINARY_ENCODING);
	return checked(head, decodedLength(base64), label, base64Text(base64));
}

async function readHead(stream: AsyncIterable<Uint8Array> & { destroy?: () => void }): Promise<Buffer> {
	const parts: Buffer[] = [];
	let length = 0;
	for await (const chunk of stream) {
		parts.push(Buffer.from(chunk));
		length += chunk.length;
		if (length >= HEAD_BYTES) break;
	}
	stream.destroy?.();
	return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

// n8n 2.x's "combined" binary mode keeps an item's files in its JSON under this key (BINARY_IN_JSON_PROPERTY,
// written out: n8n 1.x has no such constant). n8n shows them as `_files.data`; the field name alone is taken too.
const FILES_IN_JSON = '_files';

const isFile = (value: unknown): value is IBinaryData =>
	typeof value === 'object' && value !== null && typeof (value as IBinaryData).mimeType === 'string';

function filesOf(item: INodeExecutionData | undefined): Record<string, IBinaryData> {
	const inJson = Object.entries(item?.json?.[FILES_IN_JSON] ?? {}).filter((entry): entry is [string, IBinaryData] => isFile(entry[1]));
	return { ...Object.fromEntries(inJson), ...item?.binary };
}

/** A binary on disk (n8n 2.x) is streamed: its head is read for the checks, the whole file once, into the body. */
async function fromBinary(this: IExecuteFunctions, index: number, name: string, value: string): Promise<EncodedImage> {
	const field = value.replace(new RegExp(`^${FILES_IN_JSON}\\.`), '');
	const item = this.getInputData()[index];
	const binaries = filesOf(item);
	if (!binaries[field]) {
		const present = Object.keys(binaries);
		throw new InputProblem(
			`${LABEL[name]}: the input item has no binary field "${field}"`,
			present.length
				? `Fields present on this item: ${present.join(', ')}. Set ${LABEL[name]} to one of them.`
				: 'This item carries no binary data at all. Read the image first (Read/Write Files from Disk, HTTP Request with response format File, Google Drive download), or pick the URL or Base64 image source.',
		);
	}
	// n8n's own lookup where the file is in the item's binary; in its JSON (combined mode) the file as found.
	const binary: IBinaryData = item?.binary?.[field] ? this.helpers.assertBinaryData(index, field) : binaries[field];
	const label = `${LABEL[name]} ("${field}")`;
	const { id } = binary;
	// In-memory data can come from a Code node, any text: it goes into the body as is, so it must be base64.
	if (!id)
		return inMemory(
			String(binary.data ?? ''),
			label,
			'the binary data is not valid base64',
			'The previous node put something other than base64 into the binary field. In a Code node, store files with this.helpers.prepareBinaryData(buffer) instead of writing the data field by hand.',
		);
	const byteLength = binary.bytes ?? (await this.helpers.getBinaryMetadata(id)).fileSize;
	const headStream = await this.helpers.getBinaryStream(id);
	const getStream = async () => await this.helpers.getBinaryStream(id);
	return checked(await readHead(headStream), byteLength, label, {
		base64Chunks: async function* () {
			yield* streamAsBase64(await getStream(), byteLength);
		},
		// n8n's id names the stored file: the same id is the same image.
		identity: () => [`n8n binary ${id} ${byteLength}`],
		streamOf: streamMakerLike(headStream),
	});
}

function fromBase64(label: string, value: string): EncodedImage {
	const text = value.trim();
	const payload = text.replace(/^data:([^;,]*)(;[^,]*)?,/i, '').replace(/\s+/g, '');
	if (payload === '')
		throw new InputProblem(
			`${label} is empty`,
			'Map the base64 text or data URI of the image from the previous node, or pick another Image Source.',
		);
	return inMemory(
		payload,
		label,
		'the text is not valid base64',
		`Expected base64 text or a data URI such as data:image/png;base64,iVBOR…; got "${text.slice(0, 40)}${text.length > 40 ? '…' : ''}".`,
	);
}

// Reference images come as a list from an expression, or as text: URLs split before each new http(s)://
// (a URL may hold commas), base64 by line (a data URI holds a comma), field names by comma.
const SEPARATORS = { url: /\s*,\s*(?=https?:\/\/)|\s*\n\s*/i, base64: /\n/, binary: /,/ };

/** The images of one input (kinds.ts `images`), in order: none, one, or for references 1 to 7. */
export async function readImages(
	this: IExecuteFunctions,
	index: number,
	input: ImageInput,
): Promise<Array<{ image: string | EncodedImage; label: string }>> {
	const { prefix } = IMAGE_INPUTS[input];
	const chosen = this.getNodeParameter(named(prefix, 'imageSource'), index) as 'binary' | 'url' | 'base64' | 'none';
	if (chosen === 'none') return [];
	const name = named(prefix, { binary: 'binaryPropertyName', url: 'imageUrl', base64: 'imageData' }[chosen] ?? 'binaryPropertyName');
	const raw = this.getNodeParameter(name, index) as unknown;
	const many = input === 'references';
	const values = many
		? (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(SEPARATORS[chosen] ?? /,/))
				.map((part) => part.replace(/^[\s,]+|[\s,]+$/g, ''))
				.filter(Boolean)
		: [String(raw ?? '').trim()];
	if (values.length < REFERENCES.min || values.length > REFERENCES.max)
		throw new InputProblem(
			`${LABEL[name]}: ${values.length} images, but a task takes ${REFERENCES.min} to ${REFERENCES.max}`,
			`Give ${REFERENCES.min} to ${REFERENCES.max} reference images, comma-separated (base64: one per line) or as a list from an expression.`,
		);
	const images = [];
	for (const [n, value] of values.entries()) {
		const label = many && values.length > 1 ? `${LABEL[name]} (image ${n + 1})` : LABEL[name];
		if (chosen === 'base64') images.push({ image: fromBase64(label, value), label });
		else if (chosen !== 'url') images.push({ image: await fromBinary.call(this, index, name, value), label });
		else {
			const problem = checkUrl(value, label, true);
			if (problem) throw problem;
			images.push({ image: value, label });
		}
	}
	return images;
}
