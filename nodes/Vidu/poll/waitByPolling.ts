import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { WaitStopped } from '../errors/outcomes';
import type { Ledger } from '../helpers/paidTasks';
import { taskToItem, unusableCompletion } from '../output/items';
import type { ViduClient } from '../transport/client';
import { apiOf } from '../transport/credential';
import { systemClock } from '../helpers/clock';
import { type BatchHooks, type BatchResult, runBatch } from './batch';
import { SUBMISSION_IN_BATCH } from '../helpers/retry';
import { DEFAULT_SCHEDULE } from './schedule';
import type { WaitSettings } from '../helpers/waitSettings';
import { submitItem } from '../helpers/submitTask';

export async function waitByPolling(
	this: IExecuteFunctions,
	client: ViduClient,
	ledger: Ledger,
	wait: WaitSettings,
	downloadFieldFor: (index: number) => string | undefined,
): Promise<BatchResult<INodeExecutionData>> {
	const call = { timeoutMs: wait.requestTimeoutMs };
	const maxWaitMs = wait.maxWaitMinutes * 60_000;
	const submitSettings = { policy: SUBMISSION_IN_BATCH, timeoutMs: wait.requestTimeoutMs, deadline: systemClock.now() + maxWaitMs };
	// Read before the item is submitted: a bad value is refused before anything is paid.
	const downloadFields: Array<string | undefined> = [];
	const hooks: BatchHooks<INodeExecutionData> = {
		submit: async (index) => {
			downloadFields[index] = downloadFieldFor(index);
			return await submitItem.call(this, client, ledger, index, submitSettings);
		},
		check: async (task, index) => {
			const checked = await client.getTask(task.id, call);
			// Thrown here so that the poller asks again: a video URL may follow its "completed".
			const unusable = unusableCompletion(checked);
			if (unusable) throw unusable;
			ledger.update(index, checked);
			return checked;
		},
		finish: async (task, index, stats) => {
			const shown = { elapsedSeconds: Math.round(stats.elapsedMs / 100) / 10, statusChecks: stats.statusChecks };
			return await taskToItem(client, task, index, shown, downloadFields[index], call);
		},
	};
	const signal = this.getExecutionCancelSignal();
	const settings = {
		// 0: no cap of the user's; the API's refusals set the pace.
		maxConcurrent: wait.maxConcurrent || Number.POSITIVE_INFINITY,
		maxWaitMs,
		schedule: { ...DEFAULT_SCHEDULE, maxGapMs: wait.pollIntervalMs },
		continueOnFail: this.continueOnFail(),
		signal,
		queueing: apiOf(this) === 'official',
	};
	const result = await runBatch(this.getInputData().length, hooks, settings, systemClock);
	// Stopped, and asked to: tasks not started are cancelled (best effort: a started one is refused and runs on).
	if (wait.cancelOnStop && signal?.aborted) {
		const stopped = result.outcomes.flatMap((outcome) =>
			outcome && !outcome.ok && outcome.error instanceof WaitStopped ? [outcome.error.task.id] : [],
		);
		await Promise.all(stopped.map(async (id) => await client.cancel(id, { ...call, afterStop: true }).catch(() => undefined)));
	}
	return result;
}
