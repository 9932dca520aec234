/**
 * Faults as intervals: each `fault-start` paired with its `fault-end` (by `id`
 * when both carry one, else by kind, nodes and links, else the oldest open
 * fault of that kind); a `heal` ends every open fault.
 */
import { eventsInOrder, type Of } from './events.js'
import type { HistoryRecord, NodeName } from './history.js'

export interface FaultInterval {
  kind: string
  /** ns */
  start: number
  /** ns; Infinity when never healed. */
  end: number
  nodes: NodeName[]
  links: Array<[NodeName, NodeName]>
  startRecord: Of<'fault-start'>
}

function signature (f: { fault: string, nodes: NodeName[], links: Array<[NodeName, NodeName]> }): string {
  return JSON.stringify([f.fault, [...f.nodes].sort(), f.links.map(l => l.join('>')).sort()])
}

const cache = new WeakMap<readonly HistoryRecord[], FaultInterval[]>()

export function faultIntervals (records: readonly HistoryRecord[]): FaultInterval[] {
  const cached = cache.get(records)
  if (cached !== undefined) return cached
  const all: FaultInterval[] = []
  let open: FaultInterval[] = []
  for (const e of eventsInOrder(records)) {
    if (e.type === 'fault-start') {
      const f: FaultInterval = { kind: e.fault, start: e.t, end: Infinity, nodes: e.nodes, links: e.links, startRecord: e }
      all.push(f)
      open.push(f)
    } else if (e.type === 'fault-end') {
      const sig = signature(e)
      const match =
        (e.id !== undefined ? open.find(f => f.startRecord.id === e.id) : undefined) ??
        open.find(f => f.startRecord.id === undefined && signature(f.startRecord) === sig) ??
        open.find(f => f.kind === e.fault && (e.id === undefined || f.startRecord.id === undefined))
      if (match === undefined) continue
      match.end = e.t
      open = open.filter(f => f !== match)
    } else if (e.type === 'heal') {
      for (const f of open) f.end = e.t
      open = []
    }
  }
  cache.set(records, all)
  return all
}

/**
 * Since when the run has been free of faults to its end: the instant the last
 * open fault ended (0 with no faults), or null when a fault is never healed.
 */
export function faultFreeSince (records: readonly HistoryRecord[]): number | null {
  let since = 0
  for (const f of faultIntervals(records)) {
    if (f.end === Infinity) return null
    since = Math.max(since, f.end)
  }
  for (const e of eventsInOrder(records)) if (e.type === 'heal') since = Math.max(since, e.t)
  return since
}

/** Whether some process was killed during the run. */
export function killHappened (records: readonly HistoryRecord[]): boolean {
  for (const e of eventsInOrder(records)) {
    if (e.type === 'fault-start' && e.fault === 'kill') return true
    if ((e.type === 'lost' || e.type === 'acquire-failed') && e.reason === 'killed') return true
  }
  return false
}

/** Every node a fault touches: its nodes and the ends of its cut links. */
export function touchedNodes (f: FaultInterval): Set<NodeName> {
  const s = new Set(f.nodes)
  for (const [a, b] of f.links) { s.add(a); s.add(b) }
  return s
}
