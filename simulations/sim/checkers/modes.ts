/**
 * DESIGN.md §5.6 — modes: each running node's mode matches the quorum
 * predicates over the true reachable set (both directions delivering, peer
 * running) within detection + stable period of the last change, in intervals
 * where no loss, duplication or reordering is active.
 */
import { createQuorumSystem, type QuorumSystem } from '../../../src/core/quorum.js'
import type { Observer, TruthRec } from '../observer.js'
import { fmtT, type ViolationList } from './violation.js'

const systems = new WeakMap<Observer, QuorumSystem>()

export function expectedMode (obs: Observer, truth: TruthRec, node: number): { mode: 'read-write' | 'read-only', sharedLocks: boolean } {
  const { roster, quorum, unsafeNoIntersection } = obs.meta
  let qs = systems.get(obs)
  if (qs === undefined) systems.set(obs, qs = createQuorumSystem(quorum, roster, { unsafeNoIntersection }))
  const n = roster.length
  const reach = new Set<string>([roster[node]!])
  for (let p = 0; p < n; p++) {
    if (p === node || !truth.running[p]) continue
    if (truth.blocked[node * n + p] === 1 || truth.blocked[p * n + node] === 1) continue
    reach.add(roster[p]!)
  }
  if (qs.isWriteQuorum(reach)) return { mode: 'read-write', sharedLocks: true }
  return { mode: 'read-only', sharedLocks: qs.isReadQuorum(reach) }
}

export function checkModes (obs: Observer, out: ViolationList): void {
  const { detectMs, stableMs, endAt } = obs.meta
  const settle = detectMs + stableMs
  const n = obs.meta.roster.length
  const truths = obs.truth
  const modesOf: Array<typeof obs.modes> = Array.from({ length: n }, () => [])
  for (const m of obs.modes) modesOf[m.node]!.push(m)
  const runningSince = new Array<number>(n).fill(0)

  for (let i = 0; i < truths.length; i++) {
    const tr = truths[i]!
    const intervalEnd = i + 1 < truths.length ? truths[i + 1]!.t : endAt
    for (let x = 0; x < n; x++) {
      const before = i > 0 ? truths[i - 1]!.running[x] : false
      if (tr.running[x] === true && before !== true) runningSince[x] = tr.t
    }
    if (!tr.clean) continue
    for (let x = 0; x < n; x++) {
      if (tr.running[x] !== true) continue
      const checkFrom = Math.max(tr.t, runningSince[x]!) + settle
      if (checkFrom >= intervalEnd) continue
      const want = expectedMode(obs, tr, x)
      const list = modesOf[x]!
      const at = (t: number): { mode: string, sharedLocks: boolean } => {
        let cur: { mode: string, sharedLocks: boolean } = { mode: 'starting', sharedLocks: false }
        for (const m of list) { if (m.t <= t) cur = m; else break }
        return cur
      }
      const probes = [checkFrom, ...list.filter(m => m.t > checkFrom && m.t < intervalEnd).map(m => m.t)]
      for (const t of probes) {
        const got = at(t)
        const ok = got.mode === want.mode && (want.mode === 'read-write' || got.sharedLocks === want.sharedLocks)
        if (!ok) {
          out.add('mode', t,
            `n${x} reports ${got.mode}${got.mode === 'read-only' ? ` (sharedLocks ${String(got.sharedLocks)})` : ''} at ${fmtT(t)}; the reachable set since ${fmtT(tr.t)} says ${want.mode}${want.mode === 'read-only' ? ` (sharedLocks ${String(want.sharedLocks)})` : ''}`)
          break
        }
      }
    }
  }
}
