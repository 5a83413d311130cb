import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ledgerFor } from '../../nodes/Vidu/output/ledger';

/** What n8n keeps of a stopped execution: its custom data (at most 10 keys, values cut at 512) and its log. */
function fakeContext() {
	const kept: { customData: IDataObject; log: string[] } = { customData: {}, log: [] };
	const ctx = {
		customData: { setAll: (values: IDataObject) => Object.assign(kept.customData, values) },
		logger: { info: (message: string) => kept.log.push(message) },
		getExecutionId: () => 'exec-1',
		getNode: () => ({ name: 'Vidu' }),
	} as unknown as IExecuteFunctions;
	return { ledger: ledgerFor(ctx), kept };
}

describe('the paid-task ledger', () => {
	it('writes each task id into the custom data and the log the moment it is paid', () => {
		const { ledger, kept } = fakeContext();
		ledger.paid(0, 'task_a');
		expect(kept.customData).toEqual({ vidu_tasks: 'item 1: task_a' });
		ledger.paid(2, 'task_c');
		expect(kept.customData).toEqual({ vidu_tasks: 'item 1: task_a, item 3: task_c' });
		expect(kept.log).toEqual(['Vidu task task_a submitted for item 1 (paid)', 'Vidu task task_c submitted for item 3 (paid)']);
	});

	it('spreads many ids over keys within n8n’s limits, and points at the log for the rest', () => {
		const { ledger, kept } = fakeContext();
		const ids = Array.from({ length: 200 }, (_, n) => `task_${String(n).padStart(20, '0')}`);
		ids.forEach((id, index) => ledger.paid(index, id));
		const keys = Object.keys(kept.customData);
		expect(keys).toEqual(['vidu_tasks', ...Array.from({ length: 7 }, (_, n) => `vidu_tasks_${n + 2}`)]);
		for (const value of Object.values(kept.customData)) expect(String(value).length).toBeLessThanOrEqual(255);
		const shown = Object.values(kept.customData).join(', ');
		const listed = ids.filter((id) => shown.includes(id));
		expect(listed).toEqual(ids.slice(0, listed.length));
		expect(kept.customData.vidu_tasks_8).toBe(`and ${ids.length - listed.length} more: see the n8n log ("Vidu task … submitted")`);
		expect(kept.log).toHaveLength(200);
	});
});
