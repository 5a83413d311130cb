import type { IExecuteFunctions } from 'n8n-workflow';

import { downloadProperties } from '../descriptions/download.description';
import { InputProblem } from '../errors/outcomes';
import { coerce } from './checks';

const [DOWNLOAD_VIDEO, OUTPUT_FIELD] = downloadProperties;

/**
 * Where Download Video puts the file, or undefined when it is off. Typed, since an expression can give "false"
 * as text, and read before anything is paid for: a problem found once the video is ready would come too late.
 */
export function readDownloadField(downloadVideo: unknown, fieldName: unknown): string | undefined {
	const download = coerce(downloadVideo, DOWNLOAD_VIDEO);
	if (download.problem) throw download.problem;
	if (download.value !== true) return undefined;
	const field = coerce(fieldName, OUTPUT_FIELD);
	if (field.problem) throw field.problem;
	if (typeof field.value === 'string' && field.value.trim() !== '') return field.value;
	throw new InputProblem(
		`${OUTPUT_FIELD.displayName} is empty`,
		`Name the binary field that receives the video (default ${String(OUTPUT_FIELD.default)}), or turn off ${DOWNLOAD_VIDEO.displayName}.`,
	);
}

export function downloadFieldOf(this: Pick<IExecuteFunctions, 'getNodeParameter'>, index: number): string | undefined {
	return readDownloadField(
		this.getNodeParameter(DOWNLOAD_VIDEO.name, index, DOWNLOAD_VIDEO.default),
		this.getNodeParameter(OUTPUT_FIELD.name, index, OUTPUT_FIELD.default),
	);
}
