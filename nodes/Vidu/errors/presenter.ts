import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import type { SubmittedTask } from '../waiting/poller';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** A Continue On Fail item: the message, how to fix it, and the task id when one was paid for. */
export function errorItem(error: unknown, itemIndex: number, redact: (text: string) => string): INodeExecutionData {
	const { message, description, context } = error as Error & { description?: string; context?: IDataObject };
	const json: IDataObject = { error: redact(String(message)) };
	if (description) json.description = redact(description);
	if (context?.taskId) json.taskId = context.taskId;
	return { json, pairedItem: { item: itemIndex } };
}

/** The node's own errors pass unchanged; anything unexpected is wrapped so it still names the item. */
export function asNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

const STATE_WORDS = { completed: 'completed', failed: 'failed', running: 'still running' };

/** Without Continue On Fail the run stops at the first failure; every task already paid for is named. */
export function withSubmittedTasks(error: unknown, submitted: SubmittedTask[], itemIndex: number, node: INode) {
	const nodeError = asNodeError(node, error, itemIndex);
	const others = submitted.filter((s) => s.taskId !== nodeError.context.taskId);
	if (others.length) {
		const list = others.map((s) => `${s.taskId} (item ${s.index + 1}, ${STATE_WORDS[s.state]})`).join(', ');
		nodeError.description =
			`${nodeError.description ?? ''} Other tasks submitted in this run, all paid for: ${list}. Fetch them with Get Task instead of running the whole workflow again.`.trim();
	}
	nodeError.context.taskIds = submitted.map((s) => s.taskId);
	return nodeError;
}
