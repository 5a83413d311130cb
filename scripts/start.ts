/**
 * `npm start`: the product in one command. Real n8n 2.40.7 on Node 24 (the cached install the
 * end-to-end tests use), this package installed from its packed tarball into a playground user
 * folder that survives restarts, the project's mock API as the backend, a "Vidu (mock)" credential
 * and the example workflows imported on first start. Ctrl-C stops n8n and the mock.
 *
 * Environment: N8N_PORT (default 5678), VIDU_MOCK_PORT (default 5690), VIDU_PLAYGROUND (user
 * folder, default ~/.cache/n8n-nodes-vidu/playground), VIDU_API_KEY (+ VIDU_BASE_URL) to add a
 * credential for the real API, VIDU_N8N_CACHE (where n8n is installed).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { ViduMock } from '../dev/mock/viduMock';
import { RealN8n, REPO } from '../dev/n8n/realN8n';

const N8N_VERSION = '2.40.7';
const MOCK_KEY = 'mock-key-0123456789abcdef';
const MOCK_CREDENTIAL = { id: 'viduMockCredential', name: 'Vidu (mock)' };
const REAL_CREDENTIAL = { id: 'viduRealCredential', name: 'Vidu' };
/** The mock takes this long per video, so the wait is visible but short. */
const MOCK_GENERATION_MS = 8_000;

const say = (line = '') => process.stdout.write(`${line}\n`);

type Workflow = {
	id: string;
	name: string;
	nodes: Array<{ credentials?: Record<string, { id: string; name: string }>; parameters?: { waitMode?: string; waitOptions?: object } }>;
};

/** An example workflow with its placeholder image host pointed at the mock and its credential at "Vidu (mock)". */
function forPlayground(file: string, mockUrl: string): Workflow {
	const text = readFileSync(join(REPO, 'examples', file), 'utf8')
		.replace(/https:\/\/example\.com\/results/g, `${mockUrl}/sink`)
		.replace(/https:\/\/example\.com\//g, `${mockUrl}/images/`);
	const workflow = JSON.parse(text) as Workflow;
	for (const node of workflow.nodes) {
		if (!node.credentials?.viduApi) continue;
		node.credentials.viduApi = MOCK_CREDENTIAL;
		// The mock runs on this machine: it can call n8n's 127.0.0.1 resume URL back.
		if (node.parameters?.waitMode === 'callback')
			node.parameters.waitOptions = { ...node.parameters.waitOptions, allowLocalResumeUrl: true };
	}
	return workflow;
}

async function main(): Promise<void> {
	const port = Number(process.env.N8N_PORT ?? 5678);
	const mockPort = Number(process.env.VIDU_MOCK_PORT ?? 5690);
	const userFolder = process.env.VIDU_PLAYGROUND ?? join(homedir(), '.cache', 'n8n-nodes-vidu', 'playground');
	mkdirSync(userFolder, { recursive: true });

	const mock = await new ViduMock(MOCK_KEY).start(mockPort);
	mock.setDefaultScript({ generationMs: MOCK_GENERATION_MS });
	mock.sendCallbacks = true;
	mock.onRequest = (request) => {
		say(`[mock] ${request.method} ${request.path}`);
		// A long-running playground must not keep every image it was sent.
		if (mock.requests.length > 100) mock.requests.splice(0, mock.requests.length - 100);
	};

	const n8n = await RealN8n.start(N8N_VERSION, { userFolder });
	await n8n.importCredential({ ...MOCK_CREDENTIAL, type: 'viduApi', data: { apiKey: MOCK_KEY, baseUrl: mock.url } });
	if (process.env.VIDU_API_KEY) {
		const baseUrl = process.env.VIDU_BASE_URL ?? 'https://cloud.vtrix.ai';
		await n8n.importCredential({ ...REAL_CREDENTIAL, type: 'viduApi', data: { apiKey: process.env.VIDU_API_KEY, baseUrl } });
	}
	// Workflows are imported once: later starts keep whatever the user changed in them.
	const imported = join(userFolder, 'examples-imported');
	if (!existsSync(imported)) {
		for (const file of readdirSync(join(REPO, 'examples')).filter((name) => name.endsWith('.json'))) {
			await n8n.importWorkflow(forPlayground(file, mock.url));
		}
		writeFileSync(imported, new Date().toISOString());
	}

	const logFile = join(userFolder, 'n8n.log');
	const base = await n8n.startServer({ port, logFile });
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		say('\nStopping n8n and the mock…');
		await n8n.dispose();
		await mock.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());

	say();
	say(`n8n ${N8N_VERSION} with n8n-nodes-vidu is running: ${base}/`);
	say(`  mock Vidu API: ${mock.url} (key ${MOCK_KEY}), each video takes ${MOCK_GENERATION_MS / 1000} s`);
	say(`  n8n's log: ${logFile}; user folder (kept between starts): ${userFolder}`);
	say();
	say('What to click:');
	say(`  1. Open ${base}/ and create the owner account (first start only).`);
	say('  2. Overview → open "Vidu: animate an image from a URL".');
	say('  3. Press "Execute workflow": the Vidu node outputs videoUrl, usage.cost and the task id.');
	say('  The credential "Vidu (mock)" is already set up' + (process.env.VIDU_API_KEY ? '; "Vidu" uses your VIDU_API_KEY.' : '.'));
	say('Ctrl-C stops n8n and the mock.');
}

main().catch((error: unknown) => {
	process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
