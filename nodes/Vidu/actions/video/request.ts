import type { IExecuteFunctions } from 'n8n-workflow';

import { type GenerationOptions, planCreateBody } from '../../helpers/body';
import { base64Length } from '../../helpers/encode';
import { checkBodySize, checkParameters } from '../../helpers/validate';
import { inputError, readImage } from './image';

const IMAGE_FIELD: Record<string, string> = {
	binary: 'Input Data Field Name',
	url: 'Image URL',
	base64: 'Image Data',
};

/**
 * Reads one item's parameters and returns the serialised create body, after every check that can
 * be made before paying: the parameters (cheap), the image's size and header, the request size.
 * Only then is the image read in full, once, straight into the body.
 */
export async function readCreateBody(
	this: IExecuteFunctions,
	itemIndex: number,
	/** Options the node sets itself (the callback URL in callback wait mode). */
	overrides: Partial<GenerationOptions> = {},
): Promise<Buffer> {
	const parameters = {
		model: this.getNodeParameter('model', itemIndex) as string,
		prompt: this.getNodeParameter('prompt', itemIndex, '') as string,
		options: { ...(this.getNodeParameter('options', itemIndex, {}) as GenerationOptions), ...overrides },
	};
	const problem = checkParameters(parameters);
	if (problem) throw inputError.call(this, problem, itemIndex);
	const image = await readImage.call(this, itemIndex);
	const body = planCreateBody(parameters, image);
	const field = IMAGE_FIELD[this.getNodeParameter('imageSource', itemIndex) as string] ?? 'Image';
	const imageChars = typeof image === 'string' ? image.length : base64Length(image.byteLength);
	const tooBig = checkBodySize(body.bytes, imageChars, field);
	if (tooBig) throw inputError.call(this, tooBig, itemIndex);
	return await body.build();
}
