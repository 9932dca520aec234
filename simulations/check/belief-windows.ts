/**
 * Holders' belief windows on the run's time scale: a window opens at
 * `acquired` and ends at the earliest of the worker's `released` (logged before
 * RELEASE is sent), `lost` (including the harness's `killed`), and the lease's
 * `validUntil` (moved by an `extended` inside the window).
 */
import { eventsInOrder, holdKey, type Of } from './events.js'
import type { HistoryRecord } from './history.js'
import type { LockMode } from '../../src/core/types.js'

export interface BeliefWindow {
  worker: string
  node?: string
  key: string
  mode: LockMode
  token: bigint
  /** ns */
  start: number
  /** ns, exclusive; end ≤ start means the window is empty. */
  end: number
  acquired: Of<'acquired'>
  /** What closed it before validUntil, if anything. */
  closedBy?: Of<'released'> | Of<'lost'>
}

const cache = new WeakMap<readonly HistoryRecord[], BeliefWindow[]>()

export function beliefWindows (records: readonly HistoryRecord[]): BeliefWindow[] {
  const cached = cache.get(records)
  if (cached !== undefined) return cached
  const windows: BeliefWindow[] = []
  const open = new Map<string, { w: BeliefWindow, validUntil: number }>()
  for (const e of eventsInOrder(records)) {
    if (e.type === 'acquired') {
      const w: BeliefWindow = { worker: e.worker, key: e.key, mode: e.mode, token: e.token, start: e.t, end: Math.max(e.t, e.validUntil), acquired: e }
      if (e.node !== undefined) w.node = e.node
      windows.push(w)
      // A previous unclosed hold keeps its validUntil end (the answered checker reports it).
      open.set(holdKey(e.worker, e.key), { w, validUntil: e.validUntil })
    } else if (e.type === 'extended') {
      const o = open.get(holdKey(e.worker, e.key))
      if (o !== undefined && e.t < o.w.end) {
        o.validUntil = e.validUntil
        o.w.end = Math.max(e.t, e.validUntil)
      }
    } else if (e.type === 'released' || e.type === 'lost') {
      const k = holdKey(e.worker, e.key)
      const o = open.get(k)
      if (o === undefined) continue
      open.delete(k)
      if (e.t < o.w.end) o.w.end = Math.max(o.w.start, e.t)
      o.w.closedBy = e
    }
  }
  cache.set(records, windows)
  return windows
}

/** Windows grouped by key, each list sorted by start. */
export function windowsByKey (windows: readonly BeliefWindow[]): Map<string, BeliefWindow[]> {
  const m = new Map<string, BeliefWindow[]>()
  for (const w of windows) {
    let list = m.get(w.key)
    if (list === undefined) m.set(w.key, list = [])
    list.push(w)
  }
  for (const list of m.values()) list.sort((a, b) => a.start - b.start || a.acquired.line - b.acquired.line)
  return m
}

export function describeWindow (w: BeliefWindow): string {
  return `${w.worker}${w.node !== undefined ? ` on ${w.node}` : ''} (${w.mode}, token ${w.token})`
}
