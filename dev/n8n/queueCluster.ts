/**
 * n8n's queue mode from nothing, for the queue-mode e2e and the bench: PostgreSQL and Redis
 * (queueServices), n8n main, `n8n webhook` and workers sharing one encryption key, with
 * WEBHOOK_URL on every process pointing at the webhook process, and the shipped Webhook-triggered
 * example (`examples/vidu-callback-from-webhook.json`) in whatever variants the caller imports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startQueueServices, type QueueServices } from './queueServices';
import { freePort, RealN8n, REPO, triggerRegistered } from './realN8n';

export type WorkflowNode = {
	name: string;
	type: string;
	typeVersion?: number;
	position?: number[];
	parameters: Record<string, unknown>;
	webhookId?: string;
	id?: string;
};
export type Workflow = {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
};

/**
 * The Webhook-triggered example, reporting to `mockUrl`/sink and allowed a loopback resume URL (the
 * mock runs here). A `variant` gets its own id, name, trigger path and node ids, and its Vidu parameters.
 */
export function webhookExample(
	mockUrl: string,
	variant?: { id: string; name: string; path: string; vidu: Record<string, unknown> },
): Workflow {
	const text = readFileSync(join(REPO, 'examples', 'vidu-callback-from-webhook.json'), 'utf8').replace(
		'https://example.com/results',
		`${mockUrl}/sink`,
	);
	const workflow = JSON.parse(text) as Workflow;
	const vidu = workflow.nodes.find((node) => node.name === 'Vidu')!;
	vidu.parameters.waitOptions = { ...(vidu.parameters.waitOptions as object), allowLocalResumeUrl: true };
	if (!variant) return workflow;
	workflow.id = variant.id;
	workflow.name = variant.name;
	// Node and webhook ids are unique per instance: the variant's end in its own hex digits.
	const tag = [...variant.id]
		.reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 0xfff, 7)
		.toString(16)
		.padStart(3, '0');
	workflow.nodes.forEach((node, n) => {
		if (node.webhookId) node.webhookId = node.webhookId.replace(/.{4}$/, `${n}${tag}`);
		if (node.id) node.id = node.id.replace(/.{4}$/, `${n}${tag}`);
	});
	workflow.nodes.find((node) => node.name === 'Images Received')!.parameters.path = variant.path;
	Object.assign(vidu.parameters, variant.vidu);
	return workflow;
}

/** The Vidu Trigger's production path in the shipped examples (its webhook id, then the node's path). */
export const TRIGGER_PATH = '/webhook/7a3e5c10-0000-4000-8000-000000000091/vidu';

/** The shipped Vidu Trigger example (`examples/vidu-trigger-receive.json`), reporting to `mockUrl`/sink. */
export function triggerExample(mockUrl: string): Workflow {
	const text = readFileSync(join(REPO, 'examples', 'vidu-trigger-receive.json'), 'utf8');
	return JSON.parse(text.replace('https://example.com/results', `${mockUrl}/sink`)) as Workflow;
}

/**
 * The submitting half for the trigger: the Webhook-triggered example as Submit Only, each task's callback the
 * trigger's URL on the n8n process that the run was started through (a public address in real use).
 */
export function submitToTriggerExample(mockUrl: string, variant: { id: string; name: string; path: string }): Workflow {
	const callbackUrl = `={{ 'http://' + $('Images Received').first().json.headers.host + '${TRIGGER_PATH}' }}`;
	const workflow = webhookExample(mockUrl, { ...variant, vidu: { operation: 'submit', options: { callbackUrl } } });
	const vidu = workflow.nodes.find((node) => node.name === 'Vidu')!;
	delete vidu.parameters.waitMode;
	delete vidu.parameters.waitOptions;
	return workflow;
}

export interface QueueCluster {
	n8n: RealN8n;
	/** The main instance (editor, REST API). */
	base: string;
	/** The webhook process: triggers and resume URLs. */
	hook: string;
	cookie: string;
	workerLogs: string[];
	/** Reads n8n's database (PostgreSQL): rows as lines, columns separated by "|". */
	query(sql: string): Promise<string[]>;
	/** Stops one worker (0-based), as when a worker machine goes away; the others go on. */
	stopWorker(index: number): Promise<void>;
	stop(): Promise<void>;
}

/**
 * Starts the cluster with `workflows` imported and published before any process runs, and waits
 * until the webhook process serves the trigger at `probePath`.
 */
export async function startQueueCluster(options: {
	version: string;
	api: { apiKey: string; url: string };
	workflows: Workflow[];
	workers: number;
	concurrency: number;
	probePath: string;
}): Promise<QueueCluster> {
	let services: QueueServices | undefined;
	let n8n: RealN8n | undefined;
	try {
		services = await startQueueServices();
		n8n = await RealN8n.start(options.version);
		const hookPort = await freePort();
		const hook = `http://127.0.0.1:${hookPort}`;
		n8n.useEnv({ ...services.env, N8N_ENCRYPTION_KEY: 'vidu-queue-encryption-key', WEBHOOK_URL: `${hook}/` });
		await n8n.importViduCredential(options.api);
		for (const workflow of options.workflows) await n8n.importWorkflow(workflow);
		for (const workflow of options.workflows) await n8n.publishWorkflow(workflow.id);
		const folder = n8n.userFolder;
		const base = await n8n.startServer({ logFile: join(folder, 'main.log'), webhookUrl: `${hook}/` });
		const cookie = await n8n.signIn(base);
		await n8n.startHelper(['webhook'], {
			logFile: join(folder, 'webhook.log'),
			env: { N8N_PORT: String(hookPort) },
			ready: /Webhook listener waiting for requests/i,
		});
		const workerLogs = Array.from({ length: options.workers }, (_, n) => join(folder, `worker-${n + 1}.log`));
		const running = n8n;
		const workers = await Promise.all(
			workerLogs.map(
				async (logFile) =>
					await running.startHelper(['worker', `--concurrency=${options.concurrency}`], {
						logFile,
						env: {},
						ready: /worker is now ready/i,
					}),
			),
		);
		// The webhook process serves a production trigger once it has read it from the database.
		await triggerRegistered(hook, options.probePath);
		const started = { services, n8n };
		return {
			n8n,
			base,
			hook,
			cookie,
			workerLogs,
			query: async (sql) => await started.services.query(sql),
			async stopWorker(index) {
				await workers[index].stop();
			},
			async stop() {
				await started.n8n.dispose();
				await started.services.stop();
			},
		};
	} catch (error) {
		await n8n?.dispose();
		await services?.stop();
		throw error;
	}
}
