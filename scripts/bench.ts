/**
 * npm run bench, on Node 24 (scripts/bench.sh), every task ending L after its submission (mock API
 * in time mode):
 * - in one real n8n 2.40.7: the node with default settings against the do-it-yourself loop (HTTP
 *   Request → Wait 5 s → HTTP Request → IF) for N = 1, 10, 50, 200, with and without `progress`, and
 *   without `progress` for tasks of 22.5 s and of different lengths (L ± 0.5, 2 and 5 s), N = 10 and 200: wall time, status
 *   calls per task, detection delay, n8n's memory; then a 200 MB video downloaded by
 *   n8n's HTTP Request node and by the node;
 * - status calls in Wait Mode Callback, and the node's own peak memory for large images and videos
 *   (n8n-core in process);
 * - worker occupancy in n8n's queue mode, Poll vs Callback;
 * - Submit Only + Vidu Trigger in real n8n: --only=trigger [--trigger-tasks=<n>, default 1000] [--trigger-n8n=<version>, default 2.40.7]
 *   [--trigger-spread-seconds=<s>: tasks end over this long, default 60]
 *   [--trigger-receiver=webhook: n8n's Webhook node instead of the Vidu Trigger, as a baseline].
 * Options: --latency=<seconds> (default 20), --quick (N = 1 and 10 with progress, no queue mode: a few
 * minutes, one try per case), --only=compare | download | callback | queue | memory, --queue-runs=<n> (default 6), --tries=<n>
 * (runs of each comparison case, the median reported; default 3).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { pngBytes } from '../dev/mock/images';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { removeBinaryStorage, useBinaryMode } from '../test/helpers/binaryStorage';
import { binaryItem, newExecutionId, runNode, runWebhook } from '../test/helpers/runNode';
import { sendImages } from '../test/helpers/sendImages';
import { until } from '../test/helpers/until';
import { ViduMock } from '../dev/mock/viduMock';
import { startQueueCluster, webhookExample } from '../dev/n8n/queueCluster';
import { diyLoopWorkflow, httpDownloadWorkflow, viduDownloadWorkflow, viduNodeWorkflow } from '../dev/n8n/comparison';
import { RealN8n, triggerRegistered } from '../dev/n8n/realN8n';

const arg = (name: string, fallback?: string) =>
	process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? (process.argv.includes(`--${name}`) ? 'true' : fallback);

const L = Number(arg('latency', '20')) * 1000;
const MB = 1_000_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/**
 * Wait Mode "Callback": execute() submits and pauses; the mock calls each task's resume URL
 * ("processing", then the end); a stand-in for n8n's resume endpoint runs the node's webhook()
 * in n8n-core's WebhookContext for every call, until one of them resumes the run.
 */
async function callbackRun(
	items: number,
): Promise<{ wallSeconds: number; ratioToL: number; statusCallsPerTask: number; callbacks: number }> {
	const mock = await new ViduMock().start();
	mock.setDefaultScript({ generationMs: L });
	mock.sendCallbacks = true;
	const credential = { apiKey: mock.apiKey, baseUrl: mock.url };
	const parameters: INodeParameters = {
		operation: 'generate',
		imageSource: 'url',
		imageUrl: 'https://example.com/product.jpg',
		waitMode: 'callback',
		waitOptions: { maxWaitMinutes: 120 },
	};
	let resume: () => void = () => undefined;
	const resumed = new Promise<void>((resolve) => (resume = resolve));
	let paused: Awaited<ReturnType<typeof runNode>> = [];
	const executionId = newExecutionId();
	const n8n = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', async () => {
			const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
			const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
			try {
				const { response, answer } = await runWebhook({ parameters, items: paused, credential, executionId }, { query, body });
				res.writeHead(answer.status ?? 200).end();
				if (response.workflowData) resume();
			} catch {
				res.writeHead(500).end();
			}
		});
	}).listen(0, '127.0.0.1');
	await new Promise((resolve) => n8n.once('listening', resolve));
	const started = Date.now();
	paused = await runNode({
		parameters,
		items: Array.from({ length: items }, (_, n) => ({ json: { n } })),
		credential,
		executionId,
		webhookWaitingBaseUrl: `http://127.0.0.1:${(n8n.address() as AddressInfo).port}/webhook-waiting`,
	});
	await resumed;
	const wall = Date.now() - started;
	const calls = mock.polls.length;
	// The mock notes a callback once n8n has answered it, and the resuming one is answered as the run
	// resumes: each task's two (L/2 and end) are waited for, so that the count is not read mid-flight.
	await until('every callback answered', () => (mock.callbacks.length >= 2 * items ? true : undefined), 10_000);
	n8n.closeAllConnections();
	n8n.close();
	await mock.stop();
	return {
		wallSeconds: round(wall / 1000, 1),
		ratioToL: round(wall / L),
		statusCallsPerTask: round(calls / items, 1),
		callbacks: mock.callbacks.length,
	};
}

