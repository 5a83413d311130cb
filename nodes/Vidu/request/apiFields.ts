import type { INodeProperties } from 'n8n-workflow';

import { KINDS, MODELS, offers, snakeCase, type TaskKind, upperFirst } from './models';

/** Each API parameter once: options, body and checks derive from this table, in the API's order (docs/api-contract.md#create-body). */
export interface ApiField {
	api: string;
	property: INodeProperties;
	/** 'choice': one of the property's options; 'url': an http(s) URL or empty; 'wholeNumber': an integer ≥ 0. */
	check?: 'choice' | 'url' | 'wholeNumber' | { maxChars: number };
	/** Sent (and checked) only when this boolean option is on: the API ignores it otherwise, or misreads it. */
	onlyWith?: string;
}

type Entry = INodeProperties & Omit<ApiField, 'api' | 'property'>;
/** The Model choice that sends a Model ID typed by hand (or from an expression) as given. */
export const OTHER_MODEL = 'other';

/** The models that take an optional field (models.ts `takes`): it shows only for them. */
const modelsTaking = (name: string): string[] => [
	...MODELS.filter((model) => model.takes.includes(name)).map((model) => model.id),
	// A model the node does not know may take any of them.
	OTHER_MODEL,
];
const field = ({ check, onlyWith, ...property }: Entry): ApiField => ({ api: snakeCase(property.name), check, onlyWith, property });
const optionField = (entry: Entry): ApiField => {
	const show = { ...entry.displayOptions?.show, '/model': modelsTaking(entry.name) };
	return field({ ...entry, displayOptions: { ...entry.displayOptions, show } });
};

export const OTHER_MODEL_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Model ID',
		name: 'modelId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. viduq3_pro_img2video',
		displayOptions: { show: { model: [OTHER_MODEL] } },
		description: "The gateway's ID of the model, sent as given; images and prompt go as for the operation's kind",
	},
	{
		displayName: 'Extra Parameters (JSON)',
		name: 'extraParams',
		type: 'json',
		default: '{}',
		displayOptions: { show: { model: [OTHER_MODEL] } },
		description:
			'More API parameters for this model, as a JSON object, added to the request as given (the images, prompt and options set above come first)',
	},
];

/** The Model parameter of each kind. Workflows saved with the default store no model: it never changes within a node version. */
export const MODEL_FIELDS: Record<TaskKind, ApiField> = {
	img2video: modelField('img2video', 'viduq1_img2video', 'The Vidu model that animates the image'),
	startEnd2video: modelField(
		'startEnd2video',
		'viduq3_pro_start_end2video',
		'The Vidu model that moves from the start frame to the end frame',
	),
	text2video: modelField('text2video', 'viduq3_pro_text2video', 'The Vidu model that makes the video from the prompt'),
	reference2video: modelField('reference2video', 'viduq3_i2v_reference', 'The Vidu model that makes the video from the references'),
	extend: modelField('extend', 'viduq2_pro_extend', 'The Vidu model that continues the video'),
};

function modelField(kind: TaskKind, fallback: string, description: string): ApiField {
	const options = MODELS.filter((model) => model.kind === kind).map((model) => ({
		name: model.name,
		value: model.id,
		description: `${KINDS[kind].label}, ${offers(model)}`,
	}));
	options.push({
		name: 'Other (by Model ID)',
		value: OTHER_MODEL,
		description: 'A model newer than this node: its ID and any extra parameters, sent as given',
	});
	return field({
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: options.sort((a, b) => (a.name < b.name ? -1 : 1)),
		default: fallback,
		description,
	});
}

/** An option named by its value: "auto" as Auto, "top_left" as Top Left. */
const label = (value: string): string => value.split('_').map(upperFirst).join(' ');
const choice = (value: string) => ({ name: label(value), value });
/** Watermark Position's choices 1–4, and the words some models take instead (models.ts `wmPositionWords`). */
export const WM_POSITIONS = ['top_left', 'top_right', 'bottom_right', 'bottom_left'];

const offered = <T extends string | number>(pick: (lengths: Record<number, string[]>) => T[]) =>
	[...new Set(MODELS.flatMap((model) => pick(model.lengths)))].sort((a, b) => parseInt(String(a)) - parseInt(String(b)));

export const PROMPT_FIELD = field({
	displayName: 'Prompt',
	name: 'prompt',
	placeholder: 'e.g. The camera slowly orbits the sneaker while the laces sway',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	description: 'What should happen in the video. At most 2,000 characters (Vidu Q3: 5,000). Ignored when Recommended Prompt is on.',
});

