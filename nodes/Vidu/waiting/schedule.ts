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

/**
 * The first check after submission: soon, unless this run has learnt how long its tasks take; then
 * at the polling interval, or at the expected end when that comes first.
 */
export function firstCheckDelay(settings: ScheduleSettings, expectedMs?: number): number {
	if (expectedMs !== undefined) {
		// Checks a polling interval apart that land on the expected end: the first one takes the remainder.
		const end = expectedMs + AIM_AFTER_MS;
		const gaps = Math.max(0, Math.floor(end / settings.maxGapMs) - 1);
		return Math.round(Math.max(settings.minGapMs, end - gaps * settings.maxGapMs));
	}
	return Math.min(settings.firstCheckMs, settings.maxGapMs);
}

/**
 * The delay before the next check, given how many checks were made, the time since submission
 * and the last progress (0–1) the API reported, if any.
 */
export function nextCheckDelay(
	checks: number,
	sinceSubmitMs: number,
	progress: number | null,
	settings: ScheduleSettings,
	/** How long this run's finished tasks took (their median), when any has finished. */
	expectedMs?: number,
): number {
	const clamp = (ms: number) => Math.round(Math.max(settings.minGapMs, Math.min(settings.maxGapMs, ms)));
	if (progress !== null && progress > 0.02 && progress < 1) {
		const remaining = (sinceSubmitMs / progress) * (1 - progress);
		return clamp(remaining + AIM_AFTER_MS);
	}
	if (expectedMs !== undefined) {
		const untilEnd = expectedMs + AIM_AFTER_MS - sinceSubmitMs;
		// Before the expected end: the polling interval, or the end itself. Past it: the end is near,
		// so short gaps, growing with how late the task is (it may be a slow one).
		return untilEnd > 0 ? clamp(untilEnd) : clamp(-untilEnd / 2);
	}
	return clamp(firstCheckDelay(settings) * settings.factor ** checks);
}
