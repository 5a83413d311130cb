import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Every task a run submits is paid for. When a user stops the execution, n8n keeps neither the node's
 * output nor its error, only its own "cancelled" message, so each task id is written the moment it
 * exists to the two places n8n does keep: the execution's custom data (saved with the execution,
 * shown in its list) and n8n's log.
 */
export interface Ledger {
	paid(index: number, taskId: string): void;
}

/** n8n's custom data: at most 10 keys, values cut at 512 characters (it warns past 255). */
const KEY = 'vidu_tasks';
const MAX_KEYS = 8;
const MAX_VALUE = 255;

export function ledgerFor(ctx: IExecuteFunctions): Ledger {
	const entries: string[] = [];
	const write = () => {
		const chunks: string[][] = [];
		for (const entry of entries) {
			const last = chunks[chunks.length - 1];
			if (last && [...last, entry].join(', ').length <= MAX_VALUE) last.push(entry);
			else chunks.push([entry]);
		}
		if (chunks.length > MAX_KEYS) {
			const hidden = chunks.slice(MAX_KEYS - 1).flat().length;
			chunks.splice(MAX_KEYS - 1, chunks.length, [`and ${hidden} more: see the n8n log ("Vidu task … submitted")`]);
		}
		ctx.customData?.setAll(Object.fromEntries(chunks.map((chunk, n) => [n === 0 ? KEY : `${KEY}_${n + 1}`, chunk.join(', ')])));
	};
	return {
		paid(index, taskId) {
			entries.push(`item ${index + 1}: ${taskId}`);
			ctx.logger?.info(`Vidu task ${taskId} submitted for item ${index + 1} (paid)`, {
				taskId,
				item: index + 1,
				executionId: ctx.getExecutionId(),
				node: ctx.getNode().name,
			});
			write();
		},
	};
}
