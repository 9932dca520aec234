/**
 * Seeded PRNG for the simulator: xoshiro128** seeded through splitmix32.
 *
 * One seed derives everything. `fork(label)` gives an independent stream whose
 * sequence depends only on this stream's key and the label — never on how many
 * numbers were drawn from the parent — so adding a draw in one subsystem does
 * not perturb every other subsystem's choices.
 */

function splitmix32 (state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0
  let z = state
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  z = (z ^ (z >>> 16)) >>> 0
  return [state, z]
}

/** FNV-1a over a string, folded with a 32-bit starting key. */
export function hash32 (key: number, label: string): number {
  let h = (0x811c9dc5 ^ key) >>> 0
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  // Final avalanche so nearby labels give unrelated keys.
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d) >>> 0
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

export class Rng {
  /** Identity of this stream: forks derive from it. */
  readonly key: number
  private a: number
  private b: number
  private c: number
  private d: number

  constructor (seed: number) {
    // Fold a 53-bit integer seed into 32 bits without losing its high part.
    const lo = seed >>> 0
    const hi = Math.floor(seed / 0x100000000) >>> 0
    this.key = hash32(lo, `seed:${hi}`)
    let s = this.key
    let out: number
    ;[s, out] = splitmix32(s); this.a = out
    ;[s, out] = splitmix32(s); this.b = out
    ;[s, out] = splitmix32(s); this.c = out
    ;[s, out] = splitmix32(s); this.d = out
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1
  }

  /** An independent stream named `label`. */
  fork (label: string): Rng {
    return new Rng(hash32(this.key, label))
  }

  /** Uniform 32-bit unsigned integer. */
  u32 (): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** Uniform in [0, 1). */
  float (): number {
    return this.u32() / 0x100000000
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int (lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi}): empty range`)
    return lo + Math.floor(this.float() * (hi - lo + 1))
  }

  /** Uniform real in [lo, hi). */
  range (lo: number, hi: number): number {
    return lo + this.float() * (hi - lo)
  }

  chance (p: number): boolean {
    return p > 0 && this.float() < p
  }

  pick<T> (items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[Math.floor(this.float() * items.length)]!
  }

  /** Exponentially distributed with the given mean. */
  exp (mean: number): number {
    return -mean * Math.log(1 - this.float())
  }

  /** Fisher–Yates, in place. */
  shuffle<T> (items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1))
      const tmp = items[i]!
      items[i] = items[j]!
      items[j] = tmp
    }
    return items
  }
}

function rotl (x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
