/**
 * The true reachability of the mesh over time, rebuilt from the harness's
 * records only: `node-start`/`node-exit`, `kill` and `pause` faults (the node
 * is down / frozen for every peer), and the directed links every other fault
 * cuts. Two nodes reach each other when both run, neither is paused and
 * neither direction between them is cut (a one-way cut breaks both).
 *
 * Stretches where the truth is unknown are marked `uncertain`: a `slow` fault
 * (whether its delay passes the suspicion timeout is not recorded) or a
 * fault of another kind that names no links (only `isolate` with nodes can be
 * expanded).
 *
 * A history with `truth` records (the simulator's) states the ground truth
 * instead: from each record to the next, `running` peers are up and unfrozen
 * (a live process that is not running counts as paused), `cut` links drop
 * everything, and the truth is uncertain only while random loss,
 * duplication or reordering is active (`clean: false`).
 */
import { eventsOf, runEnd } from './events.js'
import { faultIntervals, type FaultInterval } from './faults.js'
import type { HistoryRecord, NodeName } from './history.js'

export interface TruthSegment {
  /** ns */
  start: number
  /** ns, exclusive */
  end: number
  /** Process running (started, not exited, not killed). */
  alive: Set<NodeName>
  /** Running but frozen (SIGSTOP). */
  paused: Set<NodeName>
  /** Directed cut links `from>to`. */
  cut: Set<string>
  uncertain: boolean
}

const NODE_FAULTS = new Set(['kill', 'pause'])

function active (f: FaultInterval, t: number): boolean { return f.start <= t && t < f.end }

type LifeRecords = ReturnType<typeof eventsOf<'node-start' | 'node-exit'>>

/** Whether `x`'s process is up at `t` by its node-start / node-exit records (up when it has none). */
function lifeUpFn (life: LifeRecords): (x: NodeName, t: number) => boolean {
  const lifeOf = new Map<NodeName, LifeRecords>()
  for (const r of life) {
    let l = lifeOf.get(r.node)
    if (l === undefined) lifeOf.set(r.node, l = [])
    l.push(r)
  }
  return (x, t) => {
    const l = lifeOf.get(x)
    if (l === undefined) return true
    let up = l[0]!.type === 'node-exit'
    for (const r of l) { if (r.t <= t) up = r.type === 'node-start'; else break }
    return up
  }
}

const timelineCache = new WeakMap<readonly HistoryRecord[], TruthSegment[]>()

export function truthTimeline (records: readonly HistoryRecord[], roster: readonly NodeName[]): TruthSegment[] {
  let out = timelineCache.get(records)
  if (out === undefined) {
    const stated = eventsOf(records, 'truth')
    out = stated.length > 0 ? statedTimeline(records, roster, stated) : rebuiltTimeline(records, roster)
    timelineCache.set(records, out)
  }
  return out
}

function statedTimeline (records: readonly HistoryRecord[], roster: readonly NodeName[], truths: ReturnType<typeof eventsOf<'truth'>>): TruthSegment[] {
  const life = eventsOf(records, 'node-start', 'node-exit')
  const lifeUp = lifeUpFn(life)
  const end = runEnd(records)
  const points = new Set<number>([0])
  for (const r of truths) points.add(r.t)
  for (const r of life) points.add(r.t)
  const times = [...points].filter(t => t <= end).sort((a, b) => a - b)
  const segments: TruthSegment[] = []
  let i = -1
  times.forEach((t, j) => {
    const segEnd = j + 1 < times.length ? times[j + 1]! : Math.max(end, t)
    while (i + 1 < truths.length && truths[i + 1]!.t <= t) i++
    const tr = i >= 0 ? truths[i] : undefined
    const alive = new Set(roster.filter(x => lifeUp(x, t)))
    const running = new Set(tr?.running ?? [])
    const paused = new Set([...alive].filter(x => !running.has(x)))
    const cut = new Set((tr?.cut ?? []).map(([a, b]) => `${a}>${b}`))
    segments.push({ start: t, end: segEnd, alive, paused, cut, uncertain: tr === undefined || !tr.clean })
  })
  return segments
}

function rebuiltTimeline (records: readonly HistoryRecord[], roster: readonly NodeName[]): TruthSegment[] {
  const faults = faultIntervals(records)
  const life = eventsOf(records, 'node-start', 'node-exit')
  const end = runEnd(records)
  const lifeUp = lifeUpFn(life)
  const lifeOf = new Map<NodeName, LifeRecords>()
  for (const r of life) {
    let l = lifeOf.get(r.node)
    if (l === undefined) lifeOf.set(r.node, l = [])
    l.push(r)
  }
  // A kill keeps the node down until its fault ends or the node starts again, whichever is first.
  const killDown = faults.filter(f => f.kind === 'kill').flatMap(f => f.nodes.map(x => {
    const restart = (lifeOf.get(x) ?? []).find(r => r.type === 'node-start' && r.t > f.start)
    return { x, start: f.start, end: Math.min(f.end, restart?.t ?? Infinity) }
  }))

  const points = new Set<number>([0])
  for (const f of faults) { points.add(f.start); if (Number.isFinite(f.end)) points.add(f.end) }
  for (const r of life) points.add(r.t)
  for (const k of killDown) if (Number.isFinite(k.end)) points.add(k.end)
  const times = [...points].filter(t => t <= end).sort((a, b) => a - b)

  const segments: TruthSegment[] = []
  times.forEach((t, i) => {
    const segEnd = i + 1 < times.length ? times[i + 1]! : Math.max(end, t)
    const live = faults.filter(f => active(f, t))
    const alive = new Set(roster.filter(x => lifeUp(x, t) && !killDown.some(k => k.x === x && k.start <= t && t < k.end)))
    const paused = new Set(live.filter(f => f.kind === 'pause').flatMap(f => f.nodes))
    const cut = new Set<string>()
    let uncertain = false
    for (const f of live) {
      if (f.kind === 'slow') { uncertain = true; continue }
      for (const [a, b] of f.links) cut.add(`${a}>${b}`)
      if (f.links.length > 0 || NODE_FAULTS.has(f.kind)) continue
      if (f.kind === 'isolate' && f.nodes.length > 0) {
        for (const a of f.nodes) for (const b of roster) if (a !== b) { cut.add(`${a}>${b}`); cut.add(`${b}>${a}`) }
      } else {
        uncertain = true
      }
    }
    segments.push({ start: t, end: segEnd, alive, paused, cut, uncertain })
  })
  return segments
}

/** What `x` truly reaches in `seg`: itself and every running, unpaused peer with both directions open. */
export function reachableSet (seg: TruthSegment, x: NodeName, roster: readonly NodeName[]): Set<NodeName> {
  const reach = new Set<NodeName>([x])
  for (const p of roster) {
    if (p === x || !seg.alive.has(p) || seg.paused.has(p)) continue
    if (seg.cut.has(`${x}>${p}`) || seg.cut.has(`${p}>${x}`)) continue
    reach.add(p)
  }
  return reach
}
