/**
 * Pairs each `acquire-start` with its answer (`acquired` or `acquire-failed`)
 * per (worker, key), oldest unanswered first.
 */
import { eventsInOrder, holdKey, type Of } from './events.js'
import type { HistoryRecord } from './history.js'

export type Answer = Of<'acquired'> | Of<'acquire-failed'>

export interface AcquireAttempt {
  start: Of<'acquire-start'>
  /** The answer, if one came. */
  answer?: Answer
  /** Another acquire of the same worker and key was still unanswered when this one started. */
  overlapsPrevious: boolean
}

export interface AcquirePairing {
  attempts: AcquireAttempt[]
  /** Answers with no unanswered acquire-start of their worker and key. */
  orphans: Answer[]
}

const cache = new WeakMap<readonly HistoryRecord[], AcquirePairing>()

export function pairAcquires (records: readonly HistoryRecord[]): AcquirePairing {
  const cached = cache.get(records)
  if (cached !== undefined) return cached
  const attempts: AcquireAttempt[] = []
  const orphans: Answer[] = []
  const pending = new Map<string, AcquireAttempt[]>()
  for (const e of eventsInOrder(records)) {
    if (e.type === 'acquire-start') {
      const k = holdKey(e.worker, e.key)
      let q = pending.get(k)
      if (q === undefined) pending.set(k, q = [])
      const a: AcquireAttempt = { start: e, overlapsPrevious: q.length > 0 }
      q.push(a)
      attempts.push(a)
    } else if (e.type === 'acquired' || e.type === 'acquire-failed') {
      const a = pending.get(holdKey(e.worker, e.key))?.shift()
      if (a === undefined) orphans.push(e)
      else a.answer = e
    }
  }
  const out = { attempts, orphans }
  cache.set(records, out)
  return out
}

/** True when `a` counts as a success for liveness: acquired, or busy for a tryAcquire. */
export function succeeded (a: AcquireAttempt): boolean {
  if (a.answer === undefined) return false
  if (a.answer.type === 'acquired') return true
  return a.start.noWait === true && a.answer.reason === 'busy'
}
