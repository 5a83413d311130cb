/**
 * A faithful stand-in for the Vtrix gateway serving viduq1_img2video (../shared/api/CONTRACT.md):
 * a real HTTP server on 127.0.0.1 that checks the Bearer token, records every request, and can be
 * scripted per test (state spellings, polls before completion, error shapes, HTTP faults).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { pngBytes } from '../helpers/images';

export interface RecordedRequest {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: unknown;
	rawBodyBytes: number;
}

/** How one submitted task behaves. Every field has a CONTRACT.md-conforming default. */
export interface TaskScript {
	/** Status answers that say "running" before the final state (default 1). */
	pollsBeforeDone?: number;
	/** Running spellings, used in turn (default ["in_progress"]). */
	runningStates?: string[];
	/** The final status string, e.g. "completed", "SUCCESS", "failed" (default "completed"). */
	finalStatus?: string;
	/** The `error` value of a failed task, in any of the three shapes. */
	error?: unknown;
	/** Send `progress` with running answers (default true). */
	progress?: boolean;
	/** Field that carries the task id (default "id"; a documentation page shows "task_id"). */
	idField?: 'id' | 'task_id';
	/** Content type of the video entry (default "video"; a documentation page shows "video_url"). */
	videoType?: string;
	/** How many videos a completed task carries (default 1). */
	videoCount?: number;
	usage?: unknown;
	/** Answer the create request with the final state already (HTTP 200). */
	terminalOnCreate?: boolean;
}

/** A one-shot fault for the next matching request. */
export interface Fault {
	route: 'create' | 'poll' | 'download' | 'any';
	status?: number;
	body?: unknown;
	rawBody?: string;
	headers?: Record<string, string>;
	/** Destroy the socket without answering. */
	drop?: boolean;
	/** Answer after this many milliseconds. */
	delayMs?: number;
	/** How many matching requests this applies to (default 1). */
	times?: number;
}

interface TaskRecord {
	id: string;
	script: Required<Omit<TaskScript, 'error' | 'usage'>> & Pick<TaskScript, 'error' | 'usage'>;
	polls: number;
	params: unknown;
}

const DEFAULT_SCRIPT = {
	pollsBeforeDone: 1,
	runningStates: ['in_progress'],
	finalStatus: 'completed',
	progress: true,
	idField: 'id' as const,
	videoType: 'video',
	videoCount: 1,
	terminalOnCreate: false,
};

const FAILED = /^(failed|failure|error)$/i;

export class ViduMock {
	readonly apiKey: string;
	readonly requests: RecordedRequest[] = [];
	/** Called for every request as it arrives, e.g. to cancel an execution at a precise moment. */
	onRequest?: (request: RecordedRequest) => void;
	/** Served at /images/<anything>, standing in for an image host a workflow downloads from. */
	imageBytes = pngBytes(1280, 720);
	/** Bytes served for every generated video. */
	videoBytes = Buffer.from('\x00\x00\x00\x18ftypmp42 fake mp4 payload for tests', 'latin1');
	private server?: http.Server;
	private tasks = new Map<string, TaskRecord>();
	private scripts: TaskScript[] = [];
	private defaultScript: TaskScript = {};
	private faults: Fault[] = [];
	private counter = 0;

	constructor(apiKey = 'test-key-0123456789abcdef') {
		this.apiKey = apiKey;
	}

