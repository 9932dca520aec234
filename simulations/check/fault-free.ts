/**
 * DESIGN.md §5.7 — in a run with no fault (config `faultFree`), after every
 * node reached its first mode, no attempt restart and no suspicion drop
 * happens (INQUIRE/YIELD re-queues are normal and not reported as either).
 */
import { configOf, eventsOf } from './events.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

/** When the last node of the roster logged its first mode (ns); Infinity if one never did. */
export function settledAt (records: readonly HistoryRecord[]): number {
  const config = configOf(records)
  if (config === undefined) return Infinity
  const first = new Map<string, number>()
  for (const m of eventsOf(records, 'mode')) if (!first.has(m.node)) first.set(m.node, m.t)
  let at = 0
  for (const x of config.roster) at = Math.max(at, first.get(x) ?? Infinity)
  return at
}

export function checkFaultFreeQuiet (records: readonly HistoryRecord[]): Violation[] {
  if (configOf(records)?.faultFree !== true) return []
  const from = settledAt(records)
  const out: Violation[] = []
  for (const r of eventsOf(records, 'attempt-restart', 'suspicion-drop')) {
    if (r.t < from) continue
    out.push(violation('fault-free-restart', r.t, `${r.type} at ${r.node} on "${r.key}" at ${fmtMs(r.t)} in a fault-free run: ${r.why}.`, r.line))
  }
  return out
}
