/** Small statistics for the bench: percentiles of samples, and median/min/max over repetitions. */

/** The p-quantile (0..1) of samples, nearest-rank; NaN for none. */
export function percentile (samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** A metric over repetitions: the median is what the report shows, min–max its spread. */
export interface Spread { median: number, min: number, max: number, values: number[] }

export function spread (values: readonly number[]): Spread | null {
  const xs = values.filter(v => Number.isFinite(v))
  if (xs.length === 0) return null
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values: [...xs] }
}

/** Rounded for reports: 2 decimals below 10, 1 below 1000, integers above. */
export function round (x: number): number {
  if (!Number.isFinite(x)) return x
  const a = Math.abs(x)
  return a < 10 ? Math.round(x * 100) / 100 : a < 1000 ? Math.round(x * 10) / 10 : Math.round(x)
}

/** Largest count over smallest (Infinity when a worker got none). */
export function fairnessRatio (counts: readonly number[]): number {
  if (counts.length === 0) return NaN
  const min = Math.min(...counts)
  return min === 0 ? Infinity : Math.max(...counts) / min
}
