import { systemClock } from '../../nodes/Vidu/helpers/clock';
import { ViduMock } from '../../dev/mock/viduMock';
import { runNode, type RunOptions } from './runNode';

/**
 * The node's clock made virtual: its time moves only when it sleeps, and its sleeps return at once, so
 * polling intervals, backoff and maximum waits play out in full without the test sleeping, and however
 * slowly the machine answers. HTTP (and its timeouts) stays real.
 */
/** No test needs more virtual time or sleeps than this; past it, a loop is stuck. */
const TIME_CEILING_MS = 48 * 3_600_000;
const SLEEP_CEILING = 200_000;
const READ_CEILING = 2_000_000;

/** Where virtual time starts in every test: a fixed instant, so that no real time leaks into it. */
const EPOCH_MS = Date.UTC(2026, 0, 1);

export function useVirtualClock(): { sleptMs: () => number; sleeps: number[] } {
	const state = { offset: 0, sleeps: [] as number[] };
	beforeEach(() => {
		state.offset = 0;
		state.sleeps.length = 0;
		let reads = 0;
		jest.spyOn(systemClock, 'now').mockImplementation(() => {
			if (++reads > READ_CEILING) throw new Error(`virtual clock ceiling: read ${reads} times, a loop that never sleeps`);
			return EPOCH_MS + state.offset;
		});
		jest.spyOn(systemClock, 'sleep').mockImplementation(async (ms) => {
			// A wait loop that never ends would spin on this instant sleep and starve jest's own
			// timeout: fail fast instead, past anything a test legitimately waits.
			if (!Number.isFinite(ms) || state.sleeps.length >= SLEEP_CEILING || state.offset > TIME_CEILING_MS) {
				throw new Error(`virtual clock ceiling: sleep(${ms}) after ${state.sleeps.length} sleeps, ${state.offset} ms`);
			}
			state.offset += ms;
			state.sleeps.push(ms);
		});
	});
	afterEach(() => jest.restoreAllMocks());
	return { sleptMs: () => state.offset, sleeps: state.sleeps };
}

/** A mock API per test, and a runner already pointed at it with the right key. */
export function useMock(): {
	mock: () => ViduMock;
	run: (options: Omit<RunOptions, 'credential'>) => ReturnType<typeof runNode>;
	clock: ReturnType<typeof useVirtualClock>;
} {
	const clock = useVirtualClock();
	let current: ViduMock;
	beforeEach(async () => {
		current = await new ViduMock().start();
	});
	afterEach(async () => await current.stop());
	return {
		clock,
		mock: () => current,
		run: async (options) => await runNode({ ...options, credential: { apiKey: current.apiKey, baseUrl: current.url } }),
	};
}

/** The simplest image input: a URL, which the API fetches itself. */
export const URL_IMAGE = { imageSource: 'url', imageUrl: 'https://example.com/a.png' };

/** A base URL where nothing listens: a mock that was started and stopped again. */
export async function unreachableBaseUrl(): Promise<string> {
	const closed = await new ViduMock().start();
	await closed.stop();
	return closed.url;
}

/** Real-looking wait settings: on the virtual clock they cost no real time. */
export const FAST_WAIT = { pollIntervalSeconds: 5, maxWaitMinutes: 10 };

type CreateBody = { model: string; input: Array<{ params: Record<string, unknown> }> };

export const sentParams = (mock: ViduMock, index = 0): Record<string, unknown> => (mock.creates[index].body as CreateBody).input[0].params;
