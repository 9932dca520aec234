/**
 * DESIGN.md §5.5 — fairness, from delivery events: if x outranks y, they
 * conflict, and x's REQUEST reached every voter of Q_x ∩ Q_y before y's did,
 * then y is not granted before x is granted or x's acquire ended.
 *
 * Only fault-free intervals count: the whole run of a fault-free seed, else
 * requests first sent in the liveness phase. Attempts that were re-picked
 * (several ids for one (peer, incarnation, ts, key)) and tryAcquires are left
 * out, as are keys that saw an attempt restart or suspicion drop.
 */
import type { Observer, RequestRec } from '../observer.js'
import { fmtT, type ViolationList } from './violation.js'

interface Attempt {
  first: RequestRec
  voters: Map<number, number>
  sentAt: number
}

/** Priority order of DESIGN.md §4: (Lamport ts, peer, incarnation, seq), smaller first. */
export function outranks (x: RequestRec, y: RequestRec): boolean {
  if (x.ts !== y.ts) return x.ts < y.ts
  if (x.peer !== y.peer) return x.peer < y.peer
  if (x.inc !== y.inc) return x.inc < y.inc
  return x.seq < y.seq
}

export function checkFairness (obs: Observer, out: ViolationList): void {
  const from = obs.meta.faultFree ? obs.meta.settledAt : obs.meta.liveAt
  const attempts = new Map<string, Attempt>()
  for (const s of obs.requestSends) {
    let a = attempts.get(s.id)
    if (a === undefined) attempts.set(s.id, a = { first: s, voters: new Map(), sentAt: s.t })
  }
  for (const d of obs.requestDeliveries) {
    const a = attempts.get(d.id)
    if (a !== undefined && !a.voters.has(d.to)) a.voters.set(d.to, d.t)
  }
  const quorum = new Map<string, Set<number>>()
  for (const s of obs.requestSends) {
    let q = quorum.get(s.id)
    if (q === undefined) quorum.set(s.id, q = new Set())
    q.add(s.to)
  }
  // Re-picks: one acquire (peer, inc, ts, key) that used several ids.
  const groups = new Map<string, number>()
  for (const a of attempts.values()) {
    const g = `${a.first.peer}|${a.first.inc}|${a.first.ts}|${a.first.key}`
    groups.set(g, (groups.get(g) ?? 0) + 1)
  }
  const disturbed = new Set<string>()
  for (const r of obs.attemptRestarts) if (r.t >= from) disturbed.add(r.key)
  for (const r of obs.suspicionDrops) if (r.t >= from) disturbed.add(r.key)

  const grantedAt = new Map<string, number>()
  for (const g of obs.granted) if (!grantedAt.has(g.id)) grantedAt.set(g.id, g.t)
  const releasedAt = new Map<string, number>()
  for (const r of obs.releaseSends) if (!releasedAt.has(r.id)) releasedAt.set(r.id, r.t)
  const deaths = obs.life.filter(l => l.what !== 'start')

  const endOf = (a: Attempt): number => {
    let end = Math.min(grantedAt.get(a.first.id) ?? Infinity, releasedAt.get(a.first.id) ?? Infinity)
    for (const d of deaths) if (d.node === a.first.from && d.t >= a.sentAt) { end = Math.min(end, d.t); break }
    return end
  }

  const byKey = new Map<string, Attempt[]>()
  for (const a of attempts.values()) {
    const r = a.first
    if (a.sentAt < from || r.noWait || disturbed.has(r.key)) continue
    if ((groups.get(`${r.peer}|${r.inc}|${r.ts}|${r.key}`) ?? 0) > 1) continue
    let list = byKey.get(r.key)
    if (list === undefined) byKey.set(r.key, list = [])
    list.push(a)
  }

  for (const [key, list] of byKey) {
    for (const y of list) {
      const yGranted = grantedAt.get(y.first.id)
      if (yGranted === undefined) continue
      const qy = quorum.get(y.first.id)!
      for (const x of list) {
        if (x === y || !outranks(x.first, y.first)) continue
        if (x.first.mode === 'shared' && y.first.mode === 'shared') continue
        const qx = quorum.get(x.first.id)!
        let common = 0
        let xFirstEverywhere = true
        for (const v of qx) {
          if (!qy.has(v)) continue
          common++
          const dx = x.voters.get(v)
          const dy = y.voters.get(v)
          if (dx === undefined || dy === undefined || !(dx < dy)) { xFirstEverywhere = false; break }
        }
        if (common === 0 || !xFirstEverywhere) continue
        const xEnd = endOf(x)
        if (yGranted < xEnd) {
          out.add('fairness', yGranted,
            `key ${key}: ${y.first.id} (ts ${y.first.ts}) granted at ${fmtT(yGranted)} before ${x.first.id} (ts ${x.first.ts}), which outranks it and reached all ${common} common voters first, was granted or ended (${fmtT(xEnd)})`)
        }
      }
    }
  }
}
