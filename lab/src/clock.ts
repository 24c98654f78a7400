/** The lab's notion of time: every "...Ago" in a scenario is measured back from the moment the lab started. */
export interface LabClock {
  /** When the lab started (ms since the epoch); the backfilled history ends just before it. */
  startedAt: number;
  now(): number;
}

export function agoFrom(clock: LabClock, agoMs: number): number {
  return clock.startedAt - agoMs;
}
