import type { INodeProperties } from 'n8n-workflow';

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/** One image input: its source, then the field, URL or base64 text. The end frame's names start with "end". */
export const named = (prefix: string, name: string) => (prefix ? `${prefix}${name[0].toUpperCase()}${name.slice(1)}` : name);

const imageSource = (prefix: string, what: string, fallback: 'binary' | 'url', show: Show): INodeProperties => ({
	displayName: prefix ? 'End Frame Source' : 'Image Source',
	name: named(prefix, 'imageSource'),
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Binary File',
			value: 'binary',
			description: 'An image file from a previous node (Read/Write Files from Disk, HTTP Request, Google Drive, …)',
		},
		{ name: 'URL', value: 'url', description: 'A public http(s) link to the image; the API downloads it' },
		{ name: 'Base64 / Data URI', value: 'base64', description: 'Base64 text, with or without a data:image/…;base64, prefix' },
	],
	default: fallback,
	description: `${what}: one PNG, JPEG or WebP image, at most 50 MB, aspect ratio between 1:4 and 4:1`,
	displayOptions: { show },
});

export const imageProperties = (prefix = '', what = 'The first frame of the video'): INodeProperties[] => [
	imageSource(prefix, what, 'binary', { '@tool': [false] }),
	// An AI agent's model has links, not files: its tool starts from URL, but for saved version 1 workflows.
	imageSource(prefix, what, 'binary', { '@tool': [true], '@version': [1] }),
	imageSource(prefix, what, 'url', { '@tool': [true], '@version': [1.1] }),
	{
		...{
			displayName: prefix ? 'End Frame Field Name' : 'Input Data Field Name',
			name: named(prefix, 'binaryPropertyName'),
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { [named(prefix, 'imageSource')]: ['binary'] } },
			hint: 'The name of the input field containing the image file',
			description: 'The binary field of the input item that holds the image. The file type is read from its first bytes, not its name.',
		},
		// Two images come in two fields.
		...(prefix ? { default: 'endFrame' } : {}),
	},
	{
		displayName: prefix ? 'End Frame URL' : 'Image URL',
		name: named(prefix, 'imageUrl'),
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/product.jpg',
		displayOptions: { show: { [named(prefix, 'imageSource')]: ['url'] } },
		description: 'A publicly reachable http(s) URL of a PNG, JPEG or WebP image',
	},
	{
		displayName: prefix ? 'End Frame Data' : 'Image Data',
		name: named(prefix, 'imageData'),
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. data:image/png;base64,iVBORw0KGgo…',
		displayOptions: { show: { [named(prefix, 'imageSource')]: ['base64'] } },
		description: 'Base64-encoded image, optionally as a data URI. The whole request must stay under 20 MB, so the image under about 15 MB.',
	},
];
