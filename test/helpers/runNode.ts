/**
 * Runs the Vidu node's execute() inside n8n-core's real ExecuteContext: real parameter resolution
 * (expressions included), real httpRequestWithAuthentication applying the credential, real binary
 * data helpers. Only the credential store is a test double.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataService, ExecuteContext } from 'n8n-core';
import type {
	IBinaryData,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';

import { ViduApi } from '../../credentials/ViduApi.credentials';
import { Vidu } from '../../nodes/Vidu/Vidu.node';
import { TestCredentialsHelper } from './credentialsHelper';

export type BinaryMode = 'default' | 'filesystem';

let binaryMode: BinaryMode | undefined;

/** n8n keeps binaries in memory ('default', n8n 1.x) or on disk ('filesystem', the n8n 2.x default). */
export async function useBinaryMode(mode: BinaryMode): Promise<void> {
	if (binaryMode === mode) return;
	const config = {
		mode,
		availableModes: ['filesystem'],
		localStoragePath: mkdtempSync(join(tmpdir(), 'vidu-binary-')),
		signingSecret: 'test',
		dbMaxFileSize: 512,
	};
	const errorReporter = { error: () => undefined };
	const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
	const service = new BinaryDataService(config as never, errorReporter as never, logger as never);
	await service.init();
	Container.set(BinaryDataService, service);
	binaryMode = mode;
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credential: { apiKey: string; baseUrl: string };
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
}

export const NODE_NAME = 'Vidu';

export async function runNode(options: RunOptions): Promise<INodeExecutionData[]> {
	await useBinaryMode(binaryMode ?? 'default');
	const nodeType = new Vidu();
	const node: INode = {
		id: 'vidu-node',
		name: NODE_NAME,
		type: 'n8n-nodes-vidu.vidu',
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { viduApi: { id: '1', name: 'Vidu account' } },
		continueOnFail: options.continueOnFail,
		onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
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
		settings: { binaryMode: binaryMode === 'filesystem' ? 'separate' : undefined },
	});
	const items = options.items ?? [{ json: {} }];
	const credentialsHelper = new TestCredentialsHelper(
		{ viduApi: new ViduApi() },
		{ viduApi: { apiKey: options.credential.apiKey, baseUrl: options.credential.baseUrl } },
	);
	const additionalData = {
		credentialsHelper,
		executionId: 'exec-1',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	const runExecutionData = createRunExecutionData();
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: { main: [{ previousNode: 'Start' }] } };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		[],
		options.abortSignal ?? new AbortController().signal,
	);
	const [output] = await nodeType.execute.call(context);
	return output;
}

/** Stores bytes the way a previous node (Read Binary File, HTTP Request) would. */
export async function binaryItem(bytes: Buffer, fileName: string, mimeType: string, field = 'data'): Promise<INodeExecutionData> {
	await useBinaryMode(binaryMode ?? 'default');
	const service = Container.get(BinaryDataService);
	const data: IBinaryData = { data: '', mimeType, fileName };
	const stored = await service.store({ type: 'execution', workflowId: 'wf-test', executionId: 'exec-0' }, bytes, data);
	return { json: { fileName }, binary: { [field]: stored } };
}

export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
