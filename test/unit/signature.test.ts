import { createHmac } from 'node:crypto';
import fc from 'fast-check';

import { signedHeaders } from '../../dev/mock/signCallback';
import { type CallbackRequest, stringsToSign, verifySignature } from '../../nodes/Vidu/callback/signature';

/** The string to sign as the docs' own example builds it: the query as received. */
const stringToSign = (request: CallbackRequest) => stringsToSign(request)[0];

const KEY = 'vda_test_0123456789abcdef';
const NOW = Date.UTC(2025, 4, 6, 12, 9, 42);
const never = () => false;

/** What n8n hands a webhook: lower-cased header names, a decoded query object, the path without the query. */
function received(headers: Record<string, string>, pathWithQuery: string, method = 'POST'): CallbackRequest {
	const url = new URL(pathWithQuery, 'http://127.0.0.1:5678');
	const query: Record<string, string | string[]> = {};
	for (const [name, value] of url.searchParams) {
		const before = query[name];
		query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
	}
	const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
	return { method, path: url.pathname, query, headers: lower };
}

const CALLBACK = '/webhook-waiting/81/vidu?vidu_item=0&vidu_run=k3x9';
const signedCallback = (at = NOW, nonce = 'nonce-1', pathWithQuery = CALLBACK, key = KEY) =>
	received(signedHeaders(key, 'POST', pathWithQuery, new Date(at), nonce), pathWithQuery);
const withHeader = (request: CallbackRequest, name: string, value: string | string[] | undefined): CallbackRequest => ({
	...request,
	headers: { ...request.headers, [name]: value },
});

describe('the string to sign', () => {
	// platform.vidu.com/docs/callback-signature: the page publishes this string but no key and no resulting signature.
	const docsExample: CallbackRequest = {
		method: 'POST',
		path: '/vidu/callback',
		query: { name: 'james', age: '36' },
		headers: {
			date: 'Tue, 06 May 2025 12:09:42 GMT',
			'x-request-nonce': '123e4567-e89b-12d3-a456-426614174000',
			'x-hmac-signed-headers': 'Date;x-request-nonce',
			'x-hmac-algorithm': 'hmac-sha256',
			'x-hmac-access-key': 'vidu',
		},
	};

	it("is exactly the string Vidu's documentation publishes for its example", () => {
		expect(stringToSign(docsExample)).toBe(
			'POST\n/vidu/callback\nname=james&age=36\nvidu\nTue, 06 May 2025 12:09:42 GMT\n' +
				'Date:Tue, 06 May 2025 12:09:42 GMT\nx-request-nonce:123e4567-e89b-12d3-a456-426614174000\n',
		);
	});

	it('also offers the sorted query reading of the same request', () => {
		expect(stringsToSign(docsExample)).toContain(
			'POST\n/vidu/callback\nage=36&name=james\nvidu\nTue, 06 May 2025 12:09:42 GMT\n' +
				'Date:Tue, 06 May 2025 12:09:42 GMT\nx-request-nonce:123e4567-e89b-12d3-a456-426614174000\n',
		);
	});

	it("gives the published signature of APISIX hmac-auth's worked example, the scheme Vidu's page follows", () => {
		// apache/apisix docs/en/latest/plugins/hmac-auth.md (2.x): secret "my-secret-key", signature published below.
		const apisix: CallbackRequest = {
			method: 'GET',
			path: '/index.html',
			query: { name: 'james', age: '36' },
			headers: {
				date: 'Tue, 19 Jan 2021 11:33:20 GMT',
				'x-hmac-access-key': 'user-key',
				'x-hmac-signed-headers': 'User-Agent;x-custom-a',
				'x-custom-a': 'test',
				'user-agent': 'curl/7.29.0',
			},
		};
		const signatures = stringsToSign(apisix).map((text) => createHmac('sha256', 'my-secret-key').update(text).digest('base64'));
		expect(signatures).toContain('8XV1GB7Tq23OJcoz6wjqTs4ZLxr9DiLoY4PxzScWGYg=');
	});

	it('is the one the mock signs for the docs example', () => {
		const headers = signedHeaders(
			KEY,
			'post',
			'http://127.0.0.1:8080/vidu/callback?name=james&age=36',
			new Date(NOW),
			docsExample.headers['x-request-nonce'] as string,
		);
		const text = stringToSign({ ...docsExample, headers: { ...docsExample.headers, date: headers.Date } }) as string;
		expect(headers['X-HMAC-SIGNATURE']).toBe(createHmac('sha256', KEY).update(text).digest('base64'));
	});

	it('uses the query exactly as received when the caller has it', () => {
		const text = stringToSign({ ...docsExample, query: {}, rawQuery: 'b=%7E&a=1' }) as string;
		expect(text.split('\n')[2]).toBe('b=%7E&a=1');
	});

	it('is undefined when the Date or a listed header is missing', () => {
		expect(stringToSign(withHeader(docsExample, 'date', undefined))).toBeUndefined();
		expect(stringToSign(withHeader(docsExample, 'x-request-nonce', undefined))).toBeUndefined();
	});
});

