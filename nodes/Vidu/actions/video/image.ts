import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sniffImage } from '../../helpers/image';

type ImageSource = 'binary' | 'url' | 'base64';

const DATA_URI = /^data:([^;,]*)(;[^,]*)?,/i;

function toDataUri(this: IExecuteFunctions, bytes: Buffer, field: string, itemIndex: number): string {
	const sniffed = sniffImage(bytes);
	if (!sniffed.supported) {
		throw new NodeOperationError(this.getNode(), `${field}: the image is ${sniffed.label}, not PNG, JPEG or WebP`, {
			description: 'Vidu accepts PNG, JPEG and WebP images only. Convert the image first (for example with the Edit Image node).',
			itemIndex,
		});
	}
	// The MIME type comes from the bytes: file names and declared types are often wrong.
	return `data:${sniffed.mime};base64,${bytes.toString('base64')}`;
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
	return toDataUri.call(this, bytes, 'Input Data Field Name', itemIndex);
}

function fromUrl(this: IExecuteFunctions, itemIndex: number): string {
	const url = String(this.getNodeParameter('imageUrl', itemIndex)).trim();
	if (!/^https?:\/\/[^\s/]+/i.test(url)) {
		throw new NodeOperationError(this.getNode(), `Image URL: "${url.slice(0, 100)}" is not an http(s) URL`, {
			description: 'Give a public link starting with http:// or https://, or pick another Image Source.',
			itemIndex,
		});
	}
	return url;
}

function fromBase64(this: IExecuteFunctions, itemIndex: number): string {
	const text = String(this.getNodeParameter('imageData', itemIndex)).trim();
	const payload = text.replace(DATA_URI, '').replace(/\s+/g, '');
	const isBase64 = payload.length > 0 && payload.length % 4 !== 1 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(payload);
	if (!isBase64) {
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
