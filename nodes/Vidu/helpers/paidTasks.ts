import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { clip, type Task } from '../transport/task';

// A cancelled execution keeps neither output nor error: each paid task id goes at once to the custom
// data and the log. The book outlives the try, so that Retry On Fail never pays for an item twice.
export type Ledger = ReturnType<typeof ledgerFor>;
/** `entries`: `item N: task id`, over every try; `carried`: what earlier node runs of the execution wrote. */
type Book = { entries: string[]; carried?: string[]; tasks: Map<number, { request: string; task: Task }>; token?: string };

/** The books of the latest node runs in this process (every try runs where the first did), least recently used out. */
export class LedgerMemory {
	private books = new Map<string, Book>();
	constructor(private readonly capacity = 100) {}
	book(run: { executionId?: string; node: string; runIndex: number }): Book {
		if (!run.executionId) return { entries: [], tasks: new Map() };
		const key = `${run.executionId}\n${run.node}\n${run.runIndex}`;
		const book = this.books.get(key) ?? { entries: [], tasks: new Map() };
		this.books.delete(key);
		if (this.books.size >= this.capacity) this.books.delete(this.books.keys().next().value as string);
		this.books.set(key, book);
		return book;
	}
}

// n8n's custom data: at most 10 keys per execution (past that dropped silently), warns on values past 255.
const KEY = 'vidu_tasks';
const KEY_LIMIT = 10;
const MAX_KEYS = 8;
const MAX_VALUE = 255;
const keyOf = (n: number) => (n === 0 ? KEY : `${KEY}_${n + 1}`);
const SEPARATOR = ', ';
const POINTER = /^and (\d+) more: see the n8n log/;
const NO_FREE_KEY = `The paid task ids are not in the execution's custom data: the workflow already uses all ${KEY_LIMIT} keys n8n allows. They are in each item's taskId and in the n8n log ("Vidu task … submitted").`;
function entriesIn(customData: IDataObject, n = 0): string[] {
	const value = customData[keyOf(n)];
	return typeof value === 'string' ? [...value.split(SEPARATOR).filter((entry) => entry !== ''), ...entriesIn(customData, n + 1)] : [];
}

/** Id and whether it failed only: the next try asks again, and megabytes of answers stay out of memory. */
const kept = ({ id, state, apiStatus, model }: Task): Task => {
	const blank = { progress: null, model, videos: [], videoCount: 0, usage: null, metadata: null, error: null };
	return { id, state: state === 'failed' ? 'failed' : 'running', apiStatus: state === 'running' ? apiStatus : 'unknown', ...blank };
};

export function ledgerFor(ctx: IExecuteFunctions, memory: LedgerMemory, redact: (text: string) => string) {
	// Only a retry repeats a run index; a loop's next round gets a new one.
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	const node = ctx.getNode().name;
	const book = memory.book({ executionId: ctx.getExecutionId(), node, runIndex });
	book.carried ??= entriesIn(ctx.customData?.getAll() ?? {});
	const label = book.carried.length === 0 ? '' : `[${node}${runIndex > 0 ? ` run ${runIndex + 1}` : ''}] `;
	const where = { executionId: ctx.getExecutionId(), node };
	const log = (message: string, index: number, taskId: string) =>
		ctx.logger?.info(redact(message), { taskId: redact(taskId), item: index + 1, ...where });
	let warned = false;
	const write = () => {
		const others = Object.keys(ctx.customData?.getAll() ?? {}).filter((key) => key !== KEY && !key.startsWith(`${KEY}_`)).length;
		if (others >= KEY_LIMIT) {
			if (warned) return;
			warned = true;
			ctx.addExecutionHints?.({ message: NO_FREE_KEY, type: 'warning', location: 'outputPane' });
			ctx.logger?.warn('Vidu: no custom-data key free for the paid task ids; they are in the log', where);
			return;
		}
		const maxKeys = Math.min(MAX_KEYS, KEY_LIMIT - others);
		// Entries already sent to the log only stay counted there.
		let hidden = 0;
		const chunks: string[][] = [];
		for (const entry of [...(book.carried ?? []), ...book.entries]) {
			const counted = POINTER.exec(entry);
			const last = chunks[chunks.length - 1];
			if (counted) hidden += Number(counted[1]);
			else if (last && [...last, entry].join(SEPARATOR).length <= MAX_VALUE) last.push(entry);
			else chunks.push([entry]);
		}
		if (chunks.length > (hidden > 0 ? maxKeys - 1 : maxKeys)) hidden += chunks.splice(maxKeys - 1).flat().length;
		if (hidden > 0) chunks.push([`and ${hidden} more: see the n8n log ("Vidu task … submitted")`]);
		ctx.customData?.setAll(Object.fromEntries(chunks.map((chunk, n) => [keyOf(n), chunk.join(SEPARATOR)])));
	};
	return {
		/** The item's task from an earlier try, created by this very request (fingerprint), unless it failed. */
		fromEarlierTry(index: number, request: string): Task | undefined {
			const earlier = book.tasks.get(index);
			if (!earlier || earlier.request !== request || earlier.task.state === 'failed') return undefined;
			log(`Vidu task ${earlier.task.id} of item ${index + 1} kept from an earlier try (not paid again)`, index, earlier.task.id);
			return earlier.task;
		},
		paid(index: number, task: Task, request: string): void {
			book.entries.push(clip(redact(`${label}item ${index + 1}: ${task.id}`), MAX_VALUE));
			book.tasks.set(index, { request, task: kept(task) });
			log(`Vidu task ${task.id} submitted for item ${index + 1} (paid)`, index, task.id);
			write();
		},
		update(index: number, task: Task): void {
			const known = book.tasks.get(index);
			if (known?.task.id === task.id) known.task = kept(task);
		},
		/** Wait Mode Callback's run token: one per node run, so callbacks of an earlier try's tasks still count. */
		runToken(make: () => string): string {
			return (book.token ??= make());
		},
	};
}
