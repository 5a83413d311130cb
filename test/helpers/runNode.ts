/**
 * Runs the Vidu node's execute() inside n8n-core's real ExecuteContext: real parameter resolution
 * (expressions included), real httpRequestWithAuthentication applying the credential, real binary
 * data helpers. Only the credential store is a test double.
 */
import { Container } from '@n8n/di';
import { BinaryDataService, ExecuteContext, WebhookContext } from 'n8n-core';
import type {
	IBinaryData,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';

import { ViduApi } from '../../credentials/ViduApi.credentials';
import { ViduOfficialApi } from '../../credentials/ViduOfficialApi.credentials';
import { Vidu } from '../../nodes/Vidu/Vidu.node';
import { ViduTrigger } from '../../nodes/Vidu/ViduTrigger.node';
import { binaryModeInUse, useBinaryMode } from './binaryStorage';
import { TestCredentialsHelper } from './credentialsHelper';

export const NODE_NAME = 'Vidu';

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credential: { apiKey: string; baseUrl: string };
	continueOnFail?: boolean;
	/** On Error "Continue (using error output)": continues on fail too, and n8n routes error items by their JSON. */
	errorOutput?: boolean;
	abortSignal?: AbortSignal;
	/** Where n8n would serve resume URLs (default http://127.0.0.1:5678/webhook-waiting). */
	webhookWaitingBaseUrl?: string;
	/** The node's version (default 1, the layout of the oldest saved workflows; new nodes get 1.1). */
	typeVersion?: number;
	/** The node's type: 'n8n-nodes-vidu.viduTool' is the variant n8n makes for AI agents. */
	nodeType?: string;
	/** How n8n started the run (default 'manual', a test run in the editor). */
	mode?: WorkflowExecuteMode;
	/** A run and the webhook calls that resume it share one; by default every run gets its own. */
	executionId?: string;
	/** The node's run in the execution: 1 and on when it runs again (a loop's next round). */
	runIndex?: number;
	/** The workflow setting: n8n 2.x's 'combined' keeps an item's files in its JSON, under `_files`. */
	workflowBinaryMode?: 'separate' | 'combined';
}

let executions = 0;
export const newExecutionId = () => `exec-${++executions}`;

/** The n8n objects one node run needs: the workflow around the node, the node, and additionalData. */
function nodeSetup(options: RunOptions) {
	const type = options.nodeType ?? 'n8n-nodes-vidu.vidu';
	const nodeType = type.endsWith('viduTrigger') ? new ViduTrigger() : new Vidu();
	// n8n's variant for AI agents is named …Tool, which is what the '@tool' display rules read.
	if (type.endsWith('Tool')) nodeType.description = { ...nodeType.description, name: 'viduTool' };
	const node: INode = {
		id: 'vidu-node',
		name: NODE_NAME,
		type,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { viduApi: { id: '1', name: 'Vidu account' }, viduOfficialApi: { id: '2', name: 'Vidu official account' } },
		continueOnFail: options.continueOnFail,
		onError: options.errorOutput ? 'continueErrorOutput' : options.continueOnFail ? 'continueRegularOutput' : undefined,
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType as INodeType,
		getByNameAndVersion: () => nodeType as INodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: 'wf-test',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { binaryMode: options.workflowBinaryMode ?? (binaryModeInUse() === 'filesystem' ? 'separate' : undefined) },
	});
	const credentialsHelper = new TestCredentialsHelper(
		{ viduApi: new ViduApi(), viduOfficialApi: new ViduOfficialApi() },
		{
			viduApi: { apiKey: options.credential.apiKey, baseUrl: options.credential.baseUrl },
			viduOfficialApi: { apiKey: options.credential.apiKey, region: 'custom', baseUrl: options.credential.baseUrl },
		},
	);
	const additionalData = {
		credentialsHelper,
		executionId: options.executionId ?? newExecutionId(),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: options.webhookWaitingBaseUrl ?? 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { nodeType, node, workflow, additionalData };
}

/** One execution's run data, as n8n keeps it while the execution lasts: a node run again in it (Retry On Fail) shares it. */
const executionRunData = new Map<string, ReturnType<typeof createRunExecutionData>>();

export async function runNode(options: RunOptions): Promise<INodeExecutionData[]> {
	await useBinaryMode(binaryModeInUse() ?? 'default');
	const { nodeType, node, workflow, additionalData } = nodeSetup(options);
	const items = options.items ?? [{ json: {} }];
	const executionId = String(additionalData.executionId);
	const runExecutionData = executionRunData.get(executionId) ?? createRunExecutionData();
	executionRunData.set(executionId, runExecutionData);
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: { main: [{ previousNode: 'Start' }] } };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		options.mode ?? 'manual',
		runExecutionData,
		options.runIndex ?? 0,
		items,
		inputData,
		executeData,
		[],
		options.abortSignal ?? new AbortController().signal,
	);
	const [output] = await (nodeType as Vidu).execute.call(context);
	return output;
}

export interface WebhookCall {
	query: Record<string, string>;
	/** The request's headers (lower-cased names, as n8n hands them on) and path with query. */
	headers?: Record<string, string>;
	url?: string;
	/** What n8n parsed from the request: an object for JSON, text for text/plain, nothing for other types. */
	body: unknown;
}

/**
 * Calls the node's webhook() as n8n does when a waiting execution's resume URL is hit: inside
 * n8n-core's WebhookContext, with the paused node's input items on the execution stack.
 */
export async function runWebhook(
	options: RunOptions & { items: INodeExecutionData[] },
	call: WebhookCall,
): Promise<{ response: IWebhookResponseData; answer: { status?: number; body: unknown } }> {
	const { nodeType, node, workflow, additionalData } = nodeSetup(options);
	let httpStatus: number | undefined;
	let httpBody: unknown;
	// What the node answers itself, through n8n's response object.
	const response = {
		status(code: number) {
			httpStatus = code;
			return response;
		},
		json(body: unknown) {
			httpBody = body;
			return response;
		},
	};
	const request = { body: call.body, query: call.query, headers: call.headers ?? {}, params: {}, method: 'POST', originalUrl: call.url };
	Object.assign(additionalData, { httpRequest: request, httpResponse: response });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: [options.items] }, source: { main: [{ previousNode: 'Start' }] } }],
		},
	});
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: '',
		webhookDescription: {},
		workflowId: 'wf-test',
	} as unknown as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], runExecutionData);
	const returned = await nodeType.webhook!.call(context);
	// What the caller gets: the node's own answer, or else the webhookResponse n8n sends with HTTP 200.
	const answer = returned.noWebhookResponse ? { status: httpStatus, body: httpBody } : { status: 200, body: returned.webhookResponse };
	return { response: returned, answer };
}

/** Stores bytes the way a previous node (Read Binary File, HTTP Request) would. */
export async function binaryItem(bytes: Buffer, fileName: string, mimeType: string, field = 'data'): Promise<INodeExecutionData> {
	await useBinaryMode(binaryModeInUse() ?? 'default');
	const service = Container.get(BinaryDataService);
	const data: IBinaryData = { data: '', mimeType, fileName };
	const stored = await service.store({ type: 'execution', workflowId: 'wf-test', executionId: 'exec-0' }, bytes, data);
	return { json: { fileName }, binary: { [field]: stored } };
}

export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
