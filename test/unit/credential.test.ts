import { readCredential } from '../../nodes/Vidu/transport/credential';

const KEY = 'sk-0123456789abcdef';

describe('readCredential: the Base URL', () => {
	it.each([
		{ baseUrl: 'https://cloud.vtrix.ai', read: 'https://cloud.vtrix.ai' },
		{ baseUrl: ' https://proxy.example/vidu/ \t', read: 'https://proxy.example/vidu' },
		{ baseUrl: 'http://127.0.0.1:5690//', read: 'http://127.0.0.1:5690' },
		{ baseUrl: '', read: 'https://cloud.vtrix.ai' },
		{ baseUrl: undefined, read: 'https://cloud.vtrix.ai' },
	])('$baseUrl is read as $read', ({ baseUrl, read }) => {
		expect(readCredential({ apiKey: KEY, baseUrl })).toEqual({ values: { apiKey: KEY, baseUrl: read } });
	});

	it.each([
		{ baseUrl: 'cloud.vtrix.ai', problem: 'Base URL "cloud.vtrix.ai" is not a web address' },
		{ baseUrl: 'localhost:5690', problem: 'Base URL "localhost:5690" must start with https:// (it starts with "localhost:")' },
		{ baseUrl: 'ftp://cloud.vtrix.ai', problem: 'Base URL "ftp://cloud.vtrix.ai" must start with https:// (it starts with "ftp:")' },
		{ baseUrl: 'https://', problem: 'Base URL "https://" is not a web address' },
		{ baseUrl: 'https://x.example#v1', problem: 'Base URL "https://x.example#v1" must not carry a query (?…) or fragment (#…)' },
		{
			baseUrl: 'https://x.example/?region=eu',
			problem: 'Base URL "https://x.example/?region=eu" must not carry a query (?…) or fragment (#…)',
		},
		{
			baseUrl: 'https://cloud.vtrix.ai/model/v1/generation',
			problem:
				'Base URL "https://cloud.vtrix.ai/model/v1/generation" includes the API\'s own path (/model/v1…): write only the address before it, https://cloud.vtrix.ai',
		},
		{
			baseUrl: 'https://gw.example/vidu/model/v1/',
			problem:
				'Base URL "https://gw.example/vidu/model/v1/" includes the API\'s own path (/model/v1…): write only the address before it, https://gw.example/vidu',
		},
		{
			baseUrl: 'https://proxy-user:s3cret-pass@x.example/vidu',
			problem: 'Base URL must not carry a user name or password (…@ before the host): the node signs in with the API Key alone',
		},
	])('$baseUrl: $problem', ({ baseUrl, problem }) => {
		expect(readCredential({ apiKey: KEY, baseUrl })).toEqual({ problem, advice: expect.stringContaining('https://cloud.vtrix.ai') });
	});
});

describe('readCredential: the API key', () => {
	it('is trimmed, as the credential sends it', () => {
		expect(readCredential({ apiKey: `\t ${KEY} \n` })).toMatchObject({ values: { apiKey: KEY } });
	});

	it.each([
		{ apiKey: '', problem: 'API Key is empty' },
		{ apiKey: '  ', problem: 'API Key is empty' },
		{ apiKey: undefined, problem: 'API Key is empty' },
		{ apiKey: 42, problem: 'API Key is empty' },
		{ apiKey: 'sk-01\u200b23', problem: 'API Key has a character that cannot be sent in a header (U+200B, character 6)' },
		{ apiKey: 'sk 0123', problem: 'API Key has a character that cannot be sent in a header (U+0020, character 3)' },
		{ apiKey: 'sk-01\n23', problem: 'API Key has a character that cannot be sent in a header (U+000A, character 6)' },
		{ apiKey: 'sk-\u{1F511}-é', problem: 'API Key has a character that cannot be sent in a header (U+1F511, character 4)' },
	])('$apiKey: $problem, without quoting the key', ({ apiKey, problem }) => {
		const reading = readCredential({ apiKey, baseUrl: 'https://cloud.vtrix.ai' });
		expect(reading).toEqual({
			problem,
			advice: expect.stringMatching(problem.endsWith('empty') ? /^Enter the key/ : /^Copy the key again/),
		});
		if (typeof apiKey === 'string' && apiKey.trim()) expect(JSON.stringify(reading)).not.toContain(apiKey.trim());
	});
});