/** The mock API in a process of its own, so that its buffers do not count against the node. */
async function startMockProcess(args: string[]): Promise<{ url: string; requestBytes: () => number; stop: () => void }> {
	const child = spawn(process.execPath, [join(__dirname, '..', 'dev', 'mock', 'serve.js'), '--no-bodies', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const lines: string[] = [];
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (text: string) => lines.push(...text.split('\n').filter(Boolean)));
	while (lines.length === 0) await new Promise((resolve) => child.stdout.once('data', resolve));
	// The last submission: the measured one, after the warm-up.
	const requestBytes = () =>
		Number(
			lines
				.filter((line) => line.startsWith('POST /model/v1/generation '))
				.pop()
				?.split(' ')[2] ?? NaN,
		);
	return { url: lines[0], requestBytes, stop: () => child.kill() };
}

/**
 * The floor under any download in Node.js: the same video fetched with node:http and thrown away,
 * nothing of n8n involved. What this grows by is read buffers V8 frees only now and then.
 */
async function plainDownload(url: string): Promise<string> {
	const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on('error', reject));
	let bytes = 0;
	for await (const chunk of response) bytes += (chunk as Buffer).length;
	return `read with node:http and discarded (${bytes} bytes)`;
}

/** Runs in a fresh process: peak RSS growth over the baseline while one operation runs. */
async function memoryCase(name: string): Promise<void> {
	await useBinaryMode('filesystem');
	const isVideo = name === 'video200' || name === 'plain200';
	const size = (isVideo ? 200 : name === 'image45' ? 45 : 14.9) * MB;
	const mock = await startMockProcess(isVideo ? [`--video-bytes=${size}`] : []);
	const credential = { apiKey: 'mock-key-0123456789abcdef', baseUrl: mock.url };
	const parameters: INodeParameters = isVideo
		? { operation: 'generate', imageSource: 'url', imageUrl: 'https://example.com/a.png', downloadVideo: true }
		: { operation: 'submit' };
	const items = isVideo
		? undefined
		: [await binaryItem(Buffer.concat([pngBytes(1920, 1080), Buffer.alloc(size - pngBytes().length, 1)]), 'big.png', 'image/png')];
	// A first, small run loads and compiles what every run needs (n8n's HTTP stack, the node): the
	// figure is then what the file itself costs, as in an n8n that has run workflows before.
	await runNode({
		parameters: { operation: 'submit' },
		items: [await binaryItem(pngBytes(640, 480), 'small.png', 'image/png')],
		credential,
	});
	(globalThis as { gc?: () => void }).gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	let outcome: string;
	const viaNode = async () => {
		const [item] = await runNode({ parameters, items, credential });
		const video = item.binary?.data;
		return video
			? `video stored (${video.bytes} bytes, ${video.id?.split(':')[0]})`
			: `submitted, body ${round(mock.requestBytes() / MB, 1)} MB`;
	};
	try {
		outcome = name === 'plain200' ? await plainDownload(`${mock.url}/cdn/plain.mp4`) : await viaNode();
	} catch (error) {
		outcome = `refused before reading the file: ${(error as Error).message}`;
	}
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	mock.stop();
	removeBinaryStorage();
	process.stdout.write(
		JSON.stringify({
			name,
			sizeMB: round(size / MB, 1),
			peakGrowthMB: round((peak - baseline) / MB, 1),
			ratio: round((peak - baseline) / size),
			outcome,
		}) + '\n',
	);
}

