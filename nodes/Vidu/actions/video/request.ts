import type { IExecuteFunctions } from 'n8n-workflow';

import { type GenerationOptions, type GenerationRequest } from '../../helpers/body';
import { readImage } from './image';

/** Reads one item's generation parameters from the node UI. */
export async function readGenerationRequest(this: IExecuteFunctions, itemIndex: number): Promise<GenerationRequest> {
	return {
		model: this.getNodeParameter('model', itemIndex) as string,
		image: await readImage.call(this, itemIndex),
		prompt: this.getNodeParameter('prompt', itemIndex, '') as string,
		options: this.getNodeParameter('options', itemIndex, {}) as GenerationOptions,
	};
}
