import fc from 'fast-check';

import type { Clock } from '../../nodes/Vidu/helpers/clock';
import { type BatchHooks, type BatchSettings, expectedDuration, runBatch } from '../../nodes/Vidu/poll/batch';
import { AIM_AFTER_MS, DEFAULT_SCHEDULE, firstCheckDelay, nextCheckDelay } from '../../nodes/Vidu/poll/schedule';
import { TaskFailed, WaitStopped } from '../../nodes/Vidu/errors/outcomes';
import { httpFailure } from '../../nodes/Vidu/transport/failure';
import { aTask as task } from '../helpers/task';

/** Virtual time: moves only when the code under test sleeps; throws past a ceiling instead of spinning. */
class FakeClock implements Clock {
	time = 0;
	private sleeps = 0;
	private reads = 0;
	/** A loop that reads the time without sleeping in between spins on microtasks: fail it instead of hanging jest. */
	now = () => {
		if (++this.reads > 100_000)
			throw new Error(`fake clock ceiling: time read ${this.reads} times at ${this.time} ms, a loop that never sleeps`);
		return this.time;
	};
	sleep = async (ms: number) => {
		// Waits are cut in 250 ms steps (helpers/clock.ts `pause`): two virtual days are about 700,000 of them.
		if (!Number.isFinite(ms) || ++this.sleeps > 1_000_000 || this.time > 48 * 3_600_000) {
			throw new Error(`fake clock ceiling: sleep(${ms}) at ${this.time} ms after ${this.sleeps} sleeps`);
		}
		this.reads = 0;
		this.time += ms;
	};
}

/**
 * A fake API on the fake clock: item i's task takes durations[i] ms; reports progress if asked.
 * Records submissions, checks and the most tasks running at once.
 */
function fakeApi(
	clock: FakeClock,
	durations: number[],
	/** `progress`: every task reports it, or only the tasks of these items. */
	options: { progress?: boolean | number[]; failing?: number[]; finishedOnCreate?: boolean } = {},
) {
	const started = new Map<string, number>();
	const log = { submits: [] as number[], checks: new Map<string, number[]>(), maxRunning: 0, seenDoneAt: new Map<string, number>() };
	const running = () => [...started].filter(([id, at]) => clock.now() < at + durations[Number(id.slice(1))]).length;
	const hooks: BatchHooks<{ index: number; id: string; checks: number }> = {
		submit: async (index) => {
			log.submits.push(index);
			const id = `t${index}`;
			started.set(id, clock.now());
			log.maxRunning = Math.max(log.maxRunning, running());
			// The create answer may already be terminal (docs/api-contract.md#task-answers).
			if (options.finishedOnCreate) return task(id, options.failing?.includes(index) ? 'failed' : 'completed');
			return task(id, 'running');
		},
		check: async ({ id }) => {
			log.checks.set(id, [...(log.checks.get(id) ?? []), clock.time]);
			const index = Number(id.slice(1));
			const elapsed = clock.now() - started.get(id)!;
			const reportsProgress = Array.isArray(options.progress) ? options.progress.includes(index) : options.progress;
			if (elapsed < durations[index]) return task(id, 'running', reportsProgress ? elapsed / durations[index] : null);
			log.seenDoneAt.set(id, clock.now() - (started.get(id)! + durations[index]));
			return task(id, options.failing?.includes(index) ? 'failed' : 'completed');
		},
		finish: async (t, index, stats) => {
			if (t.state === 'failed') throw new TaskFailed(t);
			return { index, id: t.id, checks: stats.statusChecks };
		},
	};
	return { hooks, log };
}

/** The first status check of task `id` is answered 429 with Retry-After: 20 s. */
function refuseFirstCheckOf(id: string, hooks: BatchHooks<unknown>): void {
	let refused = false;
	const check = hooks.check;
	hooks.check = async (t, index) => {
		if (!refused && t.id === id) {
			refused = true;
			throw httpFailure('status', 429, {}, 20_000, t.id);
		}
		return await check(t, index);
	};
}

