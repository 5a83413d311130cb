import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

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
			default: 'https://cloud.vtrix.ai',
			required: true,
			description: 'Where the API lives. Change it only for another gateway or a self-hosted proxy.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			// Trimmed: a key pasted with a stray space or tab around it would otherwise be rejected.
			headers: { Authorization: '=Bearer {{$credentials.apiKey.trim()}}' },
		},
	};

	// Asks for a task that cannot exist: the key is checked before the task is looked up,
	// so 401/403 mean a bad key, while 404 on the whole path or no answer means a bad Base URL.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/model/v1/generation/task/n8n-credential-check',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: "The API key was rejected (HTTP 401). Copy the key again from your account's API key page.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The API key was refused (HTTP 403): the account has no balance or the key lacks permission.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'This Base URL does not serve the Vidu task API (HTTP 404 for /model/v1/generation/task/…). Check the Base URL (default https://cloud.vtrix.ai) and any proxy path prefix.',
				},
			},
		],
	};
}
