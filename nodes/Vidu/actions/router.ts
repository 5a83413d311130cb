import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { createClient } from '../transport/client';
import * as video from './video';

type Operation = 'generate' | 'submit' | 'getTask';

const operations = { generate: video.generate, submit: video.submit, getTask: video.getTask };

/** A Continue On Fail item: the message, how to fix it, and the task id when one was paid for. */
function errorItem(error: Error, itemIndex: number, redact: (text: string) => string): INodeExecutionData {
	const { description, context } = error as Error & { description?: string; context?: IDataObject };
	const json: IDataObject = { error: redact(error.message) };
	if (description) json.description = redact(description);
	if (context?.taskId) json.taskId = context.taskId;
	return { json, pairedItem: { item: itemIndex } };
}

/** The node's own errors pass unchanged; anything unexpected is wrapped so it still names the item. */
function asNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	if (!(operation in operations)) {
		throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
	}
	const client = await createClient(this);
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			returnData.push(await operations[operation].execute.call(this, client, itemIndex));
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, itemIndex);
			returnData.push(errorItem(error as Error, itemIndex, client.redact));
		}
	}
	return [returnData];
}
