import { ViduMock } from '../../dev/mock/viduMock';
import { outputOf, RealN8n } from '../../dev/n8n/realN8n';
import { ScriptedChatModel } from '../helpers/scriptedChatModel';

/** A tool's answer as the agent passes it on: n8n sends the tool's items, a JSON list of one object here. */
const toolResult = (content: string): Record<string, unknown> => {
	const parsed = JSON.parse(content) as unknown;
	return (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown>;
};

/**
 * The node as an AI agent's tool in real n8n: n8n's AI Agent with its OpenAI chat model pointed at a
 * scripted model on 127.0.0.1, which calls the Vidu tool with an image URL and a prompt and then
 * answers with what the tool returned; the mock is the Vidu API.
 */
const VERSIONS = (process.env.VIDU_E2E_AGENT_N8N_VERSIONS ?? '2.40.7,1.123.81').split(',').filter(Boolean);
const TOOL_NODE = 'Animate Image';

describe.each(VERSIONS)('as an AI agent tool in real n8n %s', (version) => {
	let n8n: RealN8n;
	let mock: ViduMock;
	let model: ScriptedChatModel;

	beforeAll(async () => {
		mock = await new ViduMock('agent-key-0123456789abcdef').start();
		mock.setDefaultScript({ generationMs: 1500 });
		model = await new ScriptedChatModel({
			toolPattern: /animate/i,
			toolArguments: { imageUrl: `${mock.url}/images/sneaker.png`, prompt: 'The sneaker turns slowly' },
			finalAnswer: (toolAnswer) => {
				const told = (() => {
					try {
						return toolResult(toolAnswer);
					} catch {
						return {};
					}
				})();
				return told.videoUrl ? `Your video is ready: ${String(told.videoUrl)}` : `No video: ${toolAnswer}`;
			},
		}).start();
		n8n = await RealN8n.start(version);
		await n8n.importViduCredential(mock);
		await n8n.importCredential({
			id: 'openAiScripted01',
			name: 'Scripted model',
			type: 'openAiApi',
			data: { apiKey: 'sk-scripted', url: model.url },
		});
		await n8n.importWorkflow({
			id: 'viduAgentTool01',
			name: 'Vidu as an agent tool',
			nodes: [
				{ id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'a2',
					name: 'AI Agent',
					type: '@n8n/n8n-nodes-langchain.agent',
					typeVersion: 2.2,
					position: [220, 0],
					parameters: { promptType: 'define', text: 'Animate this product photo: the sneaker should turn slowly.', options: {} },
				},
				{
					id: 'a3',
					name: 'Model',
					type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
					typeVersion: 1.2,
					position: [220, 200],
					parameters: { model: { __rl: true, mode: 'id', value: 'scripted-model' }, options: {} },
					credentials: { openAiApi: { id: 'openAiScripted01', name: 'Scripted model' } },
				},
				{
					id: 'a4',
					name: TOOL_NODE,
					type: 'n8n-nodes-vidu.viduTool',
					typeVersion: 1.1,
					position: [420, 200],
					// Image Source left to the tool's own default: URL, what a model has to give.
					parameters: {
						imageUrl: "={{ $fromAI('imageUrl', 'Public URL of the still image to animate', 'string') }}",
						prompt: "={{ $fromAI('prompt', 'How the image should move', 'string') }}",
						waitOptions: { pollIntervalSeconds: 1, maxWaitMinutes: 2 },
					},
					credentials: { viduApi: { id: 'viduCredential01', name: 'Vidu account' } },
				},
			],
			connections: {
				Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
				Model: { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
				[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
			active: false,
		} as { id: string });
	}, 40 * 60_000);

	afterAll(async () => {
		await n8n?.dispose();
		await model?.stop();
		await mock?.stop();
	});

	it("the agent calls the Vidu tool, and its answer carries the tool's video URL", async () => {
		const execution = await n8n.execute('viduAgentTool01');
		expect(execution.data.resultData.error).toBeUndefined();

		// The model was offered the tool with a description saying what it needs and what it returns.
		const offered = model.requests[0].tools?.find((t) => /animate/i.test(t.function.name));
		expect(offered?.function.description).toMatch(/image/i);
		expect(offered?.function.description).toMatch(/returns videoUrl/);
		expect(Object.keys(offered?.function.parameters?.properties ?? {}).sort()).toEqual(['imageUrl', 'prompt']);

		// One paid task, for the image and prompt the model chose.
		expect(mock.creates).toHaveLength(1);
		const params = (mock.creates[0].body as { input: Array<{ params: { images: string[]; prompt: string } }> }).input[0].params;
		expect(params).toMatchObject({ images: [`${mock.url}/images/sneaker.png`], prompt: 'The sneaker turns slowly' });

		// What the tool told the model is small: URL, task id, status, cost.
		const toolMessage = model.requests.at(-1)?.messages.find((m) => m.role === 'tool');
		expect(String(toolMessage?.content).length).toBeLessThan(400);
		const told = toolResult(String(toolMessage?.content));
		expect(Object.keys(told).sort()).toEqual(['costUsd', 'status', 'taskId', 'videoUrl']);
		expect(told.videoUrl).toMatch(/\/cdn\/task_\d+\.mp4$/);

		const [answer] = outputOf(execution, 'AI Agent');
		expect(answer.json.output).toBe(`Your video is ready: ${String(told.videoUrl)}`);
	});

	it('a task that fails reaches the model as an error with its task id, and the agent answers', async () => {
		mock.forgetRecorded();
		model.requests.length = 0;
		mock.scriptTasks({ generationMs: 500, finalStatus: 'failed', error: { code: 8008003004, message: 'Invalid image' } });
		const execution = await n8n.execute('viduAgentTool01');
		expect(execution.data.resultData.error).toBeUndefined();
		const toolMessage = String(model.requests.at(-1)?.messages.find((m) => m.role === 'tool')?.content);
		console.log(`[e2e] tool message for a failed task: ${toolMessage}`);
		const taskId = mock.taskIdFor('/images/sneaker.png');
		expect(toolMessage).toContain('Invalid image (code 8008003004)');
		expect(toolMessage).toContain(taskId);
		const [answer] = outputOf(execution, 'AI Agent');
		expect(answer.json.output).toMatch(/^No video: .*Invalid image/);
	});
});
