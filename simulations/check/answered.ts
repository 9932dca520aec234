/**
 * Every acquire answered (issue 5): each `acquire-start` gets exactly one
 * answer (`acquired` or `acquire-failed`; the harness writes `killed` and
 * `run-end` for what a process could not answer), and every `acquired` is
 * closed by `released` or `lost` before the same worker acquires that key again.
 */
import { pairAcquires } from './acquires.js'
import { eventsInOrder, holdKey, type Of } from './events.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

export function checkAnswered (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  const { attempts, orphans } = pairAcquires(records)
  for (const a of attempts) {
    const s = a.start
    if (a.overlapsPrevious) {
      out.push(violation('answered', s.t,
        `${s.worker} started a second acquire of "${s.key}" at ${fmtMs(s.t)} while its previous acquire of that key was still unanswered.`, s.line))
    }
    if (a.answer === undefined) {
      out.push(violation('answered', s.t,
        `${s.worker}'s ${s.mode} acquire of "${s.key}" started at ${fmtMs(s.t)} was never answered (no acquired or acquire-failed, not even run-end).`, s.line))
    }
  }
  for (const o of orphans) {
    out.push(violation('answered', o.t,
      `${o.worker} logged ${o.type}${o.type === 'acquire-failed' ? ` (${o.reason})` : ''} for "${o.key}" at ${fmtMs(o.t)} with no unanswered acquire-start, so some acquire was answered twice or never started.`, o.line))
  }
  const held = new Map<string, Of<'acquired'>>()
  const everHeld = new Set<string>()
  for (const e of eventsInOrder(records)) {
    if (e.type === 'acquired') {
      const k = holdKey(e.worker, e.key)
      const prev = held.get(k)
      if (prev !== undefined) {
        out.push(violation('answered', e.t,
          `${e.worker} acquired "${e.key}" again at ${fmtMs(e.t)} although its hold acquired at ${fmtMs(prev.t)} (token ${prev.token}) was never closed by released or lost.`, e.line))
      }
      held.set(k, e)
      everHeld.add(k)
    } else if (e.type === 'released' || e.type === 'lost') {
      const k = holdKey(e.worker, e.key)
      if (held.delete(k)) continue
      // A lost after a released of the same hold is harmless; closing a lock never held is not.
      if (!everHeld.has(k)) {
        out.push(violation('answered', e.t, `${e.worker} logged ${e.type} for "${e.key}" at ${fmtMs(e.t)} but never acquired that key.`, e.line))
      }
    }
  }
  return out
}
