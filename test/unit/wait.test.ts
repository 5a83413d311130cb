import type { Task } from '../../nodes/Vidu/helpers/task';
import type { Clock } from '../../nodes/Vidu/helpers/clock';
import { waitForTask } from '../../nodes/Vidu/helpers/wait';

/** A clock that only moves when the code under test sleeps. */
class FakeClock implements Clock {
	time = 0;
	sleeps: number[] = [];
	onSleep?: (time: number) => void;
	now = () => this.time;
	sleep = async (ms: number) => {
		this.sleeps.push(ms);
		this.time += ms;
		this.onSleep?.(this.time);
	};
}

const task = (state: Task['state'], id = 't1'): Task => ({
	id,
	state,
	apiStatus: state,
	progress: null,
	model: null,
	videos: [],
	usage: null,
	metadata: null,
	error: null,
});

describe('waitForTask', () => {
	it('polls at the interval until the task ends', async () => {
		const clock = new FakeClock();
		const answers = [task('running'), task('running'), task('completed')];
		const polledAt: number[] = [];
		const result = await waitForTask(
			task('running'),
			async () => {
				polledAt.push(clock.now());
				return answers.shift()!;
			},
			{ intervalMs: 5000, maxWaitMs: 600_000 },
			clock,
		);
		expect(result).toEqual({ outcome: 'finished', task: task('completed') });
		expect(polledAt).toEqual([5000, 10_000, 15_000]);
	});

	it('does not poll at all when the create answer is already final', async () => {
		const fetchTask = jest.fn();
		const result = await waitForTask(task('failed'), fetchTask, { intervalMs: 5000, maxWaitMs: 1000 }, new FakeClock());
		expect(result.outcome).toBe('finished');
		expect(fetchTask).not.toHaveBeenCalled();
	});

	it('never waits past the maximum: the last pause is shortened to end at the deadline', async () => {
		const clock = new FakeClock();
		const polledAt: number[] = [];
		const result = await waitForTask(
			task('running'),
			async () => {
				polledAt.push(clock.now());
				return task('running');
			},
			{ intervalMs: 4000, maxWaitMs: 10_000 },
			clock,
		);
		expect(polledAt).toEqual([4000, 8000, 10_000]);
		expect(result).toMatchObject({ outcome: 'timeout', task: { id: 't1' }, waitedMs: 10_000 });
	});

	it('stops within a quarter second of cancellation, even during a long pause, and keeps the task', async () => {
		const clock = new FakeClock();
		const controller = new AbortController();
		clock.onSleep = (time) => {
			if (time >= 1000) controller.abort();
		};
		const fetchTask = jest.fn();
		const result = await waitForTask(
			task('running', 'abc'),
			fetchTask,
			{ intervalMs: 3_600_000, maxWaitMs: 36_000_000, signal: controller.signal },
			clock,
		);
		expect(result).toMatchObject({ outcome: 'cancelled', task: { id: 'abc' }, waitedMs: 1000 });
		expect(fetchTask).not.toHaveBeenCalled();
		expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(250);
	});
});