function measureInChild(name: string) {
	const child = spawnSync(process.execPath, ['--expose-gc', __filename, `--memory=${name}`], { encoding: 'utf8' });
	if (child.status !== 0) throw new Error(`memory case ${name} failed: ${child.stderr}`);
	return JSON.parse(child.stdout.trim().split('\n').pop()!) as {
		name: string;
		sizeMB: number;
		peakGrowthMB: number;
		ratio: number;
		outcome: string;
	};
}

/** How often each text occurs. */
const tally = (texts: string[]): Record<string, number> => {
	const counts: Record<string, number> = {};
	for (const text of texts) counts[text] = (counts[text] ?? 0) + 1;
	return counts;
};

/** Resident memory of a process, from /proc (the n8n server runs apart from the bench). */
function rssOf(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith('VmRSS:'));
	return Number(line?.split(/\s+/)[1] ?? NaN) * 1024;
}

/** One comparison case: the mock's task lengths, and the batch sizes run with them. */
interface ComparisonCase {
	progress: boolean;
	/** 0: every task takes L. Otherwise lengths spread evenly over L ± this, in shuffled order. */
	spreadMs: number;
	/** The typical task length (default L, --latency). */
	lengthMs?: number;
	sizes: number[];
}

interface ComparisonRow {
	workflow: 'diy' | 'vidu';
	items: number;
	progress: boolean;
	lengthSeconds: number;
	spreadSeconds: number;
	/** The median of the tries. */
	wallSeconds: number;
	wallSecondsEach: number[];
	ratioToL: number;
	statusCallsPerTask: number;
	detectionMedianSeconds: number;
	detectionMaxSeconds: number;
	n8nRssGrowthMB: number;
}

/**
 * `count` task lengths spread evenly over L ± spread, shuffled the same way every time, so that
 * the first task to finish is seldom the typical one.
 */
