/**
 * What kind of place a URL points at. The URLs judged here come from elsewhere (n8n's settings, the
 * API's answers, the credential), so they are read with the WHATWG parser, never by pattern on the raw text.
 */

/**
 * The host of a URL as written in a comparison: lower case, an IPv6 address without brackets, and an
 * IPv4 address written as IPv6 (::ffff:a.b.c.d, which the parser gives as ::ffff:xxxx:xxxx) as the
 * IPv4 address it reaches.
 */
function hostOf(url: URL): string {
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	// IPv4-mapped (::ffff:) and NAT64 (64:ff9b::/96, RFC 6052) addresses reach the IPv4 address they embed.
	const mapped = /^(?:::ffff|64:ff9b:):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (!mapped) return host;
	const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
	return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function parseUrl(url: string): URL | undefined {
	try {
		return new URL(url);
	} catch {
		return undefined;
	}
}

/** Whether a URL points at the machine it is used on: a provider elsewhere can never call it. */
export function isLocalUrl(url: string): boolean {
	const parsed = parseUrl(url);
	if (!parsed) return false;
	const host = hostOf(parsed);
	return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
}

/** Cloud metadata services by name, and those outside the link-local range (Alibaba Cloud, AWS over IPv6). */
const METADATA_HOSTS = new Set([
	'metadata',
	'metadata.google.internal',
	'metadata.goog',
	'instance-data',
	'100.100.100.200',
	'fd00:ec2::254',
]);

/**
 * Why a video URL is not fetched, if it is not: only http(s), and never the link-local range where
 * cloud metadata services answer, nor their names (the URL comes from the far side and is not trusted).
 */
export function unsafeVideoUrl(url: string): string | undefined {
	const parsed = parseUrl(url);
	if (!parsed) return 'is not a valid URL';
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `is a ${parsed.protocol} URL, not http(s)`;
	const host = hostOf(parsed);
	if (/^169\.254\./.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return 'points at a link-local address';
	if (METADATA_HOSTS.has(host.replace(/\.$/, ''))) return 'points at a cloud metadata service';
	if (/\.internal\.?$/.test(host)) return 'points at an internal host name (.internal)';
	return undefined;
}
