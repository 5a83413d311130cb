/**
 * A faithful stand-in for the Vtrix gateway serving Vidu's video models (docs/api-contract.md):
 * a real HTTP server on 127.0.0.1 that checks the Bearer token, records every request, and can be
 * scripted per test (state spellings, polls before completion, error shapes, HTTP faults); under /ent/v2 it
 * speaks Vidu's own API (Token auth, flat bodies, its states, queueing, cancel, credits, signed callbacks).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { mp4Bytes, pngBytes } from './images';
import { signedHeaders } from './signCallback';

export interface RecordedRequest {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: unknown;
	rawBodyBytes: number;
}

/** How one submitted task behaves. Every field has a default that follows docs/api-contract.md. */
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
	/** Time mode: the task runs this long after submission (progress grows linearly), whatever the polls. */
	generationMs?: number;
	/**
	 * Applies to the submission whose parameters contain this text (an image URL, a prompt), whatever
	 * order submissions arrive in: clients may send several at once. Scripts without it go by arrival.
	 */
	forItem?: string;
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

type Params = Record<string, unknown>;
const count = (list: unknown) => (Array.isArray(list) ? list.length : -1);
const needsPrompt = (params: Params) => (params.prompt ? undefined : 'prompt is required');
/**
 * What each kind's body must hold, as an error message (VtrixAI/vtrix-cli skills/video, doc.vtrix.ai), kept apart from
 * the node's table: images per kind, subjects of 1–3 images (1–7 in all), one source video to extend.
 */
const KIND_CHECKS: Record<string, (params: Params) => string | undefined> = {
	img2video: (params) => (count(params.images) === 1 ? undefined : 'missing image'),
	start_end2video: (params) => (count(params.images) === 2 ? undefined : 'missing image'),
	text2video: (params) => (params.images === undefined ? needsPrompt(params) : 'text to video takes no image'),
	reference2video: (params) => (count(params.images) >= 1 && count(params.images) <= 7 ? needsPrompt(params) : 'missing image'),
	subjects: (params) => {
		const subjects = Array.isArray(params.subjects) ? (params.subjects as Params[]) : [];
		const images = subjects.map((subject) => (typeof subject.id === 'string' ? count(subject.images) : -1));
		const fine = subjects.length >= 1 && images.every((n) => n >= 1 && n <= 3) && images.reduce((a, b) => a + b, 0) <= 7;
		return fine && params.images === undefined ? needsPrompt(params) : 'missing image';
	},
	extend: (params) =>
		(params.video_url === undefined) === (params.video_creation_id === undefined)
			? 'one of video_url and video_creation_id is required'
			: [undefined, 1].includes(params.images === undefined ? undefined : count(params.images))
				? undefined
				: 'at most one image',
};
const GATEWAY_MODELS: Record<string, string> = Object.fromEntries([
	...['viduq1', 'vidu20', 'viduq2_turbo', 'viduq2_pro', 'viduq2_pro_fast', 'viduq3_pro', 'viduq3_turbo'].map((tier) => [
		`${tier}_img2video`,
		'img2video',
	]),
	...['viduq2_pro', 'viduq2_turbo', 'viduq2_pro_fast', 'viduq3_pro', 'viduq3_turbo'].map((tier) => [
		`${tier}_start_end2video`,
		'start_end2video',
	]),
	...['viduq1', 'viduq2', 'viduq2_pro_fast', 'viduq3_pro', 'viduq3_turbo'].map((tier) => [`${tier}_text2video`, 'text2video']),
	...['viduq1', 'viduq2', 'viduq2_pro_fast'].map((tier) => [`${tier}_reference2video`, 'subjects']),
	['viduq2_pro_reference', 'reference2video'],
	['viduq3_i2v_reference', 'reference2video'],
	['viduq2_pro_extend', 'extend'],
	['viduq2_turbo_extend', 'extend'],
]);