const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
	maxConcurrent: 5,
	maxWaitMs: 600_000,
	schedule: { ...DEFAULT_SCHEDULE, maxGapMs: 5000 },
	continueOnFail: true,
	random: () => 0.5,
	...over,
});

describe('runBatch', () => {
	it('keeps input order although later items finish first', async () => {
		const clock = new FakeClock();
		const { hooks } = fakeApi(clock, [30_000, 5_000, 12_000]);
		const result = await runBatch(3, hooks, settings(), clock);
		expect(result.outcomes.map((o) => (o?.ok ? o.value.id : 'error'))).toEqual(['t0', 't1', 't2']);
	});

	it('never has more tasks in flight than Max Concurrent Tasks, and finishes in waves', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, new Array(12).fill(20_000));
		await runBatch(12, hooks, settings({ maxConcurrent: 4 }), clock);
		expect(log.maxRunning).toBe(4);
		expect(log.submits).toEqual([...Array(12).keys()]);
		// Three waves of 20 s; the schedule adds at most a few seconds per wave.
		expect(clock.time).toBeGreaterThanOrEqual(60_000);
		expect(clock.time).toBeLessThanOrEqual(60_000 + 3 * 5000);
	});

	it('with concurrency as large as the batch, all finish in about one generation time', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, new Array(50).fill(30_000), { progress: true });
		await runBatch(50, hooks, settings({ maxConcurrent: 50 }), clock);
		expect(log.maxRunning).toBe(50);
		expect(clock.time).toBeLessThanOrEqual(30_000 * 1.2);
	});

	it('aims at the expected end when the API reports progress', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [30_000], { progress: true });
		await runBatch(1, hooks, settings(), clock);
		expect(log.seenDoneAt.get('t0')).toBeLessThanOrEqual(1000);
	});

	it('a task that reports progress keeps its own schedule when a task without progress finishes first', async () => {
		const alone = new FakeClock();
		const single = fakeApi(alone, [40_000], { progress: true });
		await runBatch(1, single.hooks, settings(), alone);
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [40_000, 20_000], { progress: [0] });
		await runBatch(2, hooks, settings(), clock);
		// t1 finished first and taught the run "about 21 s": only tasks without progress of their own are pulled to that.
		expect(log.seenDoneAt.has('t1')).toBe(true);
		expect(log.checks.get('t0')).toEqual(single.log.checks.get('t0'));
	});

	it('without progress, checks once per polling interval, like a hand-made loop', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [40_000]);
		await runBatch(1, hooks, settings(), clock);
		const at = log.checks.get('t0')!;
		expect(at).toEqual([5000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000]);
	});

	it('spreads the first checks of a batch over the interval after the first one, one slot each', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, new Array(5).fill(60_000));
		await runBatch(5, hooks, settings(), clock);
		const first = ['t0', 't1', 't2', 't3', 't4'].map((id) => log.checks.get(id)![0]);
		expect(new Set(first).size).toBe(5);
		for (const at of first) expect(at >= 5000 && at < 10_000).toBe(true);
	});

	it('honours Retry-After for every task, since the rate limit is per key', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [10_000, 10_000]);
		refuseFirstCheckOf('t0', hooks);
		await runBatch(2, hooks, settings(), clock);
		const firstLimitAt = 2000;
		for (const id of ['t0', 't1']) {
			const later = log.checks.get(id)!.filter((t) => t > firstLimitAt);
			expect(Math.min(...later)).toBeGreaterThanOrEqual(firstLimitAt + 20_000);
		}
	});

	it('stops submitting at the first failure without Continue On Fail, and lists every task submitted', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [5000, 60_000, 60_000, 60_000], { failing: [0] });
		const result = await runBatch(4, hooks, settings({ maxConcurrent: 2, continueOnFail: false }), clock);
		expect(log.submits).toEqual([0, 1]);
		expect(result.firstFailure?.index).toBe(0);
		expect(result.submitted).toEqual([
			{ index: 0, taskId: 't0', state: 'failed' },
			{ index: 1, taskId: 't1', state: 'running' },
		]);
	});

	it('with Continue On Fail, a failure costs only its own item', async () => {
		const clock = new FakeClock();
		const { hooks } = fakeApi(clock, [5000, 5000, 5000], { failing: [1] });
		const result = await runBatch(3, hooks, settings({ continueOnFail: true }), clock);
		expect(result.outcomes.map((o) => o?.ok)).toEqual([true, false, true]);
		expect(result.outcomes[1]).toMatchObject({ ok: false, error: { task: { id: 't1' } } });
		expect(result.firstFailure).toBeUndefined();
	});

	it.each([
		{ label: 'completed', failing: [] },
		{ label: 'completed or failed, with Continue On Fail', failing: [1] },
	])('ends at once when every create answer is already $label: no status call, no sleep', async ({ failing }) => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [30_000, 30_000, 30_000], { finishedOnCreate: true, failing });
		const result = await runBatch(3, hooks, settings({ continueOnFail: true }), clock);
		expect(result.outcomes.map((o) => o?.ok)).toEqual([0, 1, 2].map((i) => !failing.includes(i)));
		expect(log.checks.size).toBe(0);
		expect(clock.time).toBe(0);
	});

	it('a task queued at the API is timed from when it leaves the queue; a queue that never moves ends a day past Max Wait', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [280_000, Number.MAX_SAFE_INTEGER]);
		const check = hooks.check;
		// Task 0 queues for 200 s, then runs 80 s: past a 2-minute Max Wait from submission, within it from the queue's end.
		hooks.check = async (t, index) => {
			const answer = await check(t, index);
			const queued = index === 1 || clock.time < 200_000;
			return answer.state === 'running' && queued ? { ...answer, apiStatus: 'queueing' } : answer;
		};
		// Checks a minute apart keep a day of queueing within the fake clock's ceilings.
		const schedule = { ...DEFAULT_SCHEDULE, maxGapMs: 60_000 };
		const result = await runBatch(2, hooks, settings({ maxWaitMs: 120_000, schedule, queueing: true }), clock);
		expect(result.outcomes[0]).toMatchObject({ ok: true, value: { id: 't0' } });
		expect(result.outcomes[1]).toMatchObject({ ok: false, error: { reason: 'timeout', task: { id: 't1' } } });
		expect(Math.max(...log.checks.get('t1')!)).toBe(24 * 3_600_000 + 120_000);
	});

	it('times each task out at its own maximum wait, after a last check at the deadline', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [Number.MAX_SAFE_INTEGER]);
		const result = await runBatch(1, hooks, settings({ maxWaitMs: 60_000 }), clock);
		expect(result.outcomes[0]).toMatchObject({ ok: false, error: { reason: 'timeout', task: { id: 't0' }, maxWaitMinutes: 1 } });
		expect(result.outcomes[0]?.ok === false && result.outcomes[0].error).toBeInstanceOf(WaitStopped);
		expect(Math.max(...log.checks.get('t0')!)).toBe(60_000);
	});

	it('stops at once when cancelled, reporting every task in flight', async () => {
		const clock = new FakeClock();
		const controller = new AbortController();
		const { hooks } = fakeApi(clock, [60_000, 60_000, 60_000]);
		const sleep = clock.sleep;
		clock.sleep = async (ms) => {
			await sleep(ms);
			if (clock.time >= 3000) controller.abort();
		};
		const result = await runBatch(3, hooks, settings({ maxConcurrent: 2, signal: controller.signal }), clock);
		expect(result.outcomes.map((o) => (o && !o.ok ? (o.error as WaitStopped).task.id : o))).toEqual(['t0', 't1', undefined]);
		expect(clock.time).toBeLessThan(4000);
	});
});

