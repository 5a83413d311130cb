import type { NodeApiError } from 'n8n-workflow';

import { newExecutionId } from '../helpers/runNode';
import { FAST_WAIT, sentParams, useMock } from '../helpers/setup';

/**
 * n8n's Retry On Fail runs the node again in the same execution, with the same input, when it throws
 * or when its first output item is an error. Here a try is the node run again with the execution id
 * of the first, as n8n-core's WorkflowExecute does (run index 0 both times).
 */
const { mock, run } = useMock();
const urls = [1, 2, 3].map((n) => `https://example.com/${n}.png`);
const items = urls.map((url) => ({ json: { url } }));
const generate = (extra: Record<string, unknown> = {}) => ({
	operation: 'generate',
	imageSource: 'url',
	imageUrl: '={{ $json.url }}',
	waitOptions: FAST_WAIT,
	...extra,
});
const fail = async (promise: Promise<unknown>) => (await promise.catch((e: unknown) => e)) as NodeApiError;
/** The images of the create requests, in arrival order. */
const submittedImages = () => mock().creates.map((_, n) => (sentParams(mock(), n).images as string[])[0]);
/** The first create request for the image `name` gets HTTP 500 (the submission may have been created: never resent by the node). */
function failFirstCreateOf(name: string) {
	let failed = false;
	mock().onRequest = (request) => {
		if (!failed && request.method === 'POST' && JSON.stringify(request.body).includes(name)) {
			failed = true;
			mock().fault({ route: 'create', status: 500, body: { message: 'boom' } });
		}
	};
}

describe("n8n's Retry On Fail: a try never pays again for a task that worked or still runs", () => {
	it('Generate: the retry submits only the item whose task failed, and outputs every item', async () => {
		mock().scriptTasks({ forItem: '/2.png', finalStatus: 'failed', pollsBeforeDone: 0 }, { forItem: '/3.png', pollsBeforeDone: 3 });
		const executionId = newExecutionId();
		const first = await fail(run({ parameters: generate(), items, executionId }));
		expect(first.message).toMatch(/^Vidu task task_\d failed/);
		const paid = urls.map((url) => mock().taskIdFor(url));
		expect(mock().creates).toHaveLength(3);

		const output = await run({ parameters: generate(), items, executionId });
		expect(submittedImages().slice(3)).toEqual([urls[1]]);
		expect(output.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		expect(output[0].json.taskId).toBe(paid[0]);
		expect(output[2].json.taskId).toBe(paid[2]);
		expect(output[1].json.taskId).toBe(mock().taskIdFor(urls[1]));
		expect(output[1].json.taskId).not.toBe(paid[1]);
	});

	it('Generate with Continue On Fail: the first item failed (n8n retries), the others are not paid again', async () => {
		mock().scriptTasks({ forItem: '/1.png', finalStatus: 'failed', pollsBeforeDone: 1 });
		const executionId = newExecutionId();
		const first = await run({ parameters: generate(), items, executionId, continueOnFail: true });
		expect(first[0].json.error).toMatch(/failed/);
		const output = await run({ parameters: generate(), items, executionId, continueOnFail: true });
		expect(submittedImages()).toHaveLength(4);
		expect(submittedImages()[3]).toBe(urls[0]);
		expect(output.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
	});

	it('Submit Only: the retry answers the items already submitted with their tasks', async () => {
		failFirstCreateOf('/2.png');
		const executionId = newExecutionId();
		const parameters = { ...generate(), operation: 'submit' };
		expect((await fail(run({ parameters, items, executionId }))).message).toMatch(/HTTP 500/);
		const task1 = mock().taskIdFor(urls[0]);
		const output = await run({ parameters, items, executionId });
		expect(output.map((item) => item.json.taskId)).toEqual([task1, mock().taskIdFor(urls[1]), mock().taskIdFor(urls[2])]);
		expect(submittedImages()).toEqual([urls[0], urls[1], urls[1], urls[2]]);
	});

	it('a new execution, or another input for the item, is submitted again', async () => {
		const executionId = newExecutionId();
		await run({ parameters: generate(), items: items.slice(0, 1), executionId });
		await run({ parameters: generate(), items: items.slice(0, 1), executionId: newExecutionId() });
		await run({ parameters: generate({ prompt: 'slower' }), items: items.slice(0, 1), executionId });
		expect(submittedImages()).toEqual([urls[0], urls[0], urls[0]]);
	});

	it('Wait Mode Callback: a retry keeps the tasks already submitted, and gives new ones the same run token', async () => {
		failFirstCreateOf('/2.png');
		const executionId = newExecutionId();
		const parameters = generate({ waitMode: 'callback' });
		await fail(run({ parameters, items: items.slice(0, 2), executionId }));
		const paused = await run({ parameters, items: items.slice(0, 2), executionId });
		expect(submittedImages()).toEqual([urls[0], urls[1], urls[1]]);
		const tokenOf = (n: number) => new URL(String(sentParams(mock(), n).callback_url)).searchParams.get('vidu_run');
		expect(tokenOf(2)).toBe(tokenOf(0));
		expect(paused.map((item) => (item.json.vidu as { run: string }).run)).toEqual([tokenOf(0), tokenOf(0)]);
	});
});
