import type { INodeProperties } from 'n8n-workflow';

import { type ImageInput, upperFirst } from '../request/models';

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/** One image input: its source, then the field, URL or base64 text. The end frame's names start with "end". */
export const named = (prefix: string, name: string) => (prefix ? prefix + upperFirst(name) : name);

type Labels = { prefix: string; label: string; field: string; url: string; data: string; what: string; fieldDefault: string };
const input = (prefix: string, labels: string, what: string, fieldDefault = 'data'): Labels => {
	const [label, field, url, data] = labels.split('|');
	return { prefix, label, field, url, data, what, fieldDefault };
};
const endFrame = (what: string) => input('end', 'End Frame Source|End Frame Field Name|End Frame URL|End Frame Data', what, 'endFrame');

/** What the user sees of each input; its parameter names are `named(prefix, …)`. Two images come in two fields. */
export const IMAGE_INPUTS: Record<ImageInput, Labels> = {
	image: input('', 'Image Source|Input Data Field Name|Image URL|Image Data', 'The first frame of the video: one PNG, JPEG or WebP image'),
	endFrame: endFrame('The last frame of the video: one PNG, JPEG or WebP image'),
	optionalEndFrame: endFrame('An image the extension ends on (optional): one PNG, JPEG or WebP image'),
	references: input(
		'reference',
		'Reference Images Source|Input Data Field Names|Reference Image URLs|Reference Image Data',
		'The people, objects or scenes the video keeps: 1 to 7 PNG, JPEG or WebP images, each',
	),
};

const MANY = '. Several go comma-separated (one per line for base64), or as a list from an expression';

const imageSource = (input: ImageInput, fallback: 'binary' | 'url', show: Show): INodeProperties => {
	const { prefix, label, what } = IMAGE_INPUTS[input];
	const options = [
		{
			name: 'Binary File',
			value: 'binary',
			description: 'An image file from a previous node (Read/Write Files from Disk, HTTP Request, Google Drive, …)',
		},
		{ name: 'URL', value: 'url', description: 'A public http(s) link to the image; the API downloads it' },
		{ name: 'Base64 / Data URI', value: 'base64', description: 'Base64 text, with or without a data:image/…;base64, prefix' },
	];
	const optional = input === 'optionalEndFrame';
	const initial = optional ? 'none' : fallback;
	return {
		displayName: label,
		name: named(prefix, 'imageSource'),
		type: 'options',
		noDataExpression: true,
		options: optional ? [{ name: 'None', value: 'none', description: 'The model picks the ending' }, ...options] : options,
		default: initial,
		description: `${what}, at most 50 MB, aspect ratio between 1:4 and 4:1`,
		displayOptions: { show },
	};
};

export const imageProperties = (input: ImageInput = 'image'): INodeProperties[] => {
	const { prefix, field, url, data, fieldDefault } = IMAGE_INPUTS[input];
	const many = input === 'references' ? MANY : '';
	return [
		imageSource(input, 'binary', { '@tool': [false] }),
		// An AI agent's model has links, not files: its tool starts from URL, but for saved version 1 workflows.
		imageSource(input, 'binary', { '@tool': [true], '@version': [1] }),
		imageSource(input, 'url', { '@tool': [true], '@version': [1.1] }),
		{
			displayName: field,
			name: named(prefix, 'binaryPropertyName'),
			type: 'string',
			default: fieldDefault,
			required: true,
			displayOptions: { show: { [named(prefix, 'imageSource')]: ['binary'] } },
			hint: 'The name of the input field containing the image file',
			description: `The binary field of the input item that holds the image. The file type is read from its first bytes, not its name${many}.`,
		},
		{
			displayName: url,
			name: named(prefix, 'imageUrl'),
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://example.com/product.jpg',
			displayOptions: { show: { [named(prefix, 'imageSource')]: ['url'] } },
			description: `A publicly reachable http(s) URL of a PNG, JPEG or WebP image${many}`,
		},
		{
			displayName: data,
			name: named(prefix, 'imageData'),
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder: 'e.g. data:image/png;base64,iVBORw0KGgo…',
			displayOptions: { show: { [named(prefix, 'imageSource')]: ['base64'] } },
			description: `Base64-encoded image, optionally as a data URI. The whole request must stay under 20 MB, so the image under about 15 MB${many}.`,
		},
	];
};
