/**
 * A node's acquire latency from its own Prometheus histograms (the
 * `lockmesh_acquire_<mode>_duration_seconds` series), summarised at the end
 * of a chaos run: count, mean and p50 / p99 estimated from the buckets the
 * way PromQL's histogram_quantile does (linear inside a bucket).
 */
import type { MetricObjectWithValues, MetricValueWithName } from 'prom-client'
import { METRIC } from '../../src/metrics/names.js'

export interface LatencySummary {
  /** Granted acquires. */
  count: number
  meanMs: number | null
  p50Ms: number | null
  p99Ms: number | null
  /** Acquires that settled without a grant (any reason). */
  failed: number
}

export type AcquireLatency = Record<'exclusive' | 'shared', LatencySummary>

/** The q-quantile (0..1) of a cumulative histogram given as (upper bound s, count ≤ bound), sorted; +Inf last. */
export function quantileFromBuckets (q: number, buckets: ReadonlyArray<[le: number, cumulative: number]>): number | null {
  const total = buckets.at(-1)?.[1] ?? 0
  if (total === 0) return null
  const rank = q * total
  let prevLe = 0
  let prevCount = 0
  for (const [le, count] of buckets) {
    if (count >= rank) {
      // The +Inf bucket: the highest finite bound, as histogram_quantile does.
      if (!Number.isFinite(le)) return prevLe
      const inBucket = count - prevCount
      return inBucket === 0 ? le : prevLe + (le - prevLe) * (rank - prevCount) / inBucket
    }
    prevLe = le
    prevCount = count
  }
  return prevLe
}

type Json = Array<MetricObjectWithValues<MetricValueWithName<string>>>

function summarise (metrics: Json, name: string): LatencySummary {
  const m = metrics.find(x => x.name === name)
  const values = m?.values ?? []
  const of = (suffix: string, granted: boolean | null): Array<MetricValueWithName<string>> =>
    values.filter(v => v.metricName === `${name}${suffix}` && (granted === null || (v.labels.outcome === 'granted') === granted))
  const buckets = new Map<number, number>()
  for (const v of of('_bucket', true)) {
    const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le)
    buckets.set(le, (buckets.get(le) ?? 0) + v.value)
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0])
  const count = of('_count', true).reduce((n, v) => n + v.value, 0)
  const sumS = of('_sum', true).reduce((n, v) => n + v.value, 0)
  const failed = of('_count', false).reduce((n, v) => n + v.value, 0)
  const ms = (s: number | null): number | null => s === null ? null : Math.round(s * 1000 * 10) / 10
  return { count, meanMs: count === 0 ? null : ms(sumS / count), p50Ms: ms(quantileFromBuckets(0.5, sorted)), p99Ms: ms(quantileFromBuckets(0.99, sorted)), failed }
}

/** From `registry.getMetricsAsJSON()` of one node. */
export function acquireLatency (metrics: Json): AcquireLatency {
  return { exclusive: summarise(metrics, METRIC.acquireExclusiveSeconds), shared: summarise(metrics, METRIC.acquireSharedSeconds) }
}
