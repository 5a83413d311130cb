/** The task kinds of the gateway's one endpoint: the model id names the kind. */
export type TaskKind = 'img2video' | 'startEnd2video' | 'text2video' | 'reference2video' | 'extend';

/** The image inputs a kind reads, in the order they are sent (descriptions/image.description.ts). */
export type ImageInput = 'image' | 'endFrame' | 'optionalEndFrame' | 'references';

/** Each kind's operation (Submit Only takes any kind), its inputs, and whether it needs a prompt. */
export const KINDS: Record<TaskKind, { label: string; operation: string; images: ImageInput[]; video?: true; promptRequired?: true }> = {
	img2video: { label: 'Image to Video', operation: 'generate', images: ['image'] },
	startEnd2video: { label: 'Start and End Frames to Video', operation: 'startEndToVideo', images: ['image', 'endFrame'] },
	reference2video: { label: 'Reference to Video', operation: 'referenceToVideo', images: ['references'], promptRequired: true },
	text2video: { label: 'Text to Video', operation: 'textToVideo', images: [], promptRequired: true },
	extend: { label: 'Extend a Video', operation: 'extendVideo', images: ['optionalEndFrame'], video: true },
};

export const KIND_LIST = Object.entries(KINDS) as Array<[TaskKind, (typeof KINDS)[TaskKind]]>;

/** Reference images per task (docs/api-contract.md#models). */
export const REFERENCES = { min: 1, max: 7 };

/**
 * One Vidu model as the gateway serves it: each row is the whole truth about a model, cited in
 * docs/api-contract.md#models. The Model options, which fields show, and the checks derive from it.
 */
export interface Model {
	id: string;
	/** Its name on Vidu's own API, which takes the kind from the endpoint. */
	official: string;
	name: string;
	kind: TaskKind;
	/** Video lengths in seconds, each with the resolutions offered at that length. */
	lengths: Record<number, string[]>;
	/** Prompt limit in characters. */
	promptChars: number;
	/** The optional fields (apiFields.ts names) the model takes: only these show for it and are sent. */
	takes: string[];
	aspectRatios?: string[];
	/** Switches the API turns on when they are not sent: one left off is sent as off. */
	onUnlessSent?: string[];
	/** Reference images go as `subjects`, one per image, named 1, 2, … (the prompt calls them @1, @2). */
	subjects?: true;
	/** Watermark Position goes as words (top_left …), not 1–4. */
	wmPositionWords?: true;
}

const seconds = (from: number, to: number, resolutions: string[]): Record<number, string[]> =>
	Object.fromEntries(Array.from({ length: to - from + 1 }, (_, n) => [from + n, resolutions]));
const P540_1080 = ['540p', '720p', '1080p'];
const P720_1080 = ['720p', '1080p'];
const COMMON = ['duration', 'seed', 'resolution', 'payload', 'offPeak', 'watermark', 'wmPosition', 'wmUrl', 'callbackUrl'];
const TAKES: Record<TaskKind, string[]> = {
	img2video: [...COMMON, 'audio', 'voiceId', 'isRec', 'bgm', 'movementAmplitude'],
	startEnd2video: [...COMMON, 'isRec', 'bgm', 'movementAmplitude'],
	text2video: [...COMMON, 'aspectRatio', 'bgm'],
	reference2video: [...COMMON, 'aspectRatio', 'audio'],
	extend: ['duration', 'resolution', 'payload', 'watermark', 'wmPosition', 'wmUrl', 'callbackUrl'],
};
const RATIOS = ['16:9', '9:16', '1:1', '3:4', '4:3'];
/** camelCase as snake_case (API fields, model ids: start_end2video), or with "-" (Vidu's own endpoints: start-end2video). */
export const snakeCase = (name: string, separator = '_'): string => name.replace(/[A-Z]/g, (letter) => separator + letter.toLowerCase());
export const upperFirst = (word: string): string => word[0].toUpperCase() + word.slice(1);

/** A row: the gateway's id is the tier and the kind; a prompt of 2000 characters, and the kind's fields, unless said otherwise. */
const model = (tier: string, name: string, kind: TaskKind, lengths: Record<number, string[]>, more: Partial<Model> = {}): Model => ({
	id: `${tier}_${snakeCase(kind)}`,
	official: tier === 'vidu20' ? 'vidu2.0' : tier.replace(/_/g, '-'),
	name,
	kind,
	lengths,
	promptChars: 2000,
	takes: TAKES[kind],
	...(kind === 'text2video' || kind === 'reference2video' ? { aspectRatios: RATIOS } : {}),
	...more,
});
/** Q3: no background music, no voice choice, no movement setting; audio is on unless turned off. */
const q3 = (kind: TaskKind): Partial<Model> => ({
	promptChars: 5000,
	takes: [...new Set([...TAKES[kind].filter((field) => !['bgm', 'voiceId', 'movementAmplitude'].includes(field)), 'audio'])],
	onUnlessSent: ['audio'],
});

