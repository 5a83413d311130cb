import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { waitOptions } from '../descriptions/waiting.description';
import { readNumber } from '../request/checks';

type WaitOptionName = 'maxConcurrent' | 'maxWaitMinutes' | 'pollIntervalSeconds' | 'requestTimeoutSeconds';
/** An expression can give text, null or NaN (a NaN would spin the wait loop); default and limits are the UI's. */
function readWaitOption(values: IDataObject, name: WaitOptionName): number {
	const option = (waitOptions.options as INodeProperties[]).find((described) => described.name === name)!;
	// Not added: the default. Added but empty by an expression: an error.
	if (!Object.prototype.hasOwnProperty.call(values, name)) return option.default as number;
	const { minValue: min, maxValue: max, numberPrecision } = option.typeOptions ?? {};
	const read = readNumber(values[name], option.displayName, { min, max, integer: numberPrecision === 0 });
	if (read.problem) throw read.problem;
	return read.value;
}

export type WaitSettings = ReturnType<typeof readWaitSettings>;
/** The Wait Options of a run, from the first item: one schedule serves every task of the run. */
export function readWaitSettings(this: IExecuteFunctions) {
	const values = this.getNodeParameter('waitOptions', 0, {}) as IDataObject;
	return {
		maxConcurrent: readWaitOption(values, 'maxConcurrent'),
		maxWaitMinutes: readWaitOption(values, 'maxWaitMinutes'),
		pollIntervalMs: readWaitOption(values, 'pollIntervalSeconds') * 1000,
		requestTimeoutMs: readWaitOption(values, 'requestTimeoutSeconds') * 1000,
		allowLocalResumeUrl: values.allowLocalResumeUrl === true,
		cancelOnStop: values.cancelOnStop === true,
	};
}
