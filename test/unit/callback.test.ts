import {
	type CallbackState,
	callbackUrlFor,
	checkOrder,
	claimsFinished,
	claimsStillRunning,
	DoorbellMemory,
	failedSubmissionState,
	pauseKey,
	readDoorbell,
	sweep,
	waitingState,
} from '../../nodes/Vidu/callback/doorbell';
import { aTask as task } from '../helpers/task';

const RESUME = 'https://n8n.example.com/webhook-waiting/42?signature=abc';
const RUN = 'run0token';
const states = (...ids: Array<string | null>): Array<CallbackState | undefined> =>
	ids.map((id) => (id ? waitingState(id, RUN) : failedSubmissionState('bad image')));

describe('callback URLs', () => {
	it("adds the node's own path, the item and the run to n8n's resume URL, keeping its signature", () => {
		expect(callbackUrlFor(RESUME, 3, RUN)).toBe(
			'https://n8n.example.com/webhook-waiting/42/vidu?signature=abc&vidu_item=3&vidu_run=run0token',
		);
		expect(callbackUrlFor('https://n8n.example.com/webhook-waiting/42', 0, RUN)).toBe(
			'https://n8n.example.com/webhook-waiting/42/vidu?vidu_item=0&vidu_run=run0token',
		);
	});

	it('leaves a state on the item that says the video has not arrived and how to fetch it', () => {
		expect(waitingState('task_9', RUN)).toMatchObject({
			videoArrived: false,
			taskId: 'task_9',
			message: expect.stringContaining('Get Task'),
		});
	});
});

describe('readDoorbell', () => {
	const run = states('task_1', 'task_2', null);

	it('accepts a known item, with or without a body naming its task', () => {
		expect(readDoorbell({ vidu_item: '1', vidu_run: RUN }, {}, run)).toEqual({ ok: true, index: 1, taskId: 'task_2', run: RUN });
		expect(readDoorbell({ vidu_item: '1', vidu_run: RUN }, { id: 'task_2', status: 'completed' }, run)).toEqual({
			ok: true,
			index: 1,
			taskId: 'task_2',
			run: RUN,
		});
		expect(readDoorbell({ vidu_item: '0', vidu_run: RUN }, { task_id: 'task_1' }, run)).toEqual({
			ok: true,
			index: 0,
			taskId: 'task_1',
			run: RUN,
		});
		// The model maker's id in `id`, the gateway's in `task_id`; and empty names.
		expect(readDoorbell({ vidu_item: '0', vidu_run: RUN }, { id: 9001, task_id: 'task_1' }, run)).toEqual({
			ok: true,
			index: 0,
			taskId: 'task_1',
			run: RUN,
		});
		expect(readDoorbell({ vidu_item: '0', vidu_run: RUN }, { id: null, task_id: '' }, run)).toEqual({
			ok: true,
			index: 0,
			taskId: 'task_1',
			run: RUN,
		});
	});

	it('an integer id past 2^53, which n8n parses rounded from the callback body, still names its task', () => {
		const big = states('787587466925535232');
		expect(readDoorbell({ vidu_item: '0', vidu_run: RUN }, { id: 787587466925535232 }, big)).toMatchObject({ ok: true, index: 0 });
		expect(readDoorbell({ vidu_item: '0', vidu_run: RUN }, { id: 787587466925535000 + 4096 }, big)).toMatchObject({ ok: false });
	});

	it.each([
		{ label: 'no item', query: {}, body: {} },
		{ label: 'an item outside the run', query: { vidu_item: '7' }, body: {} },
		{ label: 'an item that was never submitted', query: { vidu_item: '2' }, body: {} },
		{ label: 'a malformed item', query: { vidu_item: '1abc' }, body: {} },
		{ label: 'a body naming another task', query: { vidu_item: '1', vidu_run: RUN }, body: { id: 'task_666' } },
		{ label: 'a body naming other tasks twice', query: { vidu_item: '1', vidu_run: RUN }, body: { id: 'task_1', task_id: 'task_666' } },
		{ label: 'a callback of an earlier run', query: { vidu_item: '1', vidu_run: 'earlier0run' }, body: {} },
		{ label: 'a callback without its run', query: { vidu_item: '1' }, body: {} },
	])('refuses $label', ({ query, body }) => {
		expect(readDoorbell(query, body, run)).toEqual({ ok: false, reason: 'not a task of this run' });
	});
});

