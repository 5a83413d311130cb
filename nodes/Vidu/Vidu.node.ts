import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { LedgerMemory } from './helpers/paidTasks';
import * as video from './actions/video';
import { testViduKey } from './methods/credentialTest';
import { answerCallback } from './callback/waitByCallback';
import { CALLBACK_PATH, DoorbellMemory } from './callback/doorbell';

/**
 * What this n8n process remembers across calls: what callbacks have learnt, shared by all of them,
 * and the paid tasks of recent node runs, for n8n's Retry On Fail. n8n calls execute() and webhook()
 * with a fresh context each time, so the only place that outlives one call is this module: created
 * here, at the node's root, and handed to the code that uses it.
 */
const doorbells = new DoorbellMemory();
const ledgers = new LedgerMemory();

export class Vidu implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vidu',
		name: 'vidu',
		icon: { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' },
		group: ['transform'],
		// 1.1: Audio and Watermark moved out of Options, beside Prompt (descriptions/generation.description.ts).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ { generate: "Generate From Image", submit: "Submit Only", getTask: "Get Task" }[$parameter["operation"]] }}',
		description: 'Turn a still image into a 5-second 1080p video with Vidu Q1',
		defaults: { name: 'Vidu' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'viduApi', required: true, testedBy: 'viduApiTest' }],
		// Resumes a paused execution when a task calls back (Wait Mode "Callback"); n8n serves it at $execution.resumeUrl.
		// At the resume URL plus its own path, so that no later Wait or Form node can be resumed by a late callback.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: CALLBACK_PATH, restartWebhook: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...video.description,
		],
	};

	methods = { credentialTest: { viduApiTest: testViduKey } };

	/**
	 * n8n never calls these for a restart webhook (it is served only while an execution waits, and the
	 * callback URL travels with each create request): they exist because the community linter's
	 * webhook-lifecycle-complete rule asks every node with webhooks for them.
	 */
	webhookMethods = {
		default: {
			checkExists: async (): Promise<boolean> => true,
			create: async (): Promise<boolean> => true,
			delete: async (): Promise<boolean> => true,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this, ledgers);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await answerCallback.call(this, doorbells);
	}
}
