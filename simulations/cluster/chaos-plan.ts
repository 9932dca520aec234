/**
 * The seeded chaos schedule: which fault kinds start when and for how long,
 * packed into the chaos window. Partitions and bridges cut the whole mesh
 * and run alone; the other kinds touch one or two nodes and may overlap on
 * disjoint nodes, with at most `maxDown` nodes down (killed, paused or
 * isolated) at once, so every kind fits a 45 s run. Targets are chosen when
 * a fault starts (see chaos.ts): they depend on who holds what then.
 */
import type { ChaosKind } from './options.js'
import type { Rng } from './rng.js'

export interface PlannedFault {
  kind: ChaosKind
  /** ms after the chaos window opens. */
  at: number
  /** How long the fault lasts (kill: how long the node stays dead). */
  durationMs: number
  /** How long the fault occupies its nodes (kill: + the restart). */
  slotMs: number
  /** The shortest it may be cut to when it starts late. */
  minDurationMs: number
  /** The first fault of its kind (every chosen kind is injected at least once). */
  first: boolean
}

export interface PlanOptions {
  windowMs: number
  nodes: number
  ttlMs: number
  /** Most nodes down at once. */
  maxDown: number
}

const GLOBAL: ReadonlySet<ChaosKind> = new Set(['partition', 'bridge'])
const DOWN: ReadonlySet<ChaosKind> = new Set(['kill', 'pause', 'isolate'])
const WIDTH: Record<ChaosKind, number> = { partition: 0, bridge: 0, isolate: 1, 'one-way': 2, kill: 1, pause: 1, slow: 1 }
/** Time a killed node needs to come back (process start, node listening). */
const RESTART_ALLOWANCE_MS = 4000
const GAP_MS: [number, number] = [600, 1200]

function durationRange (kind: ChaosKind, ttlMs: number): { lo: number, hi: number, min: number } {
  switch (kind) {
    // Long enough, where the window allows, to outlast detection + stable
    // period, so the modes check sees the degraded modes too.
    case 'partition':
    case 'bridge': return { lo: 7000, hi: 11000, min: 2500 }
    case 'isolate':
    case 'one-way':
    case 'slow': return { lo: 5000, hi: 9000, min: 2500 }
    // SIGSTOP past the lease.
    case 'pause': return { lo: ttlMs + 600, hi: ttlMs + 1500, min: ttlMs + 400 }
    case 'kill': return { lo: 800, hi: 2000, min: 500 }
  }
}

interface Placed extends PlannedFault { end: number }

function fits (placed: readonly Placed[], kind: ChaosKind, start: number, slot: number, opts: PlanOptions, gap: number): boolean {
  const end = start + slot
  if (end > opts.windowMs) return false
  const overlapping = placed.filter(p => p.at < end + gap && start < p.end + gap)
  if (GLOBAL.has(kind)) return overlapping.length === 0
  if (overlapping.some(p => GLOBAL.has(p.kind))) return false
  // Check every instant where the set of overlapping faults changes.
  const points = [start, ...overlapping.map(p => p.at).filter(t => t > start && t < end)]
  for (const t of points) {
    const live = placed.filter(p => p.at <= t && t < p.end)
    const width = live.reduce((n, p) => n + WIDTH[p.kind], 0) + WIDTH[kind]
    const down = live.filter(p => DOWN.has(p.kind)).length + (DOWN.has(kind) ? 1 : 0)
    if (width > opts.nodes || down > opts.maxDown || live.length >= 3) return false
  }
  return true
}

/** Places `kinds` in order from `cursor`; null when one does not fit. */
function place (kinds: readonly ChaosKind[], opts: PlanOptions, rng: Rng, scale: number, placed: Placed[], cursor: number): { placed: Placed[], cursor: number } | null {
  const out = [...placed]
  for (const kind of kinds) {
    const r = durationRange(kind, opts.ttlMs)
    const durationMs = Math.round(Math.max(r.min, rng.range(r.lo, r.hi) * scale))
    const slotMs = durationMs + (kind === 'kill' ? RESTART_ALLOWANCE_MS : 0)
    const gap = rng.range(GAP_MS[0], GAP_MS[1])
    const candidates = [cursor, ...out.map(p => p.end + gap).filter(t => t > cursor)].sort((a, b) => a - b)
    const start = candidates.find(t => fits(out, kind, t, slotMs, opts, GLOBAL.has(kind) ? gap : 0))
    if (start === undefined) return null
    out.push({ kind, at: Math.round(start), durationMs, slotMs, minDurationMs: r.min, first: false, end: start + slotMs })
    cursor = GLOBAL.has(kind) ? start + slotMs + gap : start + rng.range(300, 900)
  }
  return { placed: out, cursor }
}

/**
 * Every kind in `kinds` once (shrinking durations towards their minimum if
 * the window is short), then more faults drawn from `kinds` while they fit.
 */
export function planChaos (kinds: readonly ChaosKind[], opts: PlanOptions, rng: Rng): { faults: PlannedFault[], dropped: ChaosKind[] } {
  if (kinds.length === 0 || opts.windowMs <= 0) return { faults: [], dropped: [...kinds] }
  const makespan = (p: { placed: Placed[] }): number => Math.max(0, ...p.placed.map(x => x.end))
  // The longest durations that fit, in the best of several random orders.
  const bestOf = (list: readonly ChaosKind[], scale: number, label: string): { placed: Placed[], cursor: number } | null => {
    let best: { placed: Placed[], cursor: number } | null = null
    for (let attempt = 0; attempt < 40; attempt++) {
      const r = rng.fork(`${label}/${scale.toFixed(1)}/${attempt}`)
      const p = place(r.shuffle(list), opts, r, scale, [], 0)
      if (p !== null && (best === null || makespan(p) < makespan(best))) best = p
    }
    return best
  }
  let first: { placed: Placed[], cursor: number } | null = null
  for (let scale = 1; scale >= 0.29 && first === null; scale -= 0.1) first = bestOf(kinds, scale, 'all')
  let dropped: ChaosKind[] = []
  if (first === null) {
    // Not even the shortest durations fit: drop kinds (the last of a random order) until the rest do.
    const order = rng.fork('drop').shuffle(kinds)
    for (let n = order.length - 1; n > 0 && first === null; n--) {
      first = bestOf(order.slice(0, n), 0.3, `prefix${n}`)
      if (first !== null) dropped = order.slice(n)
    }
    if (first === null) return { faults: [], dropped: [...kinds] }
  }
  let { placed } = first
  // Then more faults of the chosen kinds while they fit.
  const extra = rng.fork('extra')
  let cursor = first.cursor
  for (let tries = 0; tries < 50; tries++) {
    const next = place([extra.pick(kinds)], opts, extra, 1, placed, cursor)
    if (next === null) continue
    placed = next.placed
    cursor = next.cursor
  }
  placed.sort((a, b) => a.at - b.at)
  const seen = new Set<ChaosKind>()
  return {
    faults: placed.map(({ kind, at, durationMs, slotMs, minDurationMs }) => {
      const first = !seen.has(kind)
      seen.add(kind)
      return { kind, at, durationMs, slotMs, minDurationMs, first }
    }),
    dropped
  }
}
