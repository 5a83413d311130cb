/** The task kinds of the gateway's one endpoint: the model id names the kind. */
export type TaskKind = 'img2video';

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
	/** UI fields (apiFields.ts names) the model ignores: hidden for it, and never sent. */
	ignores?: string[];
	/** Switches the API turns on when they are not sent: one left off is sent as off. */
	onUnlessSent?: string[];
}

const seconds = (from: number, to: number, resolutions: string[]): Record<number, string[]> =>
	Object.fromEntries(Array.from({ length: to - from + 1 }, (_, n) => [from + n, resolutions]));
const P540_1080 = ['540p', '720p', '1080p'];
/** Q3 has no background music and no voice choice; audio is on unless turned off. */
const Q3 = { promptChars: 5000, ignores: ['bgm', 'voiceId'], onUnlessSent: ['audio'] };

export const MODELS: Model[] = [
	{ id: 'viduq1_img2video', name: 'Vidu Q1', kind: 'img2video', lengths: { 5: ['1080p'] }, promptChars: 2000 },
	{
		id: 'vidu20_img2video',
		name: 'Vidu 2.0',
		kind: 'img2video',
		lengths: { 4: ['360p', '720p', '1080p'], 8: ['720p'] },
		promptChars: 2000,
	},
	{ id: 'viduq2_turbo_img2video', name: 'Vidu Q2 Turbo', kind: 'img2video', lengths: seconds(1, 10, P540_1080), promptChars: 2000 },
	{ id: 'viduq2_pro_img2video', name: 'Vidu Q2 Pro', kind: 'img2video', lengths: seconds(1, 10, P540_1080), promptChars: 2000 },
	{
		id: 'viduq2_pro_fast_img2video',
		name: 'Vidu Q2 Pro Fast',
		kind: 'img2video',
		lengths: seconds(1, 10, ['720p', '1080p']),
		promptChars: 2000,
	},
	{ id: 'viduq3_pro_img2video', name: 'Vidu Q3 Pro', kind: 'img2video', lengths: seconds(1, 16, P540_1080), ...Q3 },
	{ id: 'viduq3_turbo_img2video', name: 'Vidu Q3 Turbo', kind: 'img2video', lengths: seconds(1, 16, P540_1080), ...Q3 },
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
