/**
 * When to ask again about one task. Quick at first (a short job is seen soon after it ends), then
 * backing off to the user's interval; when the API reports progress, the next check aims at the
 * moment the task should end, so completion is noticed within about a second without flooding.
 */
export interface ScheduleSettings {
	/** The first check after submission. */
	firstCheckMs: number;
	/** Never check one task more often than this. */
	minGapMs: number;
	/** The user's polling interval: never wait longer than this between checks. */
	maxGapMs: number;
	/** Growth of the gap between checks without progress information. */
	factor: number;
}

export const DEFAULT_SCHEDULE: Omit<ScheduleSettings, 'maxGapMs'> = { firstCheckMs: 2000, minGapMs: 1000, factor: 1.5 };

// Aim slightly after the estimated end rather than just before it, to need one check instead of two.
const AIM_AFTER_MS = 300;

export function firstCheckDelay(settings: ScheduleSettings): number {
	return Math.min(settings.firstCheckMs, settings.maxGapMs);
}

/**
 * The delay before the next check, given how many checks were made, the time since submission
 * and the last progress (0–1) the API reported, if any.
 */
export function nextCheckDelay(checks: number, sinceSubmitMs: number, progress: number | null, settings: ScheduleSettings): number {
	const clamp = (ms: number) => Math.round(Math.max(settings.minGapMs, Math.min(settings.maxGapMs, ms)));
	if (progress !== null && progress > 0.02 && progress < 1) {
		const remaining = (sinceSubmitMs / progress) * (1 - progress);
		return clamp(remaining + AIM_AFTER_MS);
	}
	return clamp(firstCheckDelay(settings) * settings.factor ** checks);
}
