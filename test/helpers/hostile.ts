import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** A loopback server that misbehaves on purpose; records what reached it. */
export class HostileServer {
	readonly requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; bodyBytes: number }> = [];
	url = '';
	private server?: http.Server;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(private readonly handler: (req: http.IncomingMessage, res: http.ServerResponse, self: HostileServer) => void) {}

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			let bodyBytes = 0;
			req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
			req.on('end', () => {
				this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, bodyBytes });
				this.handler(req, res, this);
			});
		});
		this.server.listen(0, '127.0.0.1');
		await once(this.server, 'listening');
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	/** Sends `text` one byte every `everyMs`, for as long as the client listens (a slow-loris answer). */
	trickle(res: http.ServerResponse, text: string, everyMs: number): void {
		res.writeHead(200, { 'content-type': 'application/json' });
		let position = 0;
		const timer = setInterval(() => {
			if (res.destroyed || position >= text.length) {
				clearInterval(timer);
				this.timers.delete(timer);
				if (!res.destroyed) res.end();
				return;
			}
			res.write(text[position++]);
		}, everyMs);
		this.timers.add(timer);
	}

	async stop(): Promise<void> {
		for (const timer of this.timers) clearInterval(timer);
		this.server?.closeAllConnections();
		await new Promise((resolve) => this.server?.close(resolve));
	}
}
