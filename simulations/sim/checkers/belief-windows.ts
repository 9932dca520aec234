/**
 * Holders' belief windows in true time, from observer events only.
 *
 * A window opens at 'granted' and closes at the earliest of: the release the
 * application issued, 'lost', the holder's process ending, the true instant the
 * holder's monotonic clock reached validUntil.mono, or its wall clock reached
 * validUntil.wall. An 'extended' inside the window moves the clock deadlines.
 */
import type { LockMode } from '../../../src/core/types.js'
import type { Observer } from '../observer.js'

export interface BeliefWindow {
  node: number
  handle: number
  key: string
  mode: LockMode
  token: bigint
  id: string
  start: number
  end: number
}

function firstByHandle (recs: ReadonlyArray<{ t: number, handle: number }>): Map<number, number> {
  const m = new Map<number, number>()
  for (const r of recs) {
    const prev = m.get(r.handle)
    if (prev === undefined || r.t < prev) m.set(r.handle, r.t)
  }
  return m
}

export function beliefWindows (obs: Observer): BeliefWindow[] {
  const released = firstByHandle(obs.releaseIssued)
  const lost = firstByHandle(obs.lost)
  const extensions = new Map<number, typeof obs.extended>()
  for (const e of obs.extended) {
    let list = extensions.get(e.handle)
    if (list === undefined) extensions.set(e.handle, list = [])
    list.push(e)
  }
  const deaths = new Map<number, number[]>()
  for (const l of obs.life) {
    if (l.what === 'start') continue
    let list = deaths.get(l.node)
    if (list === undefined) deaths.set(l.node, list = [])
    list.push(l.t)
  }

  const windows: BeliefWindow[] = []
  for (const g of obs.granted) {
    const deadline = (vu: { mono: number, wall: number }, from: number): number =>
      Math.min(obs.clocks.monoToTrue(g.node, vu.mono, from), obs.clocks.wallToTrue(g.node, vu.wall, from))
    let cap = Infinity
    const r = released.get(g.handle)
    if (r !== undefined && r >= g.t) cap = Math.min(cap, r)
    const l = lost.get(g.handle)
    if (l !== undefined && l >= g.t) cap = Math.min(cap, l)
    for (const d of deaths.get(g.node) ?? []) if (d >= g.t) { cap = Math.min(cap, d); break }

    let end = Math.min(cap, Math.max(g.t, deadline(g.validUntil, g.t)))
    for (const e of extensions.get(g.handle) ?? []) {
      if (e.t < g.t || e.t >= end) continue
      end = Math.min(cap, Math.max(e.t, deadline(e.validUntil, e.t)))
    }
    windows.push({ node: g.node, handle: g.handle, key: g.key, mode: g.mode, token: g.token, id: g.id, start: g.t, end })
  }
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
  for (const list of m.values()) list.sort((a, b) => a.start - b.start || a.handle - b.handle)
  return m
}
