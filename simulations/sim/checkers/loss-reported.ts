/**
 * The other half of the belief window (DESIGN.md §4, scenarios 2 and 19): a
 * window that ran out on the holder's clocks ends there only if the node
 * tells its application. So the core must report 'lost' at its first step
 * after the deadline — at once when it runs, at resume when it was paused or
 * its host suspended ('late-loss' otherwise). Without the wall-clock check a
 * suspended holder would go on believing until its stopped monotonic clock
 * caught up.
 */
import type { Observer } from '../observer.js'
import type { BeliefWindow } from './belief-windows.js'
import { fmtT, type ViolationList } from './violation.js'

/** Slack for the tick's rounding and the first frame after a resume (ms). */
export const LOSS_REPORT_SLACK_MS = 25

export function checkLossReported (obs: Observer, windows: readonly BeliefWindow[], out: ViolationList): void {
  const lost = new Map<number, number>()
  for (const l of obs.lost) if (!lost.has(l.handle)) lost.set(l.handle, l.t)
  const released = new Map<number, number>()
  for (const r of obs.releaseIssued) if (!released.has(r.handle)) released.set(r.handle, r.t)
  const deaths = obs.life.filter(l => l.what !== 'start')
  for (const w of windows) {
    const lostAt = lost.get(w.handle)
    if (lostAt !== undefined && lostAt <= w.end) continue // the window ended by 'lost'
    const rel = released.get(w.handle)
    if (rel !== undefined && rel <= w.end) continue
    if (w.end >= obs.meta.endAt) continue
    // The window ended on a clock deadline: when did the node next run?
    const runsAt = firstRunning(obs, w.node, w.end)
    const due = runsAt + LOSS_REPORT_SLACK_MS
    const death = deaths.find(d => d.node === w.node && d.t >= w.end)
    if (death !== undefined && death.t <= due) continue
    if (due >= obs.meta.endAt) continue
    const reported = Math.min(lostAt ?? Infinity, rel ?? Infinity)
    if (reported > due) {
      out.add('late-loss', due,
        `n${w.node} handle ${w.handle} (${w.mode} ${w.key}, token ${w.token}): validity ran out at ${fmtT(w.end)}, the node ran again at ${fmtT(runsAt)}, but 'lost' came only at ${fmtT(reported)}`)
    }
  }
}

function firstRunning (obs: Observer, node: number, from: number): number {
  const truths = obs.truth
  let at = from
  let running = true
  for (const tr of truths) {
    if (tr.t <= from) { running = tr.running[node] === true; continue }
    if (running) break
    if (tr.running[node] === true) { at = tr.t; running = true; break }
  }
  return running ? at : Infinity
}
