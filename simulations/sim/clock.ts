/**
 * A simulated host clock pair, piecewise linear in true (simulation) time.
 *
 * - Rate error: both clocks tick at `rate` = 1 + e, |e| ≤ ρ (set per node,
 *   changed by the `drift` fault).
 * - Pause (SIGSTOP, GC): the process is frozen, the clocks run — nothing to do
 *   here; the node driver queues the process's inputs.
 * - Suspend (host sleep): the monotonic clock stops, the wall clock runs.
 *
 * The history of segments is kept so that checkers can map a node-local
 * deadline back to the true instant it was reached (`monoToTrue`, `wallToTrue`).
 */
import type { Now } from '../../src/core/types.js'

export interface ClockSegment {
  /** True time the segment starts. */
  t0: number
  mono0: number
  wall0: number
  monoRate: number
  wallRate: number
}

export class SimClock {
  private readonly segments: ClockSegment[] = []
  private rateNow: number
  private suspendedNow = false

  constructor (t0: number, mono0: number, wall0: number, rate: number) {
    this.rateNow = rate
    this.segments.push({ t0, mono0, wall0, monoRate: rate, wallRate: rate })
  }

  get rate (): number { return this.rateNow }
  get suspended (): boolean { return this.suspendedNow }
  get history (): readonly ClockSegment[] { return this.segments }

  /** Both readings at true time `t` (t must not precede the last change). */
  read (t: number): Now {
    const s = this.segments[this.segments.length - 1]!
    const dt = t - s.t0
    return { mono: s.mono0 + s.monoRate * dt, wall: s.wall0 + s.wallRate * dt }
  }

  /** The monotonic reading alone (hot path: no object). */
  readMono (t: number): number {
    const s = this.segments[this.segments.length - 1]!
    return s.mono0 + s.monoRate * (t - s.t0)
  }

  /** The wall reading alone. */
  readWall (t: number): number {
    const s = this.segments[this.segments.length - 1]!
    return s.wall0 + s.wallRate * (t - s.t0)
  }

  setRate (t: number, rate: number): void {
    this.rateNow = rate
    this.cut(t)
  }

  suspend (t: number): void {
    if (this.suspendedNow) return
    this.suspendedNow = true
    this.cut(t)
  }

  resume (t: number): void {
    if (!this.suspendedNow) return
    this.suspendedNow = false
    this.cut(t)
  }

  /**
   * The true time at which the monotonic clock will reach `mono`, assuming the
   * present rate holds (used to schedule wake-ups). Infinity while suspended.
   */
  trueTimeOfMono (t: number, mono: number): number {
    const now = this.read(t).mono
    if (mono <= now) return t
    const s = this.segments[this.segments.length - 1]!
    if (s.monoRate <= 0) return Infinity
    return t + (mono - now) / s.monoRate
  }

  /** First true time ≥ `from` at which the monotonic clock reads ≥ `mono` (history-aware). */
  monoToTrue (mono: number, from: number): number {
    return this.invert(mono, from, s => s.mono0, s => s.monoRate)
  }

  /** First true time ≥ `from` at which the wall clock reads ≥ `wall`. */
  wallToTrue (wall: number, from: number): number {
    return this.invert(wall, from, s => s.wall0, s => s.wallRate)
  }

  private invert (target: number, from: number, base: (s: ClockSegment) => number, rate: (s: ClockSegment) => number): number {
    const segs = this.segments
    // Binary search for the segment holding `from`.
    let lo = 0
    let hi = segs.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (segs[mid]!.t0 <= from) lo = mid
      else hi = mid - 1
    }
    for (let i = lo; i < segs.length; i++) {
      const s = segs[i]!
      const start = Math.max(from, s.t0)
      const valueAtStart = base(s) + rate(s) * (start - s.t0)
      if (valueAtStart >= target) return start
      const end = i + 1 < segs.length ? segs[i + 1]!.t0 : Infinity
      if (rate(s) > 0) {
        const reach = s.t0 + (target - base(s)) / rate(s)
        if (reach < end) return Math.max(start, reach)
      }
    }
    return Infinity
  }

  private cut (t: number): void {
    const prev = this.segments[this.segments.length - 1]!
    if (t < prev.t0) throw new RangeError(`clock change at ${t} before ${prev.t0}`)
    const at = this.read(t)
    const seg: ClockSegment = {
      t0: t,
      mono0: at.mono,
      wall0: at.wall,
      monoRate: this.suspendedNow ? 0 : this.rateNow,
      wallRate: this.rateNow
    }
    if (prev.t0 === t) this.segments[this.segments.length - 1] = seg
    else this.segments.push(seg)
  }
}