describe('runBatch: bounded whatever the API does', () => {
	it('a progress stuck at 0.99 costs no more status calls than a loop at the Polling Interval, plus one', async () => {
		const clock = new FakeClock();
		const checks: number[] = [];
		const hooks: BatchHooks<string> = {
			submit: async () => task('t0'),
			check: async ({ id }) => {
				checks.push(clock.time);
				return clock.time < 120_000 ? task(id, 'running', clock.time < 10_000 ? 0.5 : 0.99) : task(id, 'completed');
			},
			finish: async (t) => t.id,
		};
		const result = await runBatch(1, hooks, settings(), clock);
		expect(result.outcomes[0]).toEqual({ ok: true, value: 't0' });
		// A loop asking every 5 s finds it done at its 24th or 25th call.
		expect(checks.length).toBeLessThanOrEqual(25 + 1);
	});

	it('under endless 429s, never-accepted items share one deadline: the run ends by Max Wait, whatever their number', async () => {
		const clock = new FakeClock();
		let posts = 0;
		const hooks: BatchHooks<string> = {
			submit: async () => {
				posts++;
				throw httpFailure('submit', 429, { message: 'busy' }, 60_000);
			},
			check: async (t) => t,
			finish: async (t) => t.id,
		};
		const result = await runBatch(200, hooks, settings({ maxWaitMs: 600_000 }), clock);
		expect(clock.time).toBeLessThanOrEqual(600_000);
		expect(result.outcomes.every((outcome) => outcome && !outcome.ok)).toBe(true);
		// Refused ones fail with the API's refusal; those never tried say nothing was sent.
		const errors = result.outcomes.map((outcome) => (outcome && !outcome.ok ? (outcome.error as Error).name : ''));
		expect(new Set(errors)).toEqual(new Set(['ViduFailure', 'NotSubmitted']));
		// The first wave (8) at once, then one a Retry-After (60 s) until Max Wait: not one per item.
		expect(posts).toBeLessThanOrEqual(8 + 600_000 / 60_000 + 1);
	});

	it('a refusal does not end items the API accepts again before Max Wait', async () => {
		const clock = new FakeClock();
		let posts = 0;
		const { hooks } = fakeApi(clock, new Array(10).fill(20_000));
		const submit = hooks.submit;
		hooks.submit = async (index) => {
			if (++posts <= 3) throw httpFailure('submit', 429, {}, 30_000);
			return await submit(index);
		};
		const result = await runBatch(10, hooks, settings(), clock);
		expect(result.outcomes.every((outcome) => outcome?.ok)).toBe(true);
	});
});

