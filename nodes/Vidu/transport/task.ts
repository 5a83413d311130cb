import type { IDataObject } from 'n8n-workflow';

/** The three things the node needs to know about a task, whatever spelling the API used. */
export type TaskState = 'running' | 'completed' | 'failed';

export interface TaskError {
	code?: string | number;
	message: string;
}

export interface VideoEntry extends IDataObject {
	type: string;
	url: string;
}

export interface Task {
	id: string;
	state: TaskState;
	apiStatus: string;
	progress: number | null;
	model: string | null;
	/** The first MAX_VIDEOS entries: a task makes one video; a list of thousands is not carried along. */
	videos: VideoEntry[];
	/** How many video entries the answer listed. */
	videoCount: number;
	usage: IDataObject | null;
	metadata: IDataObject | null;
	error: TaskError | null;
}

const COMPLETED = new Set(['completed', 'complete', 'done', 'success', 'succeed', 'succeeded', 'finished']);
const FAILED = new Set(['failed', 'failure', 'error', 'cancelled', 'canceled', 'expired']);

// Words seen for a task still at work. stateOf() takes any other unknown word for running too, to
// keep waiting; these are the ones that surely mean it.
const RUNNING = new Set(['pending', 'processing', 'in_progress', 'queued', 'in_queue', 'queueing', 'created', 'running']);

export const surelyRunning = (status: string): boolean => RUNNING.has(status.trim().toLowerCase());

export function stateOf(status: string): TaskState {
	const key = status.trim().toLowerCase();
	if (COMPLETED.has(key)) return 'completed';
	if (FAILED.has(key)) return 'failed';
	// pending, processing, queued, in_queue, created, queueing and anything new: still running
	return 'running';
}

export const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * The state word of a task answer or a callback: `status` in the gateway's task shape, `state` in the
 * model maker's (docs/api-contract.md#callbacks).
 */
export const stateWordOf = (body: IDataObject): string | undefined => textOf(body.status) ?? textOf(body.state);

/** Longest task id taken: ids seen are tens of characters; a megabyte one would fill every message and URL. */
export const MAX_TASK_ID = 1000;

/**
 * Whether text can name a task in a URL path: "." and ".." cannot, whatever their encoding (URL
 * parsers read them as "this folder" and "the one above", so the request would address another path),
 * nor can text longer than MAX_TASK_ID.
 */
export function isTaskId(text: string): boolean {
	const id = text.trim();
	return !/^\.+$/.test(id) && id.length <= MAX_TASK_ID;
}

/** Longest API text kept: enough to read, never megabytes into the saved execution. */
const MAX_API_TEXT = 500;
/** Longest API word kept (a status, a model name): a megabyte one is cut like any other API text. */
const MAX_API_WORD = 100;

export const clip = (text: string, max = MAX_API_TEXT): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `error` arrives as a string, `{code, message}` or `{code, error_message}`. */
export function parseTaskError(value: unknown): TaskError | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'string') return { message: clip(value) };
	if (!isObject(value)) return { message: clip(String(value)) };
	const code = typeof value.code === 'number' || typeof value.code === 'string' ? clip(String(value.code), 40) : undefined;
	const message = textOf(value.error_message) ?? textOf(value.message) ?? textOf(value.msg) ?? '';
	return { code: typeof value.code === 'number' ? value.code : code, message: clip(message) };
}

/**
 * A task answer's error: `error`, or else the maker's `err_code` should a gateway pass its shape on
 * (a number or text, where 0 is no error).
 */
export function taskErrorOf(body: IDataObject): TaskError | null {
	const given = parseTaskError(body.error);
	const code = body.err_code;
	if (given || !(typeof code === 'number' || (typeof code === 'string' && code.trim() !== '')) || Number(code) === 0) return given;
	return { code: typeof code === 'number' ? code : clip(code, 40), message: '' };
}

/**
 * Levels of nesting kept in the API's free-form objects (metadata, video entries). Real answers nest
 * one or two; a hostile one thousands, which would overflow every recursive copy after it (n8n's own
 * included) once the task is paid for.
 */
const MAX_NESTING = 8;

/** A copy of plain JSON data in which anything nested deeper than MAX_NESTING levels is replaced by a note. */
function boundedCopy(value: unknown, depth = 0): unknown {
	if (typeof value !== 'object' || value === null) return value;
	if (depth >= MAX_NESTING) return '[nested too deep]';
	if (Array.isArray(value)) return value.map((entry) => boundedCopy(entry, depth + 1));
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, boundedCopy(entry, depth + 1)]));
}

/** An entry's link: `url`, or (where the entry's type is `video_url`) `video_url` as text or as `{url}`. */
function urlOf(item: IDataObject): string | undefined {
	const nested = isObject(item.video_url) ? item.video_url.url : item.video_url;
	return textOf(item.url) ?? textOf(nested);
}

/** An entry typed as something else than a video (a cover image, a thumbnail) is not the result. */
const isVideoType = (entry: IDataObject): boolean => typeof entry.type !== 'string' || /video/i.test(entry.type);

/** Video entries kept of one answer. */
const MAX_VIDEOS = 20;

/**
 * `output[].content[]`, entries directly in `output`, or one of either on its own (docs/api-contract.md#task-answers).
 * Where some entries are videos and others not, only the videos; entries of types never seen are kept.
 */
function parseVideos(output: unknown): { videos: VideoEntry[]; videoCount: number } {
	const entries: unknown[] = Array.isArray(output) ? output : isObject(output) ? [output] : [];
	const found: IDataObject[] = [];
	for (const entry of entries) {
		const content: unknown[] = isObject(entry) && Array.isArray(entry.content) ? entry.content : [entry];
		for (const item of content) if (isObject(item) && urlOf(item)) found.push(item);
	}
	const chosen = found.some(isVideoType) ? found.filter(isVideoType) : found;
	const videos = chosen.slice(0, MAX_VIDEOS).map((item) => ({
		...(boundedCopy(item) as IDataObject),
		type: typeof item.type === 'string' ? item.type : 'video',
		url: urlOf(item)!,
	}));
	return { videos, videoCount: chosen.length };
}

/** 0–1 as documented; over 1 (related gateways count to 100) a percentage. Anything else is no progress. */
function parseProgress(value: unknown): number | null {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim().replace(/%$/, '')) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) return null;
	return n > 1 ? n / 100 : n;
}

/**
 * Reads a create or poll response. Returns undefined when the body carries no usable task id: the caller
 * decides what that means (a failed submission, or a broken status answer). A status answer that
 * says a state but does not repeat the id is about the task asked for, `askedId`.
 */
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
		// The maker's `creations`, should a gateway pass its shape on, where the gateway's `output` is absent.
		...parseVideos(body.output ?? body.creations),
		usage: isObject(body.usage) ? body.usage : null,
		metadata: isObject(body.metadata) ? (boundedCopy(body.metadata) as IDataObject) : null,
		error: taskErrorOf(body),
	};
}
