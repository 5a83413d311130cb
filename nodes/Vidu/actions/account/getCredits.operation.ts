import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { InputProblem } from '../../errors/outcomes';
import { apiOf } from '../../transport/credential';
import { isObject } from '../../transport/task';
import { OFFICIAL_ONLY } from '../video/cancel.operation';
import type { Deps } from '../router';

const numberOf = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** `GET /credits` as one item: the credits left per package type, and the organisation's concurrency (docs/api-contract.md). */
export async function execute(this: IExecuteFunctions, { client }: Deps, index: number): Promise<INodeExecutionData> {
	if (apiOf(this) !== 'official') throw new InputProblem('Get Credits works with Vidu Official API only', OFFICIAL_ONLY);
	const answer = await client.account();
	const remains = (isObject(answer) && Array.isArray(answer.remains) ? answer.remains : []).filter(isObject);
	const sum = (field: string) => remains.reduce((total, entry) => total + (numberOf(entry[field]) ?? 0), 0);
	const json: IDataObject = {
		creditsRemaining: sum('credit_remain'),
		concurrencyLimit: remains.length ? Math.max(...remains.map((entry) => numberOf(entry.concurrency_limit) ?? 0)) : null,
		currentConcurrency: sum('current_concurrency'),
		queueCount: sum('queue_count'),
		remains,
		packages: isObject(answer) && Array.isArray(answer.packages) ? answer.packages : [],
	};
	return { json, pairedItem: { item: index } };
}
