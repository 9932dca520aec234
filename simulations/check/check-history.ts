/**
 * `checkHistory`: every property of issue 5 / DESIGN.md §5 over one history —
 * the one checker set: `lockmesh check` / `lockmesh simulate` run it on
 * history.jsonl, `npm run sim` on the records its observer produced.
 * Each checker is a pure function of the records; this runs them all, turns
 * unreadable lines into `malformed-history` findings, lists at most
 * `maxPerKind` violations of each kind (counting all) and gathers the stats.
 */
import { checkAnswered } from './answered.js'
import { configOf } from './events.js'
import { checkFairness } from './fairness.js'
import { checkFaultFreeQuiet } from './fault-free.js'
import type { HistoryRecord } from './history.js'
import { checkIdReuse } from './id-reuse.js'
import { checkLateLoss } from './late-loss.js'
import { checkLiveness, livenessPlan } from './liveness.js'
import { checkLostUpdate } from './lost-update.js'
import { checkModes, modesCoverageNote, modesNote } from './modes.js'
import { checkMutualExclusion } from './mutual-exclusion.js'
import type { CheckOptions } from './options.js'
import { historyStats, type HistoryStats } from './stats.js'
import { checkStoreMarks, checkValidOpsAccepted } from './store-marks.js'
import { checkTokenOrder } from './token-order.js'
import { violation, type Violation, type ViolationKind } from './violation.js'

export type Checker = (records: readonly HistoryRecord[], opts?: CheckOptions) => Violation[]

/** The checkers, in report order. */
export const CHECKERS: ReadonlyArray<{ name: string, check: Checker }> = [
  { name: 'malformed-history', check: checkMalformed },
  { name: 'mutual-exclusion', check: checkMutualExclusion },
  { name: 'token-order', check: checkTokenOrder },
  { name: 'store-marks', check: checkStoreMarks },
  { name: 'valid-op-rejected', check: checkValidOpsAccepted },
  { name: 'lost-update', check: checkLostUpdate },
  { name: 'answered', check: checkAnswered },
  { name: 'liveness', check: checkLiveness },
  { name: 'modes', check: checkModes },
  // Below: need what only the simulator records (truth, request sends and
  // deliveries, core notes); on a `lockmesh simulate` history they find nothing to judge.
  { name: 'late-loss', check: checkLateLoss },
  { name: 'fairness', check: checkFairness },
  { name: 'fault-free-restart', check: checkFaultFreeQuiet },
  { name: 'id-reuse', check: checkIdReuse }
]

export interface CheckResult {
  /** At most `maxPerKind` per kind, each kind in time order. */
  violations: Violation[]
  /** Every violation counted, listed or not. */
  violationCounts: Partial<Record<ViolationKind, number>>
  stats: HistoryStats
  /** Checks that were skipped, and why. */
  notes: string[]
}

/** Unreadable lines, and a missing or misplaced config record. */
export function checkMalformed (records: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = []
  const config = configOf(records)
  if (config === undefined) out.push(violation('malformed-history', 0, 'The history has no readable config record, so the properties that need the roster and timings cannot be checked.', 1))
  else if (records[0] !== config) out.push(violation('malformed-history', 0, `The config record is on line ${config.line}, not the first line.`, config.line))
  for (const r of records) {
    if (r.type !== 'malformed') continue
    out.push(violation('malformed-history', 0, `Line ${r.line} could not be read: ${r.error}.`, r.line))
  }
  return out
}

/** Every checker's findings: at most `maxPerKind` listed per kind (each kind in time order), all counted. */
export function runCheckers (records: readonly HistoryRecord[], opts: CheckOptions = {}): Pick<CheckResult, 'violations' | 'violationCounts'> {
  const maxPerKind = opts.maxPerKind ?? 20
  const violations: Violation[] = []
  const violationCounts: Partial<Record<ViolationKind, number>> = {}
  for (const { check } of CHECKERS) {
    const found = check(records, opts).sort((a, b) => a.t - b.t || (a.line ?? 0) - (b.line ?? 0))
    for (const v of found) {
      const n = violationCounts[v.kind] ?? 0
      violationCounts[v.kind] = n + 1
      if (n < maxPerKind) violations.push(v)
    }
  }
  return { violations, violationCounts }
}

export function checkHistory (records: readonly HistoryRecord[], opts: CheckOptions = {}): CheckResult {
  const { violations, violationCounts } = runCheckers(records, opts)
  const notes: string[] = []
  const live = livenessPlan(records).note
  if (live !== undefined) notes.push(live)
  for (const note of [modesNote(records), modesCoverageNote(records)]) if (note !== undefined) notes.push(note)
  return { violations, violationCounts, stats: historyStats(records), notes }
}

export function violationTotal (result: CheckResult): number {
  return Object.values(result.violationCounts).reduce((n, c) => n + (c ?? 0), 0)
}
