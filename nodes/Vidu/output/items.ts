import type { INodeExecutionData } from 'n8n-workflow';

import { TaskFailed } from '../errors/outcomes';
import type { Task } from '../transport/task';
import type { CallSettings, ViduClient } from '../transport/client';
import { malformedFailure, type ViduFailure } from '../transport/failure';
import { taskToJson } from './taskJson';

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
