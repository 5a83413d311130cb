import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, REPO } from '../../dev/n8n/realN8n';
import { openEditor } from '../helpers/editorPage';

/** `npm start` as a newcomer runs it: one command, then n8n's editor with the node, a credential and the examples. */

const isListening = (port: number) =>
	fetch(`http://127.0.0.1:${port}/`).then(
		() => true,
		() => false,
	);

class Playground {
	output = '';
	private child?: ChildProcess;

	constructor(private readonly env: NodeJS.ProcessEnv) {}

	/** Resolves once `npm start` says n8n is running; its own process group, so Ctrl-C reaches all of it. */
	async start(): Promise<void> {
		this.output = '';
		this.child = spawn('npm', ['start'], { cwd: REPO, env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
		this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
		const exited = new Promise<never>((_, reject) =>
			this.child!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${this.output.slice(-3000)}`))),
		);
		const ready = (async () => {
			while (!/is running: http/.test(this.output)) await new Promise((resolve) => setTimeout(resolve, 250));
		})();
		await Promise.race([ready, exited]);
	}

	/** Ctrl-C in a terminal: SIGINT to the whole process group; resolves once npm has exited. */
	async interrupt(): Promise<void> {
		const child = this.child!;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		process.kill(-child.pid!, 'SIGINT');
		await exited;
	}
}

describe('npm start: n8n with the node, the mock, a credential and the examples', () => {
	let port: number;
	let mockPort: number;
	let playground: Playground;
	let playgroundFolder: string;
	let cookie = '';
	const base = () => `http://127.0.0.1:${port}`;
	const rest = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
		const response = await fetch(`${base()}/rest/${path}`, {
			...init,
			headers: { 'content-type': 'application/json', cookie, ...init.headers },
		});
		expect(response.status).toBe(200);
		return ((await response.json()) as { data: T }).data;
	};

	beforeAll(async () => {
		[port, mockPort] = [await freePort(), await freePort()];
		const env: NodeJS.ProcessEnv = {
			...process.env,
			N8N_PORT: String(port),
			VIDU_MOCK_PORT: String(mockPort),
			VIDU_PLAYGROUND: (playgroundFolder = mkdtempSync(join(tmpdir(), 'vidu-playground-'))),
		};
		delete env.VIDU_API_KEY;
		playground = new Playground(env);
		await playground.start();
	}, 40 * 60_000);

	afterAll(async () => {
		if (await isListening(port)) await playground.interrupt();
		rmSync(playgroundFolder, { recursive: true, force: true });
	});

	it('prints the editor URL and what to click, and n8n is healthy', async () => {
		expect(playground.output).toContain(`is running: http://127.0.0.1:${port}/`);
		expect(playground.output).toMatch(/What to click/);
		expect((await fetch(`${base()}/healthz`)).status).toBe(200);
	});

	it('after the owner sign-up, the Vidu node type, the "Vidu (mock)" credential and every example are there', async () => {
		const owner = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Owner', password: 'Playground123' };
		const setup = await fetch(`${base()}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		expect(setup.status).toBe(200);
		cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0];

		const types = await rest<Array<{ name: string; displayName: string }>>('node-types', {
			method: 'POST',
			body: JSON.stringify({ nodeInfos: [{ name: 'n8n-nodes-vidu.vidu', version: 1 }] }),
		});
		expect(types.map((type) => type.displayName)).toEqual(['Vidu']);

		const credentials = await rest<Array<{ name: string; type: string }>>('credentials');
		expect(credentials).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Vidu (mock)', type: 'viduApi' })]));

		const workflows = await rest<Array<{ id: string }>>('workflows');
		const exampleIds = readdirSync(join(REPO, 'examples')).map(
			(file) => (JSON.parse(readFileSync(join(REPO, 'examples', file), 'utf8')) as { id: string }).id,
		);
		expect(workflows.map((workflow) => workflow.id).sort()).toEqual(exampleIds.sort());
	});

	it('the first example runs against the mock from the editor: "Execute workflow" gives the video URL', async () => {
		// What the printed steps say to click, in a real browser (the owner signed up in the case before).
		const example = JSON.parse(readFileSync(join(REPO, 'examples', 'vidu-generate-from-url.json'), 'utf8')) as { id: string };
		const { browser, page } = await openEditor(base(), cookie);
		try {
			await page.goto(`${base()}/workflow/${example.id}`, { waitUntil: 'networkidle' });
			await page.click('[data-test-id="execute-workflow-button"]');
			const filter = encodeURIComponent(JSON.stringify({ workflowId: example.id }));
			let finished: { id: string; status: string } | undefined;
			for (const deadline = Date.now() + 60_000; !finished && Date.now() < deadline;) {
				await new Promise((resolve) => setTimeout(resolve, 500));
				const { results } = await rest<{ results: Array<{ id: string; status: string }> }>(`executions?filter=${filter}`);
				finished = results.find((execution) => !['new', 'running', 'waiting'].includes(execution.status));
			}
			expect(finished?.status).toBe('success');
			const saved = await rest<{ data: string }>(`executions/${finished!.id}`);
			expect(saved.data).toMatch(/"videoUrl"/);
			expect(saved.data).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${mockPort}/cdn/task_\\w+\\.mp4`));
			expect(playground.output).toMatch(/\[mock\] POST \/model\/v1\/generation/);
		} finally {
			await browser.close();
		}
	});

	it('Ctrl-C stops n8n and the mock; a second start reuses the install and keeps the owner', async () => {
		await playground.interrupt();
		// n8n shuts down on its own schedule after the signal; it must be gone within n8n's stop time.
		const deadline = Date.now() + 30_000;
		while ((await isListening(port)) || (await isListening(mockPort))) {
			if (Date.now() > deadline) throw new Error('n8n or the mock still listens 30 s after Ctrl-C');
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(playground.output).toContain('Stopping n8n and the mock');

		await playground.start();
		expect(playground.output).toContain('[install-n8n] reusing');
		expect(playground.output).not.toContain('installing n8n@');
		const login = await fetch(`${base()}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: 'owner@example.com', password: 'Playground123' }),
		});
		expect(`${login.status} ${login.status === 200 ? '' : await login.text()}`).toBe('200 ');
	});
});