describe('verifySignature', () => {
	it('accepts a callback signed by the mock API and returns its nonce', () => {
		expect(verifySignature(signedCallback(), KEY, NOW, never)).toEqual({ ok: true, nonce: 'nonce-1' });
	});

	it('accepts a query in any order, signed as written', () => {
		const request = signedCallback(NOW, 'n', '/vidu?zeta=1&alpha=two%20words&mid=%E2%9C%93');
		expect(verifySignature(request, KEY, NOW, never).ok).toBe(true);
	});

	it('accepts a callback whose sender sorted the query before signing', () => {
		const headers = signedHeaders(KEY, 'POST', '/vidu?a=1&b=2', new Date(NOW), 'n');
		expect(verifySignature(received(headers, '/vidu?b=2&a=1'), KEY, NOW, never).ok).toBe(true);
	});

	it('accepts a callback at the root path and one without a query', () => {
		expect(verifySignature(signedCallback(NOW, 'n', '/'), KEY, NOW, never).ok).toBe(true);
		expect(verifySignature(signedCallback(NOW, 'n', '/vidu'), KEY, NOW, never).ok).toBe(true);
	});

	it('accepts the key pasted as "Token <key>" and the algorithm in capitals', () => {
		const request = withHeader(signedCallback(), 'x-hmac-algorithm', 'HMAC-SHA256');
		expect(verifySignature(request, `Token ${KEY}`, NOW, never).ok).toBe(true);
	});

	it('accepts a Date 4 minutes old or ahead', () => {
		expect(verifySignature(signedCallback(NOW - 4 * 60_000), KEY, NOW, never).ok).toBe(true);
		expect(verifySignature(signedCallback(NOW + 4 * 60_000), KEY, NOW, never).ok).toBe(true);
	});

	it('refuses a changed path', () => {
		const request = { ...signedCallback(), path: '/webhook-waiting/82/vidu' };
		expect(verifySignature(request, KEY, NOW, never)).toEqual({ ok: false, reason: 'signature does not match' });
	});

	it('refuses a changed query value and an added query parameter', () => {
		const request = signedCallback();
		expect(verifySignature({ ...request, query: { ...request.query, vidu_item: '1' } }, KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'signature does not match',
		});
		expect(verifySignature({ ...request, query: { ...request.query, extra: 'x' } }, KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'signature does not match',
		});
	});

	it('refuses a changed Date, even one still inside the window', () => {
		const request = withHeader(signedCallback(), 'date', new Date(NOW + 1000).toUTCString());
		expect(verifySignature(request, KEY, NOW, never)).toEqual({ ok: false, reason: 'signature does not match' });
	});

	it('refuses a changed nonce and a changed method', () => {
		expect(verifySignature(withHeader(signedCallback(), 'x-request-nonce', 'other'), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'signature does not match',
		});
		expect(verifySignature({ ...signedCallback(), method: 'PUT' }, KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'signature does not match',
		});
	});

	it('refuses a callback signed with another key', () => {
		expect(verifySignature(signedCallback(), 'vda_other_key', NOW, never)).toEqual({ ok: false, reason: 'signature does not match' });
		expect(verifySignature(signedCallback(), '', NOW, never)).toEqual({ ok: false, reason: 'no key' });
	});

	it('refuses a callback without a signature', () => {
		expect(verifySignature(withHeader(signedCallback(), 'x-hmac-signature', undefined), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'no signature',
		});
		expect(verifySignature(withHeader(signedCallback(), 'x-hmac-signature', ''), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'no signature',
		});
	});

	it('refuses a Date 6 minutes old', () => {
		expect(verifySignature(signedCallback(NOW - 6 * 60_000), KEY, NOW, never)).toEqual({ ok: false, reason: 'stale Date' });
	});

	it('refuses a Date 6 minutes ahead', () => {
		expect(verifySignature(signedCallback(NOW + 6 * 60_000), KEY, NOW, never)).toEqual({ ok: false, reason: 'Date in the future' });
	});

	it('refuses a reused nonce', () => {
		const seen = new Set<string>();
		const seenNonce = (nonce: string) => seen.has(nonce) || (seen.add(nonce), false);
		expect(verifySignature(signedCallback(), KEY, NOW, seenNonce).ok).toBe(true);
		expect(verifySignature(signedCallback(), KEY, NOW, seenNonce)).toEqual({ ok: false, reason: 'nonce reused' });
	});

	it('refuses a signature of the wrong length', () => {
		const request = signedCallback();
		const signature = request.headers['x-hmac-signature'] as string;
		for (const wrong of [signature.slice(0, -2), `${signature}AAAA`, signature.slice(0, -1), 'AAAA'])
			expect(verifySignature(withHeader(request, 'x-hmac-signature', wrong), KEY, NOW, never)).toEqual({
				ok: false,
				reason: 'malformed signature',
			});
	});

	it('refuses a signature that is not base64', () => {
		const request = signedCallback();
		const signature = request.headers['x-hmac-signature'] as string;
		for (const wrong of [
			'!'.repeat(43) + '=',
			signature.replace(/[+/A-Z]/, '-'),
			Buffer.from(signature, 'base64').toString('hex').slice(0, 44),
		])
			expect(verifySignature(withHeader(request, 'x-hmac-signature', wrong), KEY, NOW, never)).toEqual({
				ok: false,
				reason: 'malformed signature',
			});
	});

	it('refuses a signature that differs only in the bits base64 leaves unused', () => {
		const request = signedCallback();
		const signature = request.headers['x-hmac-signature'] as string;
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		const last = alphabet.indexOf(signature[42]);
		const sibling = `${signature.slice(0, 42)}${alphabet[last ^ 1]}=`;
		expect(Buffer.from(sibling, 'base64').equals(Buffer.from(signature, 'base64'))).toBe(true);
		expect(verifySignature(withHeader(request, 'x-hmac-signature', sibling), KEY, NOW, never).ok).toBe(false);
	});

	it('refuses header values given as arrays', () => {
		const request = signedCallback();
		for (const name of ['x-hmac-signature', 'date', 'x-request-nonce', 'x-hmac-signed-headers', 'x-hmac-algorithm']) {
			const value = request.headers[name] as string;
			expect(verifySignature(withHeader(request, name, [value, value]), KEY, NOW, never)).toEqual({ ok: false, reason: 'repeated header' });
			expect(verifySignature(withHeader(request, name, [value]), KEY, NOW, never)).toEqual({ ok: false, reason: 'repeated header' });
		}
	});

	it('refuses a header that arrives under two spellings', () => {
		const request = withHeader(signedCallback(), 'Date', new Date(NOW).toUTCString());
		expect(verifySignature(request, KEY, NOW, never)).toEqual({ ok: false, reason: 'repeated header' });
	});

	it('refuses another algorithm, another access key, and an unsigned or missing nonce', () => {
		const request = signedCallback();
		expect(verifySignature(withHeader(request, 'x-hmac-algorithm', 'hmac-sha1'), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'wrong algorithm',
		});
		expect(verifySignature(withHeader(request, 'x-hmac-algorithm', undefined), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'wrong algorithm',
		});
		expect(verifySignature(withHeader(request, 'x-hmac-access-key', 'user-key'), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'wrong access key',
		});
		expect(verifySignature(withHeader(request, 'x-hmac-signed-headers', 'Date'), KEY, NOW, never)).toEqual({
			ok: false,
			reason: 'nonce not signed',
		});
		expect(verifySignature(withHeader(request, 'x-request-nonce', undefined), KEY, NOW, never)).toEqual({ ok: false, reason: 'no nonce' });
		expect(verifySignature(withHeader(request, 'date', undefined), KEY, NOW, never)).toEqual({ ok: false, reason: 'no Date' });
	});

	it('refuses an unreadable Date only once it is signed', () => {
		const headers = signedHeaders(KEY, 'POST', CALLBACK, new Date(NOW), 'n');
		const text = `POST\n/webhook-waiting/81/vidu\nvidu_item=0&vidu_run=k3x9\nvidu\nsoon\nDate:soon\nx-request-nonce:n\n`;
		const request = received(
			{ ...headers, Date: 'soon', 'X-HMAC-SIGNATURE': createHmac('sha256', KEY).update(text).digest('base64') },
			CALLBACK,
		);
		expect(verifySignature(request, KEY, NOW, never)).toEqual({ ok: false, reason: 'unreadable Date' });
	});

	it('does not call the nonce callback for a bad signature', () => {
		const seenNonce = jest.fn(() => false);
		expect(verifySignature(signedCallback(), 'vda_other_key', NOW, seenNonce).ok).toBe(false);
		expect(verifySignature(withHeader(signedCallback(), 'x-hmac-signature', 'A'.repeat(43) + '='), KEY, NOW, seenNonce).ok).toBe(false);
		expect(seenNonce).not.toHaveBeenCalled();
		expect(verifySignature(signedCallback(), KEY, NOW, seenNonce).ok).toBe(true);
		expect(seenNonce).toHaveBeenCalledWith('nonce-1');
	});

	it('never throws on huge or odd values', () => {
		const request = signedCallback();
		const huge = 'x'.repeat(2_000_000);
		const odd: CallbackRequest[] = [
			withHeader(request, 'x-hmac-signature', huge),
			withHeader(request, 'date', huge),
			withHeader(request, 'x-request-nonce', huge),
			withHeader(request, 'x-hmac-signed-headers', `${'a;'.repeat(50)}x-request-nonce`),
			{ ...request, query: { lone: '\ud800' } },
			{ ...request, query: { [huge]: huge } },
			{ ...request, headers: {} },
			{ ...request, headers: { ...request.headers, date: 42 as unknown as string } },
		];
		for (const one of odd) expect(() => verifySignature(one, KEY, NOW, never)).not.toThrow();
		expect(verifySignature(odd[0], KEY, NOW, never)).toEqual({ ok: false, reason: 'header too long' });
		expect(verifySignature(odd[3], KEY, NOW, never)).toEqual({ ok: false, reason: 'too many signed headers' });
		expect(verifySignature(request, KEY, Number.NaN, never)).toEqual({ ok: false, reason: 'no clock' });
	});

	it('refuses any single-character change of the signature', () => {
		const request = signedCallback();
		const signature = request.headers['x-hmac-signature'] as string;
		const base64Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=');
		const anyChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
		fc.assert(
			fc.property(fc.nat({ max: signature.length - 1 }), fc.oneof(base64Char, anyChar), (index, replacement) => {
				fc.pre(replacement !== signature[index]);
				const changed = `${signature.slice(0, index)}${replacement}${signature.slice(index + 1)}`;
				expect(verifySignature(withHeader(request, 'x-hmac-signature', changed), KEY, NOW, never).ok).toBe(false);
			}),
			{ numRuns: 2000 },
		);
	});
});
