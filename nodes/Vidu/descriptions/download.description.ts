import type { INodeProperties } from 'n8n-workflow';

export const downloadProperties: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: false,
		// A tool answers its model with text only (URL, task ID, cost): a downloaded file would reach no one.
		displayOptions: { hide: { '@tool': [true] } },
		description:
			'Whether to also put the MP4 file into the output item. Result URLs expire after about 24 hours, so download if you need to keep the video.',
	},
	{
		displayName: 'Put Output in Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { downloadVideo: [true] } },
		hint: 'The name of the output field to put the video file in',
		description: 'The binary field of the output item that receives the MP4',
	},
];
