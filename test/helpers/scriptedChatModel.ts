import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

interface ChatMessage {
	role: string;
	content?: string | null;
	tool_call_id?: string;
}
interface ChatTool {
	type: string;
	function: { name: string; description?: string; parameters?: { properties?: Record<string, unknown> } };
}
export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
}

/**
 * An OpenAI-compatible chat model on 127.0.0.1 that follows a script instead of thinking: asked with
 * tools, it calls the tool whose name matches `toolPattern` with `toolArguments`; given that tool's
 * answer, it replies `finalAnswer(answer)`. Records every request so a test can see what the agent sent.
 */
export class ScriptedChatModel {
	readonly requests: ChatRequest[] = [];
	url = '';
	private server?: http.Server;

	constructor(
		private readonly script: {
			toolPattern: RegExp;
			toolArguments: Record<string, string>;
			finalAnswer: (toolAnswer: string) => string;
		},
	) {}

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
		});
		this.server.listen(0, '127.0.0.1');
		await once(this.server, 'listening');
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
		return this;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise((resolve) => this.server?.close(resolve));
	}

	private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
		if (req.method === 'GET' && req.url?.endsWith('/models')) {
			return this.json(res, 200, { object: 'list', data: [{ id: 'scripted-model', object: 'model', owned_by: 'test' }] });
		}
		if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return this.json(res, 404, { error: { message: 'no route' } });
		const request = JSON.parse(body) as ChatRequest;
		this.requests.push(request);
		const toolAnswer = request.messages.find((m) => m.role === 'tool');
		const tool = request.tools?.find((t) => this.script.toolPattern.test(t.function.name));
		const message = toolAnswer
			? { role: 'assistant', content: this.script.finalAnswer(String(toolAnswer.content ?? '')) }
			: tool
				? {
						role: 'assistant',
						content: null,
						tool_calls: [
							{
								id: 'call_1',
								type: 'function',
								function: { name: tool.function.name, arguments: JSON.stringify(this.script.toolArguments) },
							},
						],
					}
				: { role: 'assistant', content: 'No tool matched the script.' };
		const finishReason = 'tool_calls' in message ? 'tool_calls' : 'stop';
		if (request.stream) return this.stream(res, request.model, message, finishReason);
		this.json(res, 200, {
			id: `chatcmpl-${this.requests.length}`,
			object: 'chat.completion',
			created: 1_700_000_000,
			model: request.model,
			choices: [{ index: 0, message, finish_reason: finishReason }],
			usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
		});
	}

	/** The same answer as server-sent events, for clients that ask to stream. */
	private stream(res: http.ServerResponse, model: string, message: Record<string, unknown>, finishReason: string): void {
		const chunk = (delta: Record<string, unknown>, finish: string | null) =>
			`data: ${JSON.stringify({ id: `chatcmpl-${this.requests.length}`, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
		const toolCalls = (message.tool_calls as Array<Record<string, unknown>> | undefined)?.map((call, index) => ({ index, ...call }));
		res.writeHead(200, { 'content-type': 'text/event-stream' });
		res.write(chunk({ role: 'assistant', ...(toolCalls ? { tool_calls: toolCalls } : { content: message.content }) }, null));
		res.write(chunk({}, finishReason));
		res.end('data: [DONE]\n\n');
	}

	private json(res: http.ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
	}
}
