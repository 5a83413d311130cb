/**
 * The API's documented limits on the image and the request (vidu-q1-img2video reference); the limits of
 * the other fields are in request/apiFields.ts. MB is taken as 10^6 bytes: the strict reading.
 */
export const LIMITS = {
	imageBytes: 50_000_000,
	requestBytes: 20_000_000,
	/** Width:height must stay within 1:4 … 4:1. */
	maxAspect: 4,
	/**
	 * Not documented by the API: the node's own bound on either side, the largest a WebP can be.
	 * A header that claims more is a damaged or hostile file, not a photo to animate.
	 */
	maxSidePixels: 16_383,
	/**
	 * Not documented by the API either: the node's own bounds on a video download. A 5-second 1080p
	 * video is tens of MB; a host that sends more, or sends slower, is broken or hostile.
	 */
	videoBytes: 1_000_000_000,
	downloadMs: 10 * 60_000,
} as const;

export const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** The largest image whose data URI still fits a request body with `overhead` other bytes. */
export const largestImageFitting = (overhead: number): number => Math.floor(((LIMITS.requestBytes - overhead) / 4) * 3);
