import type { INode } from 'n8n-workflow';

import { Presenter } from '../../nodes/Vidu/errors/presenter';
import { redactorFor } from '../../nodes/Vidu/errors/redact';
import { createClient } from '../../nodes/Vidu/transport/client';
import { ViduFailure } from '../../nodes/Vidu/transport/failure';

/** What n8n 2.x's SSRF protection throws (a UserError named Ssrf…), wrapped as its request helpers wrap it. */
const blockedBy = (name: string, message: string) => {
	const ssrf = Object.assign(new Error(message), { name });
	return Object.assign(new Error(message), { name: 'NodeApiError', cause: ssrf });
};

const node: INode = {
	id: '1',
	name: 'Vidu',
	type: 'n8n-nodes-vidu.vidu',
	typeVersion: 1.1,
	position: [0, 0],
	parameters: {},
	credentials: { viduApi: { id: '1', name: 'Vidu account' } },
};

async function clientFailing(error: Error) {
	let calls = 0;
	const client = await createClient({
		getNode: () => node,
		getCredentials: async () => ({ apiKey: 'k-0123456789', baseUrl: 'http://10.1.2.3:8080' }),
		helpers: {
			httpRequestWithAuthentication: async () => {
				calls++;
				throw error;
			},
			httpRequest: async () => {
				calls++;
				throw error;
			},
			prepareBinaryData: async () => {
				throw new Error('not reached');
			},
		} as never,
	});
	return { client, calls: () => calls };
}

const presenter = new Presenter(node, redactorFor('k-0123456789'));
const body = { bytes: 2, open: async () => Buffer.from('{}') };

describe("a request n8n's SSRF protection blocks", () => {
	it('a submission: nothing was sent, nothing paid, not tried again, and the message says what to ask for', async () => {
		const { client, calls } = await clientFailing(
			blockedBy('SsrfBlockedIpError', 'The request was blocked because it resolves to a restricted IP address'),
		);
		const failure = (await client.submit(body).catch((e: unknown) => e)) as ViduFailure;
		expect(failure).toBeInstanceOf(ViduFailure);
		expect(failure.kind).toBe('blocked');
		expect(failure.retry).toMatchObject({ transient: false, rateLimited: false });
		expect(calls()).toBe(1);
		const shown = presenter.error(failure, 0);
		expect(shown.message).toBe("n8n's SSRF protection blocked the request to http://10.1.2.3:8080/model/v1/generation: nothing was sent");
		expect(shown.description).toMatch(/resolves to a restricted IP address.*N8N_SSRF_ALLOWED_HOSTNAMES/);
		expect(shown.description).not.toMatch(/may have been created/);
	});

	it('a download: the task id is named and the video URL is the way out', async () => {
		const { client } = await clientFailing(
			blockedBy('SsrfBlockedHostnameError', 'The request was blocked because the destination hostname is restricted'),
		);
		const failure = (await client.download('https://cdn.example/v.mp4', 'task_9').catch((e: unknown) => e)) as ViduFailure;
		expect(failure.kind).toBe('blocked');
		const shown = presenter.error(failure, 0);
		expect(shown.message).toBe("n8n's SSRF protection blocked the request to https://cdn.example/v.mp4: nothing was sent [task task_9]");
		expect(shown.description).toMatch(/destination hostname is restricted/);
	});
});
