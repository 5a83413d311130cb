import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { downloadProperties } from '../descriptions/download.description';
import { InputProblem } from '../errors/outcomes';
import { coerce } from './checks';

const [DOWNLOAD_VIDEO, OUTPUT_FIELD] = downloadProperties;

/** Where Download Video puts the file, or undefined when off. Read before paying: a problem found once the video is ready is too late. */
export function readDownloadField(read: (property: INodeProperties) => unknown): string | undefined {
	const [downloadVideo, fieldName] = downloadProperties.map(read);
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
	return readDownloadField((property) => this.getNodeParameter(property.name, index, property.default));
}
