import type { IBinaryData, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { LIMITS } from '../request/limits';
import { unsafeVideoUrl } from './addresses';
import { ViduFailure } from './failure';
import { spentBufferTracker } from './gcNudge';

/** Hops a video URL may take before the file; each is checked like the URL the API gave. */
const MAX_VIDEO_REDIRECTS = 5;

/** What the download needs of a Node.js stream that n8n's binary store reads. */
export interface ObservableStream {
	on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
	readableFlowing: boolean | null;
	destroy(error?: Error): unknown;
}

const isObservable = (body: unknown): body is ObservableStream =>
	typeof (body as ObservableStream | undefined)?.on === 'function' && 'readableFlowing' in (body as object);

/**
 * Sees every chunk of a stream that n8n's binary store reads, and hands the stream back as it was.
 * A 'data' listener sets a fresh stream flowing, and chunks that flowed before the store reads (it
 * creates a folder first) would be lost; so the stream is set back to neither flowing nor paused at
 * once: however the store reads it (a pipe, its own 'data' listener, async iteration), the flow
 * starts then, and every chunk passes this listener too.
 */
export function watchChunks(stream: ObservableStream, onChunk: (chunk: Uint8Array) => void): void {
	stream.on('data', onChunk);
	stream.readableFlowing = null;
}

const wholeUnits = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`);

export interface VideoDownload {
	url: string;
	taskId: string;
	fileName: string;
	/** Bounds the wait for each answer and each silence in it (the socket timeout). */
	timeoutMs: number;
	/** The user stopped the execution. */
	cancel?: AbortSignal;
	/** n8n's plain httpRequest: never the authenticated one, the Bearer token must not reach the video host. */
	httpRequest(options: IHttpRequestOptions): Promise<unknown>;
	store(body: unknown, fileName: string, mimeType: string): Promise<IBinaryData>;
	/** Turns a request that got no answer into the failure to throw (cancelled or network). */
	unanswered(url: string, error: unknown): ViduFailure;
}

/** Bytes enough to tell a video container (an MPEG-TS packet is 188). */
const HEAD_BYTES = 256;

/**
 * Whether a file starts as a video container does: MP4/MOV/3GP, WebM/Matroska, AVI, MPEG-TS and -PS,
 * FLV, Ogg. An error page served with HTTP 200, an empty body or another service's answer is none.
 */
export function isVideoContainer(head: Buffer): boolean {
	if (head.length < 12) return false;
	const at = (offset: number, text: string) => head.toString('latin1', offset, offset + text.length) === text;
	return (
		['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip'].some((box) => at(4, box)) ||
		head.readUInt32BE(0) === 0x1a45dfa3 ||
		(at(0, 'RIFF') && at(8, 'AVI ')) ||
		(head[0] === 0x47 && (head.length <= 188 || head[188] === 0x47)) ||
		head.readUInt32BE(0) === 0x000001ba ||
		at(0, 'FLV') ||
		at(0, 'OggS')
	);
}

/** Why a downloaded file is not the video, if it is not. */
function notAVideo(head: Buffer): string | undefined {
	if (head.length === 0) return 'the host sent an empty file';
	if (isVideoContainer(head)) return undefined;
	return /^\s*</.test(head.toString('latin1')) ? 'the host sent a web page, not a video' : 'the host sent a file that is not a video';
}

const discard = (body: unknown) => (body as Partial<ObservableStream> | undefined)?.destroy?.();

/**
 * Follows the video URL's redirects by hand, each hop checked like the URL the API gave, and returns
 * the host's final answer and where it came from.
 */
async function answerAtEnd(
	job: VideoDownload,
	signal: AbortSignal,
	failed: (url: string, error: unknown) => ViduFailure,
): Promise<{ response: IN8nHttpFullResponse; url: string }> {
	for (let url = job.url, hop = 0; ; hop++) {
		const unsafe = unsafeVideoUrl(url);
		if (unsafe) {
			const problem = hop === 0 ? `it ${unsafe}` : `it redirects to a URL that ${unsafe}`;
			throw new ViduFailure('unsafeVideoUrl', 'status', { taskId: job.taskId, url, problem });
		}
		let response: IN8nHttpFullResponse;
		try {
			response = (await job.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: job.timeoutMs,
				abortSignal: signal,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			throw failed(url, error);
		}
		const location = response.headers?.location;
		if (response.statusCode < 300 || response.statusCode >= 400 || typeof location !== 'string') return { response, url };
		discard(response.body);
		if (hop === MAX_VIDEO_REDIRECTS) {
			throw new ViduFailure('download', 'status', { taskId: job.taskId, problem: `it redirected more than ${MAX_VIDEO_REDIRECTS} times` });
		}
		url = new URL(location, url).href;
	}
}

/**
 * Fetches the video into n8n's binary data (docs/api-contract.md#video-files). The host is the far
 * side as much as the API: its redirects are checked hop by hop, and the whole download is bounded
 * in size (LIMITS.videoBytes) and time (LIMITS.downloadMs, or the request timeout when that is
 * longer), because a socket timeout alone lets a host that sends a byte now and then, or never
 * stops sending, hold the node and fill the disk.
 */
export async function downloadVideo(job: VideoDownload): Promise<IBinaryData> {
	const refused = (problem: string) => new ViduFailure('download', 'status', { taskId: job.taskId, problem });
	const limitMs = Math.max(LIMITS.downloadMs, job.timeoutMs);
	const deadline = AbortSignal.timeout(limitMs);
	const tooBig = () => refused(`it is larger than ${Math.round(LIMITS.videoBytes / 1_000_000)} MB`);
	const stopped = job.cancel ? AbortSignal.any([job.cancel, deadline]) : deadline;
	const failed = (url: string, error: unknown) =>
		deadline.aborted && !job.cancel?.aborted ? refused(`it took longer than ${wholeUnits(limitMs)}`) : job.unanswered(url, error);

	const { response, url } = await answerAtEnd(job, stopped, failed);
	const body = response.body;
	if (response.statusCode >= 400) {
		discard(body);
		throw new ViduFailure('download', 'status', { taskId: job.taskId, status: response.statusCode });
	}
	if (Number(response.headers?.['content-length']) > LIMITS.videoBytes) {
		discard(body);
		throw tooBig();
	}

	// Set when the node itself stops the body: the store then fails with this, not a network error.
	let halted: ViduFailure | undefined;
	/** The file's first bytes, to tell whether it is a video. */
	let head = Buffer.alloc(0);
	const halt = (failure: ViduFailure) => {
		halted ??= failure;
		// With the error: a stream destroyed without one ends quietly, and n8n would store the part it got.
		(body as ObservableStream).destroy(halted);
	};
	const onStop = () => halt(failed(url, undefined));
	if (isObservable(body)) {
		const trackSpent = spentBufferTracker();
		let received = 0;
		watchChunks(body, (chunk) => {
			trackSpent(chunk.length);
			received += chunk.length;
			if (received > LIMITS.videoBytes) halt(tooBig());
			if (head.length >= HEAD_BYTES) return;
			head = Buffer.concat([head, Buffer.from(chunk.subarray(0, HEAD_BYTES - head.length))]);
			// Told as soon as it can be: a web page is not stored to the end.
			const problem = head.length >= HEAD_BYTES ? notAVideo(head) : undefined;
			if (problem) halt(refused(problem));
		});
		stopped.addEventListener('abort', onStop, { once: true });
		if (stopped.aborted) onStop();
	} else if (Buffer.isBuffer(body)) {
		if (body.length > LIMITS.videoBytes) throw tooBig();
		head = body.subarray(0, HEAD_BYTES);
	}
	let stored: IBinaryData;
	try {
		stored = await job.store(body, job.fileName, 'video/mp4');
	} catch (error) {
		throw halted ?? failed(url, error);
	} finally {
		stopped.removeEventListener('abort', onStop);
	}
	const problem = notAVideo(head);
	if (problem) throw refused(problem);
	return stored;
}
