import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadProperties } from '../../descriptions/download.description';
import { generationOptions, kindProperties, promptProperty, toggleProperties } from '../../descriptions/generation.description';
import { KIND_LIST } from '../../request/models';
import { waitModeProperties, waitOptions } from '../../descriptions/waiting.description';
import { readCreateBody } from '../../request/createRequest';
import { downloadFieldOf } from '../../request/downloadChoice';
import { waitByCallback } from '../../callback/waitByCallback';
import { waitByPolling } from '../../poll/waitByPolling';
import { readWaitSettings } from '../../helpers/waitSettings';
import type { Deps } from '../router';

/** One operation per kind (Image to Video is `generate`), waiting alike: what differs is the model and the images. */
export const description = [
	...KIND_LIST.flatMap(([kind, { operation }]) =>
		updateDisplayOptions({ show: { resource: ['video'], operation: [operation] } }, kindProperties(kind)),
	),
	...updateDisplayOptions({ show: { resource: ['video'], operation: KIND_LIST.map(([, { operation }]) => operation) } }, [
		promptProperty,
		...toggleProperties,
		...downloadProperties,
		...waitModeProperties,
		...generationOptions,
		waitOptions,
	]),
];

/** The item's request and Download Video choice, checked as its submission will check them. */
export async function checkItem(this: IExecuteFunctions, index: number): Promise<void> {
	// In Wait Mode Callback the node's own resume URL replaces any Callback URL left in the options.
	const callback = this.getNodeParameter('waitMode', 0, 'poll') === 'callback';
	await readCreateBody.call(this, index, callback ? { callbackUrl: undefined } : {});
	downloadFieldOf.call(this, index);
}

export async function execute(this: IExecuteFunctions, { client, presenter, ledger }: Deps): Promise<INodeExecutionData[]> {
	const waitMode = this.getNodeParameter('waitMode', 0, 'poll') as string;
	// Run-wide settings come from the first item: one schedule serves every task of the run.
	const wait = readWaitSettings.call(this);
	const downloadFieldFor = (index: number) => downloadFieldOf.call(this, index);
	if (waitMode === 'callback') return await waitByCallback.call(this, client, ledger, presenter, wait, downloadFieldFor(0));
	const result = await waitByPolling.call(this, client, ledger, wait, downloadFieldFor);
	if (result.firstFailure) throw presenter.runError(result.firstFailure.error, result.firstFailure.index, result.submitted);
	return presenter.outcomes(result.outcomes);
}
