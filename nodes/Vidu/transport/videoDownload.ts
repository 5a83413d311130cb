import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { LIMITS } from '../request/limits';
import { unsafeVideoUrl } from './addresses';
import { ViduFailure } from './failure';
import { spentBufferTracker } from './gcNudge';

const MAX_VIDEO_REDIRECTS = 5;
/** Enough to tell a video container (an MPEG-TS packet is 188). */
const HEAD_BYTES = 256;
// Never follow a redirect blindly: the API's would carry the key (and a paid POST) wherever it points.
export const RAW = { encoding: 'stream', returnFullResponse: true, ignoreHttpStatusErrors: true, disableFollowRedirect: true } as const;
export type ObservableStream = Pick<NodeJS.ReadableStream, 'on'> & { readableFlowing: boolean | null; destroy(error?: Error): unknown };
const isObservable = (body: unknown): body is ObservableStream =>
	typeof (body as ObservableStream | undefined)?.on === 'function' && 'readableFlowing' in (body as object);

// A 'data' listener would set the stream flowing before the store reads it, losing chunks: set back, it waits for the store.
export function watchChunks(stream: ObservableStream, onChunk: (chunk: Uint8Array) => void): void {
	stream.on('data', onChunk);
	stream.readableFlowing = null;
}

/** Why `head` does not start a video file: MP4/MOV/3GP, WebM/Matroska, MPEG-PS, FLV, Ogg, AVI and MPEG-TS do. */
function notAVideo(head: Buffer): string | undefined {
	if (head.length === 0) return 'the host sent an empty file';
	const at = (offset: number, text: string) => head.toString('latin1', offset, offset + text.length) === text;
	const boxed = ['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip', 'pnot'].some((box) => at(4, box));
	const signed = head.length >= 4 && [0x1a45dfa3, 0x000001ba].includes(head.readUInt32BE(0));
	const tagged = at(0, 'FLV') || at(0, 'OggS') || (at(0, 'RIFF') && at(8, 'AVI '));
	const mpegTs = head[0] === 0x47 && (head.length <= 188 || head[188] === 0x47);
	if (head.length >= 12 && (boxed || signed || tagged || mpegTs)) return undefined;
	return /^\s*</.test(head.toString('latin1')) ? 'the host sent a web page, not a video' : 'the host sent a file that is not a video';
}

const discard = (body: unknown) => (body as { destroy?: () => void } | undefined)?.destroy?.();
// Bounded in size and total time (docs/api-contract.md#video-files): a trickling or endless host outlasts a socket timeout.
export async function downloadVideo(
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest' | 'prepareBinaryData'>,
	job: { url: string; taskId: string; timeoutMs: number; cancel?: AbortSignal },
	unanswered: (url: string, error: unknown) => ViduFailure,
): Promise<IBinaryData> {
	const refused = (problem: string) => new ViduFailure('download', 'status', { taskId: job.taskId, problem });
	const limitMs = Math.max(LIMITS.downloadMs, job.timeoutMs);
	const deadline = AbortSignal.timeout(limitMs);
	const tooBig = () => refused(`it is larger than ${Math.round(LIMITS.videoBytes / 1_000_000)} MB`);
	const stopped = job.cancel ? AbortSignal.any([job.cancel, deadline]) : deadline;
	const took = limitMs >= 120_000 ? `${Math.round(limitMs / 60_000)} minutes` : `${Math.round(limitMs / 1000)} seconds`;
	const failed = (url: string, error: unknown) =>
		deadline.aborted && !job.cancel?.aborted ? refused(`it took longer than ${took}`) : unanswered(url, error);
	// Redirects followed by hand, each hop checked like the URL the API gave.
	const request = { ...RAW, method: 'GET', timeout: job.timeoutMs, abortSignal: stopped } as const;
	let url = job.url;
	let response: IN8nHttpFullResponse;
	for (let hop = 0; ; hop++) {
		const unsafe = unsafeVideoUrl(url);
		const problem = unsafe && (hop === 0 ? `it ${unsafe}` : `it redirects to a URL that ${unsafe}`);
		if (problem) throw new ViduFailure('unsafeVideoUrl', 'status', { taskId: job.taskId, url, problem });
		try {
			// Plain httpRequest on purpose: the Bearer token must never reach the video host.
			response = (await helpers.httpRequest({ ...request, url })) as IN8nHttpFullResponse;
		} catch (error) {
			throw failed(url, error);
		}
		const location = response.headers?.location;
		if (response.statusCode < 300 || response.statusCode >= 400 || typeof location !== 'string') break;
		discard(response.body);
		if (hop === MAX_VIDEO_REDIRECTS) throw refused(`it redirected more than ${MAX_VIDEO_REDIRECTS} times`);
		url = new URL(location, url).href;
	}
	const { statusCode, headers, body } = response;
	if (statusCode >= 400 || Number(headers?.['content-length']) > LIMITS.videoBytes) {
		discard(body);
		throw statusCode >= 400 ? new ViduFailure('download', 'status', { taskId: job.taskId, status: statusCode }) : tooBig();
	}
	// Set when the node itself stops the body: the store then fails with this, not a network error.
	let halted: ViduFailure | undefined;
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
			// A web page is not stored to the end.
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
		stored = await helpers.prepareBinaryData(body as Buffer, `${job.taskId.replace(/[^\w.-]+/g, '_')}.mp4`, 'video/mp4');
	} catch (error) {
		throw halted ?? failed(url, error);
	} finally {
		stopped.removeEventListener('abort', onStop);
	}
	const problem = notAVideo(head);
	if (problem) throw refused(problem);
	return stored;
}
