/**
 * DESIGN.md §5.7 — in a fault-free run, after the start-up quiet period and
 * first mode, no attempt restart and no suspicion drop happens
 * (INQUIRE/YIELD re-queues are normal and not reported as either).
 */
import type { Observer } from '../observer.js'
import { fmtT, type ViolationList } from './violation.js'

export function checkFaultFreeQuiet (obs: Observer, out: ViolationList): void {
  if (!obs.meta.faultFree) return
  for (const r of obs.attemptRestarts) {
    if (r.t < obs.meta.settledAt) continue
    out.add('fault-free-restart', r.t, `attempt restart at n${r.node} on ${r.key} at ${fmtT(r.t)} in a fault-free run: ${r.why}`)
  }
  for (const r of obs.suspicionDrops) {
    if (r.t < obs.meta.settledAt) continue
    out.add('fault-free-restart', r.t, `suspicion drop at n${r.node} on ${r.key} at ${fmtT(r.t)} in a fault-free run: ${r.why}`)
  }
}
