// The API's documented limits (vidu-q1-img2video); MB is taken as 10^6 bytes, the strict reading.
export const LIMITS = {
	imageBytes: 50_000_000,
	requestBytes: 20_000_000,
	maxAspect: 4,
	// Not the API's: the largest side a WebP can have. A header that claims more is damaged or hostile.
	maxSidePixels: 16_383,
	// Not the API's: a 5-second 1080p video is tens of MB; a host sending more, or slower, is broken or hostile.
	videoBytes: 1_000_000_000,
	downloadMs: 10 * 60_000,
} as const;

export const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;
