import type { Task } from '../../nodes/Vidu/transport/task';

/** A task as the client returns it, with nothing but an id, a state and optionally a progress. */
export const aTask = (id: string, state: Task['state'] = 'running', progress: number | null = null): Task => ({
	id,
	state,
	apiStatus: state,
	progress,
	model: null,
	videos: [],
	videoCount: 0,
	usage: null,
	metadata: null,
	error: null,
});