describe('check delays (properties)', () => {
	const gaps = fc.record({ minGapMs: fc.integer({ min: 100, max: 2000 }), extra: fc.integer({ min: 1000, max: 60_000 }) });
	const scheduleOf = ({ minGapMs, extra }: { minGapMs: number; extra: number }) => ({ minGapMs, maxGapMs: minGapMs + extra });

	it('with progress, the next check lands just after the estimated end, never before it, within the gap limits', () => {
		fc.assert(
			fc.property(gaps, fc.integer({ min: 1, max: 600_000 }), fc.double({ min: 0.03, max: 0.999, noNaN: true }), (g, since, progress) => {
				const schedule = scheduleOf(g);
				const delay = nextCheckDelay(since, progress, schedule);
				const remaining = (since / progress) * (1 - progress);
				expect(delay).toBeGreaterThanOrEqual(schedule.minGapMs);
				expect(delay).toBeLessThanOrEqual(schedule.maxGapMs);
				if (remaining + AIM_AFTER_MS <= schedule.maxGapMs && remaining >= schedule.minGapMs) {
					expect(delay).toBeGreaterThanOrEqual(Math.floor(remaining));
					expect(delay).toBeLessThanOrEqual(Math.ceil(remaining + AIM_AFTER_MS));
				}
			}),
		);
	});

	it('progress that says nothing (none, 0, tiny or complete) and no learnt end: one Polling Interval, as a loop waits', () => {
		fc.assert(
			fc.property(gaps, fc.integer({ min: 0, max: 600_000 }), fc.constantFrom(null, 0, 0.01, 1), (g, since, progress) => {
				const schedule = scheduleOf(g);
				expect(nextCheckDelay(since, progress, schedule)).toBe(schedule.maxGapMs);
			}),
		);
	});

	it('without progress, checks land just after the learnt end, and past it come sooner the nearer the end is', () => {
		fc.assert(
			fc.property(gaps, fc.integer({ min: 2000, max: 120_000 }), fc.integer({ min: 0, max: 240_000 }), (g, expected, since) => {
				const schedule = scheduleOf(g);
				const delay = nextCheckDelay(since, null, schedule, expected);
				expect(delay).toBeGreaterThanOrEqual(schedule.minGapMs);
				expect(delay).toBeLessThanOrEqual(schedule.maxGapMs);
				const untilEnd = expected + AIM_AFTER_MS - since;
				if (untilEnd >= schedule.minGapMs && untilEnd <= schedule.maxGapMs) expect(since + delay).toBe(expected + AIM_AFTER_MS);
				if (untilEnd < 0) expect(nextCheckDelay(since + 1000, null, schedule, expected)).toBeGreaterThanOrEqual(delay);
			}),
		);
	});

	it('a first check placed so that checks a Polling Interval apart land on the learnt end, and never sooner than the shortest gap', () => {
		fc.assert(
			fc.property(gaps, fc.nat(300), fc.integer({ min: 0, max: 120_000 }), (g, index, expected) => {
				const schedule = scheduleOf(g);
				const delay = firstCheckDelay(schedule, index, expected);
				const end = expected + AIM_AFTER_MS;
				expect(delay).toBeGreaterThanOrEqual(schedule.minGapMs);
				if (end >= schedule.minGapMs) expect((end - delay) % schedule.maxGapMs).toBe(0);
				expect(delay).toBeLessThan(Math.max(2 * schedule.maxGapMs, schedule.minGapMs + 1));
			}),
		);
	});

	it('nothing learnt yet: the first check comes within the second Polling Interval after submission', () => {
		fc.assert(
			fc.property(gaps, fc.nat(300), (g, index) => {
				const schedule = scheduleOf(g);
				const delay = firstCheckDelay(schedule, index);
				expect(delay).toBeGreaterThanOrEqual(schedule.maxGapMs);
				expect(delay).toBeLessThan(2 * schedule.maxGapMs);
			}),
		);
	});
});

