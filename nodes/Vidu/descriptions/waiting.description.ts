import type { INodeProperties } from 'n8n-workflow';

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const DEFAULT_MAX_WAIT_MINUTES = 10;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

export const waitOptions: INodeProperties = {
	displayName: 'Wait Options',
	name: 'waitOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWaitMinutes',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: DEFAULT_MAX_WAIT_MINUTES,
			description:
				'How long to wait for the video before giving up. The task keeps running at the provider: the error carries its ID for Get Task.',
		},
		{
			displayName: 'Polling Interval (Seconds)',
			name: 'pollIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_POLL_INTERVAL_SECONDS,
			description: 'How often to ask the API whether the video is ready',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
			description:
				'How long one request to the API may take. A status check that times out is retried; a submission is not, because the task may already exist.',
		},
	],
};