function spreadLengths(count: number, lengthMs: number, spreadMs: number): number[] {
	const even = Array.from({ length: count }, (_, i) =>
		Math.round(lengthMs - spreadMs + (count > 1 ? (2 * spreadMs * i) / (count - 1) : spreadMs)),
	);
	// A fixed stride coprime with the count shuffles without randomness.
	let stride = Math.max(1, Math.floor(count * 0.618));
	while (count > 1 && gcd(stride, count) !== 1) stride++;
	return even.map((_, i) => even[(i * stride) % count]);
}
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Starts a run through a production webhook of the n8n at `base` and waits for its answer (the run's end). */
async function runInN8n(
	base: string,
	pid: number,
	path: string,
	body: object,
): Promise<{ wallMs: number; rssGrowthMB: number; answer: string }> {
	const baseline = rssOf(pid);
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
	const started = Date.now();
	try {
		const answer = await fetch(`${base}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(60 * 60_000),
		});
		const text = await answer.text();
		if (!answer.ok) throw new Error(`${path}: HTTP ${answer.status} ${text.slice(0, 200)}`);
		return {
			wallMs: Date.now() - started,
			rssGrowthMB: round((Math.max(peak, rssOf(pid)) - baseline) / MB, 1),
			answer: text,
		};
	} finally {
		clearInterval(sampler);
	}
}

interface DownloadRow {
	videoMB: number;
	httpRequestNodeMB: number[];
	viduNodeMB: number[];
	/** The whole run, Webhook to answer. */
	httpRequestNodeSeconds: number[];
	viduNodeSeconds: number[];
}

/**
 * The node against the loop users build by hand, in one real n8n 2.40.7 on Node 24, same mock API,
 * each task ending L after its submission: wall time of the whole run (the Webhook answers when it
 * ends), status calls per task, how late each finished video was noticed, and n8n's memory. Then
 * n8n's memory while a 200 MB video is downloaded by its HTTP Request node and by the Vidu node.
 */
async function compareInN8n(cases: ComparisonCase[], rounds: number): Promise<{ rows: ComparisonRow[]; download: DownloadRow }> {
	const mock = await new ViduMock().start();
	const n8n = await RealN8n.start('2.40.7');
	const rows: ComparisonRow[] = [];
	try {
		await n8n.importViduCredential(mock);
		for (const workflow of [diyLoopWorkflow(mock), viduNodeWorkflow(mock), httpDownloadWorkflow(), viduDownloadWorkflow()]) {
			await n8n.importWorkflow(workflow);
			await n8n.publishWorkflow(workflow.id);
		}
		const base = await n8n.startServer({ logFile: join(n8n.userFolder, 'n8n.log') });
		for (const path of ['bench-diy', 'bench-vidu', 'bench-http-download', 'bench-vidu-download']) await triggerRegistered(base, path);
		const pid = n8n.serverPid!;
		for (const { progress, spreadMs, lengthMs = L, sizes } of cases) {
			mock.setDefaultScript({ generationMs: lengthMs, progress });
			const label = `${progress ? 'progress   ' : 'no progress'} L=${lengthMs / 1000}${spreadMs ? `±${spreadMs / 1000}` : ''} s`;
			for (const items of sizes) {
				// Each case several times, the two workflows taking turns: a single 20 s run moves by a few
				// tenths of a second from one try to the next (n8n saving executions, garbage collection).
				const runs: Record<'diy' | 'vidu', Array<{ wallMs: number; rssGrowthMB: number; delays: number[]; calls: number }>> = {
					diy: [],
					vidu: [],
				};
				for (let n = 0; n < rounds; n++) {
					for (const workflow of ['diy', 'vidu'] as const) {
						mock.forgetRecorded();
						// The same lengths for both workflows, in arrival order.
						if (spreadMs) mock.scriptTasks(...spreadLengths(items, lengthMs, spreadMs).map((generationMs) => ({ generationMs, progress })));
						const { wallMs, rssGrowthMB } = await runInN8n(base, pid, `bench-${workflow}`, { count: items });
						if (mock.detections.length !== items) throw new Error(`${workflow} N=${items}: ${mock.detections.length} videos seen done`);
						const delays = mock.detections.map((d) => (d.seenAt - d.endedAt) / 1000);
						runs[workflow].push({ wallMs, rssGrowthMB, delays, calls: mock.polls.length });
					}
				}
				for (const workflow of ['diy', 'vidu'] as const) {
					const tries = runs[workflow];
					const wallMs = median(tries.map((t) => t.wallMs));
					const row: ComparisonRow = {
						workflow,
						items,
						progress,
						lengthSeconds: lengthMs / 1000,
						spreadSeconds: spreadMs / 1000,
						wallSeconds: round(wallMs / 1000, 1),
						wallSecondsEach: tries.map((t) => round(t.wallMs / 1000, 1)),
						ratioToL: round(wallMs / lengthMs),
						// The worst try: calls are what the API bills and limits.
						statusCallsPerTask: round(Math.max(...tries.map((t) => t.calls)) / items, 1),
						detectionMedianSeconds: round(median(tries.flatMap((t) => t.delays))),
						detectionMaxSeconds: round(Math.max(...tries.flatMap((t) => t.delays))),
						n8nRssGrowthMB: median(tries.map((t) => t.rssGrowthMB)),
					};
					rows.push(row);
					console.log(
						`${label}  N=${String(items).padStart(3)}  ${workflow === 'diy' ? 'DIY loop  ' : 'Vidu node '}  wall ${row.wallSeconds} s = ${row.ratioToL}·L (tries ${row.wallSecondsEach.join(' / ')} s)  status calls/task ${row.statusCallsPerTask}  detection median ${row.detectionMedianSeconds} s, max ${row.detectionMaxSeconds} s  n8n RSS +${row.n8nRssGrowthMB} MB`,
					);
				}
			}
		}
		// One finished task, its video fetched by each node in an n8n process of its own (the memory a
		// process has grown to stays with it): a 1 MB warm-up run, then the 200 MB one, three rounds.
		mock.setDefaultScript({ generationMs: 10 });
		const created = (await (
			await fetch(`${mock.url}/model/v1/generation`, {
				method: 'POST',
				headers: { authorization: `Bearer ${mock.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ model: 'viduq1_img2video', input: [{ params: { images: ['https://example.com/a.png'] } }] }),
			})
		).json()) as { id: string };
		const download: DownloadRow = { videoMB: 200, httpRequestNodeMB: [], viduNodeMB: [], httpRequestNodeSeconds: [], viduNodeSeconds: [] };
		const downloads = [
			{
				path: 'bench-http-download',
				body: { url: `${mock.url}/cdn/${created.id}.mp4` },
				into: { mb: download.httpRequestNodeMB, seconds: download.httpRequestNodeSeconds },
			},
			{ path: 'bench-vidu-download', body: { taskId: created.id }, into: { mb: download.viduNodeMB, seconds: download.viduNodeSeconds } },
		];
		for (let n = 0; n < 3; n++) {
			for (const { path, body, into } of downloads) {
				await n8n.stopServer();
				const fresh = await n8n.startServer({ logFile: join(n8n.userFolder, 'n8n.log') });
				await triggerRegistered(fresh, path);
				mock.videoStreamBytes = MB;
				await runInN8n(fresh, n8n.serverPid!, path, body);
				mock.videoStreamBytes = 200 * MB;
				const { rssGrowthMB, answer, wallMs } = await runInN8n(fresh, n8n.serverPid!, path, body);
				const stored = (JSON.parse(answer) as { bytes?: unknown }).bytes;
				if (stored !== 200 * MB) throw new Error(`${path}: n8n stored ${String(stored)} bytes of the 200 MB video`);
				into.mb.push(rssGrowthMB);
				into.seconds.push(round(wallMs / 1000, 1));
			}
		}
		const [http, vidu] = [median(download.httpRequestNodeMB), median(download.viduNodeMB)];
		console.log(
			`download of a 200 MB video inside n8n (fresh process each, after a 1 MB warm-up): HTTP Request node +${download.httpRequestNodeMB.join(' / ')} MB in ${download.httpRequestNodeSeconds.join(' / ')} s, Vidu node +${download.viduNodeMB.join(' / ')} MB in ${download.viduNodeSeconds.join(' / ')} s (target: Vidu's median ≤ half of HTTP Request's = ${round(http / 2, 1)} MB: ${vidu <= http / 2 ? 'met' : 'MISSED'})`,
		);
		return { rows, download };
	} finally {
		await n8n.dispose();
		await mock.stop();
	}
}

