import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createPresenter, type Presenter } from '../errors/presenter';
import { type Ledger, ledgerFor, type LedgerMemory } from '../helpers/paidTasks';
import { createClient, type ViduClient } from '../transport/client';
import * as video from './video';

/** What every operation works with, built once per execution. */
export interface Deps {
	client: ViduClient;
	presenter: Presenter;
	ledger: Ledger;
}

type PerItem = (this: IExecuteFunctions, deps: Deps, index: number) => Promise<INodeExecutionData>;
/** Returns items ready to leave the node: the operation presents its own outcomes. */
type AllItems = (this: IExecuteFunctions, deps: Deps) => Promise<INodeExecutionData[]>;

/** Every check of one item that can be made before anything is paid for; throws what is wrong. */
type CheckItem = (this: IExecuteFunctions, index: number) => Promise<void>;

/** Generate works on all items together (they wait in parallel); the others go item by item. */
const operations: Record<string, ({ perItem: PerItem } | { allItems: AllItems }) & { checkItem?: CheckItem }> = {
	generate: { allItems: video.generate.execute, checkItem: video.generate.checkItem },
	submit: { perItem: video.submit.execute, checkItem: video.submit.checkItem },
	getTask: { perItem: video.getTask.execute },
};

export async function router(this: IExecuteFunctions, memory: LedgerMemory): Promise<INodeExecutionData[][]> {
	const presenter = await createPresenter(this);
	try {
		return await route.call(this, presenter, memory);
	} catch (error) {
		// As an AI agent's tool a failure is the tool's answer (message, what to do, the paid task's id): for a
		// thrown error n8n hands the model an empty one (seen in 2.40.7 and 1.123.81), so the model could
		// neither tell the user nor correct its call. A tool call is one item. A stopped execution stays stopped.
		if (presenter.asTool && !this.getExecutionCancelSignal()?.aborted) return [[presenter.errorItem(error, 0)]];
		// Already presented (it names its own item), passed on unchanged.
		throw presenter.error(error, 0);
	}
}

async function route(this: IExecuteFunctions, presenter: Presenter, memory: LedgerMemory): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	let deps: Deps;
	try {
		deps = { client: await createClient(this), presenter, ledger: ledgerFor(this, memory, presenter.redact) };
	} catch (error) {
		// The credential serves every item: its problem is reported on the first.
		throw presenter.error(error, 0);
	}
	// Without Continue On Fail one bad item fails the run: every item is checked before any task is paid
	// for, so that the user who fixes it and runs again pays for no task twice. With it, a bad item
	// becomes an error item when its turn comes, and the others go on.
	const items = this.getInputData();
	if (handler.checkItem && !this.continueOnFail()) {
		for (let index = 0; index < items.length; index++) {
			try {
				await handler.checkItem.call(this, index);
			} catch (error) {
				throw presenter.error(error, index);
			}
		}
	}
	if ('allItems' in handler) {
		try {
			return [await handler.allItems.call(this, deps)];
		} catch (error) {
			// A run-wide problem (a Wait Option, the resume URL) is the first item's.
			throw presenter.error(error, 0);
		}
	}

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
}
