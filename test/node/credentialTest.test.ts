import type { ICredentialsDecrypted, ICredentialTestFunctions } from 'n8n-workflow';

import { ViduMock } from '../../dev/mock/viduMock';
import { freePort } from '../../dev/n8n/realN8n';
import { DECOY, testOfficialKey, testViduKey } from '../../nodes/Vidu/methods/credentialTest';
import { HostileServer } from '../helpers/hostile';

const test = async (data: Record<string, unknown>) =>
	await testViduKey.call({} as ICredentialTestFunctions, { id: 'c1', name: 'Vidu', type: 'viduApi', data } as ICredentialsDecrypted);

describe('the Vidu Official API credential test: GET /ent/v2/credits with the key as a Token', () => {
	let mock: ViduMock;
	beforeAll(async () => {
		mock = await new ViduMock('key-check-0123456789').start();
	});
	afterAll(async () => await mock.stop());
	const official = async (data: Record<string, unknown>) =>
		await testOfficialKey.call(
			{} as ICredentialTestFunctions,
			{ id: 'c2', name: 'Vidu', type: 'viduOfficialApi', data } as ICredentialsDecrypted,
		);

	it.each([
		['a valid key', 'key-check-0123456789', { status: 'OK', message: 'Connection successful: the Vidu API accepted the key.' }],
		['a wrong key', 'wrong-key', { status: 'Error', message: expect.stringMatching(/rejected \(HTTP 401\)/) }],
	])('%s', async (_, apiKey, expected) => {
		expect(await official({ apiKey, region: 'custom', baseUrl: mock.url })).toEqual(expected);
		expect(mock.requests.at(-1)).toMatchObject({ path: '/ent/v2/credits', headers: { authorization: `Token ${apiKey}` } });
	});

	it("a proxy address that is not Vidu's API, or none, is said in words", async () => {
		const page = await new HostileServer((_req, res) => {
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end('<html>not here</html>');
		}).start();
		try {
			expect((await official({ apiKey: 'k', region: 'custom', baseUrl: page.url })).message).toMatch(
				/does not serve Vidu's API \(HTTP 404/,
			);
		} finally {
			await page.stop();
		}
		expect((await official({ apiKey: 'k', region: 'custom', baseUrl: 'https://proxy.example/ent/v2' })).message).toMatch(
			/includes the API's own path \(\/ent\/v2…\)/,
		);
	});
});

describe('the credential test, against servers on 127.0.0.1', () => {
	let mock: ViduMock;
	beforeAll(async () => {
		mock = await new ViduMock('key-check-0123456789').start();
	});
	afterAll(async () => await mock.stop());

	it.each([
		{
			name: 'a valid key (the mock answers 404 for the made-up task)',
			apiKey: 'key-check-0123456789',
			status: 'OK',
			message: /accepted the key/,
		},
		{ name: 'a valid key pasted with spaces', apiKey: '  key-check-0123456789\t', status: 'OK', message: /accepted the key/ },
		{ name: 'a wrong key', apiKey: 'wrong-key', status: 'Error', message: /rejected \(HTTP 401\)/ },
		{ name: 'no key', apiKey: '   ', status: 'Error', message: /^API Key is empty\. Enter the key/ },
		{
			name: 'a key with a zero-width space pasted in',
			apiKey: 'key-check-\u200b0123456789',
			status: 'Error',
			message: /^API Key has a character that cannot be sent in a header \(U\+200B, character 11\)\. Copy the key again/,
		},
	])('$name: $status', async ({ apiKey, status, message }) => {
		const result = await test({ apiKey, baseUrl: `${mock.url}/` });
		expect(result).toEqual({ status, message: expect.stringMatching(message) });
		expect(result.message).not.toContain('key-check-0123456789');
	});

	it('asks the made-up task with the key as a Bearer token, nothing else', async () => {
		mock.requests.length = 0;
		await test({ apiKey: 'key-check-0123456789', baseUrl: mock.url });
		expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /model/v1/generation/task/n8n-credential-check']);
	});
});

