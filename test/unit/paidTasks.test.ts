import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { redactorFor } from '../../nodes/Vidu/errors/redact';
import { ledgerFor, LedgerMemory } from '../../nodes/Vidu/helpers/paidTasks';
import { aTask as task } from '../helpers/task';

const KEY = 'sk-ledger-secret-0123456789';

/** What n8n keeps of a stopped execution: its custom data (at most 10 keys, values cut at 512) and its log. */
function fakeContext(
	run: { executionId?: string; node?: string; runIndex?: number; memory?: LedgerMemory; customData?: IDataObject } = {},
) {
	const kept: { customData: IDataObject; log: string[]; hints: Array<{ message: string; type?: string }> } = {
		customData: { ...run.customData },
		log: [],
		hints: [],
	};
	const ctx = {
		customData: {
			// As n8n does: a new key past the tenth is dropped without a word.
			setAll: (values: IDataObject) => {
				for (const [key, value] of Object.entries(values))
					if (key in kept.customData || Object.keys(kept.customData).length < 10) kept.customData[key] = value;
			},
			getAll: () => ({ ...kept.customData }),
		},
		logger: { info: (message: string) => kept.log.push(message), warn: (message: string) => kept.log.push(message) },
		addExecutionHints: (...hints: Array<{ message: string }>) => kept.hints.push(...hints),
		getExecutionId: () => run.executionId ?? 'exec-1',
		getNode: () => ({ name: run.node ?? 'Vidu' }),
		getWorkflowDataProxy: () => ({ $runIndex: run.runIndex ?? 0 }),
	} as unknown as IExecuteFunctions;
	return { ledger: ledgerFor(ctx, run.memory ?? new LedgerMemory(), redactorFor(KEY)), kept };
}

describe('the paid-task ledger', () => {
	it('writes each task id into the custom data and the log the moment it is paid', () => {
		const { ledger, kept } = fakeContext();
		ledger.paid(0, task('task_a'), 'r0');
		expect(kept.customData).toEqual({ vidu_tasks: 'item 1: task_a' });
		ledger.paid(2, task('task_c'), 'r2');
		expect(kept.customData).toEqual({ vidu_tasks: 'item 1: task_a, item 3: task_c' });
		expect(kept.log).toEqual(['Vidu task task_a submitted for item 1 (paid)', 'Vidu task task_c submitted for item 3 (paid)']);
	});

	it('spreads many ids over keys within n8n’s limits, and points at the log for the rest', () => {
		const { ledger, kept } = fakeContext();
		const ids = Array.from({ length: 200 }, (_, n) => `task_${String(n).padStart(20, '0')}`);
		ids.forEach((id, index) => ledger.paid(index, task(id), `r${index}`));
		const keys = Object.keys(kept.customData);
		expect(keys).toEqual(['vidu_tasks', ...Array.from({ length: 7 }, (_, n) => `vidu_tasks_${n + 2}`)]);
		for (const value of Object.values(kept.customData)) expect(String(value).length).toBeLessThanOrEqual(255);
		const shown = Object.values(kept.customData).join(', ');
		const listed = ids.filter((id) => shown.includes(id));
		expect(listed).toEqual(ids.slice(0, listed.length));
		expect(kept.customData.vidu_tasks_8).toBe(`and ${ids.length - listed.length} more: see the n8n log ("Vidu task … submitted")`);
		expect(kept.log).toHaveLength(200);
	});
	it('leaves room for custom data of the workflow’s own, and still points at the log', () => {
		const own = { customer: 'acme', campaign: 'spring', batch: '7', owner: 'kim', region: 'eu' };
		const { ledger, kept } = fakeContext({ customData: own });
		Array.from({ length: 200 }, (_, n) => ledger.paid(n, task(`task_${String(n).padStart(20, '0')}`), `r${n}`));
		expect(kept.customData).toMatchObject(own);
		const ours = Object.keys(kept.customData).filter((key) => key.startsWith('vidu_tasks'));
		expect(ours).toEqual(['vidu_tasks', 'vidu_tasks_2', 'vidu_tasks_3', 'vidu_tasks_4', 'vidu_tasks_5']);
		expect(kept.customData.vidu_tasks_5).toMatch(/more: see the n8n log/);
	});
});

