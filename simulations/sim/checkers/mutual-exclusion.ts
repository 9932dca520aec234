/**
 * DESIGN.md §5.1 — mutual exclusion: no instant of true time where two holders
 * of a key both believe their lease valid, unless both are shared.
 */
import type { BeliefWindow } from './belief-windows.js'
import { fmtT, type ViolationList } from './violation.js'

export function checkMutualExclusion (byKey: ReadonlyMap<string, BeliefWindow[]>, out: ViolationList): void {
  for (const [key, list] of byKey) {
    // Sweep in start order; `open` holds windows that may still overlap.
    let open: BeliefWindow[] = []
    for (const w of list) {
      if (w.end <= w.start) continue
      open = open.filter(o => o.end > w.start)
      for (const o of open) {
        if (o.mode === 'shared' && w.mode === 'shared') continue
        out.add('mutual-exclusion', w.start,
          `key ${key}: ${describe(o)} and ${describe(w)} overlap during [${fmtT(w.start)}, ${fmtT(Math.min(o.end, w.end))})`)
      }
      open.push(w)
    }
  }
}

function describe (w: BeliefWindow): string {
  return `n${w.node} handle ${w.handle} (${w.mode}, token ${w.token}, ${w.id}) believing [${fmtT(w.start)}, ${fmtT(w.end)})`
}
