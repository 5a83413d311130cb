export interface ScheduleSettings {
	minGapMs: number;
	/** The user's polling interval: never wait longer than this between checks. */
	maxGapMs: number;
}

export const DEFAULT_SCHEDULE: Omit<ScheduleSettings, 'maxGapMs'> = { minGapMs: 1000 };
/** Aim slightly after the estimated end rather than before it, to need one check instead of two. */
export const AIM_AFTER_MS = 60;
/** Over how many slots of one polling interval the first checks of a batch are spread. */
const SLOTS = 5;

// An interval plus the slot's share of another (slot 0 holds two tasks to learn from); once a length is learnt, checks an interval apart that land on it.
export function firstCheckDelay(settings: ScheduleSettings, index: number, expectedMs?: number): number {
	if (expectedMs !== undefined) {
		const end = expectedMs + AIM_AFTER_MS;
		const gaps = Math.max(0, Math.floor(end / settings.maxGapMs) - 1);
		return Math.round(Math.max(settings.minGapMs, end - gaps * settings.maxGapMs));
	}
	const slot = index < 2 * SLOTS ? index % SLOTS : 1 + (index % (SLOTS - 1));
	return Math.round(settings.maxGapMs * (1 + slot / SLOTS));
}

/** The delay before the next check, from the time since submission and the last progress (0–1), if any. */
export function nextCheckDelay(sinceSubmitMs: number, progress: number | null, settings: ScheduleSettings, expectedMs?: number): number {
	const clamp = (ms: number) => Math.round(Math.max(settings.minGapMs, Math.min(settings.maxGapMs, ms)));
	if (progress !== null && progress > 0.02 && progress < 1) return clamp((sinceSubmitMs / progress) * (1 - progress) + AIM_AFTER_MS);
	if (expectedMs === undefined) return settings.maxGapMs;
	// Past the expected end, short gaps growing with how late the task is (it may be a slow one).
	const untilEnd = expectedMs + AIM_AFTER_MS - sinceSubmitMs;
	return clamp(untilEnd > 0 ? untilEnd : -untilEnd / 2);
}
