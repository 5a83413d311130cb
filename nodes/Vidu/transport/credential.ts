import type { IAuthenticate, IDataObject, INode, INodeProperties } from 'n8n-workflow';

import { snakeCase, type TaskKind } from '../request/models';

/** The two APIs the node speaks: the Vtrix gateway (one endpoint, wrapped bodies) and Vidu's own (one endpoint per kind, flat bodies). */
export type ApiName = 'gateway' | 'official';
export const APIS = {
	gateway: {
		credential: 'viduApi',
		defaultBaseUrl: 'https://cloud.vtrix.ai',
		prefix: '/model/v1',
		createPath: () => '/model/v1/generation',
		taskPath: (id: string) => `/model/v1/generation/task/${encodeURIComponent(id)}`,
	},
	official: {
		credential: 'viduOfficialApi',
		defaultBaseUrl: 'https://api.vidu.com',
		prefix: '/ent/v2',
		createPath: (kind: TaskKind) => `/ent/v2/${snakeCase(kind, '-')}`,
		taskPath: (id: string) => `/ent/v2/tasks/${encodeURIComponent(id)}/creations`,
	},
};
/** The key field of both credentials: only where it comes from and how it is sent differ. */
export const apiKeyProperty = (description: string): INodeProperties => ({
	displayName: 'API Key',
	name: 'apiKey',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	required: true,
	description,
});
// The credentials' header, tested by methods/credentialTest.ts. A function, not an expression: n8n 2.x fails to evaluate one
// in workflows whose binary mode is "combined". Trimmed: a pasted key may carry a stray space.
export const authenticateAs =
	(scheme: 'Bearer' | 'Token'): IAuthenticate =>
	async (credentials, requestOptions) => ({
		...requestOptions,
		headers: { ...requestOptions.headers, Authorization: `${scheme} ${String(credentials.apiKey ?? '').trim()}` },
	});

/** The node's API parameter: workflows saved before it have none, and speak to the gateway. */
// Read from the node itself: execute() and webhook() contexts read parameters differently, and it takes no expression.
export const apiOf = (ctx: { getNode(): INode }): ApiName =>
	ctx.getNode().parameters.authentication === 'official' ? 'official' : 'gateway';

export const DEFAULT_BASE_URL = APIS.gateway.defaultBaseUrl;
const EMPTY_KEY_ADVICE = 'Enter the key from the API key page of your Vtrix/Vidu account in the Vidu credential.';
const KEY_ADVICE = 'Copy the key again from the API key page of your Vtrix/Vidu account and paste it into the Vidu credential, alone.';
const baseUrlAdvice = (api: ApiName) =>
	`Write the address in full in the Vidu credential, e.g. ${APIS[api].defaultBaseUrl} (the default) or your ${api === 'gateway' ? 'gateway' : 'proxy'}'s https:// address.`;

function baseUrlProblem(written: string, baseUrl: string, prefix: string): string | undefined {
	if (!URL.canParse(baseUrl)) return `Base URL "${written}" is not a web address`;
	const parsed = new URL(baseUrl);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
		return `Base URL "${written}" must start with https:// (it starts with "${parsed.protocol}")`;
	// Not quoted: the text before @ is a password. axios would send it as Basic auth in place of the Bearer key.
	if (parsed.username || parsed.password)
		return 'Base URL must not carry a user name or password (…@ before the host): the node signs in with the API Key alone';
	// Paths are appended as text, so a query or fragment would swallow them.
	if (parsed.search || parsed.hash) return `Base URL "${written}" must not carry a query (?…) or fragment (#…)`;
	const endpointAt = parsed.pathname.toLowerCase().search(new RegExp(`${prefix}(/|$)`));
	if (endpointAt < 0) return undefined;
	const base = `${parsed.origin}${parsed.pathname.slice(0, endpointAt)}`;
	return `Base URL "${written}" includes the API's own path (${prefix}…): write only the address before it, ${base}`;
}

// Messages never quote the key.
export function readCredential(data: IDataObject, api: ApiName = 'gateway') {
	const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
	if (apiKey === '') return { problem: 'API Key is empty', advice: EMPTY_KEY_ADVICE };
	// A Bearer token is visible ASCII; Node's HTTP client refuses anything else.
	const chars = [...apiKey];
	const bad = chars.findIndex((char) => char < '!' || char > '~');
	if (bad >= 0) {
		const shown = `U+${(chars[bad].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
		return { problem: `API Key has a character that cannot be sent in a header (${shown}, character ${bad + 1})`, advice: KEY_ADVICE };
	}
	// The official credential's Region is the address, unless Custom.
	const chosen = typeof data.region === 'string' && data.region !== 'custom' ? data.region : data.baseUrl;
	const written = (typeof chosen === 'string' ? chosen.trim() : '') || APIS[api].defaultBaseUrl;
	const baseUrl = written.replace(/\/+$/, '');
	const problem = baseUrlProblem(written, baseUrl, APIS[api].prefix);
	return problem ? { problem, advice: baseUrlAdvice(api) } : { values: { apiKey, baseUrl } };
}
