import type { INodeProperties } from 'n8n-workflow';

export * as getCredits from './getCredits.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Credits',
				value: 'getCredits',
				action: 'Get the account credits',
				description: 'Credits left, concurrency limit, tasks running and queued (Vidu Official API only)',
			},
		],
		default: 'getCredits',
	},
];
