import type { IExecuteFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { LedgerMemory } from './helpers/paidTasks';
import * as account from './actions/account';
import * as video from './actions/video';
import { apiProperty, credentialTests } from './descriptions/api.description';
import { answerCallback } from './callback/waitByCallback';
import { CALLBACK_PATH, DoorbellMemory } from './callback/doorbell';

// n8n gives execute() and webhook() a fresh context each call: what must outlive a call (callbacks
// learnt, paid tasks for Retry On Fail) lives in this module.
const doorbells = new DoorbellMemory();
const ledgers = new LedgerMemory();

export class Vidu implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vidu',
		name: 'vidu',
		icon: { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ { generate: "Generate From Image", startEndToVideo: "Generate From Start and End Frames", textToVideo: "Generate From Text", referenceToVideo: "Generate From References", extendVideo: "Extend Video", submit: "Submit Only", getTask: "Get Task", cancel: "Cancel Task", getCredits: "Get Credits" }[$parameter["operation"]] }}',
		description: "Turn a still image into a video with Vidu's models (Q1, 2.0, Q2, Q3)",
		defaults: { name: 'Vidu' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Literal here: n8n's linter looks for testedBy in the node file.
		credentials: [
			{ name: 'viduApi', required: true, testedBy: 'viduApiTest', displayOptions: { show: { authentication: ['gateway'] } } },
			{
				name: 'viduOfficialApi',
				required: true,
				testedBy: 'viduOfficialApiTest',
				displayOptions: { show: { authentication: ['official'] } },
			},
		],
		// Wait Mode "Callback": its own path under the resume URL, so a late callback cannot resume a later Wait or Form node.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: CALLBACK_PATH, restartWebhook: true }],
		properties: [
			apiProperty,

			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Video', value: 'video' },
				],
				default: 'video',
			},
			...video.description,
			...account.description,
		],
	};

	methods = { credentialTest: credentialTests };

	// Never called for a restart webhook; the community linter's webhook-lifecycle-complete rule asks for them.
	webhookMethods = { default: { checkExists: async () => true, create: async () => true, delete: async () => true } };

	async execute(this: IExecuteFunctions) {
		return await router.call(this, ledgers);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await answerCallback.call(this, doorbells);
	}
}