export const OPTION_FIELDS: ApiField[] = [
	optionField({
		displayName: 'Audio',
		name: 'audio',
		type: 'boolean',
		default: false,
		description:
			'Whether to output the video with dialogue and background sound. Off gives a silent video. Voice ID only takes effect when this is on.',
	}),
	optionField({
		displayName: 'Voice ID',
		name: 'voiceId',
		onlyWith: 'audio',
		type: 'string',
		default: '',
		placeholder: 'e.g. professional_host',
		description:
			"Voice timbre of the dialogue, from the provider's voice list; used only with Audio on. Left empty, the provider picks one.",
	}),
	optionField({
		displayName: 'Recommended Prompt',
		name: 'isRec',
		type: 'boolean',
		default: false,
		description: 'Whether the provider writes the prompt for you. Costs extra points per task, and the Prompt field is then ignored.',
	}),
	optionField({
		displayName: 'Background Music',
		name: 'bgm',
		type: 'boolean',
		default: false,
		description: 'Whether to add background music picked by the provider from its library',
	}),
	optionField({
		displayName: 'Duration (Seconds)',
		name: 'duration',
		check: 'choice',
		type: 'options',
		options: offered((lengths) => Object.keys(lengths).map(Number)).map((value) => ({ name: String(value), value })),
		default: 5,
		description: 'Video length in seconds, as the model offers (Vidu Q1: 5 only; 2.0: 4 or 8; Q2: 1–10; Q3: 1–16)',
	}),
	optionField({
		displayName: 'Seed',
		name: 'seed',
		check: 'wholeNumber',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: Number.MAX_SAFE_INTEGER, numberPrecision: 0 },
		default: 0,
		description: 'Random seed for repeatable results. 0 picks a random seed; any whole number ≥ 0.',
	}),
	optionField({
		displayName: 'Resolution',
		name: 'resolution',
		check: 'choice',
		type: 'options',
		options: offered((lengths) => Object.values(lengths).flat()).map(choice),
		default: '1080p',
		description: 'Output resolution, as the model offers at the chosen duration (Vidu Q1: 1080p only; see each model in Model)',
	}),
	optionField({
		displayName: 'Movement Amplitude',
		name: 'movementAmplitude',
		check: 'choice',
		type: 'options',
		options: ['auto', 'large', 'medium', 'small'].map(choice),
		default: 'auto',
		description: 'How much things move in the video (default Auto)',
	}),
	optionField({
		displayName: 'Payload',
		name: 'payload',
		check: { maxChars: 1_048_576 },
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Any text passed through unchanged with the task, e.g. your own order ID. At most 1,048,576 characters.',
	}),
	optionField({
		displayName: 'Off-Peak Mode',
		name: 'offPeak',
		type: 'boolean',
		// Off-peak tasks finish within 48 hours, far beyond any wait: offered where the node does not wait.
		displayOptions: { show: { '/operation': ['submit'] } },
		default: false,
		description:
			'Whether to generate during off-peak hours for fewer points. The provider lists it as temporarily unavailable. Off-peak tasks finish within 48 hours, longer than this node waits: use Submit Only, then Get Task later. Unfinished tasks are cancelled and refunded.',
	}),
	optionField({
		displayName: 'Watermark',
		name: 'watermark',
		type: 'boolean',
		default: false,
		description: 'Whether to add a watermark to the video. By default none is added.',
	}),
	optionField({
		displayName: 'Watermark Position',
		name: 'wmPosition',
		onlyWith: 'watermark',
		check: 'choice',
		type: 'options',
		options: WM_POSITIONS.map((words, n) => ({ name: label(words), value: n + 1 })),
		default: 3,
		description: 'Where the watermark appears (default Bottom Right); used only with Watermark on',
	}),
	optionField({
		displayName: 'Watermark URL',
		name: 'wmUrl',
		onlyWith: 'watermark',
		check: 'url',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/logo.png',
		description: 'An http(s) URL of the watermark image; used only with Watermark on. Left empty, the default "AI-generated" mark is used.',
	}),
	optionField({
		displayName: 'Callback URL',
		name: 'callbackUrl',
		check: 'url',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/webhook/vidu',
		// In Wait Mode "Callback" the node's own resume URL is the callback: one of the two only.
		displayOptions: { hide: { '/waitMode': ['callback'] } },
		description: 'An http(s) URL the provider calls when the task status changes. Left empty, nothing is sent.',
	}),
	optionField({
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		check: 'choice',
		type: 'options',
		options: [...new Set(MODELS.flatMap((model) => model.aspectRatios ?? []))].map(choice),
		default: '16:9',
		description: 'Width to height of the video made from text or references (Vidu Q1: 16:9, 9:16 or 1:1; Auto: Vidu Q3 references only)',
	}),
	optionField({
		displayName: 'Style',
		name: 'style',
		check: 'choice',
		type: 'options',
		options: ['general', 'anime'].map(choice),
		default: 'general',
		description: 'The look of a video made from text by Vidu Q1',
	}),
];

/** The switches other fields depend on (Audio, Watermark), and those fields: from version 1.1 beside Prompt, not in Options. */
export const TOGGLE_FIELDS: ApiField[] = OPTION_FIELDS.filter(
	(field) => field.onlyWith !== undefined || OPTION_FIELDS.some((other) => other.onlyWith === field.property.name),
);

export const OPTIONS_BY_LABEL: ApiField[] = [...OPTION_FIELDS].sort((a, b) => (a.property.displayName < b.property.displayName ? -1 : 1));