describe('what a callback body claims', () => {
	it.each([
		{ body: { status: 'processing' }, running: true, finished: false },
		{ body: { status: 'queued' }, running: true, finished: false },
		{ body: { status: 'in_progress' }, running: true, finished: false },
		{ body: { status: 'completed' }, running: false, finished: true },
		{ body: { status: 'FAILED' }, running: false, finished: true },
		{ body: {}, running: false, finished: false },
		{ body: { status: '' }, running: false, finished: false },
		{ body: { state: 42 }, running: false, finished: false },
		{ body: { state: 'processing' }, running: true, finished: false },
		{ body: { state: 'success' }, running: false, finished: true },
		{ body: { status: '', state: 'queueing' }, running: true, finished: false },
		// A word the node does not know may be a final state: the API is asked, but not asked again.
		{ body: { state: 'halted' }, running: false, finished: false },
	])('$body: still running $running, finished $finished', ({ body, running, finished }) => {
		expect(claimsStillRunning(body)).toBe(running);
		expect(claimsFinished(body)).toBe(finished);
	});
});

describe('deciding whether every task is finished', () => {
	it('checks the task after the ringing one first and the ringing one last, skipping unsubmitted items', () => {
		expect(checkOrder(1, states('a', 'b', 'c', 'd'))).toEqual([2, 3, 0, 1]);
		expect(checkOrder(3, states('a', null, 'c', 'd'))).toEqual([0, 2, 3]);
	});

	it('stops at the first task still running, and resumes only when all are finished', async () => {
		const run = states('t0', 't1', 't2');
		const done = new Set(['t0', 't1']);
		const calls: string[] = [];
		const check = async (id: string) => {
			calls.push(id);
			return task(id, done.has(id) ? 'completed' : 'running');
		};
		expect(await sweep(checkOrder(0, run), run, check)).toEqual({ allFinished: false, waitingFor: 't2' });
		expect(calls).toEqual(['t1', 't2']);
		done.add('t2');
		const finished = await sweep(checkOrder(2, run), run, check);
		expect(finished.allFinished).toBe(true);
		expect(finished.allFinished && finished.tasks.map((t) => t?.id)).toEqual(['t0', 't1', 't2']);
	});

	it('needs 19 status calls for 10 tasks that call back in submission order (under 2 per task)', async () => {
		const ids = Array.from({ length: 10 }, (_, n) => `t${n}`);
		const run = states(...ids);
		const done = new Set<string>();
		let calls = 0;
		const check = async (id: string) => {
			calls++;
			return task(id, done.has(id) ? 'completed' : 'running');
		};
		let resumed = false;
		for (const [index, id] of ids.entries()) {
			done.add(id);
			resumed = (await sweep(checkOrder(index, run), run, check)).allFinished;
		}
		expect(resumed).toBe(true);
		expect(calls).toBe(19);
	});
});

describe('DoorbellMemory', () => {
	it('a callback that arrives during a sweep of its run gets one more sweep, shared by all that arrived', async () => {
		const memory = new DoorbellMemory();
		let release!: () => void;
		const blocked = new Promise<void>((resolve) => (release = resolve));
		let sweeps = 0;
		const work = async () => {
			sweeps++;
			if (sweeps === 1) await blocked;
			return sweeps;
		};
		const first = memory.coalesced('exec-1', work);
		const second = memory.coalesced('exec-1', work);
		const third = memory.coalesced('exec-1', work);
		const otherRun = memory.coalesced('exec-2', async () => 'own sweep');
		release();
		// The second sweep sees what finished meanwhile; every caller gets its answer.
		expect(await Promise.all([first, second, third])).toEqual([2, 2, 2]);
		expect(sweeps).toBe(2);
		expect(await otherRun).toBe('own sweep');
	});

	it('lets one caller resume each pause: a second pause of the same execution (another node, a loop) resumes too', () => {
		const memory = new DoorbellMemory(3);
		const first = pauseKey('exec-1', 'run0first');
		const second = pauseKey('exec-1', 'run0second');
		expect([memory.claimResume(first), memory.claimResume(first), memory.claimResume(second), memory.claimResume(second)]).toEqual([
			true,
			false,
			true,
			false,
		]);
	});

	it('keeps ids only, within its capacity, the oldest going first', () => {
		const memory = new DoorbellMemory(2);
		for (const id of ['a', 'b', 'c']) memory.noteClaimedFinished('exec-1/run', id);
		expect(['a', 'b', 'c'].map((id) => memory.claimedFinished('exec-1/run', id))).toEqual([false, true, true]);
		expect(memory.claimedFinished('exec-1/other', 'c')).toBe(false);
	});
});
