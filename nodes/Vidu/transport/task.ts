import type { IDataObject } from 'n8n-workflow';

export type TaskError = { code?: string | number; message: string };

export interface Task {
	id: string;
	state: 'running' | 'completed' | 'failed';
	apiStatus: string;
	progress: number | null;
	model: string | null;
	videos: Array<IDataObject & { type: string; url: string }>;
	videoCount: number;
	usage: IDataObject | null;
	metadata: IDataObject | null;
	error: TaskError | null;
	/** The `payload` sent with the task, when the answer repeats it. */
	payload?: string;
}

const COMPLETED = new Set(['completed', 'complete', 'done', 'success', 'succeed', 'succeeded', 'finished']);
const FAILED = new Set(['failed', 'failure', 'error', 'cancelled', 'canceled', 'expired']);
// stateOf() takes any unknown word for running too, to keep waiting; these surely mean it.
const RUNNING = new Set(['pending', 'processing', 'in_progress', 'queued', 'in_queue', 'queueing', 'created', 'running']);
export const MAX_TASK_ID = 1000;
const MAX_API_WORD = 100;
const MAX_VIDEOS = 20;

export const surelyRunning = (status: string): boolean => RUNNING.has(status.trim().toLowerCase());
export function stateOf(status: string): Task['state'] {
	const key = status.trim().toLowerCase();
	return COMPLETED.has(key) ? 'completed' : FAILED.has(key) ? 'failed' : 'running';
}

export const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
export const clip = (text: string, max = 500): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** `status` in the gateway's shape, `state` in the model maker's (docs/api-contract.md#callbacks). */
export const stateWordOf = (body: IDataObject): string | undefined => textOf(body.status) ?? textOf(body.state);
/** "." and ".." would address another URL path, whatever their encoding. */
export const isTaskId = (text: string): boolean => !/^\.+$/.test(text.trim()) && text.trim().length <= MAX_TASK_ID;

const codeOf = (code: unknown) => (typeof code === 'number' ? code : typeof code === 'string' ? clip(code, 40) : undefined);
/** `error` arrives as a string, `{code, message}` or `{code, error_message}`. */
export function parseTaskError(value: unknown): TaskError | null {
	if (value === undefined || value === null || value === '') return null;
	if (!isObject(value)) return { message: clip(String(value)) };
	return { code: codeOf(value.code), message: clip(textOf(value.error_message) ?? textOf(value.message) ?? textOf(value.msg) ?? '') };
}

/** `error`, or else the maker's `err_code` (a number or text, where 0 is no error; blank text is 0 to Number). */
export function taskErrorOf(body: IDataObject): TaskError | null {
	const given = parseTaskError(body.error);
	const code = codeOf(body.err_code);
	return given || code === undefined || Number(body.err_code) === 0 ? given : { code, message: '' };
}

/** A copy cut at 8 levels: a hostile answer nested thousands deep would overflow every recursive copy after it. */
function boundedCopy(value: unknown, depth = 0): unknown {
	if (typeof value !== 'object' || value === null) return value;
	if (depth >= 8) return '[nested too deep]';
	if (Array.isArray(value)) return value.map((entry) => boundedCopy(entry, depth + 1));
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, boundedCopy(entry, depth + 1)]));
}
const urlOf = (item: IDataObject): string | undefined =>
	textOf(item.url) ?? textOf(isObject(item.video_url) ? item.video_url.url : item.video_url);
// A cover image or thumbnail is not the result.
const isVideoType = (entry: IDataObject): boolean => typeof entry.type !== 'string' || /video/i.test(entry.type);
/** `output[].content[]`, entries directly in `output`, or one of either alone (docs/api-contract.md#task-answers). */
function parseVideos(output: unknown): Pick<Task, 'videos' | 'videoCount'> {
	const entries: unknown[] = Array.isArray(output) ? output : isObject(output) ? [output] : [];
	const found = entries.flatMap((entry) => (isObject(entry) && Array.isArray(entry.content) ? (entry.content as unknown[]) : [entry]));
	const withUrl = found.filter((item): item is IDataObject => isObject(item) && urlOf(item) !== undefined);
	const chosen = withUrl.some(isVideoType) ? withUrl.filter(isVideoType) : withUrl;
	const videos = chosen.slice(0, MAX_VIDEOS).map((item) => ({
		...(boundedCopy(item) as IDataObject),
		type: typeof item.type === 'string' ? item.type : 'video',
		url: urlOf(item)!,
	}));
	return { videos, videoCount: chosen.length };
}

/** 0–1 as documented; over 1 (related gateways count to 100) a percentage. */
function parseProgress(value: unknown): number | null {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim().replace(/%$/, '')) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) return null;
	return n > 1 ? n / 100 : n;
}

/** Undefined without a usable task id; a status answer that says a state without an id is about `askedId`. */
export function parseTask(body: unknown, askedId?: string): Task | undefined {
	if (!isObject(body)) return undefined;
	const status = stateWordOf(body);
	// An empty `id` falls through to `task_id`.
	const given = [body.id, body.task_id].map((value) => (typeof value === 'number' ? String(value) : textOf(value))).find(Boolean);
	if (given !== undefined && !isTaskId(given)) return undefined;
	const id = given ?? (status ? askedId : undefined);
	if (id === undefined) return undefined;
	const apiStatus = status ?? 'unknown';
	return {
		id,
		state: stateOf(apiStatus),
		apiStatus: clip(apiStatus, MAX_API_WORD),
		progress: parseProgress(body.progress),
		model: clip(textOf(body.model) ?? '', MAX_API_WORD) || null,
		// The maker's `creations`, where the gateway's `output` is absent.
		...parseVideos(body.output ?? body.creations),
		// Vidu's own API counts in whole credits, not USD.
		usage: isObject(body.usage) ? body.usage : body.credits !== undefined && body.credits !== null ? { credits: body.credits } : null,
		metadata: isObject(body.metadata) ? (boundedCopy(body.metadata) as IDataObject) : null,
		error: taskErrorOf(body),
		...(typeof body.payload === 'string' && body.payload !== '' ? { payload: body.payload } : {}),
	};
}
