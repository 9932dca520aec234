/**
 * A small seeded PRNG (mulberry32) for the harness's choices: the chaos
 * schedule, fault targets, each worker's workload. `fork(label)` gives an
 * independent stream that depends only on the seed and the label.
 */

import { hash32 } from '../sim/rng.js'

export class Rng {
  private state: number

  constructor (readonly seed: number) {
    this.state = hash32(seed >>> 0, `seed:${Math.floor(seed / 0x100000000)}`)
  }

  fork (label: string): Rng {
    return new Rng(hash32(this.seed >>> 0, `${Math.floor(this.seed / 0x100000000)}/${label}`))
  }

  /** Uniform in [0, 1). */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform in [lo, hi). */
  range (lo: number, hi: number): number { return lo + (hi - lo) * this.next() }
  /** Integer in [lo, hi]. */
  int (lo: number, hi: number): number { return lo + Math.floor((hi - lo + 1) * this.next()) }
  chance (p: number): boolean { return this.next() < p }
  pick<T> (items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  shuffle<T> (items: readonly T[]): T[] {
    const out = [...items]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }
}
