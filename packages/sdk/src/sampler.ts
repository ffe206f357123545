/**
 * Sampling, decided once per trace at its root from the trace id, so every process that sees the
 * trace id (and has the same rate) makes the same decision.
 */

/** True when the trace with this id is kept at `rate` (0..1). */
export function shouldSample(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  // The right-most hex digits are random in W3C trace ids (level 2 "random" flag).
  return parseInt(traceId.slice(-8), 16) / 0x1_0000_0000 < rate;
}
