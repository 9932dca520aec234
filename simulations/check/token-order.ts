/**
 * Fencing order (DESIGN.md §5.2): exclusive tokens of a key strictly increase
 * in grant order (the order of `acquired` on the run's time scale).
 */
import { eventsOf } from './events.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

export function checkTokenOrder (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  const last = new Map<string, { token: bigint, t: number, worker: string }>()
  for (const a of eventsOf(records, 'acquired')) {
    if (a.mode !== 'exclusive') continue
    const prev = last.get(a.key)
    if (prev !== undefined && a.token <= prev.token) {
      out.push(violation('token-order', a.t,
        `Key "${a.key}": ${a.worker} was granted exclusive token ${a.token} at ${fmtMs(a.t)}, not above token ${prev.token} granted to ${prev.worker} at ${fmtMs(prev.t)}.`,
        a.line))
    }
    if (prev === undefined || a.token > prev.token) last.set(a.key, { token: a.token, t: a.t, worker: a.worker })
  }
  return out
}
