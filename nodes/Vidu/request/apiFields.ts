import type { INodeProperties } from 'n8n-workflow';

/**
 * Every request parameter of the API, described once: its API name, the UI property that sets it
 * (label, type, choices, default, help) and the check it gets before anything is paid. The node's
 * options, the body's API names, the checks and their labels are all derived from this table.
 * Order: the API reference's (vidu-q1-img2video, docs/api-contract.md#create-body); the UI sorts by label.
 */
export type FieldCheck =
	/** The value must be one of the property's options. */
	| 'choice'
	/** An http(s) URL, or empty. */
	| 'url'
	/** A whole number ≥ 0. */
	| 'wholeNumber'
	| { maxChars: number };

export interface ApiField {
	/** The name in the API's `params` (or at the top of the body for the model). */
	api: string;
	property: INodeProperties;
	check?: FieldCheck;
	/** Sent (and checked) only when this boolean option is on: the API ignores it otherwise, or misreads it. */
	onlyWith?: string;
}

/** Chosen once per node: which model animates the image. Sent at the top of the body. */
export const MODEL_FIELD: ApiField = {
	api: 'model',
	check: 'choice',
	property: {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [{ name: 'Vidu Q1', value: 'viduq1_img2video', description: 'Image to video, 5 seconds at 1080p' }],
		default: 'viduq1_img2video',
		description: 'The Vidu model that animates the image',
	},
};

/** A free-text field with the API's length limit, which its help text states. */
function textField(
	api: string,
	maxChars: number,
	property: Pick<INodeProperties, 'displayName' | 'name' | 'placeholder'> & { rows: number; what: string; more?: string },
): ApiField {
	const { rows, what, more, ...rest } = property;
	const limit = `At most ${maxChars.toLocaleString('en-US')} characters.`;
	return {
		api,
		check: { maxChars },
		property: { ...rest, type: 'string', typeOptions: { rows }, default: '', description: [what, limit, more].filter(Boolean).join(' ') },
	};
}

export const PROMPT_FIELD: ApiField = textField('prompt', 2000, {
	displayName: 'Prompt',
	name: 'prompt',
	rows: 4,
	placeholder: 'e.g. The camera slowly orbits the sneaker while the laces sway',
	what: 'What should happen in the video.',
	more: 'Ignored when Recommended Prompt is on.',
});

/** The optional parameters: under Options, but for the switches and their fields (TOGGLE_FIELDS) from version 1.1. */
export const OPTION_FIELDS: ApiField[] = [
	{
		api: 'audio',
		property: {
			displayName: 'Audio',
			name: 'audio',
			type: 'boolean',
			default: false,
			description:
				'Whether to output the video with dialogue and background sound. Off gives a silent video. Voice ID only takes effect when this is on.',
		},
	},
	{
		api: 'voice_id',
		onlyWith: 'audio',
		property: {
			displayName: 'Voice ID',
			name: 'voiceId',
			type: 'string',
			default: '',
			placeholder: 'e.g. professional_host',
			description:
				"Voice timbre of the dialogue, from the provider's voice list; used only with Audio on. Left empty, the provider picks one.",
		},
	},
	{
		api: 'is_rec',
		property: {
			displayName: 'Recommended Prompt',
			name: 'isRec',
			type: 'boolean',
			default: false,
			description: 'Whether the provider writes the prompt for you. Costs extra points per task, and the Prompt field is then ignored.',
		},
	},
	{
		api: 'bgm',
		property: {
			displayName: 'Background Music',
			name: 'bgm',
			type: 'boolean',
			default: false,
			description: 'Whether to add background music picked by the provider from its library',
		},
	},
	{
		api: 'duration',
		check: 'choice',
		property: {
			displayName: 'Duration (Seconds)',
			name: 'duration',
			type: 'options',
			options: [{ name: '5', value: 5 }],
			default: 5,
			description: 'Video length in seconds. Vidu Q1 offers 5 only.',
		},
	},
	{
		api: 'seed',
		check: 'wholeNumber',
		property: {
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: Number.MAX_SAFE_INTEGER, numberPrecision: 0 },
			default: 0,
			description: 'Random seed for repeatable results. 0 picks a random seed; any whole number ≥ 0.',
		},
	},
	{
		api: 'resolution',
		check: 'choice',
		property: {
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: [{ name: '1080p', value: '1080p' }],
			default: '1080p',
			description: 'Output resolution. Vidu Q1 offers 1080p only.',
		},
	},
	{
		api: 'movement_amplitude',
		check: 'choice',
		property: {
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
	},
	textField('payload', 1_048_576, {
		displayName: 'Payload',
		name: 'payload',
		rows: 2,
		what: 'Any text passed through unchanged with the task, e.g. your own order ID.',
	}),
	{
		api: 'off_peak',
		property: {
			displayName: 'Off-Peak Mode',
			name: 'offPeak',
			type: 'boolean',
			// Off-peak tasks finish within 48 hours, far beyond any wait: offered where the node does not wait.
			displayOptions: { show: { '/operation': ['submit'] } },
			default: false,
			description:
				'Whether to generate during off-peak hours for fewer points. The provider lists it as temporarily unavailable. Off-peak tasks finish within 48 hours, longer than this node waits: use Submit Only, then Get Task later. Unfinished tasks are cancelled and refunded.',
		},
	},
	{
		api: 'watermark',
		property: {
			displayName: 'Watermark',
			name: 'watermark',
			type: 'boolean',
			default: false,
			description: 'Whether to add a watermark to the video. By default none is added.',
		},
	},
	{
		api: 'wm_position',
		onlyWith: 'watermark',
		check: 'choice',
		property: {
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
	},
	{
		api: 'wm_url',
		onlyWith: 'watermark',
		check: 'url',
		property: {
			displayName: 'Watermark URL',
			name: 'wmUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/logo.png',
			description:
				'An http(s) URL of the watermark image; used only with Watermark on. Left empty, the default "AI-generated" mark is used.',
		},
	},
	{
		api: 'callback_url',
		check: 'url',
		property: {
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/webhook/vidu',
			// In Wait Mode "Callback" the node's own resume URL is the callback: one of the two only.
			displayOptions: { hide: { '/waitMode': ['callback'] } },
			description: 'An http(s) URL the provider calls when the task status changes. Left empty, nothing is sent.',
		},
	},
];

/**
 * The switches that other fields depend on (Audio, Watermark) and those fields. From node version 1.1
 * they sit beside Prompt, where turning a switch on shows its fields at once; inside a collection
 * each would need its own "Add Option".
 */
export const TOGGLE_FIELDS: ApiField[] = OPTION_FIELDS.filter(
	(field) => field.onlyWith !== undefined || OPTION_FIELDS.some((other) => other.onlyWith === field.property.name),
);

/** The options in the order the UI shows them (and checks them): alphabetical by label. */
export const OPTIONS_BY_LABEL: ApiField[] = [...OPTION_FIELDS].sort((a, b) => (a.property.displayName < b.property.displayName ? -1 : 1));
