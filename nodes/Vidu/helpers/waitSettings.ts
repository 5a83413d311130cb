import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { waitOptions } from '../descriptions/waiting.description';
import { readNumber } from '../request/checks';

export interface WaitSettings {
	maxConcurrent: number;
	maxWaitMinutes: number;
	pollIntervalMs: number;
	requestTimeoutMs: number;
	allowLocalResumeUrl: boolean;
}

type WaitOptionName = 'maxConcurrent' | 'maxWaitMinutes' | 'pollIntervalSeconds' | 'requestTimeoutSeconds';

const described = Object.fromEntries((waitOptions.options as INodeProperties[]).map((option) => [option.name, option])) as Record<
	WaitOptionName,
	INodeProperties
>;

/**
 * One wait option, typed: the UI keeps it in range, but an expression can give text, null or NaN, and
 * a NaN in the wait loop would spin n8n's event loop. The default and the limits are the UI's own.
 */
function readWaitOption(values: IDataObject, name: WaitOptionName): number {
	const option = described[name];
	// An option not added takes its default; one added but set by an expression that gives nothing is an error.
	if (!Object.prototype.hasOwnProperty.call(values, name)) return option.default as number;
	const read = readNumber(values[name], option.displayName, {
		min: option.typeOptions?.minValue,
		max: option.typeOptions?.maxValue,
		integer: option.typeOptions?.numberPrecision === 0,
	});
	if (read.problem) throw read.problem;
	return read.value;
}

/** The Wait Options of a run, from the first item: one schedule serves every task of the run. */
export function readWaitSettings(this: IExecuteFunctions): WaitSettings {
	const values = this.getNodeParameter('waitOptions', 0, {}) as IDataObject;
	return {
		maxConcurrent: readWaitOption(values, 'maxConcurrent'),
		maxWaitMinutes: readWaitOption(values, 'maxWaitMinutes'),
		pollIntervalMs: readWaitOption(values, 'pollIntervalSeconds') * 1000,
		requestTimeoutMs: readWaitOption(values, 'requestTimeoutSeconds') * 1000,
		allowLocalResumeUrl: values.allowLocalResumeUrl === true,
	};
}
