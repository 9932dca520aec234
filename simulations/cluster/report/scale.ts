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

/** `5 s`, `1.5 s`, `1 min 30 s` for an axis label in ms. */
export function axisLabelMs (ms: number): string {
  const s = ms / 1000
  if (s >= 120 && Number.isInteger(s)) {
    const m = Math.floor(s / 60)
    const r = s % 60
    return r === 0 ? `${m} min` : `${m} min ${r} s`
  }
  return `${Number(s.toFixed(3))} s`
}
