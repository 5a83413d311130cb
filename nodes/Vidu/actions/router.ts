import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createPresenter, type Presenter } from '../errors/presenter';
import { type Ledger, ledgerFor, type LedgerMemory } from '../helpers/paidTasks';
import { createClient, type ViduClient } from '../transport/client';
import { KINDS } from '../request/models';
import * as account from './account';
import * as video from './video';

export interface Deps {
	client: ViduClient;
	presenter: Presenter;
	ledger: Ledger;
}

/** Generate works on all items together (they wait in parallel) and presents its own outcomes; the others go item by item. */
const operations: Record<
	string,
	{ checkItem?: (this: IExecuteFunctions, index: number) => Promise<unknown> } & (
		| { perItem: (this: IExecuteFunctions, deps: Deps, index: number) => Promise<INodeExecutionData> }
		| { allItems: (this: IExecuteFunctions, deps: Deps) => Promise<INodeExecutionData[]> }
	)
> = {
	// Each kind's operation submits and waits alike.
	...Object.fromEntries(
		Object.values(KINDS).map(({ operation }) => [operation, { allItems: video.generate.execute, checkItem: video.generate.checkItem }]),
	),
	submit: { perItem: video.submit.execute, checkItem: video.submit.checkItem },
	getTask: { perItem: video.getTask.execute },
	cancel: { perItem: video.cancel.execute },
	getCredits: { perItem: account.getCredits.execute },
};

export async function router(this: IExecuteFunctions, memory: LedgerMemory): Promise<INodeExecutionData[][]> {
	const presenter = await createPresenter(this);
	try {
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = operations[operation];
		if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		// A problem of the credential, or a run-wide one (a Wait Option, the resume URL), is reported on the first item.
		const deps: Deps = { client: await createClient(this), presenter, ledger: ledgerFor(this, memory, presenter.redact) };
		// Without Continue On Fail every item is checked before any is paid for: a re-run after a fix pays for no task twice.
		const items = this.getInputData();
		if (handler.checkItem && !this.continueOnFail())
			for (let index = 0; index < items.length; index++)
				await handler.checkItem.call(this, index).catch((error: unknown) => Promise.reject(presenter.error(error, index)));
		if ('allItems' in handler) return [await handler.allItems.call(this, deps)];
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				returnData.push(...presenter.items([await handler.perItem.call(this, deps, itemIndex)]));
			} catch (error) {
				if (!this.continueOnFail()) throw presenter.error(error, itemIndex);
				returnData.push(presenter.errorItem(error, itemIndex));
			}
		}
		return [returnData];
	} catch (error) {
		// As an AI agent's tool a failure is the tool's answer: for a thrown error n8n hands the model an empty one
		// (n8n 2.40.7 and 1.123.81). A tool call is one item. A stopped execution stays stopped.
		if (presenter.asTool && !this.getExecutionCancelSignal()?.aborted) return [[presenter.errorItem(error, 0)]];
		throw presenter.error(error, 0); // one already presented names its own item and passes unchanged
	}
}
