/**
 * Checks the signature Vidu's own API (api.vidu.com/ent/v2) puts on the callbacks it POSTs to a task's callback_url
 * (platform.vidu.com/docs/callback-signature; the scheme is Apache APISIX's hmac-auth with the access key fixed to "vidu"):
 *   X-HMAC-SIGNATURE = base64(HMAC-SHA256(token, method \n path \n query \n access key \n Date \n signed headers))
 * where signed headers are `Name:value\n` for each name of X-HMAC-SIGNED-HEADERS, in its order and spelling.
 * The body is not signed: a valid callback proves who sent it, not what it says, so the task is still read from the API.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { APIS, apiOf } from '../transport/credential';
import { type DoorbellMemory, reply } from './doorbell';

export type Value = string | string[] | undefined;
export interface CallbackRequest {
	method: string;
	path: string;
	query: Record<string, Value>;
	headers: Record<string, Value>;
	/** The query exactly as it arrived (after "?"), else the one left in `path`: it is then tried first, unchanged. */
	rawQuery?: string;
}
export type Verdict = { ok: true; nonce: string } | { ok: false; reason: string };

const ACCESS_KEY = 'vidu';
const NONCE = 'x-request-nonce';
export const DATE_WINDOW_MS = 5 * 60_000;
// Vidu sends a handful of short headers: anything far larger is refused before any work is done on it.
const MAX_VALUE_CHARS = 8192;
const MAX_SIGNED_HEADERS = 16;
// Standard base64 of 32 bytes, padded: a strict shape keeps each digest to exactly one spelling.
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{43}=$/;

/** Header values by lower-cased name; null when a name came twice (an array, or two spellings) or as a non-string. */
function headerMap(headers: Record<string, Value>): Map<string, string | null> {
	const map = new Map<string, string | null>();
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value === undefined) continue;
		const key = name.toLowerCase();
		map.set(key, map.has(key) || typeof value !== 'string' ? null : value);
	}
	return map;
}

/** The names X-HMAC-SIGNED-HEADERS lists, in its order and spelling. */
const signedNames = (list: string) => list.split(';').flatMap((name) => name.trim() || []);

// RFC 3986 unreserved characters only, as APISIX's canonical form does; encodeURIComponent alone leaves !'()* bare.
const strictEncode = (text: string) =>
	encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * The docs say "the query string part of the URL" and their example keeps it as written (name=james&age=36), while
 * APISIX, whose scheme this is, sorts the keys (age=36&name=james). n8n hands over a parsed, decoded query, so every
 * plausible spelling is tried: as received, and sorted; percent-encoded, and not.
 */
function queryForms(query: Record<string, Value>, rawQuery: string | undefined): string[] {
	const pairs: Array<[string, string]> = [];
	for (const [key, value] of Object.entries(query ?? {}))
		for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) pairs.push([key, String(one)]);
	const join = (list: Array<[string, string]>) => list.map(([key, value]) => `${key}=${value}`).join('&');
	const forms: string[] = rawQuery === undefined ? [] : [rawQuery];
	const encodings: Array<(text: string) => string> = [encodeURIComponent, strictEncode, (text) => text];
	for (const encode of encodings) {
		let encoded: Array<[string, string]>;
		try {
			encoded = pairs.map(([key, value]) => [encode(key), encode(value)]);
		} catch {
			continue; // a lone surrogate cannot be percent-encoded: that spelling cannot be what was signed
		}
		forms.push(join(encoded), join([...encoded].sort(byKey)));
	}
	return [...new Set(forms)];
}

/** Every reading of the string to sign, most likely first; empty when a header it needs is missing or repeated. */
export function stringsToSign(request: CallbackRequest): string[] {
	const headers = headerMap(request.headers);
	const date = headers.get('date');
	const accessKey = headers.has('x-hmac-access-key') ? headers.get('x-hmac-access-key') : ACCESS_KEY;
	const list = headers.has('x-hmac-signed-headers') ? headers.get('x-hmac-signed-headers') : '';
	if (typeof date !== 'string' || typeof accessKey !== 'string' || typeof list !== 'string') return [];
	const names = signedNames(list);
	if (names.length > MAX_SIGNED_HEADERS) return [];
	let signedHeaders = '';
	for (const name of names) {
		const value = headers.get(name.toLowerCase());
		if (typeof value !== 'string') return [];
		// The name as listed, not as received: n8n lower-cases received names, the signer used the listed spelling.
		signedHeaders += `${name}:${value}\n`;
	}
	const [bare, queryInPath] = String(request.path ?? '').split(/\?(.*)/s);
	const path = bare.startsWith('/') ? bare : `/${bare}`;
	const rawQuery = request.rawQuery ?? queryInPath;
	const method = String(request.method ?? '').toUpperCase();
	return queryForms(request.query, rawQuery).map((query) => [method, path, query, accessKey, date, signedHeaders].join('\n'));
}

