import { randomUUID } from 'node:crypto';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { INodeParameters } from 'n8n-workflow';

import { signedHeaders } from '../../dev/mock/signCallback';
import { runWebhook } from '../helpers/runNode';
import { URL_IMAGE, useMock } from '../helpers/setup';

const { mock, run } = useMock();
const TRIGGER = 'n8n-nodes-vidu.viduTrigger';

/** A callback reaching the trigger's production URL. */
async function call(body: unknown, parameters: INodeParameters = {}, headers?: Record<string, string>) {
	const credential = { apiKey: mock().apiKey, baseUrl: mock().url };
	return await runWebhook(
		{ parameters, items: [], credential, nodeType: TRIGGER },
		{ query: {}, body, headers, url: '/webhook/4c1f/vidu' },
	);
}
const submit = async (parameters: INodeParameters = {}) =>
	String((await run({ parameters: { operation: 'submit', ...URL_IMAGE, ...parameters } }))[0].json.taskId);

describe('Vidu Trigger: one execution per finished task', () => {
	it('a finished task starts one execution with the same fields as Generate; its repeated callbacks start none', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const taskId = await submit();
		const first = await call({ id: taskId, status: 'completed' });
		expect(first.answer).toEqual({ status: 200, body: { received: true } });
		const [[item]] = first.response.workflowData!;
		expect(item.json).toMatchObject({ taskId, status: 'completed', videoUrl: `${mock().url}/cdn/${taskId}.mp4`, usage: { cost: 0.2 } });
		for (let n = 0; n < 2; n++) {
			const again = await call({ id: taskId, status: 'completed' });
			expect(again.response.workflowData).toBeUndefined();
			expect(again.answer).toEqual({ status: 200, body: { received: true, ignored: 'this task already started an execution' } });
		}
	});

	it('trusts nothing the body says: a running task, an unknown id or no id starts nothing', async () => {
		mock().scriptTasks({ pollsBeforeDone: 5 });
		const running = await submit();
		const answers = await Promise.all([
			call({ id: running, status: 'completed' }),
			call({ id: 'task_999', status: 'completed' }),
			call({ status: 'completed' }),
			call('not json'),
		]);
		expect(answers.map(({ response }) => response.workflowData)).toEqual([undefined, undefined, undefined, undefined]);
		expect(answers.map(({ answer }) => (answer.body as { ignored: string }).ignored)).toEqual([
			'processing is not an event this trigger starts on',
			'not a task of this account',
			'no task id',
			'no task id',
		]);
	});

	it('asks the API nothing for a callback that cannot start an execution: "processing" while that event is off, a task already started', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 }, { pollsBeforeDone: 0 });
		const [first, second] = [await submit(), await submit()];
		const polls = mock().polls.length;
		const processing = await call({ id: first, status: 'processing' });
		expect(processing.answer.body).toEqual({ received: true, ignored: 'processing is not an event this trigger starts on' });
		expect(mock().polls).toHaveLength(polls);
		expect((await call({ id: first, status: 'completed' })).response.workflowData).toHaveLength(1);
		expect(mock().polls).toHaveLength(polls + 1);
		const repeated = await call({ id: first, status: 'completed' });
		expect(repeated.answer.body).toEqual({ received: true, ignored: 'this task already started an execution' });
		expect(mock().polls).toHaveLength(polls + 1);
		// With Processing chosen, the API is asked, and a started task is an execution too.
		const [[item]] = (await call({ id: second, status: 'processing' }, { events: ['processing', 'completed'] })).response.workflowData!;
		expect(item.json).toMatchObject({ taskId: second, status: 'completed' });
		expect(mock().polls).toHaveLength(polls + 2);
	});

	it('a failed task starts an execution with its error when Failed is chosen, and none when only Completed is', async () => {
		mock().scriptTasks({ pollsBeforeDone: 0, finalStatus: 'failed', error: { code: 8008003004, message: 'bad image' } });
		const taskId = await submit();
		const onlyCompleted = await call({ id: taskId }, { events: ['completed'] });
		expect(onlyCompleted.response.workflowData).toBeUndefined();
		const [[item]] = (await call({ id: taskId })).response.workflowData!;
		expect(item.json).toMatchObject({ taskId, status: 'failed', error: { code: 8008003004, message: 'bad image' } });
	});

	it("the status API failing: answered 503 so that the provider calls again, nothing starts, and n8n's log says why", async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const taskId = await submit();
		mock().fault({ route: 'poll', status: 502, body: { message: 'bad gateway' }, times: 2 });
		const warn = jest.spyOn(Container.get(Logger), 'warn');
		const { answer, response } = await call({ id: taskId });
		expect(answer.status).toBe(503);
		expect(response.workflowData).toBeUndefined();
		const [[logged]] = warn.mock.calls;
		warn.mockRestore();
		expect(logged).toMatch(/^Vidu Trigger: callback not handled, answered 503 for the provider to call again: .*HTTP 502/);
		expect((await call({ id: taskId })).response.workflowData).toHaveLength(1);
	});

	it("Vidu's own API: a forged callback is answered 401 without asking the API; a signed one starts the execution", async () => {
		mock().scriptTasks({ pollsBeforeDone: 0 });
		const taskId = await submit({ authentication: 'official', options: { payload: 'order-7' } });
		const official = { authentication: 'official' };
		const signed = (key: string) =>
			Object.fromEntries(
				Object.entries(signedHeaders(key, 'POST', '/webhook/4c1f/vidu', new Date(), randomUUID())).map(([k, v]) => [k.toLowerCase(), v]),
			);
		const polls = mock().polls.length;
		const forged = await call({ id: taskId, state: 'success' }, official, signed('forged-key-0123456789'));
		expect(forged.answer).toEqual({ status: 401, body: { error: 'callback refused: signature does not match' } });
		expect(mock().polls).toHaveLength(polls);
		const [[item]] = (await call({ id: taskId, state: 'success' }, official, signed(mock().apiKey))).response.workflowData!;
		// The payload sent with the task comes back with it: a workflow's own context, carried through.
		expect(item.json).toMatchObject({ taskId, status: 'completed', usage: { credits: 4 }, payload: 'order-7' });
	});
});
