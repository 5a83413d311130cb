/**
 * When to ask again about one task. With nothing known, once per polling interval, like the loop
 * users build by hand; the tasks of a batch are spread over the interval, so that one of them sees
 * the first finished video soon after it ends. When the API reports progress, the next check aims at
 * the moment the task should end; without it, at what the run's finished tasks took, once the poller
 * has found that true of other tasks (it passes that end here only then).
 */
export interface ScheduleSettings {
	/** Never check one task more often than this. */
	minGapMs: number;
	/** The user's polling interval: never wait longer than this between checks. */
	maxGapMs: number;
}

export const DEFAULT_SCHEDULE: Omit<ScheduleSettings, 'maxGapMs'> = { minGapMs: 1000 };

/**
 * Aim slightly after the estimated end rather than just before it, to need one check instead of two.
 * Both estimates are off by milliseconds only: from progress, by the time the create answer took to
 * come back (the API counts from its own creation); from the run's finished tasks, by how much sooner
 * one submission was answered than another. The margin covers that and the status call's transit.
 */
export const AIM_AFTER_MS = 60;

/** Over how many slots of one polling interval the first checks of a batch are spread. */
const SLOTS = 5;

/**
 * The first check after submission of the batch's `index`-th task: one polling interval later, plus
 * its slot's share of another; once this run has learnt how long its tasks take, checks a polling
 * interval apart that land on the expected end.
 *
 * The first slot is checked soonest, so it is what the run learns from; with tasks of one nominal
 * length that vary a little, about half of it is still running when it is checked at the end it
 * teaches, and each such task is asked once more. So it holds two tasks, enough to see the first
 * video, and the rest of a large batch goes to the other slots.
 */
export function firstCheckDelay(settings: ScheduleSettings, index: number, expectedMs?: number): number {
	if (expectedMs !== undefined) {
		// The first one takes the remainder.
		const end = expectedMs + AIM_AFTER_MS;
		const gaps = Math.max(0, Math.floor(end / settings.maxGapMs) - 1);
		return Math.round(Math.max(settings.minGapMs, end - gaps * settings.maxGapMs));
	}
	const slot = index < 2 * SLOTS ? index % SLOTS : 1 + (index % (SLOTS - 1));
	return Math.round(settings.maxGapMs * (1 + slot / SLOTS));
}

/**
 * The delay before the next check, given the time since submission and the last progress (0–1)
 * the API reported, if any.
 */
export function nextCheckDelay(
	sinceSubmitMs: number,
	progress: number | null,
	settings: ScheduleSettings,
	/** How long this run's finished tasks took, when any has finished. */
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
	return settings.maxGapMs;
}
