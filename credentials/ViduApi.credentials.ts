import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../nodes/Vidu/transport/credential';

export class ViduApi implements ICredentialType {
	name = 'viduApi';

	displayName = 'Vidu API';

	icon: Icon = { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-vidu/n8n-nodes-vidu#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The key from the API key page of your Vtrix/Vidu account; sent as a Bearer token',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			required: true,
			description: 'Where the API lives. Change it only for another gateway or a self-hosted proxy.',
		},
	];

	// Tested by the node's viduApiTest (nodes/Vidu/methods/credentialTest.ts): see there why not declaratively.
	// A function rather than a generic block with an expression: n8n 2.x evaluates such an expression
	// in a data context that fails ("Node … hasn't been executed") in a workflow whose binary mode is
	// "combined", so every request failed there. Trimmed: a key pasted with a stray space or tab
	// around it would otherwise be rejected.
	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) => ({
		...requestOptions,
		headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '').trim()}` },
	});
}
