import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { buildCreateBody, type GenerationOptions } from '../../helpers/body';
import { checkBodySize, checkParameters } from '../../helpers/validate';
import { inputError, readImage } from './image';

const IMAGE_FIELD: Record<string, string> = {
	binary: 'Input Data Field Name',
	url: 'Image URL',
	base64: 'Image Data',
};

/**
 * Reads one item's parameters and returns the create body, after every check that can be made
 * before paying: the parameters first (cheap), then the image, then the size of the whole request.
 */
export async function readCreateBody(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const parameters = {
		model: this.getNodeParameter('model', itemIndex) as string,
		prompt: this.getNodeParameter('prompt', itemIndex, '') as string,
		options: this.getNodeParameter('options', itemIndex, {}) as GenerationOptions,
	};
	const problem = checkParameters(parameters);
	if (problem) throw inputError.call(this, problem, itemIndex);
	const image = await readImage.call(this, itemIndex);
	const body = buildCreateBody({ ...parameters, image });
	const field = IMAGE_FIELD[this.getNodeParameter('imageSource', itemIndex) as string] ?? 'Image';
	const tooBig = checkBodySize(body, image, field);
	if (tooBig) throw inputError.call(this, tooBig, itemIndex);
	return body;
}