describe('the ledger across tries of one node run (n8n Retry On Fail)', () => {
	it('keeps what an earlier Vidu node of the execution wrote, naming this node on its own entries', () => {
		const first = fakeContext({ node: 'Vidu' });
		const ids = Array.from({ length: 30 }, (_, n) => `task_${String(n).padStart(20, '0')}`);
		ids.forEach((id, index) => first.ledger.paid(index, task(id), `r${index}`));
		const before = { ...first.kept.customData };
		expect(Object.keys(before).length).toBeGreaterThan(2);
		const second = fakeContext({ node: 'Vidu 2', customData: before });
		second.ledger.paid(0, task('task_second'), 'r0');
		// Every key of the first node's as it was (the last one may take more), the second node's task after them.
		for (const [key, value] of Object.entries(before)) expect(String(second.kept.customData[key])).toMatch(new RegExp(`^${String(value)}`));
		expect(Object.values(second.kept.customData).join(', ')).toBe(
			[...ids.map((id, n) => `item ${n + 1}: ${id}`), '[Vidu 2] item 1: task_second'].join(', '),
		);
	});

	it('keeps what the same node wrote in an earlier run of a loop, and counts past the limit what only the log has', () => {
		const first = fakeContext({ node: 'Vidu' });
		Array.from({ length: 200 }, (_, n) => first.ledger.paid(n, task(`task_${String(n).padStart(20, '0')}`), `r${n}`));
		const hiddenBefore = Number(/and (\d+) more/.exec(String(first.kept.customData.vidu_tasks_8))![1]);
		const next = fakeContext({ node: 'Vidu', runIndex: 1, customData: first.kept.customData });
		next.ledger.paid(0, task('task_loop'), 'r0');
		next.ledger.paid(1, task('task_loop2'), 'r1');
		expect(Object.keys(next.kept.customData)).toHaveLength(8);
		expect(next.kept.customData.vidu_tasks_8).toBe(`and ${hiddenBefore + 2} more: see the n8n log ("Vidu task … submitted")`);
		expect(next.kept.log).toEqual(['Vidu task task_loop submitted for item 1 (paid)', 'Vidu task task_loop2 submitted for item 2 (paid)']);
	});

	it('an entry of a second run in a loop names the run; a retry of it carries nothing twice', () => {
		const memory = new LedgerMemory();
		const first = fakeContext({ node: 'Vidu' });
		first.ledger.paid(0, task('task_a'), 'r0');
		const next = fakeContext({ node: 'Vidu', runIndex: 1, customData: first.kept.customData, memory });
		next.ledger.paid(0, task('task_b'), 'r0');
		const retry = fakeContext({ node: 'Vidu', runIndex: 1, customData: next.kept.customData, memory });
		retry.ledger.paid(1, task('task_c'), 'r1');
		expect(retry.kept.customData).toEqual({ vidu_tasks: 'item 1: task_a, [Vidu run 2] item 1: task_b, [Vidu run 2] item 2: task_c' });
	});

	it('gives a retry the task an earlier try paid for with the same request, unless it failed', () => {
		const memory = new LedgerMemory();
		const first = fakeContext({ memory });
		first.ledger.paid(0, task('task_a'), 'req-a');
		first.ledger.paid(1, task('task_b'), 'req-b');
		first.ledger.paid(2, task('task_c'), 'req-c');
		first.ledger.update(0, task('task_a', 'completed'));
		first.ledger.update(1, task('task_b', 'failed'));
		// An update about another task of the item (never the case) changes nothing.
		first.ledger.update(2, task('task_x', 'completed'));

		const retry = fakeContext({ memory });
		// Finished: asked about again (one status call) rather than kept whole in memory.
		expect(retry.ledger.fromEarlierTry(0, 'req-a')).toMatchObject({ id: 'task_a', state: 'running' });
		expect(retry.ledger.fromEarlierTry(1, 'req-b')).toBeUndefined();
		expect(retry.ledger.fromEarlierTry(2, 'req-c')).toMatchObject({ id: 'task_c', state: 'running' });
		// Another request for the item (an expression gave something else) is a new task.
		expect(retry.ledger.fromEarlierTry(2, 'req-c2')).toBeUndefined();
		expect(retry.ledger.fromEarlierTry(3, 'req-d')).toBeUndefined();
		expect(retry.kept.log).toEqual([
			'Vidu task task_a of item 1 kept from an earlier try (not paid again)',
			'Vidu task task_c of item 3 kept from an earlier try (not paid again)',
		]);

		// The custom data of the run lists every task paid, over all tries.
		retry.ledger.paid(1, task('task_b2'), 'req-b');
		expect(retry.kept.customData).toEqual({ vidu_tasks: 'item 1: task_a, item 2: task_b, item 3: task_c, item 2: task_b2' });
	});

	it.each([
		{ other: { executionId: 'exec-2' }, what: 'another execution' },
		{ other: { node: 'Vidu1' }, what: 'another Vidu node' },
		{ other: { runIndex: 1 }, what: 'the next run of the node in a loop' },
		{ other: { executionId: '' }, what: 'a run without an execution id' },
	])('knows nothing of $what', ({ other }) => {
		const memory = new LedgerMemory();
		fakeContext({ memory }).ledger.paid(0, task('task_a'), 'req-a');
		expect(fakeContext({ memory, ...other }).ledger.fromEarlierTry(0, 'req-a')).toBeUndefined();
		expect(fakeContext({ memory }).ledger.fromEarlierTry(0, 'req-a')).toMatchObject({ id: 'task_a' });
	});

	it('shares nothing between runs without an execution id', () => {
		const memory = new LedgerMemory();
		fakeContext({ memory, executionId: '' }).ledger.paid(0, task('task_a'), 'req-a');
		expect(fakeContext({ memory, executionId: '' }).ledger.fromEarlierTry(0, 'req-a')).toBeUndefined();
	});

	it('keeps one run token per node run, for Wait Mode Callback', () => {
		const memory = new LedgerMemory();
		let made = 0;
		const make = () => `token-${++made}`;
		expect(fakeContext({ memory }).ledger.runToken(make)).toBe('token-1');
		expect(fakeContext({ memory }).ledger.runToken(make)).toBe('token-1');
		expect(fakeContext({ memory, executionId: 'exec-2' }).ledger.runToken(make)).toBe('token-2');
	});

	it('forgets the least recently used runs past its capacity', () => {
		const memory = new LedgerMemory(2);
		fakeContext({ memory, executionId: 'a' }).ledger.paid(0, task('task_a'), 'r');
		fakeContext({ memory, executionId: 'b' }).ledger.paid(0, task('task_b'), 'r');
		// Using "a" again makes "b" the oldest.
		expect(fakeContext({ memory, executionId: 'a' }).ledger.fromEarlierTry(0, 'r')).toMatchObject({ id: 'task_a' });
		fakeContext({ memory, executionId: 'c' }).ledger.paid(0, task('task_c'), 'r');
		expect(fakeContext({ memory, executionId: 'a' }).ledger.fromEarlierTry(0, 'r')).toMatchObject({ id: 'task_a' });
		expect(fakeContext({ memory, executionId: 'b' }).ledger.fromEarlierTry(0, 'r')).toBeUndefined();
	});

	it('redacts the API key from the custom data and the log, should the API echo it in a task id', () => {
		const { ledger, kept } = fakeContext();
		ledger.paid(0, task(`task_${KEY}`), 'r0');
		expect(JSON.stringify(kept)).not.toContain(KEY);
		expect(kept.customData.vidu_tasks).toBe('item 1: task_***');
		expect(kept.log).toEqual(['Vidu task task_*** submitted for item 1 (paid)']);
	});

	it('clips a task id too long for a custom-data value below n8n’s cut; the log keeps it whole', () => {
		const { ledger, kept } = fakeContext();
		const id = `task_${'x'.repeat(995)}`;
		ledger.paid(0, task(id), 'r0');
		const value = String(kept.customData.vidu_tasks);
		expect(value.length).toBeLessThanOrEqual(255);
		expect(value).toMatch(/^item 1: task_x+…$/);
		expect(kept.log[0]).toContain(id);
	});

	it('with all 10 custom-data keys taken by the workflow, says so once in the output pane and writes nothing', () => {
		const own = Object.fromEntries(Array.from({ length: 10 }, (_, n) => [`key${n}`, 'mine']));
		const { ledger, kept } = fakeContext({ customData: own });
		ledger.paid(0, task('task_a'), 'r0');
		ledger.paid(1, task('task_b'), 'r1');
		expect(kept.customData).toEqual(own);
		expect(kept.hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringMatching(/all 10 keys/) })]);
		expect(kept.log.filter((line) => line.includes('submitted'))).toHaveLength(2);
	});

	it('keeps only ids and states between tries: a finished task is asked about again, a failed one submitted again', () => {
		const memory = new LedgerMemory();
		const first = fakeContext({ memory }).ledger;
		const done = { ...task('task_done', 'completed'), metadata: { big: 'x'.repeat(100_000) } };
		first.paid(0, done, 'r0');
		first.paid(1, task('task_failed', 'failed'), 'r1');
		const retry = fakeContext({ memory }).ledger;
		expect(retry.fromEarlierTry(0, 'r0')).toMatchObject({ id: 'task_done', state: 'running', videos: [], metadata: null });
		expect(retry.fromEarlierTry(1, 'r1')).toBeUndefined();
	});
});
