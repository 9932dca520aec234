/**
 * The fenced store (DESIGN.md §5.2), replayed from its own decisions, per key:
 * - a read with token t is accepted iff t ≥ maxWrite; then maxSeen := max(maxSeen, t);
 * - a write with token t is accepted iff t ≥ maxSeen; then maxWrite := t, maxSeen := max(maxSeen, t).
 * The store's recorded `accepted` must agree (`store-marks`); the replay
 * follows what the store actually did, so one wrong decision is reported once.
 * And no operation may be rejected while its holder's belief window (same
 * worker, key and token) covered the decision time (`valid-op-rejected`).
 */
import { beliefWindows, type BeliefWindow } from './belief-windows.js'
import { eventsOf } from './events.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

interface Marks { maxWrite: bigint | null, maxSeen: bigint | null }

function fmtMark (m: bigint | null): string { return m === null ? 'none' : String(m) }

export function checkStoreMarks (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  const marks = new Map<string, Marks>()
  for (const op of eventsOf(records, 'store-read', 'store-write')) {
    let m = marks.get(op.key)
    if (m === undefined) marks.set(op.key, m = { maxWrite: null, maxSeen: null })
    const isRead = op.type === 'store-read'
    const mark = isRead ? m.maxWrite : m.maxSeen
    const markName = isRead ? 'maxWrite' : 'maxSeen'
    const ruleAccepts = mark === null || op.token >= mark
    if (ruleAccepts !== op.accepted) {
      const who = op.worker ?? op.node ?? 'an unnamed client'
      out.push(violation('store-marks', op.t,
        `Key "${op.key}": the store ${op.accepted ? 'accepted' : 'rejected'} a ${isRead ? 'read' : 'write'} by ${who} with token ${op.token} at ${fmtMs(op.t)} ` +
        `although ${markName} was ${fmtMark(mark)}, so the rule says it must be ${ruleAccepts ? 'accepted' : 'rejected'}.`,
        op.line))
    }
    if (!op.accepted) continue
    if (m.maxSeen === null || op.token > m.maxSeen) m.maxSeen = op.token
    if (!isRead) m.maxWrite = op.token
  }
  return out
}

export function checkValidOpsAccepted (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  const byKeyToken = new Map<string, BeliefWindow[]>()
  for (const w of beliefWindows(records)) {
    const k = `${w.key}\u0000${w.token}`
    let list = byKeyToken.get(k)
    if (list === undefined) byKeyToken.set(k, list = [])
    list.push(w)
  }
  for (const op of eventsOf(records, 'store-read', 'store-write')) {
    if (op.accepted) continue
    const holder = (byKeyToken.get(`${op.key}\u0000${op.token}`) ?? []).find(w =>
      (op.worker === undefined || op.worker === w.worker) && w.start <= op.t && op.t < w.end)
    if (holder === undefined) continue
    out.push(violation('valid-op-rejected', op.t,
      `Key "${op.key}": the store rejected a ${op.type === 'store-read' ? 'read' : 'write'} with token ${op.token} at ${fmtMs(op.t)} ` +
      `while its holder ${holder.worker} still believed it held the lock (window [${fmtMs(holder.start)}, ${fmtMs(holder.end)})).`,
      op.line))
  }
  return out
}
