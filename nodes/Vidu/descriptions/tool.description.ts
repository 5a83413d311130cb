import type { INodeProperties } from 'n8n-workflow';

// Declared so that n8n does not add its own, which would say only "Generate a video from an image in Vidu".
const TOOL_DESCRIPTIONS: Record<string, string> = {
	generate:
		'Turns one still image into a video with a Vidu model (the node’s Model: Vidu Q1 makes 5 s at 1080p; Q2 up to 10 s, Q3 up to 16 s). Give the public http(s) URL of a PNG, JPEG or WebP image (aspect ratio between 1:4 and 4:1) and a prompt saying how the scene should move. Waits until the video is ready, then returns videoUrl (the MP4, valid about 24 hours), taskId, status and costUsd; on failure, error, description and taskId.',
	startEndToVideo:
		'Makes a video that moves from a first image to a last image with a Vidu model (the node’s Model: Q2 up to 8 s, Q3 up to 16 s). Give the public http(s) URLs of the two PNG, JPEG or WebP images (first frame, then end frame) and a prompt saying what happens between them. Waits until the video is ready, then returns videoUrl (the MP4, valid about 24 hours), taskId, status and costUsd; on failure, error, description and taskId.',
	textToVideo:
		'Makes a video from a text prompt alone with a Vidu model (the node’s Model: Q1 5 s, Q2 up to 10 s, Q3 up to 16 s). Give the prompt describing the scene and its motion (required). Waits until the video is ready, then returns videoUrl (the MP4, valid about 24 hours), taskId, status and costUsd; on failure, error, description and taskId.',
	referenceToVideo:
		'Makes a video that keeps the people, objects or scenes of 1 to 7 reference images with a Vidu model (the node’s Model: Q3 3–16 s; Q1 and Q2 models call the images @1, @2, … in the prompt). Give the public http(s) URLs of the PNG, JPEG or WebP images, comma-separated, and a prompt saying what happens (required). Waits until the video is ready, then returns videoUrl (the MP4, valid about 24 hours), taskId, status and costUsd; on failure, error, description and taskId.',
	extendVideo:
		'Continues a video by 1 to 7 seconds with a Vidu Q2 model. Give the public http(s) URL of the video (4 s to 1 min, such as a videoUrl this tool returned) and optionally a prompt saying what happens next. Waits until the longer video is ready, then returns videoUrl (the MP4, valid about 24 hours), taskId, status and costUsd; on failure, error, description and taskId.',
	submit:
		'Starts a Vidu video task of the node’s Task Kind (image, start and end frames, references, text, or extending a video) with its Model, and returns at once with taskId and status, without the video. Give what the kind takes (public http(s) URLs of the images or video) and a prompt. Fetch the result later by its taskId.',
	getTask:
		'Looks up a Vidu video task by its taskId. Returns status (in_progress, completed or failed) and, once completed, videoUrl (the MP4) and costUsd; on failure, error and description.',
};

export const toolDescriptionProperties: INodeProperties[] = Object.entries(TOOL_DESCRIPTIONS).map(([operation, text]) => ({
	displayName: 'Tool Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 3 },
	default: text,
	required: true,
	description: 'What the AI agent’s model reads about this tool: what to give it and what it returns',
	displayOptions: { show: { '@tool': [true], resource: ['video'], operation: [operation] } },
}));
