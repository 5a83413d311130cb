import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Task } from '../transport/task';

/**
 * The book of the tasks one node run pays for.
 *
 * When a user stops the execution, n8n keeps neither the node's output nor its error, only its own
 * "cancelled" message, so each task id is written the moment it exists to the two places n8n does
 * keep: the execution's custom data (saved with the execution, shown in its list) and n8n's log.
 *
 * n8n's Retry On Fail runs the node again, same execution, same input, when it throws or when its
 * first output item is an error. Each try would submit every item again and pay twice for tasks
 * that worked or are still running. So the book outlives the try in this process's memory: the next
 * try finds each item's task as last seen, with the request that created it.
 */
export interface Ledger {
	/**
	 * The item's task from an earlier try of this node run, created by this very request, unless it
	 * failed (a failed task is what a retry is for).
	 */
	fromEarlierTry(index: number, request: string): Task | undefined;
	/** A task was created for the item by `request` (a fingerprint of the create body). */
	paid(index: number, task: Task, request: string): void;
	/** A later state of the item's task, for a retry to find. */
	update(index: number, task: Task): void;
	/** Wait Mode Callback's run token: one per node run, so callbacks of an earlier try's tasks still count. */
	runToken(make: () => string): string;
}

interface Book {
	/** `item N: task id`, in the order paid, over every try. */
	entries: string[];
	/**
	 * What other Vidu node runs of the execution (another Vidu node, an earlier run of this one in a
	 * loop) had written to the custom data when this run began: kept ahead of this run's entries.
	 */
	carried?: string[];
	tasks: Map<number, { request: string; task: Task }>;
	token?: string;
}

/**
 * The books of the latest node runs in this n8n process (n8n runs every try of a node in the process
 * that ran the first). Bounded, oldest first out: a retry follows its try within seconds of its end.
 */
export class LedgerMemory {
	private books = new Map<string, Book>();

	constructor(private readonly capacity = 100) {}

	/** The book of a node run; without an execution id (never seen in n8n) one no other run can find. */
	book(run: { executionId?: string; node: string; runIndex: number }): Book {
		if (!run.executionId) return { entries: [], tasks: new Map() };
		const key = `${run.executionId}\n${run.node}\n${run.runIndex}`;
		const book = this.books.get(key) ?? { entries: [], tasks: new Map() };
		// Most recently used last.
		this.books.delete(key);
		if (this.books.size >= this.capacity) this.books.delete(this.books.keys().next().value as string);
		this.books.set(key, book);
		return book;
	}
}

/**
 * n8n's custom data: at most 10 keys per execution, the workflow's own included (a new key past the
 * tenth is dropped silently), values cut at 512 characters (it warns past 255).
 */
const KEY = 'vidu_tasks';
const KEY_LIMIT = 10;
const MAX_KEYS = 8;
const MAX_VALUE = 255;
const isOurs = (key: string) => key === KEY || key.startsWith(`${KEY}_`);
const keyOf = (n: number) => (n === 0 ? KEY : `${KEY}_${n + 1}`);
const SEPARATOR = ', ';
const pointer = (hidden: number) => `and ${hidden} more: see the n8n log ("Vidu task … submitted")`;
const POINTER = /^and (\d+) more: see the n8n log/;

/** The entries already in the custom data, in key order (joined again, they read as they were written). */
function entriesIn(customData: IDataObject): string[] {
	const values: string[] = [];
	for (let n = 0; typeof customData[keyOf(n)] === 'string'; n++) values.push(customData[keyOf(n)] as string);
	return values.flatMap((value) => value.split(SEPARATOR)).filter((entry) => entry !== '');
}

/**
 * What the book keeps of a task after its try: its id and whether it failed. A finished one is asked
 * about again by the next try (one status call): megabytes of answers stay out of module memory.
 */
const kept = (task: Task): Task => ({
	id: task.id,
	state: task.state === 'failed' ? 'failed' : 'running',
	apiStatus: task.state === 'running' ? task.apiStatus : 'unknown',
	progress: null,
	model: task.model,
	videos: [],
	videoCount: 0,
	usage: null,
	metadata: null,
	error: null,
});

/** An entry longer than a custom-data value would be cut by n8n: the whole id stays in the log and the output. */
const entryOf = (text: string) => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

export function ledgerFor(ctx: IExecuteFunctions, memory: LedgerMemory, redact: (text: string) => string): Ledger {
	// A node runs again with a new run index in a loop (other input); only a retry repeats one.
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	const node = ctx.getNode().name;
	const book = memory.book({ executionId: ctx.getExecutionId(), node, runIndex });
	book.carried ??= entriesIn(ctx.customData?.getAll() ?? {});
	// Told apart from the entries of the node runs before it, when there are any.
	const label = book.carried.length === 0 ? '' : `[${node}${runIndex > 0 ? ` run ${runIndex + 1}` : ''}] `;
	const log = (message: string, index: number, taskId: string) =>
		ctx.logger?.info(redact(message), { taskId: redact(taskId), item: index + 1, executionId: ctx.getExecutionId(), node });
	let warned = false;
	const write = () => {
		const others = Object.keys(ctx.customData?.getAll() ?? {}).filter((key) => !isOurs(key)).length;
		if (others >= KEY_LIMIT) {
			// n8n would drop a new key silently: said once, where the user looks at the node's output.
			if (!warned) {
				ctx.addExecutionHints?.({
					message: `The paid task ids are not in the execution's custom data: the workflow already uses all ${KEY_LIMIT} keys n8n allows. They are in each item's taskId and in the n8n log ("Vidu task … submitted").`,
					type: 'warning',
					location: 'outputPane',
				});
				ctx.logger?.warn('Vidu: no custom-data key free for the paid task ids; they are in the log', {
					executionId: ctx.getExecutionId(),
					node,
				});
			}
			warned = true;
			return;
		}
		const maxKeys = Math.min(MAX_KEYS, KEY_LIMIT - others);
		// Entries an earlier run already sent to the log only stay counted there.
		let hidden = 0;
		const chunks: string[][] = [];
		for (const entry of [...(book.carried ?? []), ...book.entries]) {
			const counted = POINTER.exec(entry);
			if (counted) {
				hidden += Number(counted[1]);
				continue;
			}
			const last = chunks[chunks.length - 1];
			if (last && [...last, entry].join(SEPARATOR).length <= MAX_VALUE) last.push(entry);
			else chunks.push([entry]);
		}
		if (chunks.length > (hidden > 0 ? maxKeys - 1 : maxKeys)) hidden += chunks.splice(maxKeys - 1).flat().length;
		if (hidden > 0) chunks.push([pointer(hidden)]);
		ctx.customData?.setAll(Object.fromEntries(chunks.map((chunk, n) => [keyOf(n), chunk.join(SEPARATOR)])));
	};
	return {
		fromEarlierTry(index, request) {
			const earlier = book.tasks.get(index);
			if (!earlier || earlier.request !== request || earlier.task.state === 'failed') return undefined;
			log(`Vidu task ${earlier.task.id} of item ${index + 1} kept from an earlier try (not paid again)`, index, earlier.task.id);
			return earlier.task;
		},
		paid(index, task, request) {
			book.entries.push(entryOf(redact(`${label}item ${index + 1}: ${task.id}`)));
			book.tasks.set(index, { request, task: kept(task) });
			log(`Vidu task ${task.id} submitted for item ${index + 1} (paid)`, index, task.id);
			write();
		},
		update(index, task) {
			const known = book.tasks.get(index);
			if (known?.task.id === task.id) known.task = kept(task);
		},
		runToken(make) {
			book.token ??= make();
			return book.token;
		},
	};
}
