/** Linear scales and "nice" tick steps for the charts. */

export interface Scale {
  (v: number): number
  domain: [number, number]
  range: [number, number]
}

export function linear (d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0 || 1
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale
  f.domain = [d0, d1]
  f.range = [r0, r1]
  return f
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep (span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const m = raw / mag
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * mag
}

/** Multiples of a nice step within [0, max]. */
export function ticks (max: number, count: number): number[] {
  const step = niceStep(max, count)
  const out: number[] = []
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step)
  return out
}

const TIME_STEPS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000]

/** Tick instants (ms) over [0, maxMs]: steps of 1-2-5 below a second, then 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30, 60 min. */
export function timeTicksMs (maxMs: number, count = 12): number[] {
  const step = TIME_STEPS_MS.find(s => maxMs / s <= count) ?? niceStep(maxMs, count)
  const out: number[] = []
  for (let v = 0; v <= maxMs + step * 1e-9; v += step) out.push(Math.round(v / step) * step)
  return out
}

/** An axis label: `1.5 s`, `45 s`, `2 min`, `2:30` (min:s). */
export function axisLabelMs (ms: number, stepMs: number): string {
  if (stepMs >= 60_000) return `${Number((ms / 60_000).toFixed(2))} min`
  if (stepMs >= 1000 && ms >= 120_000) {
    const s = Math.round(ms / 1000)
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
  }
  return `${Number((ms / 1000).toFixed(3))} s`
}
