/**
 * The latency histogram (acquire-start → acquired, ms) on log-spaced bins,
 * five per decade, stacked exclusive / shared, with p50 and p99 marked.
 */
import { esc, fmtSpanMs, px } from './escape.js'
import type { ReportModel } from './model.js'
import { LOCK_COLOR } from './palette.js'
import { linear, ticks } from './scale.js'
import { percentile } from '../../check/stats.js'

const PER_DECADE = 5
export const LATENCY_W = 620
const H = 250
const X0 = 56
const X1 = LATENCY_W - 16
const TOP = 26
const BOTTOM = 200

export interface LatencyBins { lo: number, hi: number, exclusive: number[], shared: number[] }

/** Decade range [lo, hi] (powers of ten) and counts per bin. */
export function latencyBins (lat: ReadonlyArray<{ ms: number, mode: string }>): LatencyBins {
  const positive = lat.map(l => l.ms).filter(ms => ms > 0)
  const min = positive.length === 0 ? 1 : Math.min(...positive)
  const max = positive.length === 0 ? 10 : Math.max(...positive)
  const lo = Math.floor(Math.log10(Math.max(min, 0.001)))
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max * 1.0001)))
  const n = (hi - lo) * PER_DECADE
  const exclusive = new Array<number>(n).fill(0)
  const shared = new Array<number>(n).fill(0)
  for (const l of lat) {
    const v = Math.log10(Math.max(l.ms, 10 ** lo))
    const i = Math.min(n - 1, Math.max(0, Math.floor((v - lo) * PER_DECADE)))
    ;(l.mode === 'shared' ? shared : exclusive)[i]!++
  }
  return { lo, hi, exclusive, shared }
}

function decadeLabel (p: number): string {
  const ms = 10 ** p
  return ms >= 1000 ? `${ms / 1000} s` : `${Number(ms.toPrecision(1))} ms`
}

export function renderLatency (model: ReportModel): string {
  const lat = model.latencies
  const head = `<svg class="chart latency" viewBox="0 0 ${LATENCY_W} ${H}" width="${LATENCY_W}" height="${H}" role="img" aria-label="latency histogram">`
  if (lat.length === 0) return head + `<text class="muted-label" x="${X0}" y="${TOP + 40}">no acquisitions, no latencies</text></svg>`
  const b = latencyBins(lat)
  const n = b.exclusive.length
  const counts = b.exclusive.map((e, i) => e + b.shared[i]!)
  const yTicks = ticks(Math.max(1, ...counts), 4)
  const y = linear(0, Math.max(...yTicks, 1), BOTTOM, TOP)
  const lx = linear(b.lo, b.hi, X0, X1)
  const bw = (X1 - X0) / n
  const parts: string[] = [head]
  for (const v of yTicks) parts.push(`<line class="grid" x1="${X0}" x2="${X1}" y1="${px(y(v))}" y2="${px(y(v))}"/><text class="ytick" x="${X0 - 6}" y="${px(y(v) + 4)}">${v}</text>`)
  for (let i = 0; i < n; i++) {
    const x0 = X0 + i * bw + 1
    const from = 10 ** (b.lo + i / PER_DECADE)
    const to = 10 ** (b.lo + (i + 1) / PER_DECADE)
    const tip = `${fmtSpanMs(from)} – ${fmtSpanMs(to)}: ${counts[i]} (exclusive ${b.exclusive[i]}, shared ${b.shared[i]})`
    if (counts[i] === 0) continue
    const ye = y(b.exclusive[i]!)
    const yt = y(counts[i]!)
    parts.push(`<g class="lat-bin"><title>${esc(tip)}</title>` +
      `<rect x="${px(x0)}" y="${px(ye)}" width="${px(bw - 2)}" height="${px(BOTTOM - ye)}" fill="${LOCK_COLOR.exclusive}"/>` +
      `<rect x="${px(x0)}" y="${px(yt)}" width="${px(bw - 2)}" height="${px(ye - yt)}" fill="url(#lm-shared)"/></g>`)
  }
  parts.push(`<line class="axis" x1="${X0}" x2="${X1}" y1="${BOTTOM}" y2="${BOTTOM}"/>`)
  for (let p = b.lo; p <= b.hi; p++) {
    parts.push(`<line class="axis" x1="${px(lx(p))}" x2="${px(lx(p))}" y1="${BOTTOM}" y2="${BOTTOM + 4}"/><text class="tick" x="${px(lx(p))}" y="${BOTTOM + 16}">${esc(decadeLabel(p))}</text>`)
  }
  parts.push(`<text class="axis-title" x="${(X0 + X1) / 2}" y="${BOTTOM + 36}">acquire-start → acquired (log scale)</text>`)
  const sorted = lat.map(l => l.ms).sort((a, c) => a - c)
  const marks: Array<[string, number | null]> = [['p50', percentile(sorted, 0.5)], ['p99', percentile(sorted, 0.99)]]
  marks.forEach(([name, v], i) => {
    if (v === null) return
    const mx = lx(Math.log10(Math.max(v, 10 ** b.lo)))
    parts.push(`<g class="pmark"><line x1="${px(mx)}" x2="${px(mx)}" y1="${TOP - 4 + i * 12}" y2="${BOTTOM}"/><text x="${px(mx + 4)}" y="${TOP + 5 + i * 12}">${name} ${esc(fmtSpanMs(v))}</text></g>`)
  })
  parts.push('</svg>')
  return parts.join('')
}
