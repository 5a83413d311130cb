/**
 * npm run bench: the node's execute path (n8n-core's real ExecuteContext and HTTP helpers) against
 * the mock API in time mode, where every task ends L after it was submitted. Prints wall time per
 * batch size and concurrency (as a ratio to L), status calls per task, detection delay, and peak
 * memory while handling a large image and downloading a large video, and worker occupancy in real
 * n8n's queue mode. Options: --latency=<seconds> (default 30), --full (also the 50-item sequential
 * baseline, which takes 50·L), --only=queue (just the queue-mode table), --queue-runs=<n> (default 6).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { pngBytes } from '../dev/mock/images';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { binaryItem, newExecutionId, runNode, runWebhook, useBinaryMode } from '../test/helpers/runNode';
import { sendImages } from '../test/helpers/sendImages';
import { until } from '../test/helpers/until';
import { ViduMock } from '../dev/mock/viduMock';
import { startQueueCluster, webhookExample } from '../dev/n8n/queueCluster';
import { diyLoopWorkflow, httpDownloadWorkflow, viduDownloadWorkflow, viduNodeWorkflow } from '../dev/n8n/comparison';
import { RealN8n, triggerRegistered } from '../dev/n8n/realN8n';

const arg = (name: string, fallback?: string) =>
	process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? (process.argv.includes(`--${name}`) ? 'true' : fallback);

const L = Number(arg('latency', '30')) * 1000;
const MB = 1_000_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface ThroughputRow {
	items: number;
	concurrency: number;
	progress: boolean;
	wallSeconds: number;
	ratioToL: number;
	target?: string;
	statusCallsPerTask: number;
	detectionMedianSeconds: number;
	detectionMaxSeconds: number;
}

async function throughput(items: number, concurrency: number, progress = true): Promise<ThroughputRow> {
	const mock = await new ViduMock().start();
	mock.setDefaultScript({ generationMs: L, progress });
	const started = Date.now();
	const output = await runNode({
		parameters: {
			operation: 'generate',
			imageSource: 'url',
			imageUrl: 'https://example.com/product.jpg',
			waitOptions: { maxConcurrent: concurrency, pollIntervalSeconds: 5, maxWaitMinutes: 120 },
		},
		items: Array.from({ length: items }, (_, n) => ({ json: { n } })),
		credential: { apiKey: mock.apiKey, baseUrl: mock.url },
	});
	const wall = Date.now() - started;
	await mock.stop();
	if (output.some((o) => o.json.status !== 'completed')) throw new Error('a task did not complete');
	const delays = mock.detections.map((d) => (d.seenAt - d.endedAt) / 1000);
	const waves = Math.ceil(items / concurrency);
	const budget = 1.2 * L * waves + 2000;
	return {
		items,
		concurrency,
		progress,
		wallSeconds: round(wall / 1000, 1),
		ratioToL: round(wall / L),
		target: items === 50 && [50, 5].includes(concurrency) ? `≤ ${round(budget / L)} ${wall <= budget ? 'met' : 'MISSED'}` : undefined,
		statusCallsPerTask: round(mock.polls.length / items, 1),
		detectionMedianSeconds: round(median(delays)),
		detectionMaxSeconds: round(Math.max(...delays)),
	};
}

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
				const { response, httpStatus } = await runWebhook({ parameters, items: paused, credential, executionId }, { query, body });
				res.writeHead(httpStatus ?? 200).end();
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

/** Runs in a fresh process: peak RSS growth over the baseline while one operation runs. */
async function memoryCase(name: string): Promise<void> {
	await useBinaryMode('filesystem');
	const isVideo = name === 'video200';
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
	try {
		const [item] = await runNode({ parameters, items, credential });
		const video = item.binary?.data;
		outcome = video
			? `video stored (${video.bytes} bytes, ${video.id?.split(':')[0]})`
			: `submitted, body ${round(mock.requestBytes() / MB, 1)} MB`;
	} catch (error) {
		outcome = `refused before reading the file: ${(error as Error).message}`;
	}
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	mock.stop();
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

/** Resident memory of a process, from /proc (the n8n server runs apart from the bench). */
function rssOf(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith('VmRSS:'));
	return Number(line?.split(/\s+/)[1] ?? NaN) * 1024;
}