describe('runBatch: status checks', () => {
	it('never has more than six status checks in flight at once', async () => {
		const clock = new FakeClock();
		const { hooks } = fakeApi(clock, new Array(20).fill(10_000));
		let inFlight = 0;
		let most = 0;
		const check = hooks.check;
		hooks.check = async (t, index) => {
			most = Math.max(most, ++inFlight);
			await new Promise((resolve) => setImmediate(resolve));
			inFlight--;
			return await check(t, index);
		};
		await runBatch(20, hooks, settings({ maxConcurrent: 20 }), clock);
		expect(most).toBe(6);
	});

	it('a Retry-After on one status check holds every check until it has passed', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, [30_000, 30_000, 30_000]);
		refuseFirstCheckOf('t0', hooks);
		await runBatch(3, hooks, settings({ maxConcurrent: 3 }), clock);
		const refusedAt = 2000; // the first check of every task is due 2 s after submission
		const during = [...log.checks.values()].flat().filter((at) => at > refusedAt && at < refusedAt + 20_000);
		expect(during).toEqual([]);
	});

	it('keeps holding checks that fall due while a refused submission goes again during a Retry-After', async () => {
		const clock = new FakeClock();
		// t0 ends at its first check (5 s), which makes room; t1's check at 5.06 s is refused for 20 s;
		// t2's next check falls due at 6.06 s; t3, refused at submission until 9 s, goes again then,
		// inside the hold: that wake must not check t2.
		const { hooks, log } = fakeApi(clock, [5000, 60_000, 60_000, 60_000]);
		refuseFirstCheckOf('t1', hooks);
		const submittedAt: number[] = [];
		const submit = hooks.submit;
		hooks.submit = async (index) => {
			if (index === 3 && submittedAt.length === 0) {
				submittedAt.push(clock.time);
				throw httpFailure('submit', 429, {}, 9000);
			}
			if (index === 3) submittedAt.push(clock.time);
			return await submit(index);
		};
		await runBatch(4, hooks, settings({ maxWaitMs: 120_000 }), clock);
		expect(submittedAt).toEqual([0, 9000]);
		const checksAt = [...log.checks.values()].flat();
		expect(checksAt.filter((at) => at > 5060 && at < 25_060)).toEqual([]);
	});

	it('without progress, learns from the run: later tasks are noticed within a second, with no more checks than a 5 s loop', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, new Array(10).fill(30_000));
		await runBatch(10, hooks, settings({ maxConcurrent: 2 }), clock);
		const later = ['t2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'];
		const delays = later.map((id) => log.seenDoneAt.get(id)!).sort((a, b) => a - b);
		expect((delays[3] + delays[4]) / 2).toBeLessThanOrEqual(1000);
		// The loop users build by hand (Wait 5 s, then ask) asks 6 times about a 30 s task.
		for (const id of later) expect(log.checks.get(id)!.length).toBeLessThanOrEqual(6);
	});

	/** Status calls a loop asking every 5 s makes: one per interval begun before the video is ready. */
	const loopChecks = (duration: number) => Math.ceil(duration / 5000);

	/** A batch of tasks of these lengths, all in flight at once: what was asked, and the status calls of the run and of a 5 s loop. */
	const runAllAtOnce = async (durations: number[]) => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, durations);
		await runBatch(durations.length, hooks, settings({ maxConcurrent: durations.length }), clock);
		const checks = [...log.checks.values()].reduce((sum, at) => sum + at.length, 0);
		const loop = durations.reduce((sum, duration) => sum + loopChecks(duration), 0);
		return { log, checks, loop };
	};

	it('tasks of different lengths take no more checks than a 5 s loop on average, at most one more each, never more than 5 s apart', async () => {
		// 15 to 25 s, spread evenly but not in order: the first to finish teaches the run a length
		// most others do not have.
		const durations = Array.from({ length: 50 }, (_, i) => 15_000 + ((i * 37) % 50) * 200);
		const { log, checks, loop } = await runAllAtOnce(durations);
		const tooMany: string[] = [];
		const tooFar: string[] = [];
		durations.forEach((duration, i) => {
			const at = log.checks.get(`t${i}`)!;
			if (at.length > loopChecks(duration) + 1) tooMany.push(`t${i} (${duration} ms): ${at.join(', ')}`);
			if (at.some((time, n) => n > 0 && time - at[n - 1] > 5000)) tooFar.push(`t${i}: ${at.join(', ')}`);
		});
		expect(tooMany).toEqual([]);
		expect(tooFar).toEqual([]);
		expect(checks).toBeLessThanOrEqual(loop);
	});

	it('a probe that finds one task done by chance does not aim the run at a length its tasks do not share', async () => {
		// 18 to 22 s: the first to finish is the shortest; its probe can be lucky, the others are not.
		for (const shift of [0, 7, 13, 29]) {
			const durations = Array.from({ length: 10 }, (_, i) => 18_000 + (((i + shift) * 7) % 10) * 400 + 150);
			const { checks, loop } = await runAllAtOnce(durations);
			expect({ shift, checks }).toEqual({ shift, checks: Math.min(checks, loop) });
		}
	});

	it('once an aim proves wrong, the checks aimed alongside it are not sent', async () => {
		const clock = new FakeClock();
		// A few short tasks teach the run "19 s" and both probes happen to be short too; the rest take 21 s.
		const durations = Array.from({ length: 200 }, (_, i) => (i < 2 ? 18_800 : i % 5 === 4 && i < 20 ? 18_500 : 21_000));
		const { hooks, log } = fakeApi(clock, durations);
		await runBatch(200, hooks, settings({ maxConcurrent: 200 }), clock);
		const wasted = durations.filter((duration, i) => log.checks.get(`t${i}`)!.length > loopChecks(duration));
		// Only the checks already on their way when the first wrong answer came back (six at a time).
		expect(wasted.length).toBeLessThanOrEqual(6);
	});

	it('a check set back to the grid when its aim proved wrong still comes by Max Wait', async () => {
		const clock = new FakeClock();
		const durations = Array.from({ length: 200 }, (_, i) => (i < 2 ? 18_800 : i % 5 === 4 && i < 20 ? 18_500 : 21_000));
		const { hooks, log } = fakeApi(clock, durations);
		const result = await runBatch(200, hooks, settings({ maxConcurrent: 200, maxWaitMs: 19_500 }), clock);
		const late = [...log.checks.entries()].filter(([, at]) => at[at.length - 1] > 19_500).map(([id, at]) => `${id}: ${at.join(', ')}`);
		expect(late).toEqual([]);
		expect(result.outcomes.filter((o) => o && !o.ok && o.error instanceof WaitStopped).length).toBeGreaterThan(100);
	});

	it('tasks of one nominal length that vary by up to a second (19.5–20.5 s): noticed within a second once one has finished, no more checks than a 5 s loop', async () => {
		for (const shift of [0, 3, 11, 17]) {
			const durations = Array.from({ length: 50 }, (_, i) => 19_500 + (((i + shift) * 37) % 50) * 20);
			const { log, checks, loop } = await runAllAtOnce(durations);
			const firstDone = Math.min(...durations.map((duration, i) => duration + log.seenDoneAt.get(`t${i}`)!));
			const afterFirst = durations
				.map((duration, i) => ({ endedAt: duration, delay: log.seenDoneAt.get(`t${i}`)! }))
				.filter(({ endedAt, delay }) => endedAt + delay > firstDone)
				.map(({ delay }) => delay)
				.sort((a, b) => a - b);
			expect({ shift, median: Math.min(afterFirst[Math.floor(afterFirst.length / 2)], 1000), checks: Math.min(checks, loop) }).toEqual({
				shift,
				median: afterFirst[Math.floor(afterFirst.length / 2)],
				checks,
			});
		}
	});

	it('checks set back when an aim proves wrong go where they were before it, not sooner (19.5–20.5 s, 200 items)', async () => {
		for (const shift of [0, 3, 11, 17]) {
			const durations = Array.from({ length: 200 }, (_, i) => 19_500 + (((i + shift) * 37) % 200) * 5);
			// The loop asks 4 or 5 times (4.5 on average); the node, aimed at the end the run learns and
			// moved once past it, about 4.1: sent back to the whole interval after submission instead,
			// the tasks spread over the interval's later seconds would each be asked once more.
			const { checks, loop } = await runAllAtOnce(durations);
			expect({ shift, checks: Math.min(checks, loop - 60) }).toEqual({ shift, checks });
		}
	});

	it('tasks of one nominal length that vary (19.5–20.5 s, 200 items): only the few the run learns from are asked a fifth time, and each is noticed within 1.5 s', async () => {
		for (const shift of [0, 3, 11, 17]) {
			const durations = Array.from({ length: 200 }, (_, i) => 19_500 + (((i + shift) * 37) % 200) * 5);
			const { log } = await runAllAtOnce(durations);
			// Checks aimed at an end that proved short get their early check back for the moved end.
			const latest = Math.max(...log.seenDoneAt.values());
			expect({ shift, latest: Math.min(latest, 1500) }).toEqual({ shift, latest });
			// A loop whose rounds drift by a few tenths of a second (200 requests each) asks every one of
			// them 4 times; tasks the schedule tests the learnt end on may need a fifth.
			const fifth = [...log.checks.values()].filter((at) => at.length > 4).length;
			expect({ shift, fifth: Math.min(fifth, 6) }).toEqual({ shift, fifth });
		}
	});

	it('tasks of two lengths far apart (15 and 25 s): the learnt end is moved once only, at most two probes more than a 5 s loop', async () => {
		for (const shift of [0, 1, 2, 5, 8]) {
			const durations = Array.from({ length: 10 }, (_, i) => (((i + shift) * 7) % 10 < 5 ? 15_000 : 25_000));
			const { checks, loop } = await runAllAtOnce(durations);
			expect({ shift, checks: Math.min(checks, loop + 2) }).toEqual({ shift, checks });
		}
	});

	it('three tasks far apart (9.7, 11.6, 16.4 s): a moved end is tested before the run is aimed at it, so none is asked more than a loop asks', async () => {
		const durations = [16_379, 11_552, 9708];
		const { log } = await runAllAtOnce(durations);
		durations.forEach((duration, i) => expect(log.checks.get(`t${i}`)!.length).toBeLessThanOrEqual(loopChecks(duration)));
	});

	it('tasks of one length that is no multiple of the interval (22.5 s): noticed within a second, fewer checks than a 5 s loop', async () => {
		const clock = new FakeClock();
		const { hooks, log } = fakeApi(clock, new Array(20).fill(22_500));
		await runBatch(20, hooks, settings({ maxConcurrent: 20 }), clock);
		const delays = [...log.seenDoneAt.values()].sort((a, b) => a - b);
		expect(delays[10]).toBeLessThanOrEqual(1000);
		// The loop asks 5 times (5, 10, 15, 20, 25 s).
		for (const at of log.checks.values()) expect(at.length).toBeLessThanOrEqual(5);
	});
});