/** Vidu's own API: one endpoint per kind, the model by its own name (../shared/api/VIDU-OFFICIAL.md). */
const OFFICIAL = '/ent/v2';
const OFFICIAL_KINDS: Record<string, { check: string; models: string[] }> = {
	img2video: {
		check: 'img2video',
		models: ['viduq3-pro', 'viduq3-turbo', 'viduq2-pro', 'viduq2-turbo', 'viduq2-pro-fast', 'viduq1', 'vidu2.0'],
	},
	'start-end2video': { check: 'start_end2video', models: ['viduq3-pro', 'viduq3-turbo', 'viduq2-pro', 'viduq2-turbo', 'viduq2-pro-fast'] },
	reference2video: { check: 'reference2video', models: ['viduq3', 'viduq2-pro', 'viduq2', 'viduq2-pro-fast', 'viduq1'] },
	text2video: { check: 'text2video', models: ['viduq3-pro', 'viduq3-turbo', 'viduq2', 'viduq2-pro-fast', 'viduq1'] },
	extend: { check: 'extend', models: ['viduq2-pro', 'viduq2-turbo'] },
};

interface TaskRecord {
	id: string;
	/** Created through Vidu's own API: answered in its shape. */
	official?: boolean;
	cancelled?: boolean;
	script: Required<Omit<TaskScript, 'error' | 'usage' | 'generationMs' | 'forItem'>> &
		Pick<TaskScript, 'error' | 'usage' | 'generationMs' | 'forItem'>;
	polls: number;
	params: unknown;
	model: string;
	createdAt: number;
	/** Its final state has been served: it no longer counts against maxInFlight (nor, in time mode, once it has ended). */
	finished?: boolean;
}

/** Time mode: when a task really ended, and when a status call first told the client. */
export interface Detection {
	taskId: string;
	endedAt: number;
	seenAt: number;
	polls: number;
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
	/** When set, videos are this many generated bytes, streamed in 1 MB pieces (for memory benchmarks). */
	videoStreamBytes?: number;
	readonly detections: Detection[] = [];
	/** Off for memory benchmarks: request bodies are then counted, not kept or parsed. */
	keepBodies = true;
	/**
	 * Call each task's callback_url like the provider would (time mode only): once soon after creation
	 * with status "processing", once when the task ends. Every callback and n8n's answer is recorded.
	 */
	sendCallbacks = false;
	/** Where a callback really goes (default: its callback_url), e.g. another n8n process of a queue-mode cluster. */
	callbackRoute?: (url: string, call: { taskId: string; status: string }) => string;
	/**
	 * When set to n, final callbacks are held until n tasks have finished, then sent all at once:
	 * tasks that finish together, as the provider's callbacks then race each other.
	 */
	holdFinalCallbacks = 0;
	/**
	 * Status answers (time mode) say "running" this long after a task ended and its final callback
	 * went: a gateway a moment behind its provider.
	 */
	statusLagMs = 0;
	/** How many times each final callback is sent: the maker retries finals up to three times. */
	finalCallbackCopies = 1;
	/**
	 * A final callback not answered 2xx is sent again after each of these delays, as the maker retries finals "up to 3
	 * times when delivery fails" (its pages give no intervals: these are a guess). None by default.
	 */
	finalRetryDelaysMs: number[] = [];
	private heldFinalCallbacks: Array<() => void> = [];
	/** Each callback sent, with n8n's answer and when it was sent. */
	readonly callbacks: Array<{ taskId: string; url: string; status: string; answer: number; sentAt: number; reply?: string }> = [];
	/** Like a provider's concurrency quota: creates beyond this many unfinished tasks get HTTP 429. */
	maxInFlight?: number;
	/** Vidu's own API: tasks past this many unfinished ones are accepted and queue (state "queueing"). */
	officialConcurrency = 5;
	refusedCreates = 0;
	/** Create and video requests being answered right now, and the most there ever were at once. */
	private inFlight = { create: 0, download: 0 };
	readonly peakInFlight = { create: 0, download: 0 };
	/** Requests to /sink/…: what a workflow under test reports back. */
	readonly sink: unknown[] = [];
	private server?: http.Server;
	private tasks = new Map<string, TaskRecord>();
	private scripts: TaskScript[] = [];
	private defaultScript: TaskScript = {};
	private faults: Fault[] = [];
	private counter = 0;
	private timers = new Set<NodeJS.Timeout>();

