/**
 * Mutual exclusion (DESIGN.md §5.1): no instant where two holders of a key
 * both believe they hold it, unless both hold it shared.
 */
import { beliefWindows, describeWindow, windowsByKey, type BeliefWindow } from './belief-windows.js'
import { fmtMs, type HistoryRecord } from './history.js'
import { violation, type Violation } from './violation.js'

export function checkMutualExclusion (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  for (const [key, list] of windowsByKey(beliefWindows(records))) {
    // Sweep in start order; `open` holds the windows that reach past the current start.
    let open: BeliefWindow[] = []
    for (const w of list) {
      if (w.end <= w.start) continue
      open = open.filter(o => o.end > w.start)
      for (const o of open) {
        if (o.mode === 'shared' && w.mode === 'shared') continue
        const until = Math.min(o.end, w.end)
        out.push(violation('mutual-exclusion', w.start,
          `Key "${key}": ${describeWindow(o)} believed it held the lock during [${fmtMs(o.start)}, ${fmtMs(o.end)}) and ` +
          `${describeWindow(w)} during [${fmtMs(w.start)}, ${fmtMs(w.end)}), so both held it during [${fmtMs(w.start)}, ${fmtMs(until)}).`,
          w.acquired.line))
      }
      open.push(w)
    }
  }
  return out
}
