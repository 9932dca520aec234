/**
 * The simulated network: per-link delay distributions, loss, duplication,
 * reordering, and cuts (symmetric partitions, one-way cuts, isolating a node,
 * bridge partitions). Pure bookkeeping: it decides what happens to a frame
 * and when; the simulation schedules the deliveries and records them.
 *
 * Cuts are reference-counted per directed link so overlapping faults compose:
 * healing one partition never reopens a link another fault still cuts.
 */
import type { Rng } from './rng.js'

export interface NetworkParams {
  /** Per-link minimum delay is drawn from this range (ms). */
  minDelayMs: [number, number]
  /** Per-link mean of the exponential extra delay is drawn from this range (ms). */
  jitterMs: [number, number]
  /** No delivery takes longer than this (ms), reordering included. */
  capMs: number
  /** Frames a node sends to itself: a short local hop, never lost. */
  selfDelayMs: [number, number]
}

export interface NetworkRates {
  lossP: number
  dupP: number
  reorderP: number
  /** Extra delay of a reordered frame, uniform in [0, reorderMaxMs]. */
  reorderMaxMs: number
}

export const NO_FAULT_RATES: NetworkRates = { lossP: 0, dupP: 0, reorderP: 0, reorderMaxMs: 0 }

export interface SendPlan {
  /** Absolute true delivery times: 0 (lost or cut), 1, or 2 (duplicated). */
  deliveries: number[]
  cut: boolean
  lost: boolean
  duplicated: boolean
  reordered: boolean
}

/** A set of directed links some fault cut; undo it with `Network.restore`. */
export interface Cut {
  readonly links: readonly number[]
}

export class Network {
  readonly n: number
  private readonly cuts: Uint16Array
  private readonly linkMin: Float64Array
  private readonly linkJitter: Float64Array
  private ratesNow: NetworkRates = NO_FAULT_RATES
  private readonly active = new Set<Cut>()

  constructor (n: number, private readonly rng: Rng, readonly params: NetworkParams) {
    this.n = n
    this.cuts = new Uint16Array(n * n)
    this.linkMin = new Float64Array(n * n)
    this.linkJitter = new Float64Array(n * n)
    const setup = rng.fork('links')
    for (let i = 0; i < n * n; i++) {
      this.linkMin[i] = setup.range(params.minDelayMs[0], params.minDelayMs[1])
      this.linkJitter[i] = setup.range(params.jitterMs[0], params.jitterMs[1])
    }
  }

  get rates (): NetworkRates { return this.ratesNow }
  setRates (rates: NetworkRates): void { this.ratesNow = rates }

  /** True when no cut is active. */
  get whole (): boolean { return this.active.size === 0 }

  blocked (from: number, to: number): boolean {
    return from !== to && this.cuts[from * this.n + to]! > 0
  }

  /** Decide the fate of one frame sent at true time `t`. */
  plan (from: number, to: number, t: number): SendPlan {
    if (from === to) {
      const d = this.rng.range(this.params.selfDelayMs[0], this.params.selfDelayMs[1])
      return { deliveries: [t + d], cut: false, lost: false, duplicated: false, reordered: false }
    }
    if (this.blocked(from, to)) return { deliveries: [], cut: true, lost: false, duplicated: false, reordered: false }
    const r = this.ratesNow
    if (r.lossP > 0 && this.rng.chance(r.lossP)) return { deliveries: [], cut: false, lost: true, duplicated: false, reordered: false }
    let reordered = false
    const first = this.delay(from, to)
    let d1 = first
    if (r.reorderP > 0 && this.rng.chance(r.reorderP)) {
      reordered = true
      d1 = Math.min(this.params.capMs, d1 + this.rng.range(0, r.reorderMaxMs))
    }
    const deliveries = [t + d1]
    let duplicated = false
    if (r.dupP > 0 && this.rng.chance(r.dupP)) {
      duplicated = true
      deliveries.push(t + Math.min(this.params.capMs, this.delay(from, to) + this.rng.range(0, Math.max(1, r.reorderMaxMs))))
    }
    return { deliveries, cut: false, lost: false, duplicated, reordered }
  }

  /** One draw from the link's delay distribution: minimum + exponential jitter, capped. */
  delay (from: number, to: number): number {
    const i = from * this.n + to
    return Math.min(this.params.capMs, this.linkMin[i]! + this.rng.exp(this.linkJitter[i]!))
  }

  /** Largest delay any link can produce. */
  get maxDelayMs (): number { return this.params.capMs }

  // -- cuts ------------------------------------------------------------------

  /** Symmetric partition: `side` against every other node. */
  partition (side: readonly number[]): Cut {
    const inSide = this.membership(side)
    const links: number[] = []
    for (let a = 0; a < this.n; a++) {
      for (let b = 0; b < this.n; b++) {
        if (inSide[a] !== inSide[b]) links.push(a * this.n + b)
      }
    }
    return this.apply(links)
  }

  /** Frames from `from` to `to` are dropped; the other direction still works. */
  oneWay (from: number, to: number): Cut {
    return this.apply(from === to ? [] : [from * this.n + to])
  }

  /** `node` can neither send nor receive. */
  isolate (node: number): Cut {
    const links: number[] = []
    for (let x = 0; x < this.n; x++) {
      if (x === node) continue
      links.push(node * this.n + x, x * this.n + node)
    }
    return this.apply(links)
  }

  /**
   * Bridge partition: `a` and `b` cannot talk to each other, `bridge` talks to
   * both (the classic "majority through one node" trap).
   */
  bridge (a: readonly number[], b: readonly number[], bridge: number): Cut {
    const inA = this.membership(a.filter(x => x !== bridge))
    const inB = this.membership(b.filter(x => x !== bridge))
    const links: number[] = []
    for (let x = 0; x < this.n; x++) {
      for (let y = 0; y < this.n; y++) {
        if ((inA[x] === 1 && inB[y] === 1) || (inB[x] === 1 && inA[y] === 1)) links.push(x * this.n + y)
      }
    }
    return this.apply(links)
  }

  /** Undo one cut (idempotent). */
  restore (cut: Cut): void {
    if (!this.active.delete(cut)) return
    for (const l of cut.links) this.cuts[l] = this.cuts[l]! - 1
  }

  /** Remove every cut and every loss/duplication/reordering. */
  healAll (): void {
    for (const cut of [...this.active]) this.restore(cut)
    this.ratesNow = NO_FAULT_RATES
  }

  /** Does `cut` separate `a` from `b` in either direction? */
  separates (cut: Cut, a: number, b: number): boolean {
    const ab = a * this.n + b
    const ba = b * this.n + a
    for (const l of cut.links) if (l === ab || l === ba) return true
    return false
  }

  private apply (links: number[]): Cut {
    const cut: Cut = { links }
    for (const l of links) this.cuts[l] = this.cuts[l]! + 1
    this.active.add(cut)
    return cut
  }

  private membership (nodes: readonly number[]): Uint8Array {
    const m = new Uint8Array(this.n)
    for (const x of nodes) m[x] = 1
    return m
  }
}
