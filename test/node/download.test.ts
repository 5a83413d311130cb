import type { NodeApiError } from 'n8n-workflow';

import { mp4Bytes } from '../../dev/mock/images';
import { HostileServer } from '../helpers/hostile';
import { useBinaryMode } from '../helpers/binaryStorage';
import { readBinary, runNode } from '../helpers/runNode';
import { URL_IMAGE } from '../helpers/setup';
import { until } from '../helpers/until';

/**
 * The video host is the far side too: its URL comes from the API, its answers from wherever that
 * URL leads. With the download limits lowered (the real ones are 1 GB and 10 minutes), so that a
 * server that never stops shows in seconds.
 */
jest.mock('../../nodes/Vidu/request/limits', () => {
	const actual = jest.requireActual<typeof import('../../nodes/Vidu/request/limits')>('../../nodes/Vidu/request/limits');
	return { ...actual, LIMITS: { ...actual.LIMITS, videoBytes: 3_000_000, downloadMs: 2_000 } };
});

const servers: HostileServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map(async (server) => await server.stop()));
	servers.length = 0;
});

/** An API whose task is finished on creation, with its video at `videoPath` on the same server; `cdn` answers that. */
async function apiWithVideoHost(
	cdn: (path: string, res: import('node:http').ServerResponse, self: HostileServer) => void,
	videoPath = '/cdn/v.mp4',
) {
	const server = await new HostileServer((req, res, self) => {
		if (req.method === 'POST') {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ id: 't1', status: 'completed', output: [{ content: [{ type: 'video', url: self.url + videoPath }] }] }));
		} else cdn(req.url ?? '', res, self);
	}).start();
	servers.push(server);
	return server;
}

const generate = (server: HostileServer, options: { continueOnFail?: boolean; abortSignal?: AbortSignal } = {}) =>
	runNode({
		parameters: { operation: 'generate', ...URL_IMAGE, downloadVideo: true, waitOptions: { requestTimeoutSeconds: 1 } },
		credential: { apiKey: 'key-123456', baseUrl: server.url },
		...options,
	});
const fail = async (promise: Promise<unknown>) => (await promise.catch((e: unknown) => e)) as NodeApiError;
const downloads = (server: HostileServer) => server.requests.filter((r) => r.method === 'GET');

describe.each(['default', 'filesystem'] as const)('downloading the video (%s binary mode)', (mode) => {
	beforeAll(async () => await useBinaryMode(mode));

	it('follows a redirect to the file, without the key', async () => {
		const video = mp4Bytes(100_000, 7);
		const server = await apiWithVideoHost((path, res) => {
			if (path === '/cdn/v.mp4') res.writeHead(302, { location: '/storage/v.mp4' }).end();
			else res.writeHead(200, { 'content-type': 'video/mp4' }).end(video);
		});
		const [item] = await generate(server);
		expect((await readBinary(item.binary!.data)).equals(video)).toBe(true);
		expect(downloads(server).map((r) => [r.path, r.headers.authorization])).toEqual([
			['/cdn/v.mp4', undefined],
			['/storage/v.mp4', undefined],
		]);
	});

	it('a redirect to a link-local address (cloud metadata) is not followed', async () => {
		const server = await apiWithVideoHost((_path, res) =>
			res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
		);
		const failure = await fail(generate(server));
		expect(failure.message).toBe(
			'The video URL the API returned was not downloaded: it redirects to a URL that points at a link-local address [task t1]',
		);
		expect(downloads(server)).toHaveLength(1);
	});

	it('endless redirects end after a few hops', async () => {
		const server = await apiWithVideoHost((path, res) => res.writeHead(302, { location: `${path}x` }).end());
		const failure = await fail(generate(server));
		expect(failure.message).toBe('Could not download the generated video: it redirected more than 5 times [task t1]');
		expect(downloads(server)).toHaveLength(6);
	});

	it('a file declared bigger than the limit is refused before its body is read', async () => {
		const server = await apiWithVideoHost((_path, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '3000001' });
			res.write(Buffer.alloc(1000));
		});
		const failure = await fail(generate(server));
		expect(failure.message).toBe('Could not download the generated video: it is larger than 3 MB [task t1]');
		expect(failure.description).toMatch(/turn off Download Video/);
	});

	it('a body that never ends is cut at the limit', async () => {
		const server = await apiWithVideoHost((_path, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4' });
			res.write(mp4Bytes(64 * 1024));
			const chunk = Buffer.alloc(64 * 1024);
			const more = () => {
				while (!res.destroyed && res.write(chunk));
				if (!res.destroyed) res.once('drain', more);
			};
			more();
		});
		const failure = await fail(generate(server));
		expect(failure.message).toBe('Could not download the generated video: it is larger than 3 MB [task t1]');
	});

	it('a body trickled byte by byte ends at the download time limit', async () => {
		const server = await apiWithVideoHost((_path, res, self) => self.trickle(res, 'x'.repeat(1_000_000), 200));
		const failure = await fail(generate(server));
		expect(failure.message).toBe('Could not download the generated video: it took longer than 2 seconds [task t1]');
	}, 15_000);

	it.each([
		{ label: 'an empty body', send: Buffer.alloc(0), problem: 'the host sent an empty file' },
		{
			label: 'an HTML page',
			send: Buffer.from(`<!DOCTYPE html><html>${'<p>expired</p>'.repeat(100)}</html>`),
			problem: 'the host sent a web page, not a video',
		},
		{
			label: 'another service’s JSON',
			send: Buffer.from('{"status":"ok","service":"internal"}'),
			problem: 'the host sent a file that is not a video',
		},
	])('$label served as the video is a failure that keeps the task id', async ({ send, problem }) => {
		const server = await apiWithVideoHost((_path, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(send));
		const [item] = await generate(server, { continueOnFail: true });
		expect(item.json).toMatchObject({ taskId: 't1', error: `Could not download the generated video: ${problem} [task t1]` });
		expect(item.binary).toBeUndefined();
	});

	it('a redirect into another service on this machine: what it answers is not stored as the video', async () => {
		const other = await new HostileServer((_req, res) =>
			res.writeHead(200, { 'content-type': 'text/plain' }).end('redis_version:7.0.15\r\n'.repeat(20)),
		).start();
		servers.push(other);
		const server = await apiWithVideoHost((_path, res) => res.writeHead(302, { location: `${other.url}/info` }).end());
		const failure = await fail(generate(server));
		expect(failure.message).toBe('Could not download the generated video: the host sent a file that is not a video [task t1]');
	});

	it('with Continue On Fail the item carries the task id, the task is not submitted again', async () => {
		const server = await apiWithVideoHost((_path, res, self) => self.trickle(res, 'x'.repeat(1_000_000), 200));
		const [item] = await generate(server, { continueOnFail: true });
		expect(item.json).toMatchObject({ taskId: 't1', error: expect.stringMatching(/took longer than 2 seconds/) });
		expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	}, 15_000);

	it('cancelling the execution stops a download in progress at once', async () => {
		const server = await apiWithVideoHost((_path, res, self) => self.trickle(res, 'x'.repeat(1_000_000), 50));
		const controller = new AbortController();
		const running = fail(generate(server, { abortSignal: controller.signal }));
		await until('the download to start', () => downloads(server)[0], 5_000);
		controller.abort();
		// The trickle would take minutes: the run ends with the cancel (jest's timeout is the bound).
		const failure = await running;
		expect(failure.message).toMatch(/^Stopped waiting for Vidu task t1: the execution was cancelled/);
	}, 15_000);
});
