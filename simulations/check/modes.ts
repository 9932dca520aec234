/**
 * Modes (DESIGN.md §3, §5.6): once a node's true reachable set (see truth.ts)
 * has held for detectionMs × detectionCap + stableMs, the mode it logs must equal
 * what the quorum system allows for that set — the mode, and `sharedLocks`
 * when read-only — until the set changes again. The expectation comes from
 * quorum-oracle.ts (the quorum sets enumerated from their definition), never
 * from the detector's own `classify`. The first detection × cap + stable
 * period of every stretch is the allowed transition window: the cap is the
 * local health multiplier's (a node slowed by its own host waits up to that
 * many suspicion timeouts before accusing a peer; 8 unless the history says
 * otherwise). Histories that say `healthyUnlessFrozen` (the simulator's:
 * a simulated process runs late only while some process is frozen) use the
 * cap only once some process has been frozen — a multiplier rises only on
 * such lateness (its own late steps, or most peers answering late), and once
 * up it falls only at timely answers, which an isolated node never gets — and
 * detection + stable period before any freeze. A node is checked
 * only while it runs unpaused and the truth is certain; a restarted node's
 * logged mode starts over at `starting`.
 */
import { configOf, eventsOf, type Of } from './events.js'
import { fmtMs, msToNs, type HistoryRecord, type NodeName } from './history.js'
import type { CheckOptions } from './options.js'
import { QuorumOracle } from './quorum-oracle.js'
import { reachableSet, truthTimeline, type TruthSegment } from './truth.js'
import { violation, type Violation } from './violation.js'

interface Stretch {
  start: number
  end: number
  /** Start of the node's current run of life (its logged mode restarts there). */
  aliveSince: number
  checkable: boolean
  reach: NodeName[]
}

function stretchesOf (segments: readonly TruthSegment[], roster: readonly NodeName[], x: NodeName): Stretch[] {
  const out: Stretch[] = []
  let aliveSince = 0
  let wasAlive = false
  let prevSig = ''
  for (const seg of segments) {
    const alive = seg.alive.has(x)
    if (alive && !wasAlive) aliveSince = seg.start
    wasAlive = alive
    const checkable = alive && !seg.paused.has(x) && !seg.uncertain
    const reach = checkable ? [...reachableSet(seg, x, roster)].sort() : []
    const sig = `${String(checkable)}|${aliveSince}|${reach.join(',')}`
    const last = out[out.length - 1]
    if (last !== undefined && sig === prevSig) last.end = seg.end
    else out.push({ start: seg.start, end: seg.end, aliveSince, checkable, reach })
    prevSig = sig
  }
  return out
}

/** The shipped local health multiplier cap (src/core/local-health.ts), restated: the bound a history states by default. */
export const DETECTION_CAP_DEFAULT = 8

export function detectionCapOf (config: { detectionCap?: number }): number {
  return config.detectionCap ?? DETECTION_CAP_DEFAULT
}

/** How long after its true reachable set changed a node's mode may still be the old one. */
export function modesBoundMs (config: { detectionMs: number, stableMs: number, detectionCap?: number }): number {
  return config.detectionMs * detectionCapOf(config) + config.stableMs
}

function fmtMode (m: { mode: string, sharedLocks: boolean }): string {
  return m.mode === 'read-only' ? `read-only (sharedLocks ${String(m.sharedLocks)})` : m.mode
}

export function modesNote (records: readonly HistoryRecord[]): string | undefined {
  const config = configOf(records)
  if (config === undefined) return 'modes not checked: the history has no config record'
  if (eventsOf(records, 'mode').length === 0) return 'modes not checked: the history has no mode records'
  return undefined
}

/** A note on the time modes could not be checked because reachability was unknown, if any. */
export function modesCoverageNote (records: readonly HistoryRecord[]): string | undefined {
  const config = configOf(records)
  if (config === undefined || modesNote(records) !== undefined) return undefined
  let unknown = 0
  for (const seg of truthTimeline(records, config.roster)) if (seg.uncertain) unknown += seg.end - seg.start
  if (unknown <= 0) return undefined
  const why = eventsOf(records, 'truth').length > 0 ? 'random loss, duplication or reordering was active' : 'slow faults, or faults that name no links'
  return `modes not checked for ${fmtMs(unknown)} of the run: reachability unknown (${why})`
}

export function checkModes (records: readonly HistoryRecord[], opts: CheckOptions = {}): Violation[] {
  const config = configOf(records)
  if (config === undefined || modesNote(records) !== undefined) return []
  let oracle: QuorumOracle
  try {
    oracle = new QuorumOracle(config.quorum, config.roster, config.unsafeNoIntersection === true)
  } catch {
    return []
  }
  const roster = oracle.roster
  const boundMs = modesBoundMs(config)
  const tightMs = config.detectionMs + config.stableMs
  const slackNs = msToNs(opts.slackMs ?? 0)
  const modesOf = new Map<NodeName, Array<Of<'mode'>>>()
  for (const m of eventsOf(records, 'mode')) {
    let l = modesOf.get(m.node)
    if (l === undefined) modesOf.set(m.node, l = [])
    l.push(m)
  }
  const segments = truthTimeline(records, roster)
  // From the first freeze of any process on, a multiplier may be above 1 (and stays up while no answer comes).
  const firstFreeze = segments.find(seg => seg.paused.size > 0)?.start ?? Infinity
  const capApplies = (start: number): boolean => config.healthyUnlessFrozen !== true || firstFreeze <= start + msToNs(boundMs)
  const out: Violation[] = []
  for (const x of roster) {
    const logged = modesOf.get(x) ?? []
    for (const s of stretchesOf(segments, roster, x)) {
      if (!s.checkable) continue
      const windowMs = capApplies(s.start) ? boundMs : tightMs
      const from = s.start + msToNs(windowMs) + slackNs
      if (from >= s.end) continue
      const want = oracle.expectedMode(new Set(s.reach))
      const at = (t: number): { mode: string, sharedLocks: boolean, line?: number } => {
        let cur: { mode: string, sharedLocks: boolean, line?: number } = { mode: 'starting', sharedLocks: false }
        for (const m of logged) {
          if (m.t > t) break
          if (m.t >= s.aliveSince) cur = m
        }
        return cur
      }
      const probes = [from, ...logged.filter(m => m.t > from && m.t < s.end).map(m => m.t)]
      for (const t of probes) {
        const got = at(t)
        if (got.mode === want.mode && (want.mode === 'read-write' || got.sharedLocks === want.sharedLocks)) continue
        out.push(violation('modes', t,
          `Node ${x} reported ${fmtMode(got)} at ${fmtMs(t)}, but it truly reached {${s.reach.join(', ')}} since ${fmtMs(s.start)}, ` +
          `which allows ${fmtMode(want)}, and ${windowMs === boundMs ? `detection × cap + stable period (${config.detectionMs} × ${detectionCapOf(config)} + ${config.stableMs} = ${boundMs} ms)` : `detection + stable period (${tightMs} ms; no process had been frozen)`} had passed.`, got.line))
        break
      }
    }
  }
  return out
}
