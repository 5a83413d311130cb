import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Ledger } from '../helpers/paidTasks';
import { taskToItem, unusableCompletion } from '../output/items';
import type { ViduClient } from '../transport/client';
import { systemClock } from '../helpers/clock';
import { type BatchResult, runBatch } from './batch';
import { SUBMISSION_IN_BATCH } from '../helpers/retry';
import { DEFAULT_SCHEDULE } from './schedule';
import type { WaitSettings } from '../helpers/waitSettings';
import { submitItem } from '../helpers/submitTask';

/**
 * Wait Mode "Poll": submits every item's task (a bounded number in flight) and watches all of them
 * on one shared status schedule; one outcome per input item, in input order.
 */
export async function waitByPolling(
	this: IExecuteFunctions,
	client: ViduClient,
	ledger: Ledger,
	wait: WaitSettings,
	downloadFieldFor: (index: number) => string | undefined,
): Promise<BatchResult<INodeExecutionData>> {
	const call = { timeoutMs: wait.requestTimeoutMs };
	const maxWaitMs = wait.maxWaitMinutes * 60_000;
	const startedAt = systemClock.now();
	/** Read with the rest of the item before it is submitted: a bad value is refused before anything is paid. */
	const downloadFields: Array<string | undefined> = [];
	return await runBatch<INodeExecutionData>(
		this.getInputData().length,
		{
			submit: async (index) => {
				downloadFields[index] = downloadFieldFor(index);
				return await submitItem.call(this, client, ledger, index, {
					policy: SUBMISSION_IN_BATCH,
					timeoutMs: wait.requestTimeoutMs,
					deadline: startedAt + maxWaitMs,
				});
			},
			check: async (task, index) => {
				const checked = await client.getTask(task.id, call);
				// Thrown here rather than when the item is finished, so that the poller asks again, as it
				// does after other answers that should not come: a video URL may follow its "completed".
				const unusable = unusableCompletion(checked);
				if (unusable) throw unusable;
				ledger.update(index, checked);
				return checked;
			},
			finish: async (task, index, stats) =>
				await taskToItem(
					client,
					task,
					index,
					{ elapsedSeconds: Math.round(stats.elapsedMs / 100) / 10, statusChecks: stats.statusChecks },
					downloadFields[index],
					call,
				),
		},
		{
			// 0: no cap of the user's; the API's refusals set the pace.
			maxConcurrent: wait.maxConcurrent || Number.POSITIVE_INFINITY,
			maxWaitMs,
			schedule: { ...DEFAULT_SCHEDULE, maxGapMs: wait.pollIntervalMs },
			continueOnFail: this.continueOnFail(),
			signal: this.getExecutionCancelSignal(),
		},
		systemClock,
	);
}
