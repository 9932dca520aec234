/**
 * Grants per second over the run (stacked: exclusive, shared) with failed
 * acquires per second as a line and the faults as faint bands, on the
 * timeline's x axis.
 */
import { esc, px } from './escape.js'
import { PLOT_X0, PLOT_X1, WIDTH, timeScale } from './layout.js'
import type { ReportModel } from './model.js'
import { FAILURE_COLOR, LOCK_COLOR, faultColor } from './palette.js'
import { linear, ticks } from './scale.js'
import { cursor, timeAxis } from './timeline-svg.js'
import { msToNs, nsToMs } from '../../check/history.js'

const BUCKETS_MS = [250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000]

/** The bucket width: the smallest of BUCKETS_MS giving at most ~150 buckets. */
export function bucketMs (durationMs: number): number {
  return BUCKETS_MS.find(b => durationMs / b <= 150) ?? Math.ceil(durationMs / 150)
}

export interface RateSeries { bucketMs: number, exclusive: number[], shared: number[], failed: number[] }

export function rateSeries (model: ReportModel): RateSeries {
  const bMs = bucketMs(nsToMs(model.endNs))
  const n = Math.max(1, Math.ceil(nsToMs(model.endNs) / bMs))
  const exclusive = new Array<number>(n).fill(0)
  const shared = new Array<number>(n).fill(0)
  const failed = new Array<number>(n).fill(0)
  const idx = (t: number): number => Math.min(n - 1, Math.max(0, Math.floor(nsToMs(t) / bMs)))
  for (const g of model.grants) (g.mode === 'exclusive' ? exclusive : shared)[idx(g.t)]!++
  for (const f of model.failures) failed[idx(f.t)]!++
  const perS = (a: number[]): number[] => a.map(c => c * 1000 / bMs)
  return { bucketMs: bMs, exclusive: perS(exclusive), shared: perS(shared), failed: perS(failed) }
}

export function renderRateChart (model: ReportModel): string {
  const H = 190
  const top = 12
  const bottom = 150
  const x = timeScale(model.endNs)
  const s = rateSeries(model)
  const totals = s.exclusive.map((e, i) => e + s.shared[i]!)
  const max = Math.max(1, ...totals, ...s.failed)
  const yTicks = ticks(max, 4)
  const yMax = Math.max(max, yTicks[yTicks.length - 1]!)
  const y = linear(0, yMax, bottom, top)
  const bx = (i: number): number => Math.min(PLOT_X1, x(msToNs(i * s.bucketMs)))

  // Step area between a lower and an upper series.
  const area = (lo: number[], hi: number[]): string => {
    let d = `M${px(bx(0))} ${px(y(lo[0]!))}`
    hi.forEach((v, i) => { d += `L${px(bx(i))} ${px(y(v))}L${px(bx(i + 1))} ${px(y(v))}` })
    for (let i = lo.length - 1; i >= 0; i--) d += `L${px(bx(i + 1))} ${px(y(lo[i]!))}L${px(bx(i))} ${px(y(lo[i]!))}`
    return d + 'Z'
  }
  const zero = s.exclusive.map(() => 0)
  let failLine = ''
  s.failed.forEach((v, i) => { failLine += `${i === 0 ? 'M' : 'L'}${px(bx(i))} ${px(y(v))}L${px(bx(i + 1))} ${px(y(v))}` })

  const faults = model.faults.map(f =>
    `<rect class="rate-fault" x="${px(x(f.start))}" y="${top}" width="${px(Math.max(1, x(f.end) - x(f.start)))}" height="${bottom - top}" fill="${faultColor(f.kind)}" fill-opacity="0.08"><title>${esc(f.kind)}</title></rect>`).join('')
  const grid = yTicks.map(v => `<line class="grid" x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${px(y(v))}" y2="${px(y(v))}"/><text class="ytick" x="${PLOT_X0 - 8}" y="${px(y(v) + 4)}">${esc(Number(v.toFixed(2)))}/s</text>`).join('')
  return `<svg class="chart rate" viewBox="0 0 ${WIDTH} ${H}" width="${WIDTH}" height="${H}" role="img" aria-label="grants per second" ` +
    `data-x0="${PLOT_X0}" data-x1="${PLOT_X1}" data-end-ms="${px(nsToMs(model.endNs))}">` +
    `<text class="track-label" x="10" y="${top + 12}">grants / s</text><text class="node-sub" x="10" y="${top + 26}">${esc(s.bucketMs >= 1000 ? `${s.bucketMs / 1000} s` : `${s.bucketMs} ms`)} buckets</text>` +
    faults + grid +
    `<path class="rate-exclusive" d="${area(zero, s.exclusive)}" fill="${LOCK_COLOR.exclusive}" fill-opacity="0.85"/>` +
    `<path class="rate-shared" d="${area(s.exclusive, totals)}" fill="${LOCK_COLOR.shared}" fill-opacity="0.75"/>` +
    `<path class="rate-failed" d="${failLine}" fill="none" stroke="${FAILURE_COLOR}" stroke-width="1.4"/>` +
    timeAxis(x, model.endNs, bottom + 4) + cursor(top, bottom) + '</svg>'
}
