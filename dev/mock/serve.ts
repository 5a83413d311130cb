/**
 * Runs the mock API as its own process, for manual runs in n8n and for memory benchmarks (where a
 * mock inside the measured process would count its own buffers). Prints its URL on the first line.
 * Options: --key=<api key>, --video-bytes=<n> (stream generated videos of that size),
 * --no-bodies (count request bodies instead of keeping them), --generation-ms=<n> (time mode).
 */
import { ViduMock } from './viduMock';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

async function main() {
	const mock = await new ViduMock(option('key') ?? 'mock-key-0123456789abcdef').start();
	if (option('video-bytes')) mock.videoStreamBytes = Number(option('video-bytes'));
	if (process.argv.includes('--no-bodies')) mock.keepBodies = false;
	if (option('generation-ms')) mock.setDefaultScript({ generationMs: Number(option('generation-ms')) });
	else mock.setDefaultScript({ pollsBeforeDone: 0 });
	mock.onRequest = (request) => console.log(`${request.method} ${request.path} ${request.rawBodyBytes} bytes`);
	console.log(mock.url);
}

void main();
