/**
 * DESIGN.md §4 (safety): "an id is used once per voter — every new attempt
 * takes a fresh seq". Read off the wire: once a requester RELEASEd attempt id
 * X at voter v, it never sends REQUEST(X) to v again. A reused id lets a late
 * RELEASE of the old attempt free the new attempt's committed vote
 * (SCENARIOS.md 17); the chain needs a lost COMMIT, a suspicion drop and a
 * RELEASE overtaken by three later frames, so the wire rule is checked
 * directly. Needs the simulator's `request-sent` / `release-sent` records.
 */
import { eventsInOrder } from './events.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

export function checkIdReuse (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  const released = new Map<string, number>()
  for (const e of eventsInOrder(records)) {
    if (e.type === 'release-sent') {
      const k = `${e.id}>${e.to}`
      if (!released.has(k)) released.set(k, e.t)
    } else if (e.type === 'request-sent') {
      const at = released.get(`${e.id}>${e.to}`)
      if (at === undefined) continue
      out.push(violation('id-reuse', e.t, `${e.from} sent REQUEST ${e.id} to ${e.to} at ${fmtMs(e.t)} after releasing that id there at ${fmtMs(at)}.`, e.line))
    }
  }
  return out
}
