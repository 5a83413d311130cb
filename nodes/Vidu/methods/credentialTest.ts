import type { ICredentialsDecrypted, ICredentialTestFunction, INodeCredentialTestResult } from 'n8n-workflow';

import { type ApiName, APIS, DEFAULT_BASE_URL, readCredential } from '../transport/credential';
import { parseJsonBody, TASK_PATH } from '../transport/client';

// A function, not a declarative test: the key must pass however the API answers an unknown task id (docs/api-contract.md).
// `fetch`: credential tests get only the deprecated helpers.request, which n8n's community scanner refuses (n8n-io/n8n#25190).
const PROBE_ID = 'n8n-credential-check';
/** Sent only when the real key's answer says nothing by itself, to see whether the address tells keys apart. */
export const DECOY = 'n8n-credential-check-not-a-key';
const TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 64 * 1024;
const ok = (message: string): INodeCredentialTestResult => ({ status: 'OK', message });
const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });
/** No redirect followed: the key never leaves for another host. */
const ask = async (url: URL, apiKey: string, scheme = 'Bearer'): Promise<Response> =>
	await fetch(url, {
		headers: { Authorization: `${scheme} ${apiKey}`, Accept: 'application/json' },
		redirect: 'manual',
		signal: AbortSignal.timeout(TIMEOUT_MS),
	});

function unreachable(baseUrl: string, error: unknown): INodeCredentialTestResult {
	const cause = (error as { cause?: { code?: unknown } })?.cause;
	const code = typeof cause?.code === 'string' ? cause.code : (error as { name?: string })?.name;
	if (code === 'TimeoutError' || code === 'AbortError')
		return fail(`${baseUrl} did not answer within ${TIMEOUT_MS / 1000} seconds. Check the Base URL and that n8n can reach it.`);
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return fail(`The host of ${baseUrl} was not found (${code}). Check the Base URL for typos.`);
	return fail(
		`Could not connect to ${baseUrl}${code ? ` (${code})` : ''}. Check the Base URL, and that this n8n server can reach it (firewall, proxy).`,
	);
}

/** What a rejected or refused key, or a redirect, means: the same on both APIs. */
function refusal(baseUrl: string, { status, headers }: Response): INodeCredentialTestResult | undefined {
	if (status === 401) return fail("The API key was rejected (HTTP 401). Copy the key again from your account's API key page.");
	if (status === 403) return fail('The API key was refused (HTTP 403): the account has no balance or the key lacks permission.');
	const location = headers.get('location');
	if (status >= 300 && status < 400)
		return fail(
			`${baseUrl} redirects (HTTP ${status}${location ? ` to ${location}` : ''}). The key is not sent on to another address: enter the final address as Base URL.`,
		);
	return undefined;
}

/** The key read from the credential and sent once to `path`; a test result when that already decides. */
async function askOnce(credential: ICredentialsDecrypted, api: ApiName, path: string) {
	const reading = readCredential(credential.data ?? {}, api);
	if (reading.problem !== undefined) return fail(`${reading.problem}. ${reading.advice}`);
	const { apiKey, baseUrl } = reading.values;
	const url = new URL(`${baseUrl}${path}`);
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		const response = await ask(url, apiKey, api === 'official' ? 'Token' : 'Bearer');
		// Leaving the loop early cancels the stream (Node's web streams are async iterable; the type misses it).
		for await (const chunk of (response.body as AsyncIterable<Uint8Array> | null) ?? []) {
			size += chunk.byteLength;
			if (size > MAX_BODY_BYTES) break;
			chunks.push(chunk);
		}
		// Anything larger than a task answer is not one.
		const json = size > MAX_BODY_BYTES ? undefined : parseJsonBody(Buffer.concat(chunks));
		return refusal(baseUrl, response) ?? { baseUrl, url, response, json };
	} catch (error) {
		return unreachable(baseUrl, error);
	}
}

/** Vidu's own API: the account's credits, a harmless read that needs a good key. */
export const testOfficialKey: ICredentialTestFunction = async (credential) => {
	const answer = await askOnce(credential, 'official', `${APIS.official.prefix}/credits`);
	if (!('response' in answer)) return answer;
	const { baseUrl, response } = answer;
	if (response.ok) return ok('Connection successful: the Vidu API accepted the key.');
	if (response.status >= 500)
		return fail(`The Vidu API at ${baseUrl} has a problem right now (HTTP ${response.status}). Try again in a few minutes.`);
	return fail(
		`${baseUrl} does not serve Vidu's API (HTTP ${response.status} at ${APIS.official.prefix}/credits). Check the Region or the proxy's Base URL.`,
	);
};

export const testViduKey: ICredentialTestFunction = async (credential) => {
	const answer = await askOnce(credential, 'gateway', `${TASK_PATH}${PROBE_ID}`);
	if (!('response' in answer)) return answer;
	const { baseUrl, url, json } = answer;
	const { status } = answer.response;
	const isJsonObject = typeof json === 'object' && json !== null;
	// A JSON 500 is the API itself speaking after authentication, about the task; gateways answer 502–504 or a page.
	if (status === 500 && isJsonObject)
		return ok('Connection successful: the Vidu API did not reject the key (its HTTP 500 is about the made-up task the test asks for).');
	if (status >= 500) return fail(`The Vidu API at ${baseUrl} has a problem right now (HTTP ${status}). Try again in a few minutes.`);
	// 2xx or a JSON 4xx other than 401/403 (e.g. 404 for the made-up task): the key got past authentication.
	if (isJsonObject) return ok('Connection successful: the Vidu API accepted the key.');
	// Not JSON, which the API always answers: a wrong Base URL, or the API's own bare 404. A wrong key tells which.
	const decoy = await ask(url, DECOY).catch(() => undefined);
	await decoy?.body?.cancel().catch(() => undefined);
	if (decoy?.status === 401)
		return ok(`Connection successful: the Vidu API accepted the key (HTTP ${status} for the made-up task; a wrong key gets HTTP 401).`);
	return fail(
		`${baseUrl} does not serve the Vidu API (HTTP ${status}, not a JSON answer at ${TASK_PATH}…). Check the Base URL (default ${DEFAULT_BASE_URL}) and any proxy path prefix.`,
	);
};