describe('the credential test, against misbehaving or missing servers', () => {
	const servers: HostileServer[] = [];
	const serve = async (handler: ConstructorParameters<typeof HostileServer>[0]) => {
		const server = await new HostileServer(handler).start();
		servers.push(server);
		return server;
	};
	afterAll(async () => await Promise.all(servers.map(async (s) => await s.stop())));

	it.each([
		{ name: 'no balance', status: 403, body: '{"message":"insufficient balance"}', message: /no balance/ },
		{ name: 'a web page at the Base URL', status: 404, body: '<html>Not Found</html>', message: /does not serve the Vidu API \(HTTP 404/ },
		{ name: 'a gateway error', status: 502, body: '{}', message: /problem right now \(HTTP 502\)/ },
		{ name: 'a server error page', status: 500, body: '<html>Internal Server Error</html>', message: /problem right now \(HTTP 500\)/ },
		{ name: 'a huge answer', status: 200, body: `{"x":"${'a'.repeat(200_000)}"}`, message: /does not serve the Vidu API/ },
		{ name: 'a JSON text instead of an object', status: 404, body: '"Not Found"', message: /does not serve the Vidu API \(HTTP 404/ },
		{ name: 'a JSON null', status: 200, body: 'null', message: /does not serve the Vidu API \(HTTP 200/ },
	])('$name: a clear error', async ({ status, body, message }) => {
		const server = await serve((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
		expect(await test({ apiKey: 'k', baseUrl: server.url })).toEqual({ status: 'Error', message: expect.stringMatching(message) });
	});

	it.each([
		{ name: '400 for the made-up id', status: 400, body: '{"error":{"code":"InvalidParameter","message":"bad task id"}}' },
		{ name: '500 in JSON for the made-up id', status: 500, body: '{"message":"record not found"}' },
		{ name: '200 with an error in the body', status: 200, body: '{"error":"task not found"}' },
	])('a valid key however the API answers the made-up task: $name', async ({ status, body }) => {
		const server = await serve((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
		expect(await test({ apiKey: 'k', baseUrl: server.url })).toEqual({
			status: 'OK',
			message: expect.stringMatching(/^Connection successful/),
		});
	});

	it('a valid key where the API answers the made-up task with a bare "Not Found" text: passes, since a wrong key gets 401 there', async () => {
		const server = await serve((req, res) => {
			if (req.headers.authorization !== 'Bearer good-key')
				res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"invalid key"}');
			else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
		});
		expect(await test({ apiKey: 'good-key', baseUrl: server.url })).toEqual({
			status: 'OK',
			message: expect.stringMatching(/accepted the key \(HTTP 404 for the made-up task; a wrong key gets HTTP 401\)/),
		});
		// The second request carries a key that cannot be anyone's, never the user's again.
		expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer good-key', `Bearer ${DECOY}`]);
	});

	it('does not follow a redirect, so the key never reaches the other host', async () => {
		const elsewhere = await serve((_req, res) => res.writeHead(200).end('{}'));
		const server = await serve((_req, res) => res.writeHead(302, { location: `${elsewhere.url}/steal` }).end());
		const result = await test({ apiKey: 'k', baseUrl: server.url });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/redirects \(HTTP 302 to .*\/steal\)/) });
		expect(elsewhere.requests).toHaveLength(0);
	});

	it('says in plain words when nothing listens at the Base URL', async () => {
		const port = await freePort();
		const result = await test({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}` });
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^Could not connect to http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Check the Base URL/),
		});
	});

	it.each([
		{ baseUrl: 'cloud.vtrix.ai', message: /is not a web address/ },
		{ baseUrl: 'ftp://cloud.vtrix.ai', message: /must start with https/ },
	])('refuses Base URL $baseUrl before sending anything', async ({ baseUrl, message }) => {
		expect(await test({ apiKey: 'k', baseUrl })).toEqual({ status: 'Error', message: expect.stringMatching(message) });
	});
});
