/** Runs every DESIGN.md §5 checker over one seed's observations. */
import type { Observer } from '../observer.js'
import { beliefWindows, windowsByKey } from './belief-windows.js'
import { checkFairness } from './fairness.js'
import { checkFaultFreeQuiet } from './fault-free.js'
import { checkStoreRule, checkTokenOrder, checkValidOpsAccepted } from './fencing.js'
import { checkIdReuse } from './id-reuse.js'
import { checkLiveness } from './liveness.js'
import { checkLossReported } from './loss-reported.js'
import { checkLostUpdate } from './lost-update.js'
import { checkModes } from './modes.js'
import { checkMutualExclusion } from './mutual-exclusion.js'
import { ViolationList, type Violation } from './violation.js'

export function checkAll (obs: Observer): Violation[] {
  const out = new ViolationList()
  const windows = beliefWindows(obs)
  const byKey = windowsByKey(windows)
  checkMutualExclusion(byKey, out)
  checkLossReported(obs, windows, out)
  checkTokenOrder(byKey, out)
  checkStoreRule(obs.store, out)
  checkValidOpsAccepted(obs.store, windows, out)
  checkLostUpdate(obs.store, out)
  checkLiveness(obs, out)
  checkFairness(obs, out)
  checkModes(obs, out)
  checkFaultFreeQuiet(obs, out)
  checkIdReuse(obs, out)
  return out.items
}

export type { Violation, ViolationKind } from './violation.js'
