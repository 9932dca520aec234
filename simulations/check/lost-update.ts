/**
 * No lost update (DESIGN.md §5.3), per key: each accepted `counter` increment
 * has after = before + 1 and before = the previous accepted increment's after
 * (0 at the start); the final value — the last accepted `store-write` value,
 * else the last accepted increment's after — equals the number of accepted
 * increments.
 */
import { eventsOf, type Of } from './events.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

export interface CounterTally {
  key: string
  acceptedIncrements: number
  finalValue: number
  /** Accepted increments that started from a stale value. */
  chainBreaks: number
}

export function counterTallies (records: readonly HistoryRecord[]): CounterTally[] {
  return [...replay(records).tallies.values()]
}

/** Updates lost: per key the larger of (accepted increments − final value) and the chain breaks. */
export function lostUpdateCount (records: readonly HistoryRecord[]): number {
  let n = 0
  for (const c of counterTallies(records)) n += Math.max(0, c.acceptedIncrements - c.finalValue, c.chainBreaks)
  return n
}

function replay (records: readonly HistoryRecord[]): { tallies: Map<string, CounterTally>, out: Violation[] } {
  const out: Violation[] = []
  const tallies = new Map<string, CounterTally & { lastAfter: number, last?: Of<'counter'> }>()
  for (const c of eventsOf(records, 'counter')) {
    let s = tallies.get(c.key)
    if (s === undefined) tallies.set(c.key, s = { key: c.key, acceptedIncrements: 0, finalValue: 0, chainBreaks: 0, lastAfter: 0 })
    if (!c.accepted) continue
    const who = c.worker ?? c.node ?? 'an unnamed client'
    s.acceptedIncrements++
    if (c.after !== c.before + 1) {
      out.push(violation('lost-update', c.t,
        `Key "${c.key}": the increment by ${who} accepted at ${fmtMs(c.t)} went from ${c.before} to ${c.after}, not to ${c.before + 1}.`, c.line))
    }
    if (c.before !== s.lastAfter) {
      s.chainBreaks++
      out.push(violation('lost-update', c.t,
        `Key "${c.key}": the increment by ${who} accepted at ${fmtMs(c.t)} started from ${c.before}, but the previous accepted increment ` +
        `${s.last === undefined ? 'was none (counter 0)' : `left ${s.lastAfter} at ${fmtMs(s.last.t)}`}, so an update was lost or read stale.`, c.line))
    }
    s.lastAfter = c.after
    s.last = c
    s.finalValue = c.after
  }
  // The store's own final value wins where it recorded writes.
  const finals = new Map<string, number>()
  for (const w of eventsOf(records, 'store-write')) if (w.accepted) finals.set(w.key, w.value)
  for (const s of tallies.values()) {
    const f = finals.get(s.key)
    if (f !== undefined) s.finalValue = f
    if (s.finalValue !== s.acceptedIncrements) {
      out.push(violation('lost-update', s.last?.t ?? 0,
        `Key "${s.key}": the counter ended at ${s.finalValue} after ${s.acceptedIncrements} accepted increments.`, s.last?.line))
    }
  }
  const plain = new Map<string, CounterTally>()
  for (const [k, s] of tallies) plain.set(k, { key: s.key, acceptedIncrements: s.acceptedIncrements, finalValue: s.finalValue, chainBreaks: s.chainBreaks })
  return { tallies: plain, out }
}

export function checkLostUpdate (records: readonly HistoryRecord[]): Violation[] {
  return replay(records).out
}
