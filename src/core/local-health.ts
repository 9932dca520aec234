/**
 * Local health: Lifeguard's local health multiplier (Dadgar et al. 2018,
 * "Lifeguard: Local Health Awareness for More Accurate Failure Detection";
 * HashiCorp memberlist's `awareness.go`).
 *
 * Why: a node whose own host is slow (event loop blocked in bursts, CPU
 * starved, paused) hears its peers late and answers late, so by its own clock
 * healthy peers "go silent" — and it would accuse them. The score rises on
 * evidence that THIS node is the slow one and decays on evidence that it is
 * healthy again — a timely answer (memberlist: −1 per successful probe),
 * never on mere silence: a node whose reads are starved hears nothing at
 * all, and forgiving it then would shrink its timeouts exactly when every
 * peer looks silent;
 * the detector waits `suspicionTimeoutMs × multiplier` before accusing, with
 * `multiplier = 1 + score ≤ multiplierMax` (8 by default).
 *
 * Pure: every input carries the `now` it is about (no clock is read here).
 */

/** What made the score rise. */
export type HealthEvidence = 'late-wake' | 'late-frames' | 'slow-acks'

export const HEALTH_EVIDENCE: readonly HealthEvidence[] = ['late-wake', 'late-frames', 'slow-acks']

/** The multiplier's cap when the config names none (Lifeguard's and memberlist's default). */
export const LOCAL_HEALTH_MAX_DEFAULT = 8

export interface LocalHealthOptions {
  /** Largest multiplier (score + 1); 1 switches the multiplier off (evidence is still counted). */
  multiplierMax: number
  /** Evidence raises the score at most once per this long (ms): one slow moment is one point, not one per frame. */
  raiseEveryMs: number
  /** One point is forgiven per this long without evidence, at a timely answer (ms). */
  decayMs: number
}

export class LocalHealth {
  private points = 0
  private lastRaiseAt = -Infinity
  /** Healthy time counts from here: the last evidence, or the last point forgiven. */
  private decayFrom = -Infinity
  /** Evidence seen, per kind (whether or not it raised the score). */
  readonly evidence: Record<HealthEvidence, number> = { 'late-wake': 0, 'late-frames': 0, 'slow-acks': 0 }

  constructor (private readonly opts: LocalHealthOptions) {}

  /** 0 (healthy) .. multiplierMax − 1. */
  get score (): number { return this.points }
  /** What timeouts are multiplied by: 1 + score. */
  get multiplier (): number { return 1 + this.points }
  get multiplierMax (): number { return this.opts.multiplierMax }

  /** Evidence that this node is slow, at `now`; true when the score changed. */
  raise (now: number, kind: HealthEvidence): boolean {
    this.evidence[kind]++
    this.decayFrom = Math.max(this.decayFrom, now)
    if (now - this.lastRaiseAt < this.opts.raiseEveryMs) return false
    this.lastRaiseAt = now
    if (this.points >= this.opts.multiplierMax - 1) return false
    this.points++
    return true
  }

  /**
   * A timely answer at `now` (evidence of health): forgive one point if
   * `decayMs` passed since the last evidence or the last point forgiven.
   * True when the score changed.
   */
  healthy (now: number): boolean {
    if (this.points === 0 || now - this.decayFrom < this.opts.decayMs) return false
    this.points--
    this.decayFrom = now
    return true
  }
}
