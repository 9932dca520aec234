/**
 * Swarm testing: the seed picks which fault kinds are enabled, how often they
 * strike, the clock budget and the delay profile. Some seeds are fault-free;
 * some run every clock at the full ±ρ budget with sub-millisecond delays (the
 * case where the drift formula is exactly tight).
 *
 * This module only plans: `FaultAction`s carry a time, a kind, a duration and
 * a random draw; the simulation resolves targets when the action fires (so it
 * can aim at whoever holds a lock then).
 */
import type { NetworkParams, NetworkRates } from './network.js'
import type { Rng } from './rng.js'

export const FAULT_KINDS = [
  'loss', 'duplicate', 'reorder', 'partition', 'one-way', 'bridge', 'isolate',
  'crash-restart', 'clean-restart', 'pause', 'suspend', 'drift', 'burst'
] as const
export type FaultKind = typeof FAULT_KINDS[number]

/**
 * The kinds drawn from the profile's own stream, in their original order.
 * `burst` (a process frozen in short bursts, issue 11) is drawn from a stream
 * of its own, so adding it left every other draw of every seed as it was.
 */
const DRAWN_KINDS = FAULT_KINDS.filter(k => k !== 'burst')

/** Faults that strike at an instant and last a while (network rates are set per seed). */
export type TimedFaultKind = Exclude<FaultKind, 'loss' | 'duplicate' | 'reorder'>

export interface FaultProfile {
  faultFree: boolean
  enabled: ReadonlySet<FaultKind>
  /** ρ the cores are configured with. */
  rho: number
  /** Every clock at exactly ±ρ·clockScale, sub-millisecond delays. */
  fullBudget: boolean
  /** Multiplier on the clocks' real rate error (1 = the configured budget; mutation tests use 1.5). */
  clockScale: number
  network: NetworkParams
  /** Loss, duplication and reordering while the safety phase runs. */
  rates: NetworkRates
  /** Mean gap between timed faults of each enabled kind (ms). */
  meanGapMs: number
}

export interface FaultAction {
  t: number
  kind: TimedFaultKind
  durationMs: number
}

export interface ProfileOptions {
  /** Force exactly these kinds (never fault-free); undefined = swarm. */
  kinds?: readonly FaultKind[]
  /** Force a fault-free seed. */
  faultFree?: boolean
  /** Force the full clock budget with sub-ms delays. */
  fullBudget?: boolean
  clockScale?: number
  /** Nodes: slow links are modelled a little tighter on big meshes. */
  nodes: number
}

export function chooseProfile (rng: Rng, opts: ProfileOptions): FaultProfile {
  const r = rng.fork('profile')
  const faultFree = opts.faultFree ?? (opts.kinds === undefined && r.chance(0.1))
  const fullBudget = !faultFree && (opts.fullBudget ?? r.chance(0.15))
  const enabled = new Set<FaultKind>()
  if (!faultFree) {
    if (opts.kinds !== undefined) for (const k of opts.kinds) enabled.add(k)
    else {
      for (const k of DRAWN_KINDS) if (r.chance(0.5)) enabled.add(k)
      if (enabled.size === 0) enabled.add(r.pick(DRAWN_KINDS))
      if (rng.fork('profile-burst').chance(0.5)) enabled.add('burst')
    }
    if (fullBudget) enabled.add('drift')
  }
  const rho = r.range(0.01, 0.05)
  const subMs = fullBudget || r.chance(0.2)
  const network: NetworkParams = subMs
    ? { minDelayMs: [0.02, 0.1], jitterMs: [0.01, 0.2], capMs: 50, selfDelayMs: [0.005, 0.02] }
    : { minDelayMs: [0.1, r.range(0.5, 3)], jitterMs: [0.05, r.range(0.3, 4)], capMs: 50, selfDelayMs: [0.01, 0.05] }
  const rates: NetworkRates = {
    lossP: enabled.has('loss') ? r.range(0.005, 0.08) : 0,
    dupP: enabled.has('duplicate') ? r.range(0.005, 0.05) : 0,
    reorderP: enabled.has('reorder') ? r.range(0.01, 0.1) : 0,
    reorderMaxMs: r.range(2, 40)
  }
  return {
    faultFree,
    enabled,
    rho,
    fullBudget,
    clockScale: opts.clockScale ?? 1,
    network,
    rates,
    meanGapMs: r.range(700, 2500)
  }
}

const DURATIONS: Record<TimedFaultKind, [number, number]> = {
  partition: [300, 3000],
  'one-way': [300, 3000],
  bridge: [300, 3000],
  isolate: [300, 3000],
  'crash-restart': [20, 2500],
  'clean-restart': [20, 600],
  // Pauses and suspends longer than a lease (1–2 s) happen often.
  pause: [100, 3500],
  suspend: [300, 4000],
  drift: [500, 5000],
  // A stretch of repeated short freezes (each 50–800 ms, see BURST_FREEZE_MS).
  burst: [1000, 4000]
}

/** One freeze of a `burst` fault (ms): shorter and longer than the suspicion timeout (400–1000 ms). */
export const BURST_FREEZE_MS: [number, number] = [50, 800]
/** The node runs this long between two freezes of a burst (ms): often less than a round trip. */
export const BURST_RUN_MS: [number, number] = [0, 150]

/** Timed faults for the safety phase [from, until). Every list is bounded. */
export function planFaults (rng: Rng, profile: FaultProfile, from: number, until: number): FaultAction[] {
  const r = rng.fork('plan')
  const actions: FaultAction[] = []
  const ACTIONS_PER_KIND_MAX = 64
  for (const kind of FAULT_KINDS) {
    if (kind === 'loss' || kind === 'duplicate' || kind === 'reorder') continue
    if (!profile.enabled.has(kind)) continue
    let t = from + r.exp(profile.meanGapMs / 2)
    for (let i = 0; i < ACTIONS_PER_KIND_MAX && t < until; i++) {
      const [lo, hi] = DURATIONS[kind]
      actions.push({ t, kind, durationMs: r.range(lo, hi) })
      t += r.exp(profile.meanGapMs)
    }
  }
  actions.sort((a, b) => a.t - b.t)
  return actions
}
