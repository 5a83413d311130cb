import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { TaskFailed } from '../errors/outcomes';
import { clip, type Task } from '../transport/task';
import type { CallSettings, ViduClient } from '../transport/client';
import { malformedFailure, type ViduFailure } from '../transport/failure';

/** A cost as money is written: a non-negative decimal (no sign, exponent, hex or list). */
const DECIMAL = /^\d{1,15}(\.\d{1,15})?$/;

/** Cost in USD, or null when the API gave no figure (it may send ""); Vidu's own API's cost in credits. */
export function parseUsage(usage: IDataObject | null) {
	const raw = usage?.cost;
	const text = raw === undefined || raw === null ? null : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
	const discount = usage?.discount;
	// Number() reads null and "" as 0: only a number, or a number written as text, is a discount.
	const parsed = typeof discount === 'number' || (typeof discount === 'string' && discount.trim() !== '') ? Number(discount) : NaN;
	return {
		cost: text !== null && DECIMAL.test(text.trim()) ? Number(text) : null,
		costRaw: text === null ? null : clip(text, 100),
		discount: Number.isFinite(parsed) ? parsed : null,
		...(usage?.credits !== undefined ? { credits: /^\d{1,15}$/.test(String(usage.credits).trim()) ? Number(usage.credits) : null } : {}),
	};
}

/** The same shape for every operation, so downstream nodes need one mapping. */
export function taskToJson(task: Task, elapsedSeconds: number | null, statusChecks: number | null): IDataObject {
	const first = task.videos[0];
	return {
		taskId: task.id,
		status: task.state === 'running' ? 'in_progress' : task.state,
		apiStatus: task.apiStatus,
		videoUrl: first?.url ?? null,
		videos: task.videos,
		videoCount: task.videoCount,
		// Where Vidu's own API gives them: a still of the video, and the video with its watermark.
		...(typeof first?.cover_url === 'string' ? { coverUrl: first.cover_url } : {}),
		...(typeof first?.watermarked_url === 'string' ? { watermarkedUrl: first.watermarked_url } : {}),
		usage: parseUsage(task.usage),
		...(task.payload !== undefined ? { payload: task.payload } : {}),
		progress: task.state === 'completed' ? 1 : task.progress,
		metadata: task.metadata ?? {},
		model: task.model,
		elapsedSeconds,
		statusChecks,
	};
}

/** What an AI agent gets back from the tool: the video's URL, the task, its state and its cost (or the error). */
export function forModel(json: IDataObject): IDataObject {
	const { videoUrl, taskId, status, usage, error, description } = json;
	const { cost, credits } = (usage ?? {}) as IDataObject;
	const picked = { videoUrl, taskId, status, costUsd: cost, costCredits: credits, ...(error ? { error, description } : {}) };
	return Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined));
}

/** A task the API calls completed but that lists no video: unusable (it would flow on as a silent null). */
export function unusableCompletion(task: Task): ViduFailure | undefined {
	if (task.state !== 'completed' || task.videos.length > 0) return undefined;
	return malformedFailure('status', 'the task is completed but carries no video URL', undefined, task.id);
}

/** One item shape for every operation and wait mode; `downloadField` names the binary field for the video (undefined: its URL only). */
export async function taskToItem(
	client: ViduClient,
	task: Task,
	index: number,
	stats: { elapsedSeconds: number | null; statusChecks: number | null },
	downloadField: string | undefined,
	call: CallSettings = {},
): Promise<INodeExecutionData> {
	if (task.state === 'failed') throw new TaskFailed(task);
	const unusable = unusableCompletion(task);
	if (unusable) throw unusable;
	const item: INodeExecutionData = { json: taskToJson(task, stats.elapsedSeconds, stats.statusChecks), pairedItem: { item: index } };
	if (downloadField && task.state === 'completed')
		item.binary = { [downloadField]: await client.download(task.videos[0].url, task.id, call) };
	return item;
}
