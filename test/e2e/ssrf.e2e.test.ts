import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ViduMock } from '../../dev/mock/viduMock';
import { RealN8n } from '../../dev/n8n/realN8n';

/** n8n 2.x can refuse private addresses (N8N_SSRF_PROTECTION_ENABLED): the node must say so, not "may have been created". */
describe("in real n8n 2.40.7 with SSRF protection on, the API's address being a private one", () => {
	let n8n: RealN8n;
	let mock: ViduMock;

	beforeAll(async () => {
		mock = await new ViduMock('e2e-key-0123456789abcdef').start();
		n8n = await RealN8n.start('2.40.7');
		n8n.useEnv({ N8N_SSRF_PROTECTION_ENABLED: 'true' });
		await n8n.importViduCredential(mock);
		await n8n.importWorkflow(JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'vidu-generate-from-url.json'), 'utf8')));
	}, 40 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await mock?.stop();
	});

	it('the submission is refused by n8n, said in words: nothing was sent, what to ask the administrator', async () => {
		const execution = await n8n.execute('viduExampleUrl01');
		const error = execution.data.resultData.error as { message?: string; description?: string } | undefined;
		expect(error?.message).toBe(`n8n's SSRF protection blocked the request to ${mock.url}/model/v1/generation: nothing was sent`);
		expect(error?.description).toMatch(/restricted IP address.*N8N_SSRF_ALLOWED_IP_RANGES/);
		expect(mock.requests).toHaveLength(0);
	});
});
