/**
 * What the page draws, computed once from the records and the check result:
 * nodes (roster order), key lanes, holds (belief windows), failed acquires,
 * mode bands, faults, latencies, grants and the violations placed in time.
 */
import { pairAcquires } from '../../check/acquires.js'
import { beliefWindows } from '../../check/belief-windows.js'
import type { CheckResult } from '../../check/check-history.js'
import { configOf, eventsInOrder, eventsOf, runEnd } from '../../check/events.js'
import { faultIntervals, touchedNodes } from '../../check/faults.js'
import { nsToMs, type ConfigRecord, type HistoryRecord, type MetricsRecord, type NodeName } from '../../check/history.js'
import type { Violation } from '../../check/violation.js'
import type { LockMode } from '../../../src/core/types.js'
import { modeBands, type Band } from './mode-bands.js'

/** Keys beyond this many share one "other keys" lane. */
export const MAX_KEY_LANES = 6
/** Row label of holds whose records name no node. */
export const UNKNOWN_NODE = '(no node)'

export interface Hold {
  node: NodeName
  worker: string
  key: string
  mode: LockMode
  token: bigint
  /** ns */
  start: number
  /** ns: the end of the holder's belief (released, lost or the lease). */
  end: number
  /** How the hold ended. */
  close: 'released' | 'lost' | 'lease'
  reason?: string
}

export interface FailedAcquire { node: NodeName, key: string, t: number, reason: string }

export interface FaultSpan {
  kind: string
  start: number
  /** ns; the run's end when never healed (`open`). */
  end: number
  open: boolean
  /** The fault's nodes (the side or the target). */
  nodes: NodeName[]
  /** Its nodes plus the ends of every cut link. */
  touched: NodeName[]
  links: number
  hitHolder?: boolean
}

export interface PlacedViolation extends Violation {
  /** The node of the record the finding points at, when it names one. */
  node?: NodeName
}

export interface ReportModel {
  config?: ConfigRecord
  nodes: NodeName[]
  /** The drawn span: [0, endNs] ns, never 0 wide. */
  endNs: number
  /** The history has no events at all. */
  empty: boolean
  /** Lane order: most held keys first; `otherLane` collects the rest. */
  laneKeys: string[]
  otherLane: boolean
  holds: Hold[]
  failures: FailedAcquire[]
  bands: Map<NodeName, Band[]>
  faults: FaultSpan[]
  latencies: Array<{ ms: number, mode: LockMode }>
  /** Each node incarnation's acquire latency from its own metrics (recorded at its stop; a killed one has none). */
  nodeLatency: MetricsRecord[]
  grants: Array<{ t: number, mode: LockMode }>
  violations: PlacedViolation[]
  result: CheckResult
}

export function laneOf (m: Pick<ReportModel, 'laneKeys' | 'otherLane'>, key: string): number {
  const i = m.laneKeys.indexOf(key)
  return i >= 0 ? i : m.laneKeys.length
}

export function laneCount (m: Pick<ReportModel, 'laneKeys' | 'otherLane'>): number {
  return Math.max(1, m.laneKeys.length + (m.otherLane ? 1 : 0))
}

export function buildModel (records: readonly HistoryRecord[], result: CheckResult): ReportModel {
  const config = configOf(records)
  const events = eventsInOrder(records)
  const last = runEnd(records)
  const endNs = last > 0 ? last : 1e9

  const holds: Hold[] = beliefWindows(records).map(w => {
    const closedEarly = w.closedBy !== undefined && w.closedBy.t <= w.end
    const h: Hold = {
      node: w.node ?? UNKNOWN_NODE,
      worker: w.worker,
      key: w.key,
      mode: w.mode,
      token: w.token,
      start: w.start,
      end: w.end,
      close: closedEarly ? w.closedBy!.type : 'lease'
    }
    if (closedEarly && w.closedBy!.type === 'lost' && w.closedBy!.reason !== undefined) h.reason = w.closedBy!.reason
    return h
  })
  const failures: FailedAcquire[] = eventsOf(records, 'acquire-failed').map(f => ({ node: f.node ?? UNKNOWN_NODE, key: f.key, t: f.t, reason: f.reason }))

  // Nodes: the roster, then any other node the events name.
  const nodes: NodeName[] = [...new Set(config?.roster ?? [])]
  const seen = new Set(nodes)
  const addNode = (n: NodeName | undefined): void => { if (n !== undefined && !seen.has(n)) { seen.add(n); nodes.push(n) } }
  for (const e of events) addNode(e.node)
  for (const h of holds) addNode(h.node)
  for (const f of failures) addNode(f.node)

  // Key lanes, most held first.
  const perKey = new Map<string, number>()
  for (const h of holds) perKey.set(h.key, (perKey.get(h.key) ?? 0) + 1)
  for (const f of failures) if (!perKey.has(f.key)) perKey.set(f.key, 0)
  const ranked = [...perKey.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k)
  const otherLane = ranked.length > MAX_KEY_LANES
  const laneKeys = otherLane ? ranked.slice(0, MAX_KEY_LANES - 1) : ranked

  const faults: FaultSpan[] = faultIntervals(records).map(f => {
    const s: FaultSpan = {
      kind: f.kind,
      start: f.start,
      end: Number.isFinite(f.end) ? f.end : endNs,
      open: !Number.isFinite(f.end),
      nodes: f.nodes,
      touched: [...touchedNodes(f)],
      links: f.links.length
    }
    if (f.startRecord.hitHolder !== undefined) s.hitHolder = f.startRecord.hitHolder
    return s
  })

  const latencies = pairAcquires(records).attempts.flatMap(a =>
    a.answer?.type === 'acquired' ? [{ ms: Math.max(0, nsToMs(a.answer.t - a.start.t)), mode: a.start.mode }] : [])
  const grants = eventsOf(records, 'acquired').map(a => ({ t: a.t, mode: a.mode }))

  const byLine = new Map<number, HistoryRecord>()
  for (const r of records) byLine.set(r.line, r)
  const violations = result.violations.map(v => {
    const p: PlacedViolation = { ...v }
    const r = v.line !== undefined ? byLine.get(v.line) : undefined
    if (r !== undefined && r.type !== 'config' && r.type !== 'malformed' && r.node !== undefined) p.node = r.node
    return p
  })

  const bands = modeBands(records, nodes, endNs)
  const nodeLatency = records.filter((r): r is MetricsRecord => r.type === 'metrics')
    .sort((a, b) => nodes.indexOf(a.node) - nodes.indexOf(b.node) || a.incarnation - b.incarnation)
  return { nodes, endNs, empty: events.length === 0, laneKeys, otherLane, holds, failures, bands, faults, latencies, nodeLatency, grants, violations, result, ...(config !== undefined ? { config } : {}) }
}