/** The signing token is the API key itself ("the token used when creating the task"), also when pasted as "Token <key>". */
const tokenOf = (key: string) =>
	String(key ?? '')
		.trim()
		.replace(/^Token\s+/i, '');

/**
 * Accepts a callback only when it is signed with `key`, dated within ±5 minutes of `nowMs`, and its nonce is new.
 * `seenNonce` must remember the nonce and say whether it was already seen; it is called only once the signature holds,
 * so forged requests cannot fill the caller's nonce store.
 */
export function verifySignature(request: CallbackRequest, key: string, nowMs: number, seenNonce: (nonce: string) => boolean): Verdict {
	const refuse = (reason: string): Verdict => ({ ok: false, reason });
	const headers = headerMap(request?.headers);
	const unusable = (names: string[]) => {
		for (const name of names) {
			const value = headers.get(name);
			if (value === null) return 'repeated header';
			if (value !== undefined && value.length > MAX_VALUE_CHARS) return 'header too long';
		}
		return undefined;
	};
	const problem = unusable(['x-hmac-signature', 'x-hmac-algorithm', 'x-hmac-access-key', 'x-hmac-signed-headers', 'date', NONCE]);
	if (problem) return refuse(problem);
	const listed = signedNames(headers.get('x-hmac-signed-headers') ?? '').map((name) => name.toLowerCase());
	if (listed.length > MAX_SIGNED_HEADERS) return refuse('too many signed headers');
	const listedProblem = unusable(listed);
	if (listedProblem) return refuse(listedProblem);
	const signature = headers.get('x-hmac-signature');
	if (!signature) return refuse('no signature');
	if (headers.get('x-hmac-algorithm')?.toLowerCase() !== 'hmac-sha256') return refuse('wrong algorithm');
	const accessKey = headers.get('x-hmac-access-key');
	if (typeof accessKey === 'string' && accessKey.toLowerCase() !== ACCESS_KEY) return refuse('wrong access key');
	const date = headers.get('date');
	if (!date) return refuse('no Date');
	const nonce = headers.get(NONCE);
	if (!nonce) return refuse('no nonce');
	// An unsigned nonce could be swapped for a fresh one: the replay check would then protect nothing.
	if (!listed.includes(NONCE)) return refuse('nonce not signed');
	const token = tokenOf(key);
	if (!token) return refuse('no key');
	if (!Number.isFinite(nowMs)) return refuse('no clock');
	const received = SIGNATURE_SHAPE.test(signature) ? Buffer.from(signature, 'base64') : undefined;
	if (received?.length !== 32 || received.toString('base64') !== signature) return refuse('malformed signature');
	const candidates = stringsToSign(request);
	if (candidates.length === 0) return refuse('signed header missing');
	// Every reading is computed and compared, whichever matches: the time taken says nothing about which one did.
	let matches = 0;
	for (const text of candidates) matches |= Number(timingSafeEqual(createHmac('sha256', token).update(text, 'utf8').digest(), received));
	if (!matches) return refuse('signature does not match');
	const sentAt = Date.parse(date);
	if (!Number.isFinite(sentAt)) return refuse('unreadable Date');
	if (nowMs - sentAt > DATE_WINDOW_MS) return refuse('stale Date');
	if (sentAt - nowMs > DATE_WINDOW_MS) return refuse('Date in the future');
	if (seenNonce(nonce)) return refuse('nonce reused');
	return { ok: true, nonce };
}

/** Vidu's own API signs its callbacks: one whose signature, Date or nonce fails is answered 401 here, before any work. */
export async function refuseForged(ctx: IWebhookFunctions, nonces: DoorbellMemory): Promise<IWebhookResponseData | undefined> {
	if (apiOf(ctx) !== 'official') return undefined;
	const { apiKey } = await ctx.getCredentials(APIS.official.credential);
	const request = ctx.getRequestObject();
	const query = ctx.getQueryData() as Record<string, string>;
	const signed = { method: request.method, path: request.originalUrl ?? request.url ?? '/', query, headers: ctx.getHeaderData() };
	const verdict = verifySignature(signed, String(apiKey ?? ''), Date.now(), (nonce) => nonces.nonceSeen(nonce));
	return verdict.ok ? undefined : reply(ctx, 401, { error: `callback refused: ${verdict.reason}` });
}
