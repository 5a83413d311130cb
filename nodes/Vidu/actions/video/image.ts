import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkImageBytes, checkImageUrl, type InputProblem } from '../../helpers/validate';

type ImageSource = 'binary' | 'url' | 'base64';

const DATA_URI = /^data:([^;,]*)(;[^,]*)?,/i;

export function inputError(this: IExecuteFunctions, problem: InputProblem, itemIndex: number): NodeOperationError {
	return new NodeOperationError(this.getNode(), problem.message, { description: problem.description, itemIndex });
}

function toDataUri(this: IExecuteFunctions, bytes: Buffer, field: string, itemIndex: number): string {
	const checked = checkImageBytes(bytes, field);
	if (checked.problem) throw inputError.call(this, checked.problem, itemIndex);
	// The MIME type comes from the bytes: file names and declared types are often wrong.
	return `data:${checked.mime};base64,${bytes.toString('base64')}`;
}

async function fromBinary(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	const field = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const binary = this.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[field]) {
		const present = Object.keys(binary);
		throw new NodeOperationError(this.getNode(), `Input Data Field Name: the input item has no binary field "${field}"`, {
			description: present.length
				? `Fields present on this item: ${present.join(', ')}. Set Input Data Field Name to one of them.`
				: 'This item carries no binary data at all. Read the image first (Read/Write Files from Disk, HTTP Request with response format File, Google Drive download), or pick the URL or Base64 image source.',
			itemIndex,
		});
	}
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, field);
	return toDataUri.call(this, bytes, `Input Data Field Name ("${field}")`, itemIndex);
}

function fromUrl(this: IExecuteFunctions, itemIndex: number): string {
	const url = String(this.getNodeParameter('imageUrl', itemIndex) ?? '').trim();
	const problem = checkImageUrl(url);
	if (problem) throw inputError.call(this, problem, itemIndex);
	return url;
}

function fromBase64(this: IExecuteFunctions, itemIndex: number): string {
	const text = String(this.getNodeParameter('imageData', itemIndex) ?? '').trim();
	const payload = text.replace(DATA_URI, '').replace(/\s+/g, '');
	if (payload === '') {
		throw new NodeOperationError(this.getNode(), 'Image Data is empty', {
			description: 'Map the base64 text or data URI of the image from the previous node, or pick another Image Source.',
			itemIndex,
		});
	}
	if (payload.length % 4 === 1 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(payload)) {
		throw new NodeOperationError(this.getNode(), 'Image Data: the text is not valid base64', {
			description: `Expected base64 text or a data URI such as data:image/png;base64,iVBOR…; got "${text.slice(0, 40)}${text.length > 40 ? '…' : ''}".`,
			itemIndex,
		});
	}
	return toDataUri.call(this, Buffer.from(payload, 'base64'), 'Image Data', itemIndex);
}

/** The `images[0]` value the API wants: a data URI or an http(s) URL. */
export async function readImage(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	const source = this.getNodeParameter('imageSource', itemIndex) as ImageSource;
	if (source === 'url') return fromUrl.call(this, itemIndex);
	if (source === 'base64') return fromBase64.call(this, itemIndex);
	return await fromBinary.call(this, itemIndex);
}