describe('expectedDuration', () => {
	it('takes the "done by" time when every finished task agrees on it', () => {
		expect(
			expectedDuration([
				{ after: 18_000, by: 20_500 },
				{ after: 19_000, by: 20_100 },
			]),
		).toBe(20_100);
	});

	it('takes the typical "done by" when tasks of different lengths agree on nothing', () => {
		expect(
			expectedDuration([
				{ after: 5000, by: 10_000 },
				{ after: 20_000, by: 25_000 },
				{ after: 9000, by: 12_000 },
			]),
		).toBe(12_000);
		expect(expectedDuration([])).toBeUndefined();
	});
});

describe('runBatch: the promises of the schedule, for any batch (property tests)', () => {
	const INTERVAL = 5000;
	/** Checks a loop asking every Polling Interval after submission makes to see a task of `duration` done. */
	const loopChecks = (duration: number) => Math.max(1, Math.ceil(duration / INTERVAL));
	const batches = fc.record({
		durations: fc.array(fc.integer({ min: 1000, max: 60_000 }), { minLength: 1, maxLength: 40 }),
		progress: fc.constantFrom<'none' | 'all' | 'some'>('none', 'all', 'some'),
	});

	it('no task gets more than one status call above a loop at the same Polling Interval, with or without progress', async () => {
		await fc.assert(
			fc.asyncProperty(batches, async ({ durations, progress }) => {
				const clock = new FakeClock();
				const withProgress =
					progress === 'all' ? true : progress === 'some' ? durations.map((_, n) => n).filter((n) => n % 2 === 0) : false;
				const { hooks, log } = fakeApi(clock, durations, { progress: withProgress });
				await runBatch(durations.length, hooks, settings({ maxConcurrent: 100 }), clock);
				durations.forEach((duration, index) => {
					const checks = log.checks.get(`t${index}`)?.length ?? 0;
					if (checks > loopChecks(duration) + 1) throw new Error(`task ${index} of ${duration} ms: ${checks} checks`);
				});
			}),
			{ numRuns: 150 },
		);
	});

	it('every task is seen done no later than such a loop would see it', async () => {
		await fc.assert(
			fc.asyncProperty(batches, async ({ durations, progress }) => {
				const clock = new FakeClock();
				const { hooks, log } = fakeApi(clock, durations, { progress: progress !== 'none' });
				await runBatch(durations.length, hooks, settings({ maxConcurrent: 100 }), clock);
				durations.forEach((duration, index) => {
					const late = log.seenDoneAt.get(`t${index}`)!;
					const loopLate = loopChecks(duration) * INTERVAL - duration;
					if (late > loopLate + INTERVAL) throw new Error(`task ${index} of ${duration} ms seen ${late} ms late`);
				});
			}),
			{ numRuns: 150 },
		);
	});
});
