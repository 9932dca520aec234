/** Counts for the summary: acquisitions, failures, latency, faults, store, counters. */
import { pairAcquires } from './acquires.js'
import { beliefWindows } from './belief-windows.js'
import { configOf, eventsInOrder, eventsOf, runEnd } from './events.js'
import { faultIntervals, touchedNodes } from './faults.js'
import { nsToMs, type HistoryRecord } from './history.js'
import { counterTallies, lostUpdateCount } from './lost-update.js'

export interface LatencyStats {
  /** Acquires that ended `acquired`. */
  count: number
  p50: number | null
  p99: number | null
  max: number | null
}

export interface FaultStats {
  injected: number
  /** Faults that hit a holder or its voters: the fault-start's `hitHolder` when recorded, else whether it touched a node holding a lock at its start. */
  hitHolder: number
}

export interface HistoryStats {
  /** Lines read (config and malformed included). */
  records: number
  malformedLines: number
  nodes: number
  durationMs: number
  acquireStarts: number
  acquired: number
  acquiredExclusive: number
  acquiredShared: number
  failedByReason: Record<string, number>
  /** acquire-start → acquired, ms. */
  latencyMs: LatencyStats
  faults: Record<string, FaultStats>
  store: { reads: number, writes: number, rejectedReads: number, rejectedWrites: number }
  acceptedIncrements: number
  lostUpdates: number
}

/** Nearest-rank percentile of an ascending list. */
export function percentile (sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[i]!
}

function round3 (x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000
}

export function historyStats (records: readonly HistoryRecord[]): HistoryStats {
  const config = configOf(records)
  const events = eventsInOrder(records)
  const nodes = config !== undefined
    ? new Set(config.roster).size
    : new Set(events.flatMap(e => e.node === undefined ? [] : [e.node])).size

  const acquired = eventsOf(records, 'acquired')
  const failedByReason: Record<string, number> = {}
  for (const f of eventsOf(records, 'acquire-failed')) failedByReason[f.reason] = (failedByReason[f.reason] ?? 0) + 1

  const latencies = pairAcquires(records).attempts
    .flatMap(a => a.answer?.type === 'acquired' ? [nsToMs(a.answer.t - a.start.t)] : [])
    .sort((a, b) => a - b)

  const windows = beliefWindows(records)
  const faults: Record<string, FaultStats> = {}
  for (const f of faultIntervals(records)) {
    const s = faults[f.kind] ?? (faults[f.kind] = { injected: 0, hitHolder: 0 })
    s.injected++
    let hit = f.startRecord.hitHolder
    if (hit === undefined) {
      const touched = touchedNodes(f)
      hit = windows.some(w => w.node !== undefined && touched.has(w.node) && w.start <= f.start && f.start < w.end)
    }
    if (hit) s.hitHolder++
  }

  const store = { reads: 0, writes: 0, rejectedReads: 0, rejectedWrites: 0 }
  for (const op of eventsOf(records, 'store-read', 'store-write')) {
    if (op.type === 'store-read') { store.reads++; if (!op.accepted) store.rejectedReads++ } else { store.writes++; if (!op.accepted) store.rejectedWrites++ }
  }

  return {
    records: records.length,
    malformedLines: records.filter(r => r.type === 'malformed').length,
    nodes,
    durationMs: round3(nsToMs(runEnd(records)))!,
    acquireStarts: eventsOf(records, 'acquire-start').length,
    acquired: acquired.length,
    acquiredExclusive: acquired.filter(a => a.mode === 'exclusive').length,
    acquiredShared: acquired.filter(a => a.mode === 'shared').length,
    failedByReason,
    latencyMs: {
      count: latencies.length,
      p50: round3(percentile(latencies, 0.5)),
      p99: round3(percentile(latencies, 0.99)),
      max: round3(latencies.length === 0 ? null : latencies[latencies.length - 1]!)
    },
    faults,
    store,
    acceptedIncrements: counterTallies(records).reduce((n, c) => n + c.acceptedIncrements, 0),
    lostUpdates: lostUpdateCount(records)
  }
}
