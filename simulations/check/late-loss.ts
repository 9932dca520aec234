/**
 * The other half of the belief window (DESIGN.md §4, scenarios 2 and 19): a
 * window that ran out on the holder's clocks ends there only if the node
 * tells its application. So 'lost' must reach the app at the node's first
 * step after the deadline — at once when it runs, at resume when it was
 * paused or its host suspended. Without the wall-clock wake-up a suspended
 * holder would go on believing until its stopped monotonic clock caught up.
 *
 * Needs ground truth (`truth` records: when did the node run again?); real
 * processes under load give no such bound, so a `lockmesh simulate` history
 * is not judged here.
 */
import { beliefWindows } from './belief-windows.js'
import { eventsOf, runEnd, type Of } from './events.js'
import { fmtMs, msToNs, type HistoryRecord, type NodeName } from './history.js'
import { violation, type Violation } from './violation.js'

/** Slack for the tick's rounding and the first frame after a resume (ms). */
export const LOSS_REPORT_SLACK_MS = 25

export function checkLateLoss (records: readonly HistoryRecord[]): Violation[] {
  const truths = eventsOf(records, 'truth')
  if (truths.length === 0) return []
  const end = runEnd(records)
  const out: Violation[] = []
  for (const w of beliefWindows(records)) {
    const closed = w.closedBy
    if (closed !== undefined && closed.t <= w.end) continue // ended by 'lost' or the app's release
    if (w.end >= end || w.node === undefined) continue
    // The window ended on a clock deadline: when did the node next run?
    const runsAt = firstRunning(truths, w.node, w.end)
    const due = runsAt + msToNs(LOSS_REPORT_SLACK_MS)
    if (due >= end) continue
    const reported = closed?.t ?? Infinity
    if (reported > due) {
      out.push(violation('late-loss', due,
        `${w.worker} on ${w.node} (${w.mode} "${w.key}", token ${w.token}): its validity ran out at ${fmtMs(w.end)}, the node ran again at ${fmtMs(runsAt)}, ` +
        `but the app heard ${closed === undefined ? 'nothing' : `'${closed.type}'`} until ${fmtMs(reported)}.`, w.acquired.line))
    }
  }
  return out
}

/** The first instant ≥ `from` at which `node` runs (Infinity if never). */
function firstRunning (truths: ReadonlyArray<Of<'truth'>>, node: NodeName, from: number): number {
  let running = true
  for (const tr of truths) {
    if (tr.t <= from) { running = tr.running.includes(node); continue }
    if (running) return from
    if (tr.running.includes(node)) return tr.t
  }
  return running ? from : Infinity
}
