import type { IDataObject } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'viduApi';
export const DEFAULT_BASE_URL = 'https://cloud.vtrix.ai';
export type CredentialReading = { values: { apiKey: string; baseUrl: string }; problem?: undefined } | { problem: string; advice: string };
const EMPTY_KEY_ADVICE = 'Enter the key from the API key page of your Vtrix/Vidu account in the Vidu credential.';
const KEY_ADVICE = 'Copy the key again from the API key page of your Vtrix/Vidu account and paste it into the Vidu credential, alone.';
const BASE_URL_ADVICE = `Write the address in full in the Vidu credential, e.g. ${DEFAULT_BASE_URL} (the default) or your gateway's https:// address.`;

function baseUrlProblem(written: string, baseUrl: string): string | undefined {
	if (!URL.canParse(baseUrl)) return `Base URL "${written}" is not a web address`;
	const parsed = new URL(baseUrl);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
		return `Base URL "${written}" must start with https:// (it starts with "${parsed.protocol}")`;
	// Not quoted: the text before @ is a password. axios would send it as Basic auth in place of the Bearer key.
	if (parsed.username || parsed.password)
		return 'Base URL must not carry a user name or password (…@ before the host): the node signs in with the API Key alone';
	// Paths are appended as text, so a query or fragment would swallow them.
	if (parsed.search || parsed.hash) return `Base URL "${written}" must not carry a query (?…) or fragment (#…)`;
	const endpointAt = parsed.pathname.search(/\/model\/v1(\/|$)/i);
	if (endpointAt < 0) return undefined;
	const base = `${parsed.origin}${parsed.pathname.slice(0, endpointAt)}`;
	return `Base URL "${written}" includes the API's own path (/model/v1…): write only the address before it, ${base}`;
}

// Messages never quote the key.
export function readCredential(data: IDataObject): CredentialReading {
	const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
	if (apiKey === '') return { problem: 'API Key is empty', advice: EMPTY_KEY_ADVICE };
	// A Bearer token is visible ASCII; Node's HTTP client refuses anything else.
	const chars = [...apiKey];
	const bad = chars.findIndex((char) => char < '!' || char > '~');
	if (bad >= 0) {
		const shown = `U+${(chars[bad].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
		return { problem: `API Key has a character that cannot be sent in a header (${shown}, character ${bad + 1})`, advice: KEY_ADVICE };
	}
	const written = (typeof data.baseUrl === 'string' ? data.baseUrl.trim() : '') || DEFAULT_BASE_URL;
	const baseUrl = written.replace(/\/+$/, '');
	const problem = baseUrlProblem(written, baseUrl);
	return problem ? { problem, advice: BASE_URL_ADVICE } : { values: { apiKey, baseUrl } };
}
