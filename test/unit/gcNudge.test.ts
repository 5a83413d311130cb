import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { READ_BYTES_PER_COLLECTION, spentBufferTracker, trackingSpentBuffers } from '../../nodes/Vidu/transport/gcNudge';
import { watchChunks } from '../../nodes/Vidu/transport/videoDownload';

const CHUNK = 64 * 1024;
const CHUNKS_PER_COLLECTION = READ_BYTES_PER_COLLECTION / CHUNK;

describe('spentBufferTracker', () => {
	it('asks for one collection per READ_BYTES_PER_COLLECTION read, none before', () => {
		const collect = jest.fn();
		const track = spentBufferTracker(collect);
		for (let n = 1; n < CHUNKS_PER_COLLECTION; n++) track(CHUNK);
		expect(collect).not.toHaveBeenCalled();
		track(CHUNK);
		expect(collect).toHaveBeenCalledTimes(1);
		for (let n = 0; n < 2 * CHUNKS_PER_COLLECTION + 1; n++) track(CHUNK);
		expect(collect).toHaveBeenCalledTimes(3);
	});

	it('counts odd chunk sizes toward the same budget', () => {
		const collect = jest.fn();
		const track = spentBufferTracker(collect);
		track(READ_BYTES_PER_COLLECTION - 1);
		expect(collect).not.toHaveBeenCalled();
		track(1);
		expect(collect).toHaveBeenCalledTimes(1);
	});

	it('starts counting again after a collection V8 ran on its own', async () => {
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		const collect = jest.fn();
		const track = spentBufferTracker(collect);
		track(READ_BYTES_PER_COLLECTION - 1);
		// A weak reference's target outlives the job that made it: collect in a later one.
		await new Promise(setImmediate);
		gc();
		track(1);
		expect(collect).not.toHaveBeenCalled();
		track(READ_BYTES_PER_COLLECTION - 1);
		expect(collect).toHaveBeenCalledTimes(1);
	});
});

describe('tracking a stream', () => {
	const chunks = () => Array.from({ length: 200 }, (_, n) => Buffer.alloc(CHUNK, n));

	it('passes every chunk through unchanged, in order', async () => {
		const sent = chunks();
		const received: Buffer[] = [];
		for await (const chunk of trackingSpentBuffers(
			(async function* () {
				yield* sent;
			})(),
		))
			received.push(chunk);
		expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
	});

	const readers: Record<string, (stream: PassThrough) => Promise<Buffer[]>> = {
		async iteration(stream) {
			const received: Buffer[] = [];
			for await (const chunk of stream) received.push(chunk as Buffer);
			return received;
		},
		// n8n's in-memory binary mode collects a stream this way and never resumes it itself.
		'a data listener': async (stream) =>
			await new Promise((resolve) => {
				const received: Buffer[] = [];
				stream.on('data', (chunk: Buffer) => received.push(chunk));
				stream.on('end', () => resolve(received));
			}),
		pipe: async (stream) => await readers.iteration(stream.pipe(new PassThrough())),
	};

	it.each(Object.keys(readers))('a watched stream loses no chunk when the store reads later, by %s', async (reader) => {
		const sent = chunks();
		const stream = new PassThrough();
		for (const chunk of sent) stream.write(chunk);
		stream.end();
		let watched = 0;
		watchChunks(stream, (chunk) => (watched += chunk.length));
		// n8n's binary store creates its folder before it reads: the stream must wait for it.
		for (let turn = 0; turn < 3; turn++) await new Promise(setImmediate);
		const received = await readers[reader](stream);
		expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
		expect(watched).toBe(Buffer.concat(sent).length);
	});
});