	/** Kept after stop(), so a request still in flight when a test ends cannot crash the mock. */
	url = '';

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: `mock failure: ${String(error)}` }));
			});
		});
		this.server.listen(0, '127.0.0.1');
		await once(this.server, 'listening');
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server!.close(resolve));
	}

	/** Scripts for the next submissions, in order; later ones use the default script. */
	scriptTasks(...scripts: TaskScript[]): this {
		this.scripts.push(...scripts);
		return this;
	}

	setDefaultScript(script: TaskScript): this {
		this.defaultScript = script;
		return this;
	}

	fault(fault: Fault): this {
		this.faults.push({ times: 1, ...fault });
		return this;
	}

	/** Submissions that reached the create endpoint, including refused ones. */
	get creates(): RecordedRequest[] {
		return this.requests.filter((r) => r.method === 'POST' && r.path === '/model/v1/generation');
	}

	get polls(): RecordedRequest[] {
		return this.requests.filter((r) => r.path.startsWith('/model/v1/generation/task/'));
	}

	get downloads(): RecordedRequest[] {
		return this.requests.filter((r) => r.path.startsWith('/cdn/'));
	}

	private takeFault(route: Fault['route']): Fault | undefined {
		const index = this.faults.findIndex((f) => f.route === route || f.route === 'any');
		if (index < 0) return undefined;
		const fault = this.faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) this.faults.splice(index, 1);
		return fault;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		let body: unknown = undefined;
		if (raw.length) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				body = raw.toString('utf8');
			}
		}
		const path = (req.url ?? '/').split('?')[0];
		const recorded = { method: req.method ?? '', path, headers: req.headers, body, rawBodyBytes: raw.length };
		this.requests.push(recorded);
		this.onRequest?.(recorded);

		const route: Fault['route'] = path.startsWith('/cdn/')
			? 'download'
			: req.method === 'POST' && path === '/model/v1/generation'
				? 'create'
				: path.startsWith('/model/v1/generation/task/')
					? 'poll'
					: 'any';
		const fault = this.takeFault(route);
		if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
		if (fault?.drop) {
			req.socket.destroy();
			return;
		}
		if (fault?.status !== undefined || fault?.rawBody !== undefined || fault?.body !== undefined) {
			res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', ...fault.headers });
			res.end(fault.rawBody ?? JSON.stringify(fault.body ?? {}));
			return;
		}

		if (route === 'download') return this.serveVideo(res);
		if (req.method === 'GET' && path.startsWith('/images/')) {
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(this.imageBytes.length) });
			res.end(this.imageBytes);
			return;
		}
		if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
			return this.json(res, 401, { error: { code: 401, message: 'invalid api key' } });
		}
		if (route === 'create') return this.create(res, body);
		if (route === 'poll') return this.poll(res, decodeURIComponent(path.slice('/model/v1/generation/task/'.length)));
		return this.json(res, 404, { message: `no route ${req.method} ${path}` });
	}

	private json(res: http.ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	}

	private serveVideo(res: http.ServerResponse): void {
		res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(this.videoBytes.length) });
		res.end(this.videoBytes);
	}

	private create(res: http.ServerResponse, body: unknown): void {
		const request = body as { model?: unknown; input?: Array<{ params?: { images?: unknown } }> };
		const params = request?.input?.[0]?.params;
		if (request?.model !== 'viduq1_img2video' || !params) {
			return this.json(res, 400, { error: { code: 8008003002, message: 'invalid parameter value' } });
		}
		if (!Array.isArray(params.images) || params.images.length !== 1) {
			return this.json(res, 400, { error: { code: 8008003001, message: 'missing image' } });
		}
		const script = { ...DEFAULT_SCRIPT, ...this.defaultScript, ...this.scripts.shift() };
		const id = `task_${++this.counter}`;
		const task: TaskRecord = { id, script, polls: 0, params };
		this.tasks.set(id, task);
		if (script.terminalOnCreate) return this.json(res, 200, this.finalBody(task));
		this.json(res, 200, {
			[script.idField]: id,
			status: script.runningStates[0],
			model: 'viduq1_img2video',
			created_at: 1710000000,
		});
	}

	private poll(res: http.ServerResponse, id: string): void {
		const task = this.tasks.get(id);
		if (!task) return this.json(res, 404, { error: { code: 404, message: `task ${id} not found` } });
		task.polls++;
		const { script } = task;
		if (task.polls <= script.pollsBeforeDone) {
			const status = script.runningStates[(task.polls - 1) % script.runningStates.length];
			return this.json(res, 200, {
				[script.idField]: id,
				status,
				...(script.progress ? { progress: task.polls / (script.pollsBeforeDone + 1) } : {}),
				model: 'viduq1_img2video',
			});
		}
		this.json(res, 200, this.finalBody(task));
	}

	private finalBody(task: TaskRecord): Record<string, unknown> {
		const { script, id } = task;
		const base = { [script.idField]: id, status: script.finalStatus, model: 'viduq1_img2video' };
		if (FAILED.test(script.finalStatus)) {
			return {
				...base,
				error: script.error ?? { code: 8008003098, error_message: 'Generation failed' },
				usage: { cost: '' },
			};
		}
		const content = Array.from({ length: script.videoCount }, (_, n) => ({
			type: script.videoType,
			url: `${this.url}/cdn/${id}${n ? `_${n}` : ''}.mp4`,
		}));
		return {
			...base,
			progress: 1.0,
			output: [{ content }],
			usage: script.usage ?? { cost: '0.2000', discount: 1 },
			metadata: { in_queue_at: 1710000001, completed_at: 1710000060 },
		};
	}
}
