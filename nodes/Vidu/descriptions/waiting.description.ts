import type { INodeProperties } from 'n8n-workflow';

export const waitModeProperties: INodeProperties[] = [
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Poll',
				value: 'poll',
				description: 'Ask the API for the task states until every video is ready (holds the execution while it waits)',
			},
			{
				name: 'Callback (Pause Execution)',
				value: 'callback',
				description:
					'Pause the execution and resume it when the API calls back: nothing is held and no status polling while videos are generated',
			},
		],
		default: 'poll',
		// A tool call must return its answer: it cannot pause the execution and resume later.
		displayOptions: { hide: { '@tool': [true] } },
	},
	{
		displayName:
			'n8n must be reachable from the internet at its webhook URL (n8n Cloud is; a laptop behind a router is not). The execution pauses until every video has called back, or Max Wait runs out: then the items flow on with a "vidu" field saying the video did not arrive, with the task ID for Get Task.',
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
];

export const waitOptions: INodeProperties = {
	displayName: 'Wait Options',
	name: 'waitOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'How the node waits for the videos. Taken from the first item: one schedule serves the whole run.',
	options: [
		{
			displayName: 'Allow Local Resume URL',
			name: 'allowLocalResumeUrl',
			type: 'boolean',
			displayOptions: { show: { '/waitMode': ['callback'] } },
			default: false,
			description:
				"Whether to submit although n8n's resume URL points at this machine (localhost, 127.0.0.1). Only when the API runs on this machine too, e.g. a test mock; otherwise set WEBHOOK_URL to n8n's public address.",
		},
		{
			displayName: 'Cancel Tasks on Stop',
			name: 'cancelOnStop',
			type: 'boolean',
			displayOptions: { show: { '/authentication': ['official'], '/waitMode': ['poll'] } },
			default: false,
			description:
				"Whether n8n's Stop button also cancels the run's tasks that have not started yet. A started task cannot be cancelled and is paid for; left off, every task runs on and can be fetched with Get Task.",
		},
		{
			displayName: 'Max Concurrent Tasks',
			name: 'maxConcurrent',
			type: 'number',
			displayOptions: { hide: { '/waitMode': ['callback'] } },
			typeOptions: { minValue: 0, numberPrecision: 0 },
			default: 0,
			description:
				"How many videos may be generating at once. 0 (the default): as many as the API accepts; when it refuses (HTTP 429) the node slows down and tries again, losing nothing. Set a number to stay below your account's limit or balance.",
		},
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWaitMinutes',
			type: 'number',
			// A week: off-peak tasks may take 48 hours; beyond that n8n could not even schedule the resume.
			typeOptions: { minValue: 0.1, maxValue: 10_080 },
			default: 10,
			description:
				'How long to wait for each video after submitting it (at most 10080, a week). The task keeps running at the provider: the error carries its ID for Get Task.',
		},
		{
			displayName: 'Polling Interval (Seconds)',
			name: 'pollIntervalSeconds',
			type: 'number',
			displayOptions: { hide: { '/waitMode': ['callback'] } },
			typeOptions: { minValue: 1 },
			default: 5,
			description:
				'The longest gap between two status checks of a task: the first comes one interval after submission (a batch spreads them over a second interval). When the API reports progress, or once the run’s finished tasks show that its tasks take one length, checks aim at the expected end.',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeoutSeconds',
			type: 'number',
			// An hour: far past any answer, and within what a timer can count.
			typeOptions: { minValue: 0.1, maxValue: 3600 },
			default: 60,
			description:
				'How long one request to the API may take. A status check that times out is retried; a submission is not, because the task may already exist.',
		},
	],
};
