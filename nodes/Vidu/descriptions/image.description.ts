import type { INodeProperties } from 'n8n-workflow';

const imageSource = (fallback: 'binary' | 'url', show: NonNullable<INodeProperties['displayOptions']>['show']): INodeProperties => ({
	displayName: 'Image Source',
	name: 'imageSource',
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
	description: 'The first frame of the video: one PNG, JPEG or WebP image, at most 50 MB, aspect ratio between 1:4 and 4:1',
	displayOptions: { show },
});

export const imageProperties: INodeProperties[] = [
	imageSource('binary', { '@tool': [false] }),
	// An AI agent's model has links, not files: its tool starts from URL, but for saved version 1 workflows.
	imageSource('binary', { '@tool': [true], '@version': [1] }),
	imageSource('url', { '@tool': [true], '@version': [1.1] }),
	{
		displayName: 'Input Data Field Name',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { imageSource: ['binary'] } },
		hint: 'The name of the input field containing the image file',
		description: 'The binary field of the input item that holds the image. The file type is read from its first bytes, not its name.',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/product.jpg',
		displayOptions: { show: { imageSource: ['url'] } },
		description: 'A publicly reachable http(s) URL of a PNG, JPEG or WebP image',
	},
	{
		displayName: 'Image Data',
		name: 'imageData',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. data:image/png;base64,iVBORw0KGgo…',
		displayOptions: { show: { imageSource: ['base64'] } },
		description: 'Base64-encoded image, optionally as a data URI. The whole request must stay under 20 MB, so the image under about 15 MB.',
	},
];
