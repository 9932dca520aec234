/**
 * DESIGN.md §4 (safety): "an id is used once per voter — every new attempt
 * takes a fresh seq". Read off the wire: once a requester RELEASEd attempt id
 * X at voter v, it never sends REQUEST(X) to v again. A reused id lets a late
 * RELEASE of the old attempt free the new attempt's committed vote
 * (SCENARIOS.md 17); the chain needs a lost COMMIT, a suspicion drop and a
 * RELEASE overtaken by three later frames, so the wire rule is checked directly.
 */
import type { Observer } from '../observer.js'
import { fmtT, type ViolationList } from './violation.js'

export function checkIdReuse (obs: Observer, out: ViolationList): void {
  for (const r of obs.idReuses) {
    out.add('id-reuse', r.t, `n${r.from} sent REQUEST ${r.id} to n${r.to} at ${fmtT(r.t)} after releasing that id there at ${fmtT(r.releasedAt)}`)
  }
}