	constructor(apiKey = 'test-key-0123456789abcdef') {
		this.apiKey = apiKey;
	}

	/** Kept after stop(), so a request still in flight when a test ends cannot crash the mock. */
	url = '';

	/** Listens on 127.0.0.1, on `port` when given (the playground keeps one address across restarts). */
	async start(port = 0): Promise<this> {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: `mock failure: ${String(error)}` }));
			});
		});
		this.server.listen(port, '127.0.0.1');
		await once(this.server, 'listening');
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	/** A delayed answer that stop() can cancel, so no timer outlives the test. */
	private async delay(ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	async stop(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server!.close(resolve));
	}

	/** Scripts for the next submissions, in arrival order unless `forItem` says which; later ones use the default script. */
	scriptTasks(...scripts: TaskScript[]): this {
		this.scripts.push(...scripts);
		return this;
	}

	/** The id of the latest task created for a submission whose parameters contain `text`. */
	taskIdFor(text: string): string {
		const task = [...this.tasks.values()].reverse().find((t) => JSON.stringify(t.params).includes(text));
		if (!task) throw new Error(`no task was created for a submission containing ${JSON.stringify(text)}`);
		return task.id;
	}

	/** The script for a submission: the one meant for its item, else the next one in order. */
	private takeScript(params: unknown): TaskScript | undefined {
		const text = JSON.stringify(params);
		let index = this.scripts.findIndex((s) => s.forItem !== undefined && text.includes(s.forItem));
		if (index < 0) index = this.scripts.findIndex((s) => s.forItem === undefined);
		return index < 0 ? undefined : this.scripts.splice(index, 1)[0];
	}

	/** Forgets what was recorded (requests, reports, callbacks), so that a test sees only its own. */
	forgetRecorded(): void {
		this.requests.length = 0;
		this.sink.length = 0;
		this.callbacks.length = 0;
		this.detections.length = 0;
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
		return this.requests.filter(
			(r) => r.method === 'POST' && (r.path === '/model/v1/generation' || r.path.slice(OFFICIAL.length + 1) in OFFICIAL_KINDS),
		);
	}

	get polls(): RecordedRequest[] {
		return this.requests.filter(
			(r) => r.path.startsWith('/model/v1/generation/task/') || /^\/ent\/v2\/tasks\/[^/]+\/creations$/.test(r.path),
		);
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
		let received = 0;
		for await (const chunk of req) {
			received += (chunk as Buffer).length;
			if (this.keepBodies) chunks.push(chunk as Buffer);
		}
		const raw = Buffer.concat(chunks);
		let body: unknown = this.keepBodies ? undefined : { model: 'viduq1_img2video', input: [{ params: { images: ['(not kept)'] } }] };
		if (raw.length) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				body = raw.toString('utf8');
			}
		}
		const path = (req.url ?? '/').split('?')[0];
		const recorded = { method: req.method ?? '', path, headers: req.headers, body, rawBodyBytes: received };
		this.requests.push(recorded);
		this.onRequest?.(recorded);

		const officialCreate = req.method === 'POST' && path.startsWith(`${OFFICIAL}/`) && path.slice(OFFICIAL.length + 1) in OFFICIAL_KINDS;
		const route: Fault['route'] = path.startsWith('/cdn/')
			? 'download'
			: (req.method === 'POST' && path === '/model/v1/generation') || officialCreate
				? 'create'
				: path.startsWith('/model/v1/generation/task/') || /^\/ent\/v2\/tasks\/[^/]+\/creations$/.test(path)
					? 'poll'
					: 'any';
		if (route !== 'create' && route !== 'download') return await this.answer(req, res, route, path, body);
		this.peakInFlight[route] = Math.max(this.peakInFlight[route], ++this.inFlight[route]);
		try {
			await this.answer(req, res, route, path, body);
		} finally {
			this.inFlight[route]--;
		}
	}

	private async answer(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		route: Fault['route'],
		path: string,
		body: unknown,
	): Promise<void> {
		const fault = this.takeFault(route);
		if (fault?.delayMs) await this.delay(fault.delayMs);
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
		if (req.method === 'POST' && path.startsWith('/sink')) {
			this.sink.push(body);
			return this.json(res, 200, { stored: true });
		}
		if (req.method === 'GET' && path.startsWith('/images/')) {
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(this.imageBytes.length) });
			res.end(this.imageBytes);
			return;
		}
		if (path.startsWith(`${OFFICIAL}/`)) return this.answerOfficial(req, res, route, path, body);
		if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
			return this.json(res, 401, { error: { code: 401, message: 'invalid api key' } });
		}
		if (route === 'create') return this.create(res, body);
		if (route === 'poll') return this.poll(res, decodeURIComponent(path.slice('/model/v1/generation/task/'.length)));
		return this.json(res, 404, { message: `no route ${req.method} ${path}` });
	}

	/** Vidu's own API: Token auth, flat bodies, its states, cancel and credits. */
	private answerOfficial(req: http.IncomingMessage, res: http.ServerResponse, route: Fault['route'], path: string, body: unknown): void {
		if (req.headers.authorization !== `Token ${this.apiKey}`)
			return this.json(res, 401, { code: 401, reason: 'Unauthorized', message: 'invalid token' });
		const params = (typeof body === 'object' && body !== null ? body : {}) as Params;
		if (route === 'create') {
			const kind = OFFICIAL_KINDS[path.slice(OFFICIAL.length + 1)];
			const check = kind.check === 'reference2video' && params.subjects !== undefined ? 'subjects' : kind.check;
			const refused = kind.models.includes(String(params.model))
				? KIND_CHECKS[check](params)
				: `model ${String(params.model)} is not offered here`;
			if (refused) return this.json(res, 400, { code: 400, reason: 'BadRequest', message: refused });
			const task = this.record(params, String(params.model), { official: true });
			return this.json(res, 200, { task_id: task.id, state: 'created', model: task.model, credits: 4, created_at: '2025-01-01T15:41:31Z' });
		}
		const taskId = decodeURIComponent(path.split('/')[4] ?? '');
		const task = this.tasks.get(taskId);
		if (route === 'poll') {
			if (!task?.official) return this.json(res, 404, { code: 404, reason: 'NotFound', message: 'task not found' });
			task.polls++;
			return this.json(res, 200, this.officialStatus(task));
		}
		if (req.method === 'POST' && path.endsWith('/cancel')) {
			if (!task?.official) return this.json(res, 404, { code: 404, reason: 'NotFound', message: 'task not found' });
			if (task.polls > 0 || this.queuedBefore(task) < this.officialConcurrency)
				return this.json(res, 400, { code: 400, reason: 'BadRequest', message: 'task state is scheduled, can not cancel' });
			task.cancelled = true;
			return this.json(res, 200, {});
		}
		if (req.method === 'GET' && path === `${OFFICIAL}/credits`) {
			const open = [...this.tasks.values()].filter((t) => t.official && !this.ended(t));
			const running = Math.min(open.length, this.officialConcurrency);
			return this.json(res, 200, {
				remains: [
					{
						type: 'test',
						credit_remain: 1000,
						concurrency_limit: this.officialConcurrency,
						current_concurrency: running,
						queue_count: open.length - running,
					},
				],
				packages: [],
			});
		}
		return this.json(res, 404, { code: 404, reason: 'NotFound', message: `no route ${req.method} ${path}` });
	}

	/** Unfinished tasks of Vidu's own API created before this one: past the concurrency limit, it queues. */
	private queuedBefore(task: TaskRecord): number {
		return [...this.tasks.values()].filter((t) => t.official && t.createdAt <= task.createdAt && t !== task && !this.ended(t)).length;
	}

	private officialStatus(task: TaskRecord): Record<string, unknown> {
		if (task.cancelled) return { id: task.id, state: 'failed', err_code: 'TaskCanceled', credits: 0, creations: [] };
		const running =
			task.script.generationMs !== undefined
				? Date.now() < task.createdAt + task.script.generationMs
				: task.polls <= task.script.pollsBeforeDone;
		if (running) return { id: task.id, state: this.queuedBefore(task) >= this.officialConcurrency ? 'queueing' : 'processing', credits: 4 };
		const final = this.finalBody(task);
		if (FAILED.test(task.script.finalStatus))
			return { id: task.id, state: 'failed', err_code: 'CreationPolicyViolation', credits: 0, creations: [] };
		const creations = ((final.output as Array<{ content: Array<{ url: string }> }>)[0].content ?? []).map(({ url }, n) => ({
			id: `creation_${task.id}_${n}`,
			url,
			cover_url: url.replace(/\.mp4$/, '.jpg'),
			watermarked_url: url.replace(/\.mp4$/, '_wm.mp4'),
		}));
		return { id: task.id, state: 'success', err_code: '', credits: 4, payload: (task.params as Params).payload ?? '', creations };
	}

	private json(res: http.ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	}

	private serveVideo(res: http.ServerResponse): void {
		const total = this.videoStreamBytes;
		if (total === undefined) {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(this.videoBytes.length) });
			res.end(this.videoBytes);
			return;
		}
		res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(total) });
		// Each piece starts as an MP4 does: the node checks that what it stores is a video.
		const piece = mp4Bytes(1024 * 1024, 0x42);
		let sent = 0;
		const pump = () => {
			while (sent < total) {
				const size = Math.min(piece.length, total - sent);
				sent += size;
				if (!res.write(size === piece.length ? piece : piece.subarray(0, size))) return void res.once('drain', pump);
			}
			res.end();
		};
		pump();
	}

	/** A provider frees a task's slot when it ends, whether or not anyone has asked. */
	private ended(task: TaskRecord): boolean {
		const { generationMs } = task.script;
		return task.finished === true || (generationMs !== undefined && Date.now() >= task.createdAt + generationMs);
	}

	private create(res: http.ServerResponse, body: unknown): void {
		const request = body as { model?: unknown; input?: Array<{ params?: { images?: unknown } }> };
		const params = request?.input?.[0]?.params;
		const kind = GATEWAY_MODELS[String(request?.model)];
		if (!kind || !params) {
			return this.json(res, 400, { error: { code: 8008003002, message: 'invalid parameter value' } });
		}
		const refused = KIND_CHECKS[kind](params);
		if (refused) return this.json(res, 400, { error: { code: refused === 'missing image' ? 8008003001 : 8008003002, message: refused } });
		if (this.maxInFlight !== undefined && [...this.tasks.values()].filter((t) => !this.ended(t)).length >= this.maxInFlight) {
			this.refusedCreates++;
			return this.json(res, 429, { error: { code: 'QuotaExceeded', message: `at most ${this.maxInFlight} tasks in flight` } });
		}
		const task = this.record(params, String(request.model));
		const { id, script } = task;
		if (script.terminalOnCreate) return this.json(res, 200, this.finalBody(task));
		this.json(res, 200, {
			[script.idField]: id,
			status: script.runningStates[0],
			model: task.model,
			created_at: 1710000000,
		});
	}

	/** A new task, its script taken, and its callbacks planned when the mock sends them. */
	private record(params: unknown, model: string, more: Partial<TaskRecord> = {}): TaskRecord {
		const script = { ...DEFAULT_SCRIPT, ...this.defaultScript, ...this.takeScript(params) };
		const id = `task_${++this.counter}`;
		const task: TaskRecord = { id, script, polls: 0, params, model, createdAt: Date.now(), ...more };
		this.tasks.set(id, task);
		const callbackUrl = (params as { callback_url?: unknown }).callback_url;
		if (this.sendCallbacks && typeof callbackUrl === 'string' && script.generationMs !== undefined && !script.terminalOnCreate) {
			const ring = (status: string, retry = 0): void =>
				void this.ring(task, callbackUrl, status).then(async (answer) => {
					const delay = this.finalRetryDelaysMs[retry];
					if (status === 'processing' || (answer >= 200 && answer < 300) || delay === undefined) return;
					await this.delay(delay);
					ring(status, retry + 1);
				});
			void this.delay(script.generationMs / 2).then(() => ring('processing'));
			const final = FAILED.test(script.finalStatus) ? 'failed' : 'completed';
			for (let copy = 0; copy < this.finalCallbackCopies; copy++)
				void this.delay(script.generationMs + 20 + copy * 50).then(() => this.ringFinal(() => ring(final)));
		}
		return task;
	}

	private poll(res: http.ServerResponse, id: string): void {
		const task = this.tasks.get(id);
		if (!task) return this.json(res, 404, { error: { code: 404, message: `task ${id} not found` } });
		task.polls++;
		const { script } = task;
		if (script.generationMs !== undefined) return this.pollTimed(res, task, script.generationMs);
		if (task.polls <= script.pollsBeforeDone) {
			const status = script.runningStates[(task.polls - 1) % script.runningStates.length];
			return this.json(res, 200, {
				[script.idField]: id,
				status,
				...(script.progress ? { progress: task.polls / (script.pollsBeforeDone + 1) } : {}),
				model: task.model,
			});
		}
		this.json(res, 200, this.finalBody(task));
	}

	private ringFinal(ring: () => void): void {
		if (!this.holdFinalCallbacks) return ring();
		this.heldFinalCallbacks.push(ring);
		if (this.heldFinalCallbacks.length < this.holdFinalCallbacks) return;
		for (const held of this.heldFinalCallbacks.splice(0)) held();
	}

	/** Calls back like the provider: a small JSON body naming the task (its shape is not documented). */
	private async ring(task: TaskRecord, url: string, status: string): Promise<number> {
		if (!this.server?.listening) return 0;
		let answer = 0;
		const sentAt = Date.now();
		let reply: string | undefined;
		url = this.callbackRoute?.(url, { taskId: task.id, status }) ?? url;
		try {
			// Vidu's own API sends its status answer, signed with the task's token (platform.vidu.com/docs/callback-signature).
			const official = task.official ? { ...this.officialStatus(task), state: status === 'completed' ? 'success' : status } : undefined;
			const signed = official ? signedHeaders(this.apiKey, 'POST', url, new Date(), randomUUID()) : {};
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...signed },
				body: JSON.stringify(official ?? { id: task.id, status }),
			});
			answer = response.status;
			reply = (await response.text()).slice(0, 200);
		} catch {
			answer = -1;
		}
		this.callbacks.push({ taskId: task.id, url, status, answer, sentAt, reply });
		return answer;
	}

	private pollTimed(res: http.ServerResponse, task: TaskRecord, generationMs: number): void {
		const now = Date.now();
		const elapsed = now - task.createdAt;
		if (elapsed < generationMs + this.statusLagMs) {
			const status = task.script.runningStates[0];
			const progress = task.script.progress ? { progress: Math.min(elapsed / generationMs, 0.99) } : {};
			return this.json(res, 200, { [task.script.idField]: task.id, status, ...progress, model: task.model });
		}
		if (!this.detections.some((d) => d.taskId === task.id)) {
			this.detections.push({ taskId: task.id, endedAt: task.createdAt + generationMs, seenAt: now, polls: task.polls });
		}
		this.json(res, 200, this.finalBody(task));
	}

	private finalBody(task: TaskRecord): Record<string, unknown> {
		task.finished = true;
		const { script, id } = task;
		const base = { [script.idField]: id, status: script.finalStatus, model: task.model };
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