interface QueueRow {
	mode: 'poll' | 'callback';
	runs: number;
	wallSeconds: number;
	ratioToL: number;
	statusCallsPerTask: number;
}

/**
 * Worker occupancy in n8n's queue mode: `runs` one-image runs of the Webhook-triggered example
 * through one worker with two slots (real n8n 2.40.7, PostgreSQL, Redis, a webhook process), each
 * video taking `generationMs`: Wait Mode Poll (a run holds its slot while it waits) vs Callback.
 */
async function queueOccupancy(runs: number, generationMs: number): Promise<QueueRow[]> {
	const mock = await new ViduMock().start();
	mock.setDefaultScript({ generationMs });
	const poll = webhookExample(mock.url, {
		id: 'benchQueuePoll01',
		name: 'Vidu bench: poll',
		path: 'bench-poll',
		vidu: { waitMode: 'poll', waitOptions: { pollIntervalSeconds: 5, maxWaitMinutes: 60 } },
	});
	const cluster = await startQueueCluster({
		version: '2.40.7',
		api: mock,
		workflows: [webhookExample(mock.url), poll],
		workers: 1,
		concurrency: 2,
		probePath: 'vidu-animate',
	});
	const rows: QueueRow[] = [];
	try {
		for (const [mode, path] of [
			['poll', 'bench-poll'],
			['callback', 'vidu-animate'],
		] as const) {
			mock.forgetRecorded();
			mock.sendCallbacks = mode === 'callback';
			const started = Date.now();
			for (let n = 0; n < runs; n++) await sendImages(cluster.hook, path, [`${mock.url}/images/${mode}-${n}.png`]);
			await until(`${runs} ${mode} reports`, () => (mock.sink.length >= runs ? true : undefined), 60 * 60_000);
			const wallSeconds = round((Date.now() - started) / 1000, 1);
			rows.push({
				mode,
				runs,
				wallSeconds,
				ratioToL: round(wallSeconds / (generationMs / 1000)),
				statusCallsPerTask: round(mock.polls.length / runs),
			});
		}
	} finally {
		await cluster.stop();
		await mock.stop();
	}
	return rows;
}

