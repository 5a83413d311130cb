import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { apiKeyProperty, authenticateAs, DEFAULT_BASE_URL } from '../nodes/Vidu/transport/credential';

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
	authenticate = authenticateAs('Bearer');
}
