import { FAST_WAIT, sentParams, useMock } from '../helpers/setup';

const { mock, run } = useMock();
const callbackParameters = (extra: Record<string, unknown> = {}) => ({
	operation: 'generate',
	imageSource: 'url',
	imageUrl: '={{ $json.url }}',
	waitMode: 'callback',
	waitOptions: FAST_WAIT,
	...extra,
});

describe('Wait Mode: Callback (the submitting half; the resume runs in real n8n, see test/e2e)', () => {
	it('submits every item with the resume URL plus its item as callback_url, and never polls', async () => {
		const items = [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'https://example.com/2.png' } }];
		const output = await run({ parameters: callbackParameters(), items });
		expect(mock().creates).toHaveLength(2);
		expect(mock().polls).toHaveLength(0);
		for (const n of [0, 1]) {
			expect(sentParams(mock(), n).callback_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:5678/webhook-waiting/exec-1.*[?&]vidu_item=${n}$`));
		}
		// While the execution waits, each item carries its task id: what flows on if the wait runs out.
		expect(output.map((item) => item.json.vidu)).toEqual([
			expect.objectContaining({ videoArrived: false, taskId: 'task_1' }),
			expect.objectContaining({ videoArrived: false, taskId: 'task_2' }),
		]);
	});

	it('does not pause when every task is already finished on creation', async () => {
		mock().scriptTasks({ terminalOnCreate: true });
		const [item] = await run({ parameters: callbackParameters(), items: [{ json: { url: 'https://example.com/1.png' } }] });
		expect(item.json).toMatchObject({ status: 'completed', taskId: 'task_1' });
	});

	it('refuses a Callback URL of the user’s own, before submitting anything', async () => {
		await expect(
			run({
				parameters: callbackParameters({ options: { callbackUrl: 'https://example.com/mine' } }),
				items: [{ json: { url: 'https://example.com/1.png' } }],
			}),
		).rejects.toMatchObject({
			message: 'Callback URL cannot be combined with Wait Mode "Callback (Pause Execution)"',
			description: expect.stringContaining('Remove the Callback URL option'),
		});
		expect(mock().creates).toHaveLength(0);
	});

	it('names the tasks already submitted when a later item fails without Continue On Fail', async () => {
		const failure = await run({
			parameters: callbackParameters(),
			items: [{ json: { url: 'https://example.com/1.png' } }, { json: { url: 'ftp://example.com/2.png' } }],
		}).catch((e: unknown) => e as { message: string; description: string });
		expect(failure.message).toMatch(/Image URL/);
		expect(failure.description).toMatch(/Other tasks submitted in this run, all paid for: task_1/);
	});
});
