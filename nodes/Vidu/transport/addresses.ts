// The URLs judged here come from elsewhere, so they are read with the WHATWG parser, never by pattern on the raw text.

/** Lower case, no brackets; IPv4-mapped (::ffff:) and NAT64 (64:ff9b::/96) addresses as the IPv4 address they reach. */
function hostOf(url: URL): string {
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const mapped = /^(?:::ffff|64:ff9b:):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (!mapped) return host;
	const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
	return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

const parseUrl = (url: string): URL | undefined => (URL.canParse(url) ? new URL(url) : undefined);

export function isLocalUrl(url: string): boolean {
	const parsed = parseUrl(url);
	const host = parsed ? hostOf(parsed) : '';
	return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
}

// Cloud metadata services outside the link-local range (Alibaba Cloud, AWS over IPv6), and by name.
const METADATA = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', '100.100.100.200', 'fd00:ec2::254']);

/** Why a video URL (from the far side, not trusted) is not fetched, if it is not. */
export function unsafeVideoUrl(url: string): string | undefined {
	const parsed = parseUrl(url);
	if (!parsed) return 'is not a valid URL';
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `is a ${parsed.protocol} URL, not http(s)`;
	const host = hostOf(parsed);
	if (/^169\.254\./.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return 'points at a link-local address';
	if (METADATA.has(host.replace(/\.$/, ''))) return 'points at a cloud metadata service';
	if (/\.internal\.?$/.test(host)) return 'points at an internal host name (.internal)';
	return undefined;
}