export const MODELS: Model[] = [
	model('viduq1', 'Vidu Q1', 'img2video', { 5: ['1080p'] }),
	model('vidu20', 'Vidu 2.0', 'img2video', { 4: ['360p', '720p', '1080p'], 8: ['720p'] }),
	model('viduq2_turbo', 'Vidu Q2 Turbo', 'img2video', seconds(1, 10, P540_1080)),
	model('viduq2_pro', 'Vidu Q2 Pro', 'img2video', seconds(1, 10, P540_1080)),
	model('viduq2_pro_fast', 'Vidu Q2 Pro Fast', 'img2video', seconds(1, 10, P720_1080)),
	model('viduq3_pro', 'Vidu Q3 Pro', 'img2video', seconds(1, 16, P540_1080), q3('img2video')),
	model('viduq3_turbo', 'Vidu Q3 Turbo', 'img2video', seconds(1, 16, P540_1080), q3('img2video')),

	model('viduq2_pro', 'Vidu Q2 Pro', 'startEnd2video', seconds(1, 8, P540_1080)),
	model('viduq2_turbo', 'Vidu Q2 Turbo', 'startEnd2video', seconds(1, 8, P540_1080)),
	model('viduq2_pro_fast', 'Vidu Q2 Pro Fast', 'startEnd2video', seconds(1, 8, P720_1080)),
	model('viduq3_pro', 'Vidu Q3 Pro', 'startEnd2video', seconds(1, 16, P540_1080), q3('startEnd2video')),
	model('viduq3_turbo', 'Vidu Q3 Turbo', 'startEnd2video', seconds(1, 16, P540_1080), q3('startEnd2video')),

	model(
		'viduq1',
		'Vidu Q1',
		'text2video',
		{ 5: ['1080p'] },
		{ takes: [...TAKES.text2video, 'style', 'movementAmplitude'], aspectRatios: RATIOS.slice(0, 3) },
	),
	model('viduq2', 'Vidu Q2', 'text2video', seconds(1, 10, P540_1080)),
	model('viduq2_pro_fast', 'Vidu Q2 Pro Fast', 'text2video', seconds(1, 8, P720_1080)),
	model('viduq3_pro', 'Vidu Q3 Pro', 'text2video', seconds(1, 16, P540_1080), q3('text2video')),
	model('viduq3_turbo', 'Vidu Q3 Turbo', 'text2video', seconds(1, 16, P540_1080), q3('text2video')),

	model('viduq1', 'Vidu Q1', 'reference2video', { 5: ['1080p'] }, { subjects: true, aspectRatios: RATIOS.slice(0, 3) }),
	model('viduq2', 'Vidu Q2', 'reference2video', seconds(1, 10, P540_1080), { subjects: true }),
	// The gateway's page says 1–8 s, a reseller's 1–10: both accepted.
	model('viduq2_pro_fast', 'Vidu Q2 Pro Fast', 'reference2video', seconds(1, 10, P720_1080), { subjects: true }),
	model('viduq2_pro', 'Vidu Q2 Pro', 'reference2video', seconds(1, 10, P540_1080), {
		id: 'viduq2_pro_reference',
		promptChars: 5000,
		takes: [...COMMON, 'bgm'],
		aspectRatios: undefined,
	}),
	model('viduq3', 'Vidu Q3', 'reference2video', seconds(3, 16, P540_1080), {
		...q3('reference2video'),
		id: 'viduq3_i2v_reference',
		aspectRatios: [...RATIOS, 'auto'],
	}),

	model('viduq2_pro', 'Vidu Q2 Pro', 'extend', seconds(1, 7, P540_1080), { wmPositionWords: true }),
	model('viduq2_turbo', 'Vidu Q2 Turbo', 'extend', seconds(1, 7, P540_1080), { wmPositionWords: true }),
];

export const modelById = (id: string): Model | undefined => MODELS.find((model) => model.id === id);

const list = (values: Array<string | number>) => (values.length > 2 ? `${values[0]}–${values[values.length - 1]}` : values.join(' or '));

/** "5 s at 1080p", "1–10 s at 540p, 720p or 1080p": what the model offers, in words. */
export function offers(model: Model): string {
	const lengths = Object.keys(model.lengths).map(Number);
	const resolutions = [...new Set(Object.values(model.lengths).flat())];
	const sameAtEveryLength = lengths.every((s) => model.lengths[s].join() === resolutions.join());
	if (sameAtEveryLength) return `${list(lengths)} s at ${resolutions.join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
	return lengths.map((s) => `${s} s at ${model.lengths[s].join(', ')}`).join('; ');
}
