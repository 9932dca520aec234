/**
 * DESIGN.md §5.4 — liveness: every acquire the workload started in the
 * liveness phase (after heal + detection + stable period + ttlMsMax) carries a
 * wait bound; it must end granted — or busy for tryAcquire — within that
 * bound. A timeout, any other failure, or no answer at all is a violation.
 */
import type { Observer } from '../observer.js'
import { fmtT, type ViolationList } from './violation.js'

/** Tolerance for clock rate error on the core's wait timer and the last delivery. */
export function livenessDeadline (issuedAt: number, waitMs: number): number {
  return issuedAt + waitMs * 1.1 + 50
}

export function checkLiveness (obs: Observer, out: ViolationList): void {
  const ends = new Map<number, { t: number, what: string, ok: boolean }>()
  for (const g of obs.granted) if (!ends.has(g.handle)) ends.set(g.handle, { t: g.t, what: 'granted', ok: true })
  for (const f of obs.failed) if (!ends.has(f.handle)) ends.set(f.handle, { t: f.t, what: `failed (${f.reason})`, ok: false })
  const noWait = new Set<number>()
  for (const a of obs.acquires) if (a.noWait) noWait.add(a.handle)
  for (const f of obs.failed) if (f.reason === 'busy' && noWait.has(f.handle)) ends.set(f.handle, { t: f.t, what: 'busy', ok: true })

  for (const a of obs.acquires) {
    if (!a.live) continue
    const bound = a.waitMs ?? obs.meta.endAt - a.t
    const deadline = livenessDeadline(a.t, bound)
    const e = ends.get(a.handle)
    const what = `n${a.node} handle ${a.handle} ${a.mode}${a.noWait ? ' tryAcquire' : ''} on ${a.key} at ${fmtT(a.t)} (bound ${bound} ms)`
    if (e === undefined) {
      if (deadline <= obs.meta.endAt) out.add('liveness', deadline, `${what}: no answer by ${fmtT(deadline)}`)
      continue
    }
    if (!e.ok) out.add('liveness', e.t, `${what}: ${e.what} at ${fmtT(e.t)}`)
    else if (e.t > deadline) out.add('liveness', e.t, `${what}: ${e.what} only at ${fmtT(e.t)}`)
  }
}
