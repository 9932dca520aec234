/**
 * Liveness after heal (DESIGN.md §5.4). The liveness phase starts at the
 * latest of
 *   - the instant the run became fault-free for good + detectionMs + stableMs
 *     (+ ttlMsMax when a process was killed: its restart waits a quiet period),
 *   - the last `node-start` + ttlMsMax + detectionMs + stableMs, and
 *   - ttlMsMax + detectionMs + stableMs (every node starts with a quiet period).
 * Every acquire started in that phase whose waitMs exceeds the stated bound
 * (`livenessBoundMs`; or that has no waitMs, or is a tryAcquire) must end
 * `acquired` — or `busy` for a tryAcquire (`noWait: true`) — within the bound.
 * A timeout, any other failure, or no answer once the bound passed inside the
 * run is a violation; `killed` is excused, and so is `run-end` (or no answer)
 * when the bound had not yet passed at the end.
 *
 * A harness that knows its phases states them instead (the simulator): when
 * any acquire-start carries `live`, exactly the ones with `live: true` are
 * judged, each against its own `waitMs`, stretched for the holder's clock
 * rate error on the core's wait timer and for the last delivery.
 */
import { pairAcquires, succeeded, type AcquireAttempt } from './acquires.js'
import { configOf, eventsOf, runEnd } from './events.js'
import { faultFreeSince, killHappened } from './faults.js'
import { fmtMs, msToNs, nsToMs, type HistoryRecord } from './history.js'
import type { CheckOptions } from './options.js'
import { violation, type Violation } from './violation.js'

export interface LivenessPlan {
  /** Start of the liveness phase (ns), or null when liveness is not checked. */
  start: number | null
  boundMs: number | null
  /** Why liveness is skipped, when it is. */
  note?: string
}

/** Stated live acquires: the wait timer runs on a clock up to this fraction slow (covers ρ ≤ 5 % scaled 1.5×). */
export const LIVE_RATE_SLACK = 0.1
/** Stated live acquires: time for the answer's last frame (ms). */
export const LIVE_DELIVERY_SLACK_MS = 50

/** Whether the history states which acquires liveness judges (`live` on acquire-start). */
export function livenessStated (records: readonly HistoryRecord[]): boolean {
  return pairAcquires(records).attempts.some(a => a.start.live !== undefined)
}

export function livenessPlan (records: readonly HistoryRecord[]): LivenessPlan {
  const config = configOf(records)
  if (config !== undefined && livenessStated(records)) {
    let start = config.livenessFromMs !== undefined ? msToNs(config.livenessFromMs) : Infinity
    if (config.livenessFromMs === undefined) for (const a of pairAcquires(records).attempts) if (a.start.live === true) start = Math.min(start, a.start.t)
    return { start: Number.isFinite(start) ? start : null, boundMs: config.livenessBoundMs ?? null }
  }
  if (config === undefined) return { start: null, boundMs: null, note: 'liveness not checked: the history has no config record' }
  if (config.livenessBoundMs === undefined) return { start: null, boundMs: null, note: 'liveness not checked: the config states no livenessBoundMs' }
  const bound = config.livenessBoundMs
  const healed = faultFreeSince(records)
  if (healed === null) return { start: null, boundMs: bound, note: 'liveness not checked: a fault was never healed' }
  const settle = config.detectionMs + config.stableMs
  const quiet = config.ttlMsMax + settle
  let start = Math.max(healed + msToNs(settle + (killHappened(records) ? config.ttlMsMax : 0)), msToNs(quiet))
  for (const s of eventsOf(records, 'node-start')) start = Math.max(start, s.t + msToNs(quiet))
  if (start >= runEnd(records)) return { start, boundMs: bound, note: `liveness not checked: the run ended before the liveness phase (from ${fmtMs(start)})` }
  return { start, boundMs: bound }
}

interface Judged { a: AcquireAttempt, deadline: number, what: string }

function judgedAttempts (records: readonly HistoryRecord[], opts: CheckOptions): Judged[] {
  const slackMs = opts.slackMs ?? 0
  const end = runEnd(records)
  const out: Judged[] = []
  const describe = (s: AcquireAttempt['start'], phase: string): string =>
    `${s.worker}'s ${s.mode} ${s.noWait === true ? 'tryAcquire' : 'acquire'} of "${s.key}" started at ${fmtMs(s.t)}, ${phase},`
  if (livenessStated(records)) {
    for (const a of pairAcquires(records).attempts) {
      const s = a.start
      if (s.live !== true) continue
      const bound = s.waitMs ?? nsToMs(end - s.t)
      const deadline = s.t + msToNs(bound * (1 + LIVE_RATE_SLACK) + LIVE_DELIVERY_SLACK_MS + slackMs)
      out.push({ a, deadline, what: describe(s, `stated live (bound ${bound.toFixed(0)} ms)`) })
    }
    return out
  }
  const plan = livenessPlan(records)
  if (plan.start === null || plan.boundMs === null) return []
  const bound = plan.boundMs
  for (const a of pairAcquires(records).attempts) {
    const s = a.start
    if (s.t < plan.start) continue
    if (s.noWait !== true && s.waitMs !== undefined && s.waitMs <= bound) continue
    out.push({ a, deadline: s.t + msToNs(bound + slackMs), what: describe(s, `in the liveness phase (from ${fmtMs(plan.start)}; bound ${bound} ms)`) })
  }
  return out
}

export function checkLiveness (records: readonly HistoryRecord[], opts: CheckOptions = {}): Violation[] {
  const out: Violation[] = []
  const end = runEnd(records)
  for (const { a, deadline, what } of judgedAttempts(records, opts)) {
    const s = a.start
    const ans = a.answer
    if (ans === undefined || (ans.type === 'acquire-failed' && ans.reason === 'run-end')) {
      if (deadline <= end) out.push(violation('liveness', deadline, `${what} had no answer by ${fmtMs(deadline)}.`, s.line))
      continue
    }
    if (ans.type === 'acquire-failed' && ans.reason === 'killed') continue
    if (!succeeded(a)) {
      const how = ans.type === 'acquire-failed' && ans.reason === 'timeout' ? 'timed out' : `failed (${ans.type === 'acquire-failed' ? ans.reason : ans.type})`
      out.push(violation('liveness', ans.t, `${what} ${how} at ${fmtMs(ans.t)}.`, ans.line))
    } else if (ans.t > deadline) {
      out.push(violation('liveness', ans.t, `${what} only ended ${ans.type === 'acquired' ? 'acquired' : 'busy'} at ${fmtMs(ans.t)}, after the bound (${fmtMs(deadline)}).`, ans.line))
    }
  }
  return out
}
