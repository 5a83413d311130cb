import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { taskToJson } from './taskJson';
import type { Task } from '../model/task';
import type { CallSettings, ViduClient } from '../transport/client';
import { malformedResponseError, taskFailedError } from '../transport/errors';

/**
 * Turns a task the API reported into the node's output item. A failed task is an error; a
 * completed one without a video URL too (it would otherwise flow on as a silent null).
 */
export async function taskToItem(
	node: INode,
	client: ViduClient,
	task: Task,
	call: CallSettings,
	stats: { elapsedSeconds: number | null; statusChecks: number | null },
	/** The binary field to download the video into, or undefined to give only its URL. */
	downloadField: string | undefined,
): Promise<INodeExecutionData> {
	const { itemIndex } = call;
	const errorContext = { node, itemIndex, phase: 'status' as const, taskId: task.id, redact: client.redact };
	if (task.state === 'failed') throw taskFailedError(errorContext, task);
	if (task.state === 'completed' && task.videos.length === 0) {
		throw malformedResponseError(errorContext, 'the task is completed but carries no video URL', undefined);
	}
	const item: INodeExecutionData = { json: taskToJson(task, stats.elapsedSeconds, stats.statusChecks), pairedItem: { item: itemIndex } };
	if (downloadField && task.state === 'completed') {
		item.binary = { [downloadField]: await client.download(task.videos[0].url, call, task.id) };
	}
	return item;
}

/** Where Download Video puts the file for this item, or undefined when it is off. */
export function downloadFieldOf(this: IExecuteFunctions, itemIndex: number): string | undefined {
	if (!(this.getNodeParameter('downloadVideo', itemIndex, false) as boolean)) return undefined;
	return this.getNodeParameter('outputBinaryPropertyName', itemIndex, 'data') as string;
}
