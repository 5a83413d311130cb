import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createClient, type ViduClient } from '../transport/client';
import { redactDeep, redactError } from '../errors/redact';
import { asNodeError, errorItem } from '../errors/presenter';
import { ledgerFor } from '../output/ledger';
import * as video from './video';

type PerItem = (this: IExecuteFunctions, client: ViduClient, itemIndex: number) => Promise<INodeExecutionData>;
type AllItems = (this: IExecuteFunctions, client: ViduClient) => Promise<INodeExecutionData[]>;

/** Generate works on all items together (they wait in parallel); the others go item by item. */
const operations: Record<string, { perItem: PerItem } | { allItems: AllItems }> = {
	generate: { allItems: video.generate.execute },
	submit: { perItem: video.submit.execute },
	getTask: { perItem: video.getTask.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	const client = await createClient(this, { onSubmitted: ledgerFor(this).paid });
	// As an AI agent's tool, the answer goes into the model's context: only what it needs to go on.
	const asTool = this.getNode().type.endsWith('Tool');
	// The one place where what leaves the node is redacted: output items and errors alike.
	const redacted = (items: INodeExecutionData[]) => [
		items.map((item) => ({ ...item, json: redactDeep(asTool ? forModel(item.json) : item.json, client.redact) })),
	];
	if ('allItems' in handler) {
		try {
			return redacted(await handler.allItems.call(this, client));
		} catch (error) {
			throw redactError(asNodeError(this.getNode(), error, 0), client.redact);
		}
	}

	const returnData: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			returnData.push(await handler.perItem.call(this, client, itemIndex));
		} catch (error) {
			if (!this.continueOnFail()) throw redactError(asNodeError(this.getNode(), error, itemIndex), client.redact);
			returnData.push(errorItem(error, itemIndex, client.redact));
		}
	}
	return redacted(returnData);
}

/** What an AI agent gets back from the tool: the video's URL, the task, its state and its cost (or the error). */
function forModel(json: IDataObject): IDataObject {
	const usage = json.usage as IDataObject | undefined;
	const picked: IDataObject = { videoUrl: json.videoUrl, taskId: json.taskId, status: json.status, costUsd: usage?.cost };
	if (json.error) Object.assign(picked, { error: json.error, description: json.description });
	return Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined));
}
