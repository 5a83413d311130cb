import type { IAuthenticate, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { apiKeyProperty, DEFAULT_BASE_URL } from '../nodes/Vidu/transport/credential';

export class ViduApi implements ICredentialType {
	name = 'viduApi';
	displayName = 'Vidu API';
	icon: Icon = { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' };
	documentationUrl = 'https://github.com/n8n-nodes-vidu/n8n-nodes-vidu#credentials';
	properties: INodeProperties[] = [
		apiKeyProperty('The key from the API key page of your Vtrix/Vidu account; sent as a Bearer token'),
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			required: true,
			description: 'Where the API lives. Change it only for another gateway or a self-hosted proxy.',
		},
	];
	// Tested by nodes/Vidu/methods/credentialTest.ts. A function, not an expression: n8n 2.x fails to
	// evaluate one in workflows whose binary mode is "combined". Trimmed: a pasted key may carry a stray space.
	authenticate: IAuthenticate = async (credentials, requestOptions) => ({
		...requestOptions,
		headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '').trim()}` },
	});
}