interface ComparisonRow {
	workflow: 'diy' | 'vidu';
	items: number;
	progress: boolean;
	wallSeconds: number;
	ratioToL: number;
	statusCallsPerTask: number;
	detectionMedianSeconds: number;
	detectionMaxSeconds: number;
	n8nRssGrowthMB: number;
}

/** Starts a run through a production webhook of the n8n at `base` and waits for its answer (the run's end). */
async function runInN8n(base: string, pid: number, path: string, body: object): Promise<{ wallMs: number; rssGrowthMB: number }> {
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
		return { wallMs: Date.now() - started, rssGrowthMB: round((Math.max(peak, rssOf(pid)) - baseline) / MB, 1) };
	} finally {
		clearInterval(sampler);
	}
}

interface DownloadRow {
	videoMB: number;
	httpRequestNodeMB: number[];
	viduNodeMB: number[];
}

/**
 * The node against the loop users build by hand, in one real n8n 2.40.7 on Node 24, same mock API,
 * each task ending L after its submission: wall time of the whole run (the Webhook answers when it
 * ends), status calls per task, how late each finished video was noticed, and n8n's memory. Then
 * n8n's memory while a 200 MB video is downloaded by its HTTP Request node and by the Vidu node.
 */
async function compareInN8n(sizes: number[], progressModes: boolean[]): Promise<{ rows: ComparisonRow[]; download: DownloadRow }> {
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
		for (const progress of progressModes) {
			mock.setDefaultScript({ generationMs: L, progress });
			for (const items of sizes) {
				for (const workflow of ['diy', 'vidu'] as const) {
					mock.forgetRecorded();
					const { wallMs, rssGrowthMB } = await runInN8n(base, pid, `bench-${workflow}`, { count: items });
					if (mock.detections.length !== items) throw new Error(`${workflow} N=${items}: ${mock.detections.length} videos seen done`);
					const delays = mock.detections.map((d) => (d.seenAt - d.endedAt) / 1000);
					const row: ComparisonRow = {
						workflow,
						items,
						progress,
						wallSeconds: round(wallMs / 1000, 1),
						ratioToL: round(wallMs / L),
						statusCallsPerTask: round(mock.polls.length / items, 1),
						detectionMedianSeconds: round(median(delays)),
						detectionMaxSeconds: round(Math.max(...delays)),
						n8nRssGrowthMB: rssGrowthMB,
					};
					rows.push(row);
					console.log(
						`${progress ? 'progress   ' : 'no progress'}  N=${String(items).padStart(3)}  ${workflow === 'diy' ? 'DIY loop  ' : 'Vidu node '}  wall ${row.wallSeconds} s = ${row.ratioToL}·L  status calls/task ${row.statusCallsPerTask}  detection median ${row.detectionMedianSeconds} s, max ${row.detectionMaxSeconds} s  n8n RSS +${row.n8nRssGrowthMB} MB`,
					);
				}
			}
		}
		// One finished task whose video is 200 MB, fetched in turn by both nodes (twice each, warm).
		mock.videoStreamBytes = 200 * MB;
		mock.setDefaultScript({ generationMs: 10 });
		const created = (await (
			await fetch(`${mock.url}/model/v1/generation`, {
				method: 'POST',
				headers: { authorization: `Bearer ${mock.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ model: 'viduq1_img2video', input: [{ params: { images: ['https://example.com/a.png'] } }] }),
			})
		).json()) as { id: string };
		const download: DownloadRow = { videoMB: 200, httpRequestNodeMB: [], viduNodeMB: [] };
		for (let round = 0; round < 2; round++) {
			download.httpRequestNodeMB.push(
				(await runInN8n(base, pid, 'bench-http-download', { url: `${mock.url}/cdn/${created.id}.mp4` })).rssGrowthMB,
			);
			download.viduNodeMB.push((await runInN8n(base, pid, 'bench-vidu-download', { taskId: created.id })).rssGrowthMB);
		}
		const [http, vidu] = [Math.min(...download.httpRequestNodeMB), Math.max(...download.viduNodeMB)];
		console.log(
			`download of a 200 MB video inside n8n: HTTP Request node +${download.httpRequestNodeMB.join(' / ')} MB, Vidu node +${download.viduNodeMB.join(' / ')} MB (target: Vidu's worst ≤ half of HTTP Request's best = ${round(http / 2, 1)} MB: ${vidu <= http / 2 ? 'met' : 'MISSED'})`,
		);
		return { rows, download };
	} finally {
		await n8n.stopServer();
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

	console.log(`Vidu node benchmark, ${new Date().toISOString()}, Node ${process.version} on ${os.cpus().length} cores`);
	console.log(`generation time L = ${L / 1000} s, polling interval 5 s (the default)\n`);
	const rows: ThroughputRow[] = [];
	const plan: Array<[number, number, boolean?]> = [
		[1, 50],
		[10, 50],
		[50, 50],
		[10, 50, false],
		[1, 5],
		[10, 5],
		[50, 5],
		[1, 1],
		[10, 1],
	];
	if (arg('full')) plan.push([50, 1]);
	for (const [items, concurrency, progress] of plan) {
		const row = await throughput(items, concurrency, progress ?? true);
		rows.push(row);
		console.log(
			`N=${String(items).padStart(2)}  concurrency=${String(concurrency).padStart(2)}${row.progress ? '' : ' (no progress)'}  wall ${row.wallSeconds} s = ${row.ratioToL}·L${row.target ? ` (target ${row.target})` : ''}  status calls/task ${row.statusCallsPerTask}  detection median ${row.detectionMedianSeconds} s, max ${row.detectionMaxSeconds} s`,
		);
	}
	if (!arg('full')) console.log('N=50  concurrency= 1  skipped (takes 50·L; run with --full)');

	console.log('\nStatus calls per task, Wait Mode Poll vs Callback (Max Concurrent Tasks 50 for Poll):');
	const callbackRows = [];
	for (const items of [1, 10]) {
		const poll = rows.find((r) => r.items === items && r.concurrency === 50 && r.progress)!;
		const callback = await callbackRun(items);
		callbackRows.push({ items, poll: poll.statusCallsPerTask, ...callback });
		console.log(
			`N=${String(items).padStart(2)}  poll ${poll.statusCallsPerTask} calls/task (${poll.ratioToL}·L)  callback ${callback.statusCallsPerTask} calls/task (${callback.ratioToL}·L, ${callback.callbacks} callbacks received)`,
		);
	}

	console.log('\nPeak RSS growth (binary data in filesystem mode, n8n 2.x default):');
	const memoryRows = ['image45', 'image15', 'video200'].map(measureInChild);
	for (const m of memoryRows) {
		const target =
			m.name === 'video200'
				? `target ≤ 64 MB ${m.peakGrowthMB <= 64 ? 'met' : 'MISSED'}`
				: `target ≤ 2.5× ${m.ratio <= 2.5 ? 'met' : 'MISSED'}`;
		console.log(`${m.name}: ${m.sizeMB} MB -> +${m.peakGrowthMB} MB (${m.ratio}×; ${target}); ${m.outcome}`);
	}
	const queue = await printQueue();
	mkdirSync('.bench', { recursive: true });
	writeFileSync(
		join('.bench', 'results.json'),
		JSON.stringify({ latencySeconds: L / 1000, rows, callbackRows, memory: memoryRows, queue }, null, 2),
	);
	console.log('\nWritten to .bench/results.json');
}

/** The node against the do-it-yourself loop in real n8n; --quick: N = 1 and 10 with progress only. */
async function printComparison(): Promise<Awaited<ReturnType<typeof compareInN8n>>> {
	const quick = arg('quick') !== undefined;
	console.log(
		`\nThe Vidu node (default settings) against the do-it-yourself loop, real n8n 2.40.7, L = ${L / 1000} s, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores:`,
	);
	return await compareInN8n(quick ? [1, 10] : [1, 10, 50, 200], quick ? [true] : [true, false]);
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

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
