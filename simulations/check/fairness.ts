/**
 * DESIGN.md §5.5 — fairness, from the simulator's delivery records: if x
 * outranks y, they conflict, and x's REQUEST reached every voter of Q_x ∩ Q_y
 * before y's did, then y is not granted before x is granted or x's acquire
 * ended (its first RELEASE, or its node's exit).
 *
 * Only fault-free intervals count: the whole run (after every node's first
 * mode) of a `faultFree` run, else requests first sent in the liveness phase
 * (`livenessFromMs`). Attempts that were re-picked (several ids for one
 * (peer, incarnation, ts, key)) and tryAcquires are left out, as are keys
 * that saw an attempt restart or suspicion drop. Needs `request-sent`,
 * `request-delivered` and `acquired.id`.
 */
import { configOf, eventsOf, type Of } from './events.js'
import { settledAt } from './fault-free.js'
import { fmtMs, msToNs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

type RequestRec = Of<'request-sent'> | Of<'request-delivered'>

interface Attempt {
  first: RequestRec
  /** voter → first delivery (ns) */
  voters: Map<string, number>
  /** Voters it was sent to: its quorum. */
  quorum: Set<string>
  sentAt: number
  /** Granted, released or its node exited (ns; Infinity if none). */
  end: number
}

/** Priority order of DESIGN.md §4: (Lamport ts, peer, incarnation, seq), smaller first. */
export function outranks (x: RequestRec, y: RequestRec): boolean {
  if (x.ts !== y.ts) return x.ts < y.ts
  if (x.peer !== y.peer) return x.peer < y.peer
  if (x.inc !== y.inc) return x.inc < y.inc
  return x.seq < y.seq
}

export function checkFairness (records: readonly HistoryRecord[]): Violation[] {
  const config = configOf(records)
  if (config === undefined) return []
  const sends = eventsOf(records, 'request-sent')
  if (sends.length === 0) return []
  const from = config.faultFree === true ? settledAt(records) : config.livenessFromMs !== undefined ? msToNs(config.livenessFromMs) : Infinity
  if (!Number.isFinite(from)) return []

  const attempts = new Map<string, Attempt>()
  for (const s of sends) {
    let a = attempts.get(s.id)
    if (a === undefined) attempts.set(s.id, a = { first: s, voters: new Map(), quorum: new Set(), sentAt: s.t, end: Infinity })
    a.quorum.add(s.to)
  }
  for (const d of eventsOf(records, 'request-delivered')) {
    const a = attempts.get(d.id)
    if (a !== undefined && !a.voters.has(d.to)) a.voters.set(d.to, d.t)
  }
  // Re-picks: one acquire (peer, inc, ts, key) that used several ids.
  const groups = new Map<string, number>()
  for (const a of attempts.values()) {
    const g = `${a.first.peer}|${a.first.inc}|${a.first.ts}|${a.first.key}`
    groups.set(g, (groups.get(g) ?? 0) + 1)
  }
  const disturbed = new Set<string>()
  for (const r of eventsOf(records, 'attempt-restart', 'suspicion-drop')) if (r.t >= from) disturbed.add(r.key)

  const grantedAt = new Map<string, number>()
  for (const g of eventsOf(records, 'acquired')) if (g.id !== undefined && !grantedAt.has(g.id)) grantedAt.set(g.id, g.t)
  const releasedAt = new Map<string, number>()
  for (const r of eventsOf(records, 'release-sent')) if (!releasedAt.has(r.id)) releasedAt.set(r.id, r.t)
  const exits = eventsOf(records, 'node-exit')

  const endOf = (a: Attempt): number => {
    let end = Math.min(grantedAt.get(a.first.id) ?? Infinity, releasedAt.get(a.first.id) ?? Infinity)
    for (const d of exits) if (d.node === a.first.from && d.t >= a.sentAt) { end = Math.min(end, d.t); break }
    return end
  }

  const byKey = new Map<string, Attempt[]>()
  for (const a of attempts.values()) {
    a.end = endOf(a)
    const r = a.first
    if (a.sentAt < from || r.noWait || disturbed.has(r.key)) continue
    if ((groups.get(`${r.peer}|${r.inc}|${r.ts}|${r.key}`) ?? 0) > 1) continue
    let list = byKey.get(r.key)
    if (list === undefined) byKey.set(r.key, list = [])
    list.push(a)
  }

  const out: Violation[] = []
  for (const [key, list] of byKey) {
    for (const y of list) {
      const yGranted = grantedAt.get(y.first.id)
      if (yGranted === undefined) continue
      for (const x of list) {
        // Cheapest test first: x must still be waiting when y is granted.
        if (x.end <= yGranted || x === y || !outranks(x.first, y.first)) continue
        if (x.first.mode === 'shared' && y.first.mode === 'shared') continue
        let common = 0
        let xFirstEverywhere = true
        for (const v of x.quorum) {
          if (!y.quorum.has(v)) continue
          common++
          const dx = x.voters.get(v)
          const dy = y.voters.get(v)
          if (dx === undefined || dy === undefined || !(dx < dy)) { xFirstEverywhere = false; break }
        }
        if (common === 0 || !xFirstEverywhere) continue
        const xEnd = x.end
        if (yGranted < xEnd) {
          out.push(violation('fairness', yGranted,
            `Key "${key}": ${y.first.id} (ts ${y.first.ts}) was granted at ${fmtMs(yGranted)} before ${x.first.id} (ts ${x.first.ts}), which outranks it and reached all ${common} common voters first, was granted or ended (${fmtMs(xEnd)}).`,
            x.first.line))
        }
      }
    }
  }
  return out
}
