import type { INodeProperties } from 'n8n-workflow';

export const MODELS = [{ name: 'Vidu Q1', value: 'viduq1_img2video' }];

export const modelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'options',
	options: MODELS.map((model) => ({ ...model, description: 'Image to video, 5 seconds at 1080p' })),
	default: 'viduq1_img2video',
	description: 'The Vidu model that animates the image',
};

export const promptProperty: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	placeholder: 'e.g. The camera slowly orbits the sneaker while the laces sway',
	description: 'What should happen in the video. At most 2000 characters. Ignored when Recommended Prompt is on.',
};

/** Every optional API parameter, alphabetical by display name, each showing the API default. */
export const generationOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Audio',
			name: 'audio',
			type: 'boolean',
			default: false,
			description:
				'Whether to output the video with dialogue and background sound. Off gives a silent video. Voice ID only takes effect when this is on.',
		},
		{
			displayName: 'Background Music',
			name: 'bgm',
			type: 'boolean',
			default: false,
			description: 'Whether to add background music picked by the provider from its library',
		},
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/webhook/vidu',
			// In Wait Mode "Callback" the node's own resume URL is the callback: one of the two only.
			displayOptions: { hide: { '/waitMode': ['callback'] } },
			description: 'An http(s) URL the provider calls when the task status changes. Left empty, nothing is sent.',
		},
		{
			displayName: 'Duration (Seconds)',
			name: 'duration',
			type: 'options',
			options: [{ name: '5', value: 5 }],
			default: 5,
			description: 'Video length in seconds. Vidu Q1 offers 5 only.',
		},
		{
			displayName: 'Movement Amplitude',
			name: 'movementAmplitude',
			type: 'options',
			options: [
				{ name: 'Auto', value: 'auto' },
				{ name: 'Large', value: 'large' },
				{ name: 'Medium', value: 'medium' },
				{ name: 'Small', value: 'small' },
			],
			default: 'auto',
			description: 'How much things move in the video (default Auto)',
		},
		{
			displayName: 'Off-Peak Mode',
			name: 'offPeak',
			type: 'boolean',
			// Off-peak tasks finish within 48 hours, far beyond any wait: offered where the node does not wait.
			displayOptions: { show: { '/operation': ['submit'] } },
			default: false,
			description:
				'Whether to generate during off-peak hours for fewer points. The provider lists it as temporarily unavailable. Off-peak tasks finish within 48 hours, longer than this node waits: use Submit Only, then Get Task later. Unfinished tasks are cancelled and refunded.',
		},
		{
			displayName: 'Payload',
			name: 'payload',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'Any text passed through unchanged with the task, e.g. your own order ID. At most 1,048,576 characters.',
		},
		{
			displayName: 'Recommended Prompt',
			name: 'isRec',
			type: 'boolean',
			default: false,
			description: 'Whether the provider writes the prompt for you. Costs extra points per task, and the Prompt field is then ignored.',
		},
		{
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: [{ name: '1080p', value: '1080p' }],
			default: '1080p',
			description: 'Output resolution. Vidu Q1 offers 1080p only.',
		},
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description: 'Random seed for repeatable results. 0 picks a random seed; any whole number ≥ 0.',
		},
		{
			displayName: 'Voice ID',
			name: 'voiceId',
			type: 'string',
			default: '',
			placeholder: 'e.g. professional_host',
			description:
				"Voice timbre of the dialogue, from the provider's voice list; used only with Audio on. Left empty, the provider picks one.",
		},
		{
			displayName: 'Watermark',
			name: 'watermark',
			type: 'boolean',
			default: false,
			description: 'Whether to add a watermark to the video. By default none is added.',
		},
		{
			displayName: 'Watermark Position',
			name: 'wmPosition',
			type: 'options',
			options: [
				{ name: 'Top Left', value: 1 },
				{ name: 'Top Right', value: 2 },
				{ name: 'Bottom Right', value: 3 },
				{ name: 'Bottom Left', value: 4 },
			],
			default: 3,
			description: 'Where the watermark appears (default Bottom Right); used only with Watermark on',
		},
		{
			displayName: 'Watermark URL',
			name: 'wmUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/logo.png',
			description:
				'An http(s) URL of the watermark image; used only with Watermark on. Left empty, the default "AI-generated" mark is used.',
		},
	],
};
