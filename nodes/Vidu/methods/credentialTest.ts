import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { DEFAULT_BASE_URL, readCredential } from '../transport/credential';
import { parseJsonBody, TASK_PATH } from '../transport/client';

/**
 * The credential's Test button. A function rather than a declarative `test`: the key must pass however
 * the API answers a task id it does not know (docs/api-contract.md leaves that open; the mock says 404),
 * while 401 and 403 fail, and a declarative test can either see status codes (then every 404 fails) or
 * ignore them (then a wrong key passes).
 *
 * It uses `fetch` because credential tests get only the deprecated `helpers.request`, which n8n's
 * community scanner refuses (n8n-io/n8n#25190). One GET to the user's own Base URL, no redirect
 * followed (the key never leaves for another host), bounded in time and size; a second one with a key
 * that cannot be valid only when the first answer is not JSON (a bare "404 Not Found" may be the API's).
 */
const PROBE_ID = 'n8n-credential-check';
/** Sent only when the answer to the real key says nothing by itself, to see whether the address tells keys apart. */
export const DECOY = 'n8n-credential-check-not-a-key';
const TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 64 * 1024;

interface ProbeAnswer {
	status: number;
	/** Parsed JSON body, or undefined when the body was not JSON. */
	json: unknown;
	location?: string;
}

const ok = (message: string): INodeCredentialTestResult => ({ status: 'OK', message });
const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

/**
 * Whether an answer says nothing about the key by itself: not JSON, where the Vidu API always answers
 * JSON. It may be a wrong Base URL, or the API's own way of saying "no such task" (a bare 404).
 */
function needsWrongKeyProbe(answer: ProbeAnswer): boolean {
	const { status, json } = answer;
	return status < 500 && (status < 300 || status >= 400) && status !== 401 && status !== 403 && (typeof json !== 'object' || json === null);
}

/**
 * What an answer to the probe says about the key and the Base URL. Pure. `wrongKeyStatus`: how the
 * same address answered a key that cannot be valid, asked when the first answer alone says nothing.
 */
function judgeProbe(baseUrl: string, answer: ProbeAnswer, wrongKeyStatus?: number): INodeCredentialTestResult {
	const { status } = answer;
	if (status === 401) return fail("The API key was rejected (HTTP 401). Copy the key again from your account's API key page.");
	if (status === 403) return fail('The API key was refused (HTTP 403): the account has no balance or the key lacks permission.');
	if (status >= 300 && status < 400) {
		const to = answer.location ? ` to ${answer.location}` : '';
		return fail(
			`${baseUrl} redirects (HTTP ${status}${to}). The key is not sent on to another address: enter the final address as Base URL.`,
		);
	}
	const isJsonObject = typeof answer.json === 'object' && answer.json !== null;
	// How the API answers a task id it does not know is unknown (docs/api-contract.md): an HTTP 500 in
	// JSON is the API itself speaking after authentication, about the task. Gateways and proxies answer
	// 502–504 (or 500 as a page) when the API behind them is down.
	if (status === 500 && isJsonObject) {
		return ok('Connection successful: the Vidu API did not reject the key (its HTTP 500 is about the made-up task the test asks for).');
	}
	if (status >= 500) return fail(`The Vidu API at ${baseUrl} has a problem right now (HTTP ${status}). Try again in a few minutes.`);
	// The address tells keys apart, and this one passed: it is an API that checks keys, and took this one.
	if (!isJsonObject && wrongKeyStatus === 401) {
		return ok(`Connection successful: the Vidu API accepted the key (HTTP ${status} for the made-up task; a wrong key gets HTTP 401).`);
	}
	if (!isJsonObject) {
		// A web page or empty answer: whatever is there, it is not the Vidu API (which always answers JSON).
		return fail(
			`${baseUrl} does not serve the Vidu API (HTTP ${status}, not a JSON answer at ${TASK_PATH}…). Check the Base URL (default ${DEFAULT_BASE_URL}) and any proxy path prefix.`,
		);
	}
	// 2xx or a JSON 4xx other than 401/403 (e.g. 404 for the made-up task): the key got past authentication.
	return ok('Connection successful: the Vidu API accepted the key.');
}

/** Plain words for a request that got no HTTP answer at all. */
function judgeNoAnswer(baseUrl: string, error: unknown): INodeCredentialTestResult {
	const cause = (error as { cause?: { code?: unknown } })?.cause;
	const code = typeof cause?.code === 'string' ? cause.code : (error as { name?: string })?.name;
	if (code === 'TimeoutError' || code === 'AbortError') {
		return fail(`${baseUrl} did not answer within ${TIMEOUT_MS / 1000} seconds. Check the Base URL and that n8n can reach it.`);
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return fail(`The host of ${baseUrl} was not found (${code}). Check the Base URL for typos.`);
	return fail(
		`Could not connect to ${baseUrl}${code ? ` (${code})` : ''}. Check the Base URL, and that this n8n server can reach it (firewall, proxy).`,
	);
}

/** The probe answer as JSON, when it is small JSON: anything larger than a task answer is not one. */
async function readSmallJson(response: Response): Promise<unknown> {
	if (!response.body) return undefined;
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			await reader.cancel();
			return undefined;
		}
		chunks.push(value);
	}
	return parseJsonBody(Buffer.concat(chunks));
}

/** One GET with the key, no redirect followed (the key never leaves for another host), bounded in time. */
const ask = async (url: URL, apiKey: string): Promise<Response> =>
	await fetch(url, {
		headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
		redirect: 'manual',
		signal: AbortSignal.timeout(TIMEOUT_MS),
	});

export async function testViduKey(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const reading = readCredential(credential.data ?? {});
	if (reading.problem !== undefined) return fail(`${reading.problem}. ${reading.advice}`);
	const { apiKey, baseUrl } = reading.values;
	const url = new URL(`${baseUrl}${TASK_PATH}${PROBE_ID}`);
	let response: Response;
	try {
		response = await ask(url, apiKey);
	} catch (error) {
		return judgeNoAnswer(baseUrl, error);
	}
	let json: unknown;
	try {
		json = await readSmallJson(response);
	} catch (error) {
		return judgeNoAnswer(baseUrl, error);
	}
	const answer: ProbeAnswer = { status: response.status, json, location: response.headers.get('location') ?? undefined };
	return judgeProbe(baseUrl, answer, needsWrongKeyProbe(answer) ? await wrongKeyStatus(url) : undefined);
}

/** How the address answers a key that cannot be valid; undefined when it does not answer. */
async function wrongKeyStatus(url: URL): Promise<number | undefined> {
	try {
		const response = await ask(url, DECOY);
		await response.body?.cancel();
		return response.status;
	} catch {
		return undefined;
	}
}
