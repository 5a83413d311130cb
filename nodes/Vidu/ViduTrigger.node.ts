import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { apiProperty, credentialTests } from './descriptions/api.description';
import { downloadProperties } from './descriptions/download.description';
import { answerTrigger } from './trigger/answerTrigger';

export class ViduTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vidu Trigger',
		name: 'viduTrigger',
		icon: { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when a Vidu video task ends: one execution per task',
		defaults: { name: 'Vidu Trigger' },
		inputs: [],
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
		// An empty responseData makes n8n answer with the node's own reply: without it n8n 1.x and 2.x send the word "firstEntryJson".
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'vidu' }],
		properties: [
			apiProperty,
			{
				displayName:
					"Send this trigger's Production URL as the task's callback: in the Vidu node, Submit Only → Options → Callback URL. Each finished task then starts one execution here, and nothing waits while the videos render.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Completed', value: 'completed', description: 'The video is ready' },
					{ name: 'Failed', value: 'failed', description: 'The task failed; its error comes with it' },
					{ name: 'Processing', value: 'processing', description: 'The task started: may come more than once' },
				],
				default: ['completed', 'failed'],
				description: 'Which task states start an execution. A finished task starts one execution, however often it is called back.',
			},
			...downloadProperties,
		],
	};

	methods = { credentialTest: credentialTests };

	// The provider calls the URL given with each task: there is nothing to register.
	webhookMethods = { default: { checkExists: async () => true, create: async () => true, delete: async () => true } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await answerTrigger.call(this);
	}
}
