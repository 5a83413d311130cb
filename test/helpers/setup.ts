import { ViduMock } from '../mock/viduMock';
import { runNode, type RunOptions } from './runNode';

/** A mock API per test, and a runner already pointed at it with the right key. */
export function useMock(): { mock: () => ViduMock; run: (options: Omit<RunOptions, 'credential'>) => ReturnType<typeof runNode> } {
	let current: ViduMock;
	beforeEach(async () => {
		current = await new ViduMock().start();
	});
	afterEach(async () => await current.stop());
	return {
		mock: () => current,
		run: async (options) => await runNode({ ...options, credential: { apiKey: current.apiKey, baseUrl: current.url } }),
	};
}

export const FAST_WAIT = { pollIntervalSeconds: 0.01, maxWaitMinutes: 1 };

type CreateBody = { model: string; input: Array<{ params: Record<string, unknown> }> };

export const sentParams = (mock: ViduMock, index = 0): Record<string, unknown> =>
	(mock.creates[index].body as CreateBody).input[0].params;
