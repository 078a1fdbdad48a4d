/**
 * When the next attempt may run after failed attempt number `attempt` (1-based), in ms, or
 * null when the schedule is spent (the event is then `failed`). The scheduled delay gets
 * ±10 % jitter; a `Retry-After` is honoured within bounds: never sooner than the schedule,
 * never later than twice the scheduled delay (as Svix clamps it).
 * @example retryDelayMs([60, 300], 1, null, Math.random) // ≈ 54 000 … 66 000
 */
export function retryDelayMs(delaysS: number[], attempt: number, retryAfterS: number | null, random: () => number): number | null {
  const base = delaysS[attempt - 1];
  if (base === undefined) return null;
  const jittered = base * 1000 * (0.9 + 0.2 * random());
  if (retryAfterS === null) return Math.round(jittered);
  return Math.round(Math.min(Math.max(retryAfterS * 1000, jittered), 2 * base * 1000));
}