async function main() {
	const memory = arg('memory');
	if (memory) return await memoryCase(memory);
	if (arg('only') === 'queue') return await printQueue();
	if (arg('only') === 'compare') return await printComparison();
	if (arg('only') === 'download') return void (await compareInN8n([], 0));
	if (arg('only') === 'memory') return void printMemory(false);
	if (arg('only') === 'callback') return void (await printCallback(false));
	if (arg('only') === 'trigger')
		return void (await printTrigger(
			Number(arg('trigger-tasks', '1000')),
			arg('trigger-n8n') ?? '2.40.7',
			Number(arg('trigger-spread-seconds', '60')) * 1000,
		));
	const quick = arg('quick') !== undefined;

	console.log(
		`Vidu node benchmark, ${new Date().toISOString()}, Node ${process.version} on ${os.cpus().length} cores${quick ? ' (--quick)' : ''}`,
	);
	const comparison = await printComparison();

	const callbackRows = await printCallback(quick);

	const memoryRows = printMemory(quick);
	const queue = quick ? 'skipped (--quick)' : await printQueue();
	mkdirSync('.bench', { recursive: true });
	writeFileSync(
		join('.bench', 'results.json'),
		JSON.stringify(
			{
				date: new Date().toISOString(),
				node: process.version,
				latencySeconds: L / 1000,
				comparison,
				callbackRows,
				memory: memoryRows,
				queue,
			},
			null,
			2,
		),
	);
	console.log('\nWritten to .bench/results.json');
}

/**
 * Peak memory of the node alone, each case in fresh processes, several tries where garbage
 * collection timing moves the figure (--quick: one try each). plain200 is the floor: node:http alone.
 */
function printMemory(quick: boolean) {
	console.log('\nPeak RSS growth of the node alone (n8n-core in process, binary data in filesystem mode, after a warm-up run):');
	const cases: Array<[string, number]> = [
		['image45', 1],
		['image15', quick ? 1 : 5],
		['video200', quick ? 1 : 3],
		['plain200', quick ? 1 : 3],
	];
	return cases.map(([name, tries]) => {
		const each = Array.from({ length: tries }, () => measureInChild(name));
		const ratios = each.map((e) => e.ratio);
		const target = name === 'image15' ? `; target ≤ 2.5×: met in ${ratios.filter((r) => r <= 2.5).length} of ${tries} tries` : '';
		console.log(
			`${name}: ${each[0].sizeMB} MB -> +${each.map((e) => e.peakGrowthMB).join(' / ')} MB (${ratios.join(' / ')}×${target}); ${each[0].outcome}`,
		);
		return { name, sizeMB: each[0].sizeMB, peakGrowthMB: each.map((e) => e.peakGrowthMB), ratio: ratios, outcome: each[0].outcome };
	});
}

/** The node against the do-it-yourself loop in real n8n; --quick: N = 1 and 10 with progress only. */
async function printComparison(): Promise<Awaited<ReturnType<typeof compareInN8n>>> {
	const quick = arg('quick') !== undefined;
	const tries = Number(arg('tries', quick ? '1' : '3'));
	console.log(
		`\nThe Vidu node (default settings) against the do-it-yourself loop, real n8n 2.40.7, L = ${L / 1000} s, median of ${tries} tries, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores:`,
	);
	const sizes = quick ? [1, 10] : [1, 10, 50, 200];
	const cases: ComparisonCase[] = quick
		? [{ progress: true, spreadMs: 0, sizes }]
		: [
				{ progress: true, spreadMs: 0, sizes },
				{ progress: false, spreadMs: 0, sizes },
				// A length that is no multiple of the loop's 5 s wait (the hand-made loop's usual case).
				{ progress: false, spreadMs: 0, lengthMs: 22_500, sizes: [10, 200] },
				// Tasks of different lengths: what the run learns from its first finished task is then
				// wrong for most others.
				{ progress: false, spreadMs: 5000, sizes: [10, 200] },
				// One nominal length with a provider's jitter (19.5–20.5 s): the learnt end is a little short.
				{ progress: false, spreadMs: 500, sizes: [10, 200] },
				// Nearly one length (18–22 s): one finished task may be right for a probe or two by chance.
				{ progress: false, spreadMs: 2000, sizes: [10, 200] },
			];
	return await compareInN8n(cases, tries);
}

