/**
 * Lamport clock with a clamp: a frame or a handshake may push the clock
 * forward by at most `maxJump`, so a peer with a wild clock cannot exhaust the
 * 64-bit space — and nothing is ever rejected for its timestamp.
 */
import { INT63_MAX as IMPORTED_MAX } from './ids.js'

/** A module-local copy: read on every frame (an imported binding may cost a getter call under a CJS transform such as tsx's). */
const INT63_MAX = IMPORTED_MAX

export class LamportClock {
  constructor (private value: bigint, private readonly maxJump: bigint) {}

  get now (): bigint { return this.value }

  /** A local event (a new acquire): the next timestamp. */
  tick (): bigint {
    this.value = min(this.value + 1n, INT63_MAX)
    return this.value
  }

  /** clock := max(own, min(ts, own + maxJump)) + 1 */
  observe (ts: bigint): void {
    const bounded = min(ts, this.value + this.maxJump)
    this.value = min((bounded > this.value ? bounded : this.value) + 1n, INT63_MAX)
  }

  /**
   * A peer's clock from its handshake: caught up to, clamped like a frame's.
   * Unclamped, one handshake carrying 2^63-1 would saturate the clock for good
   * (every later request of ours would lose every contention); an honest
   * clock never lags by more than maxJump (2^40 events), so the clamp costs
   * an honest restart nothing.
   */
  adopt (ts: bigint): void {
    const bounded = min(ts, this.value + this.maxJump)
    if (bounded > this.value) this.value = min(bounded, INT63_MAX)
  }
}

function min (a: bigint, b: bigint): bigint { return a < b ? a : b }
