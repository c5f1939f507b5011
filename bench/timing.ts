/** Percentiles of timed series, shared by the benches. */

export type Timing = { runs: number; p50: number; p95: number; max: number };

/** The p-th percentile of an ascending series (nearest rank). */
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export const timing = (times: number[]): Timing => {
  const s = [...times].sort((a, b) => a - b);
  return { runs: s.length, p50: pct(s, 50), p95: pct(s, 95), max: s[s.length - 1] };
};
