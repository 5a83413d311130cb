/**
 * Signs the callbacks the mock API sends, the way Vidu's own API does (platform.vidu.com/docs/callback-signature).
 * Written from the docs alone, apart from the node's verifier, so that a shared misreading cannot make them agree.
 */
import { createHmac } from 'node:crypto';

const SIGNED = ['Date', 'x-request-nonce'];

/** The headers of one signed callback; `pathWithQuery` is the callback_url's path and query (a full URL is accepted too). */
export function signedHeaders(key: string, method: string, pathWithQuery: string, date: Date, nonce: string): Record<string, string> {
	// "extracted using a standard URL parser": path from the first "/" to "?", query as written up to "#".
	const target = /^[a-z][a-z0-9+.-]*:\/\//i.test(pathWithQuery)
		? pathWithQuery.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
		: pathWithQuery;
	const [beforeFragment] = target.split('#');
	const mark = beforeFragment.indexOf('?');
	const rawPath = mark < 0 ? beforeFragment : beforeFragment.slice(0, mark);
	const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
	const query = mark < 0 ? '' : beforeFragment.slice(mark + 1);
	// toUTCString gives the HTTP date form the docs show: "Tue, 06 May 2025 12:09:42 GMT".
	const headers: Record<string, string> = { Date: date.toUTCString(), 'x-request-nonce': nonce };
	const lines = SIGNED.map((name) => `${name}:${headers[name]}\n`).join('');
	const text = `${method.toUpperCase()}\n${path}\n${query}\nvidu\n${headers.Date}\n${lines}`;
	return {
		...headers,
		'X-HMAC-SIGNED-HEADERS': SIGNED.join(';'),
		'X-HMAC-ALGORITHM': 'hmac-sha256',
		'X-HMAC-ACCESS-KEY': 'vidu',
		'X-HMAC-SIGNATURE': createHmac('sha256', key).update(text, 'utf8').digest('base64'),
	};
}
