/** The task kinds of the gateway's one endpoint: the model id names the kind. */
export type TaskKind = 'img2video' | 'startEnd2video' | 'text2video';

/** Each kind's operation (Submit Only takes any kind), how many images it sends, and whether it needs a prompt. */
export const KINDS: Record<TaskKind, { label: string; operation: string; images: number; promptRequired?: boolean }> = {
	img2video: { label: 'Image to Video', operation: 'generate', images: 1 },
	startEnd2video: { label: 'Start and End Frames to Video', operation: 'startEndToVideo', images: 2 },
	text2video: { label: 'Text to Video', operation: 'textToVideo', images: 0, promptRequired: true },
};

/**
 * One Vidu model as the gateway serves it: each row is the whole truth about a model, cited in
 * docs/api-contract.md#models. The Model options, which fields show, and the checks derive from it.
 */
export interface Model {
	id: string;
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
};
const RATIOS = ['16:9', '9:16', '1:1', '3:4', '4:3'];
const ID_ENDS: Record<TaskKind, string> = { img2video: 'img2video', startEnd2video: 'start_end2video', text2video: 'text2video' };

/** A row: the gateway's id is the tier and the kind; a prompt of 2000 characters, and the kind's fields, unless said otherwise. */
const model = (tier: string, name: string, kind: TaskKind, lengths: Record<number, string[]>, more: Partial<Model> = {}): Model => ({
	id: `${tier}_${ID_ENDS[kind]}`,
	name,
	kind,
	lengths,
	promptChars: 2000,
	takes: TAKES[kind],
	...(kind === 'text2video' ? { aspectRatios: RATIOS } : {}),
	...more,
});
/** Q3: no background music, no voice choice, no movement setting; audio is on unless turned off. */
const q3 = (kind: TaskKind): Partial<Model> => ({
	promptChars: 5000,
	takes: [...TAKES[kind].filter((field) => !['bgm', 'voiceId', 'movementAmplitude'].includes(field)), 'audio'],
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
