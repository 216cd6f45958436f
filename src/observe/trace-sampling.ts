/**
 * Whether a trace is kept at this rate, decided from its id alone (its last 8 hex digits, random in
 * both our ids and OpenTelemetry's): every process with the same rate decides the same way, so
 * feedback given later, or elsewhere, follows its call in or out of the log without memory.
 */
export function isSampled(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const value = Number.parseInt(traceId.slice(-8), 16);
  return Number.isFinite(value) && value / 0x1_0000_0000 < rate;
}
