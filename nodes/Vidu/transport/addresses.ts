/**
 * What kind of place a URL points at. Both URLs judged here come from elsewhere (n8n's settings,
 * the API's answers), so they are read with the WHATWG parser, never by pattern on the raw text.
 */

/** The host of a URL as written in a comparison: lower case, an IPv6 address without brackets. */
function hostOf(url: URL): string {
	return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function parse(url: string): URL | undefined {
	try {
		return new URL(url);
	} catch {
		return undefined;
	}
}

/** Whether a URL points at the machine it is used on: a provider elsewhere can never call it. */
export function isLocalUrl(url: string): boolean {
	const parsed = parse(url);
	if (!parsed) return false;
	const host = hostOf(parsed);
	return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
}

/**
 * Why a video URL is not fetched, if it is not: only http(s), and never the link-local range where
 * cloud metadata services answer (the URL comes from the far side and is not trusted).
 */
export function unsafeVideoUrl(url: string): string | undefined {
	const parsed = parse(url);
	if (!parsed) return 'is not a valid URL';
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `is a ${parsed.protocol} URL, not http(s)`;
	const host = hostOf(parsed);
	if (/^169\.254\./.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return 'points at a link-local address';
	return undefined;
}

export const DEFAULT_BASE_URL = 'https://cloud.vtrix.ai';

/**
 * The credential's Base URL, trimmed and without trailing slashes (empty: the default), or what is
 * wrong with it in words. Paths are appended to it as text, so a query or fragment would swallow them.
 */
export function readBaseUrl(raw: unknown): { url: string; problem?: undefined } | { problem: string } {
	const written = (typeof raw === 'string' ? raw.trim() : '') || DEFAULT_BASE_URL;
	const text = written.replace(/\/+$/, '');
	const parsed = parse(text);
	if (!parsed) return { problem: `Base URL "${written}" is not a web address` };
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return { problem: `Base URL "${written}" must start with https:// (it starts with "${parsed.protocol}")` };
	}
	if (parsed.search || parsed.hash) return { problem: `Base URL "${written}" must not carry a query (?…) or fragment (#…)` };
	return { url: text };
}

/** What to do about a Base URL problem. */
export const BASE_URL_ADVICE = `Write the address in full in the Vidu credential, e.g. ${DEFAULT_BASE_URL} (the default) or your gateway's https:// address.`;
