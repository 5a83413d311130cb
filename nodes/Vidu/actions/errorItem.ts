import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
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