async function printCallback(quick: boolean) {
	console.log(
		`\nStatus calls per task in Wait Mode Callback (n8n-core in process, one callback run), ${new Date().toISOString()}, Node ${process.version}:`,
	);
	const rows = [];
	for (const items of quick ? [1] : [1, 10]) {
		const callback = await callbackRun(items);
		rows.push({ items, ...callback });
		console.log(
			`N=${String(items).padStart(2)}  ${callback.statusCallsPerTask} calls/task, ${callback.ratioToL}·L, ${callback.callbacks} callbacks received`,
		);
	}
	return rows;
}

/**
 * Submit Only + Vidu Trigger in one real n8n (`version`; the shipped examples, pointed at the mock): `count` tasks ending
 * over `spreadMs` after submission, every final callback sent twice (and again, as the maker does, while not answered 2xx), 10
 * forged callbacks for tasks that do not exist.
 */
async function printTrigger(count: number, version: string, spreadMs: number) {
	const mock = await new ViduMock().start();
	const n8n = await RealN8n.start(version);
	try {
		mock.sendCallbacks = true;
		mock.finalCallbackCopies = 2;
		mock.finalRetryDelaysMs = [10_000, 30_000, 60_000];
		mock.scriptTasks(...spreadLengths(count, spreadMs / 2, spreadMs / 2).map((generationMs) => ({ generationMs })));
		await n8n.importViduCredential(mock);
		const example = (file: string) =>
			JSON.parse(
				readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8').replace(
					'https://example.com/results',
					`${mock.url}/sink`,
				),
			) as {
				id: string;
				nodes: Array<{ name: string; type: string; typeVersion: number; parameters: Record<string, unknown>; webhookId?: string }>;
				connections: Record<string, unknown>;
			};
		const receive = example('vidu-trigger-receive.json');
		const submit = example('vidu-trigger-submit.json');
		// Started by a Webhook here (a Schedule cannot be fired at will), the images counted, the callback n8n's own address.
		Object.assign(submit.nodes[0], {
			name: 'Start',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '7a3e5c10-0000-4000-8000-0000000000b1',
		});
		submit.nodes[0].parameters = { httpMethod: 'POST', path: 'bench-trigger', options: {} };
		submit.connections = { Start: submit.connections['Every Hour'], 'Images to Animate': submit.connections['Images to Animate'] };
		submit.nodes[1].parameters.jsCode =
			"return Array.from({ length: $json.body.count }, (_, n) => ({ json: { imageUrl: 'https://example.com/' + n + '.png', n } }));";
		const vidu = submit.nodes[2].parameters as { options: Record<string, unknown> };
		const triggerPath = new URL(String(vidu.options.callbackUrl)).pathname;
		vidu.options.callbackUrl = `={{ 'http://' + $('Start').first().json.headers.host + '${triggerPath}' }}`;
		// The baseline: n8n's own Webhook node receives the callbacks (no checks: every callback is an execution).
		if (arg('trigger-receiver') === 'webhook') {
			Object.assign(receive.nodes[0], {
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				parameters: { httpMethod: 'POST', path: 'bench-receive', options: {} },
			});
			delete (receive.nodes[0] as { credentials?: unknown }).credentials;
			receive.nodes[1].parameters.jsonBody = '={{ JSON.stringify({ taskId: $json.body.id, status: $json.body.status }) }}';
			vidu.options.callbackUrl = `={{ 'http://' + $('Start').first().json.headers.host + '/webhook/bench-receive' }}`;
		}
		// n8n's settings for this run, e.g. VIDU_BENCH_N8N_ENV='{"N8N_EXPRESSION_ENGINE":"legacy"}'.
		n8n.useEnv(JSON.parse(process.env.VIDU_BENCH_N8N_ENV ?? '{}') as Record<string, string>);
		for (const workflow of [receive, submit]) {
			await n8n.importWorkflow(workflow);
			await n8n.publishWorkflow(workflow.id);
		}
		const base = await n8n.startServer({ logFile: join(n8n.userFolder, 'n8n.log') });
		await triggerRegistered(base, 'bench-trigger');
		const pid = n8n.serverPid!;
		const baseline = rssOf(pid);
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 200);
		// A long run says how far it is every 30 s: callbacks sent and n8n's answers, reports, n8n's memory.
		const progress = setInterval(() => {
			const answers = tally(mock.callbacks.map(({ status, answer }) => `${status} ${answer}`));
			console.log(
				`[bench] ${mock.creates.length} submitted, callbacks ${JSON.stringify(answers)}, ${reports().length} reports, n8n RSS ${round(rssOf(pid) / MB, 0)} MB`,
			);
		}, 30_000);
		const reports = () =>
			mock.sink.filter((entry): entry is { taskId: string } => typeof (entry as { taskId?: unknown }).taskId === 'string');
		try {
			const started = Date.now();
			const answer = await fetch(`${base}/webhook/bench-trigger`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ count }),
			});
			if (!answer.ok) throw new Error(`bench-trigger: HTTP ${answer.status}`);
			await until('every task submitted', () => (mock.creates.length >= count ? true : undefined), 10 * 60_000);
			const forged = await Promise.all(
				Array.from(
					{ length: 10 },
					async (_, n) =>
						(
							await fetch(`${base}${triggerPath}`, {
								method: 'POST',
								headers: { 'content-type': 'application/json' },
								body: JSON.stringify({ id: `task_forged_${n}`, status: 'completed' }),
							})
						).status,
				),
			);
			const finals = () => mock.callbacks.filter((c) => c.status === 'completed');
			await until('every final callback, twice', () => (finals().length >= 2 * count ? true : undefined), 20 * 60_000);
			console.log('final callbacks answered:', tally(finals().map(({ answer, reply }) => `${answer} ${reply}`)));
			let lastReportAt = 0;
			await until('a report per task', () => (reports().length >= count ? (lastReportAt = Date.now()) : undefined), 20 * 60_000);
			const lastEnd = Math.min(
				...mock.callbacks.filter((c) => c.status === 'completed' && c.taskId === finals().at(-1)!.taskId).map((c) => c.sentAt),
			);
			const cookie = await n8n.signIn(base);
			const list = async (workflowId: string, status: string) =>
				(
					(await (
						await fetch(
							`${base}/rest/executions?limit=5000&filter=${encodeURIComponent(JSON.stringify({ status: [status], workflowId }))}`,
							{
								headers: { cookie },
							},
						)
					).json()) as { data: { count: number } }
				).data.count;
			const ids = reports().map((r) => r.taskId);
			const row = {
				tasks: count,
				triggerExecutions: await list(receive.id, 'success'),
				duplicates: ids.length - new Set(ids).size,
				forgedStarted: ids.filter((id) => id.startsWith('task_forged')).length,
				forgedAnswers: [...new Set(forged)],
				waitingExecutions: (await list(submit.id, 'waiting')) + (await list(receive.id, 'waiting')),
				wallSeconds: round((lastReportAt - started) / 1000, 1),
				lastEndToExecutionEndSeconds: round((lastReportAt - lastEnd) / 1000, 1),
				n8nRssGrowthMB: round((peak - baseline) / MB, 1),
			};
			console.log(
				`\nSubmit Only + Vidu Trigger in n8n ${version}, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores:\n${JSON.stringify(row, null, 2)}`,
			);
			return row;
		} finally {
			clearInterval(sampler);
			clearInterval(progress);
		}
	} finally {
		await n8n.dispose();
		await mock.stop();
	}
}

/** The queue-mode table; needs PostgreSQL and Redis from Debian (`.ci/run` installs them). */
async function printQueue(): Promise<QueueRow[] | string> {
	const runs = Number(arg('queue-runs', '6'));
	console.log(
		`\nQueue mode (n8n 2.40.7, 1 worker --concurrency=2, webhook process, Postgres, Redis), ${runs} one-image runs, L = ${L / 1000} s, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores:`,
	);
	try {
		const rows = await queueOccupancy(runs, L);
		for (const row of rows) {
			console.log(`${row.mode.padEnd(8)} wall ${row.wallSeconds} s = ${row.ratioToL}·L  status calls/task ${row.statusCallsPerTask}`);
		}
		return rows;
	} catch (error) {
		const why = `not measured: ${(error as Error).message.split('\n')[0]}`;
		console.log(why);
		return why;
	}
}

// The in-process runs keep n8n's binary data in a temporary folder.
main()
	.finally(removeBinaryStorage)
	.catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
