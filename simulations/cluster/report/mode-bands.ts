/**
 * Each node's mode over time as bands: `mode` records, `node-exit` /
 * `node-start`, and `kill` faults (down from the kill until the node starts
 * again or the fault ends). A node starts `starting` until it logs a mode.
 */
import { eventsInOrder } from '../../check/events.js'
import { faultIntervals } from '../../check/faults.js'
import type { HistoryRecord, NodeName } from '../../check/history.js'
import type { BandState } from './palette.js'

export interface Band {
  state: BandState
  /** ns */
  start: number
  /** ns, exclusive */
  end: number
}

export function modeBands (records: readonly HistoryRecord[], nodes: readonly NodeName[], endNs: number): Map<NodeName, Band[]> {
  const changes = new Map<NodeName, Array<{ t: number, state: BandState | 'restart' }>>(nodes.map(n => [n, []]))
  const push = (node: NodeName | undefined, t: number, state: BandState | 'restart'): void => {
    if (node !== undefined) changes.get(node)?.push({ t, state })
  }
  for (const e of eventsInOrder(records)) {
    if (e.type === 'mode') push(e.node, e.t, e.mode === 'read-write' ? 'read-write' : e.mode === 'starting' ? 'starting' : e.sharedLocks ? 'read-only-shared' : 'read-only')
    else if (e.type === 'node-exit') push(e.node, e.t, 'down')
    else if (e.type === 'node-start') push(e.node, e.t, 'starting')
  }
  for (const f of faultIntervals(records)) {
    if (f.kind !== 'kill') continue
    for (const n of f.nodes) {
      push(n, f.start, 'down')
      if (Number.isFinite(f.end)) push(n, f.end, 'restart')
    }
  }
  const out = new Map<NodeName, Band[]>()
  for (const [node, list] of changes) {
    // Stable by time; at one instant `down` wins over what the dying process logged.
    list.sort((a, b) => a.t - b.t)
    const bands: Band[] = []
    let state: BandState = 'starting'
    let since = 0
    const close = (t: number): void => {
      const end = Math.min(t, endNs)
      if (end > since) {
        const last = bands[bands.length - 1]
        if (last !== undefined && last.state === state && last.end === since) last.end = end
        else bands.push({ state, start: since, end })
      }
      since = Math.max(since, Math.min(t, endNs))
    }
    for (const c of list) {
      let next: BandState
      if (c.state === 'restart') {
        // The kill fault ended: the process runs again unless a later node-start says otherwise.
        if (state !== 'down') continue
        next = 'starting'
      } else if (state === 'down' && c.state !== 'starting' && c.state !== 'down') {
        continue // a mode logged while down is a stray line: keep the node down
      } else {
        next = c.state
      }
      if (next === state) continue
      close(c.t)
      state = next
    }
    close(endNs)
    out.set(node, bands)
  }
  return out
}
