/** Model error codes from the Vidu Q1 reference, with what a user can do about each. */
const MODEL_ERROR_CODES: Record<string, { meaning: string; hint: string }> = {
	'0': { meaning: 'No error', hint: 'The API reported no error code; run the task again or check it with Get Task.' },
	'8008003001': {
		meaning: 'Missing image',
		hint: 'Make sure the image field holds one PNG, JPEG or WebP image.',
	},
	'8008003002': {
		meaning: 'Invalid parameter value',
		hint: 'Check the node parameters against the limits shown in their descriptions.',
	},
	'8008003003': { meaning: 'Invalid style', hint: 'Check the prompt and the chosen options.' },
	'8008003004': {
		meaning: 'Invalid image',
		hint: 'Use a PNG, JPEG or WebP image under 50 MB with an aspect ratio between 1:4 and 4:1.',
	},
	'8008003098': {
		meaning: 'Generation failed',
		hint: 'The provider could not generate this video. Try again, perhaps with another image or prompt.',
	},
	'8008003099': {
		meaning: 'Provider unavailable',
		hint: 'The video provider is temporarily unavailable. Try again later.',
	},
};

export interface ModelErrorCodeInfo {
	meaning: string;
	hint: string;
}

export function describeModelErrorCode(code: string | number | undefined): ModelErrorCodeInfo | undefined {
	if (code === undefined) return undefined;
	return MODEL_ERROR_CODES[String(code).trim()];
}
