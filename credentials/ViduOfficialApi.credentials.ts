import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { apiKeyProperty, authenticateAs, APIS } from '../nodes/Vidu/transport/credential';

export class ViduOfficialApi implements ICredentialType {
	name = 'viduOfficialApi';
	displayName = 'Vidu Official API';
	icon: Icon = { light: 'file:vidu.svg', dark: 'file:vidu.dark.svg' };
	documentationUrl = 'https://github.com/n8n-nodes-vidu/n8n-nodes-vidu#credentials';
	properties: INodeProperties[] = [
		apiKeyProperty("The key from the API keys page of your Vidu platform account (platform.vidu.com); sent as 'Token <key>'"),
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'Global (api.vidu.com)', value: APIS.official.defaultBaseUrl },
				{ name: 'China (api.vidu.cn)', value: 'https://api.vidu.cn' },
				{ name: 'Custom (a Proxy)', value: 'custom' },
			],
			default: APIS.official.defaultBaseUrl,
			description: 'Where your key was issued: keys of one region do not work in the other',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://vidu-proxy.example.com',
			displayOptions: { show: { region: ['custom'] } },
			description: 'The address of your proxy to the Vidu API, without /ent/v2',
		},
	];
	authenticate = authenticateAs('Token');
}
