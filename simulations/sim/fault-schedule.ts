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

/** The first twelve kinds; their swarm draws come first, so adding a kind leaves old seeds' draws alone. */
const BASE_KINDS = [
  'loss', 'duplicate', 'reorder', 'partition', 'one-way', 'bridge', 'isolate',
  'crash-restart', 'clean-restart', 'pause', 'suspend', 'drift'
] as const

/**
 * Kinds added later, each drawn from its own stream (see chooseProfile):
 * - `disk-hang`: one node's fence-store writes hang for longer than a lease,
 *   so a grant waits behind the write until its lease has ended (the persist
 *   gate's result-order rule, issue 9 item 5);
 * - `mode-flap`: one node's disk hangs while its links go down, up and down
 *   again, so a mode upgrade and a later downgrade both wait behind the same
 *   fence-store write (the persist gate's mode-order rule, issue 9 item 5);
 * - `wiped-restart`: a node crashes and restarts with its store wiped (an SD
 *   card replaced): it recovers from its peers (issue 12, disk loss). Planned
 *   and aimed from its own streams too.
 * And `burst` (issue 11): a node whose steps arrive late in bursts — its
 * process frozen 50–800 ms again and again (drawn from a stream of its own,
 * in half the faulty seeds).
 */
const LATER_KINDS = ['disk-hang', 'mode-flap', 'wiped-restart'] as const

/**
 * Disk-loss recovery's shaped faults (issue 12), each enabled in 25% of the
 * faulty seeds from a stream of its own ('profile-recovery'), planned from its
 * own stream too ('plan-<kind>'), aimed from the injector's 'recovery' stream
 * (simulations/sim/recovery-faults.ts has the mechanics):
 * - `wiped-mid-commit`: a voter's disk is lost right after it accepted a
 *   COMMIT whose copies to the other voters are still being retransmitted; it
 *   restarts at once, cut off from the requester past its quiet period (the
 *   window a ceiling sampled at start misses);
 * - `wiped-stale-peers`: for a while a set S of peers is cut off one by one
 *   while the rest, the wiped-to-be node among them, go on locking; then its
 *   disk is lost and it restarts among S, cut off from the rest past its quiet
 *   period. On a grid S is its column and one node of every other column: S
 *   meets every write quorum minus the node, but not the read quorums made of
 *   the node and the rest (the case write-only coverage gets wrong).
 */
const RECOVERY_KINDS = ['wiped-mid-commit', 'wiped-stale-peers'] as const

export const FAULT_KINDS = [...BASE_KINDS, ...LATER_KINDS, 'burst', ...RECOVERY_KINDS] as const
export type FaultKind = typeof FAULT_KINDS[number]

/** Faults that strike at an instant and last a while (network rates are set per seed). */
export type TimedFaultKind = Exclude<FaultKind, 'loss' | 'duplicate' | 'reorder' | 'mode-flap'>

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
      for (const k of BASE_KINDS) if (r.chance(0.5)) enabled.add(k)
      if (enabled.size === 0) enabled.add(r.pick(BASE_KINDS))
      const later = rng.fork('profile-later')
      for (const k of LATER_KINDS) if (later.chance(0.25)) enabled.add(k)
      if (rng.fork('profile-burst').chance(0.5)) enabled.add('burst')
      const recovery = rng.fork('profile-recovery')
      for (const k of RECOVERY_KINDS) if (recovery.chance(0.25)) enabled.add(k)
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
  // Longer than a lease (1–2 s): a held grant's lease ends inside the hang.
  'disk-hang': [2000, 4000],
  // Down, then back with an empty disk (an SD card replaced): it recovers from its peers.
  'wiped-restart': [20, 2500],
  // A stretch of repeated short freezes (each 50–800 ms, see BURST_FREEZE_MS).
  burst: [1000, 4000],
  // How long the trap waits for a COMMIT to aim at (recovery-faults.ts times the rest).
  'wiped-mid-commit': [500, 2000],
  // How long S is cut off before the wiped node restarts among it: detection, then locking without S.
  'wiped-stale-peers': [1500, 4000]
}

/** One freeze of a `burst` fault (ms): shorter and longer than the suspicion timeout (400–1000 ms). */
export const BURST_FREEZE_MS: [number, number] = [50, 800]
/** The node runs this long between two freezes of a burst (ms): often less than a round trip. */
export const BURST_RUN_MS: [number, number] = [0, 150]

/** Timed faults for the safety phase [from, until). Every list is bounded. */
export function planFaults (rng: Rng, profile: FaultProfile, from: number, until: number): FaultAction[] {
  const base = rng.fork('plan')
  const actions: FaultAction[] = []
  const ACTIONS_PER_KIND_MAX = 64
  for (const kind of FAULT_KINDS) {
    // Network rates are per seed; a mode flap is planned by planModeFlap.
    if (kind === 'loss' || kind === 'duplicate' || kind === 'reorder' || kind === 'mode-flap') continue
    if (!profile.enabled.has(kind)) continue
    // wiped-restart (added after disk-hang) plans from its own stream: the others' plans stay as they were.
    // So do the recovery kinds (added later still).
    const r = kind === 'wiped-restart' || (RECOVERY_KINDS as readonly string[]).includes(kind) ? rng.fork(`plan-${kind}`) : base
    let t = from + r.exp(profile.meanGapMs / 2)
    for (let i = 0; i < ACTIONS_PER_KIND_MAX && t < until; i++) {
      const [lo, hi] = DURATIONS[kind]
      let durationMs = r.range(lo, hi)
      // Heal does not mend a disk: a hang ends inside the safety phase (the liveness phase needs a healthy disk).
      if (kind === 'disk-hang') durationMs = Math.min(durationMs, until - t)
      actions.push({ t, kind, durationMs })
      t += r.exp(profile.meanGapMs)
    }
  }
  actions.sort((a, b) => a.t - b.t)
  return actions
}

/** The steps of one mode flap, as offsets (ms) from its start. */
export interface ModeFlapPlan {
  /** The target's disk hangs: every write it issues from now lands at `hangEnd` at the earliest. */
  hangEnd: number
  /** The target is isolated at 0, reconnected at `healAt`, isolated again at `cutAgainAt`... */
  healAt: number
  cutAgainAt: number
  /** ...and reconnected at `end`: long enough after the hang for the modes checker to judge it. */
  end: number
}

/**
 * One mode flap per seed: isolated long enough to downgrade, reconnected long
 * enough to upgrade (detection + stable period), isolated again and downgraded,
 * all inside one hung fence-store write; then still isolated for a detection +
 * stable period after the write lands, so a wrong final mode is visible.
 * Returns null when the safety phase is too short to hold it.
 */
export function planModeFlap (rng: Rng, from: number, until: number, detectMs: number, stableMs: number): { t: number, plan: ModeFlapPlan } | null {
  const r = rng.fork('mode-flap')
  const healAt = detectMs + 300
  const cutAgainAt = healAt + detectMs + stableMs + 300
  const hangEnd = cutAgainAt + detectMs + 400
  const end = hangEnd + detectMs + stableMs + 800
  const latest = until - end
  if (latest < from) return null
  return { t: r.range(from, latest), plan: { hangEnd, healAt, cutAgainAt, end } }
}
