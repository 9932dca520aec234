/**
 * One `node-row` per node: its mode as background bands, the faults that
 * target it as hatched overlays, faint time grid lines, the locks it held as
 * bars in one lane per key (exclusive solid, shared striped, tokens in each
 * bar's `<title>`) and its failed acquires as small marks.
 */
import { BAND_COLOR, BAND_LABEL, FAILURE_COLOR, LOCK_COLOR, VIOLATION_COLOR } from './palette.js'
import { clip, esc, fmtAt, fmtCount, fmtSpanMs, px } from './escape.js'
import { BAR_H, LANE_H, PLOT_X0, PLOT_X1, ROW_GAP, ROW_MIN_H, ROW_PAD } from './layout.js'
import { laneCount, laneOf, type FailedAcquire, type Hold, type ReportModel } from './model.js'
import type { Scale } from './scale.js'
import { DOWN_FILL, SHARED_FILL, faultPatternId } from './svg-defs.js'
import { thinBars, type Bar } from './thin.js'
import { nsToMs } from '../../check/history.js'

/** A lane with more holds than this merges narrow holds up to 3 px apart. */
const CROWDED_LANE = (PLOT_X1 - PLOT_X0) / 4

export interface RowBox { top: number, height: number }

export interface RowsOut {
  svg: string
  /** Where each node's row sits (for violation marks). */
  boxes: Map<string, RowBox>
  height: number
}

export function rowHeight (model: ReportModel): number {
  return Math.max(ROW_MIN_H, ROW_PAD * 2 + laneCount(model) * LANE_H)
}

function barTitle (node: string, b: Bar): string {
  const span = `${fmtAt(b.start)} → ${fmtAt(b.end)} (${fmtSpanMs(nsToMs(b.end - b.start))})`
  if (b.count === 1) {
    const h = b.first
    const how = h.close === 'lost' ? `lost${h.reason !== undefined ? ` (${h.reason})` : ''}` : h.close === 'lease' ? 'lease ran out' : 'released'
    return `${h.key} · ${h.mode} · token ${h.token}\n${h.worker} on ${node}\n${span} · ${how}`
  }
  return `${b.count} ${b.mode} holds of ${b.key ?? 'several keys'}\ntokens ${b.tokenMin}–${b.tokenMax} on ${node}\n${span}${b.lost ? ' · some lost' : ''}`
}

function barSvg (node: string, b: Bar, y: number): string {
  const w = Math.max(1, b.x1 - b.x0)
  const token = b.count === 1 ? String(b.tokenMin) : `${b.tokenMin}…${b.tokenMax}`
  const fill = b.mode === 'exclusive' ? LOCK_COLOR.exclusive : SHARED_FILL
  const attrs = `class="lock-bar${b.count > 1 ? ' merged' : ''}" data-key="${esc(b.key ?? '*')}" data-mode="${b.mode}" data-token="${esc(token)}"` +
    (b.count > 1 ? ` data-count="${b.count}"` : '')
  let s = `<rect ${attrs} x="${px(b.x0)}" y="${px(y)}" width="${px(w)}" height="${BAR_H}" rx="${w > 4 ? 1.5 : 0}" fill="${fill}"><title>${esc(barTitle(node, b))}</title></rect>`
  if (b.lost) s += `<rect class="lost-cap" x="${px(b.x0 + w - Math.min(2, w))}" y="${px(y - 1)}" width="${px(Math.min(2, w))}" height="${BAR_H + 2}" fill="${VIOLATION_COLOR}"/>`
  return s
}

/** Failed acquires of one lane, one mark per 3 px bucket. */
function failureMarks (fails: readonly FailedAcquire[], x: Scale, y: number): string {
  const buckets = new Map<number, FailedAcquire[]>()
  for (const f of fails) {
    const b = Math.floor(x(f.t) / 3)
    let l = buckets.get(b)
    if (l === undefined) buckets.set(b, l = [])
    l.push(f)
  }
  let s = ''
  for (const list of buckets.values()) {
    const reasons = new Map<string, number>()
    for (const f of list) reasons.set(f.reason, (reasons.get(f.reason) ?? 0) + 1)
    const what = [...reasons].map(([r, n]) => `${r} ×${n}`).join(', ')
    const cx = x(list[0]!.t)
    s += `<path class="fail-mark" d="M${px(cx - 1.8)} ${px(y - 1.8)}l3.6 3.6m0 -3.6l-3.6 3.6" stroke="${FAILURE_COLOR}" stroke-width="1.1" stroke-opacity="0.85"><title>${esc(`failed acquire of ${list[0]!.key} at ${fmtAt(list[0]!.t)}: ${what}`)}</title></path>`
  }
  return s
}

export function renderNodeRows (model: ReportModel, x: Scale, top: number, gridTicksNs: readonly number[], faultKinds: readonly string[]): RowsOut {
  const rowH = rowHeight(model)
  const lanes = laneCount(model)
  const holdsBy = new Map<string, Hold[]>()
  for (const h of model.holds) {
    const k = `${h.node}\u0000${laneOf(model, h.key)}`
    let l = holdsBy.get(k)
    if (l === undefined) holdsBy.set(k, l = [])
    l.push(h)
  }
  const failsBy = new Map<string, FailedAcquire[]>()
  for (const f of model.failures) {
    const k = `${f.node}\u0000${laneOf(model, f.key)}`
    let l = failsBy.get(k)
    if (l === undefined) failsBy.set(k, l = [])
    l.push(f)
  }
  const laneNames = [...model.laneKeys, ...(model.otherLane ? ['(other keys)'] : [])]
  const boxes = new Map<string, RowBox>()
  const parts: string[] = []
  model.nodes.forEach((node, i) => {
    const y0 = top + i * (rowH + ROW_GAP)
    boxes.set(node, { top: y0, height: rowH })
    const holds = model.holds.filter(h => h.node === node)
    const fails = model.failures.filter(f => f.node === node)
    const p: string[] = [`<g class="node-row" data-node="${esc(node)}">`]
    p.push(`<rect class="row-label-bg" x="0" y="${y0}" width="${PLOT_X0 - 6}" height="${rowH}" rx="4" fill="#ffffff"/>`)
    p.push(`<text class="node-name" x="10" y="${y0 + 17}">${esc(clip(node, 14))}<title>${esc(node)}</title></text>`)
    p.push(`<text class="node-sub" x="10" y="${y0 + 31}">${fmtCount(holds.length)} holds${fails.length > 0 ? ` · ${fmtCount(fails.length)} failed` : ''}</text>`)
    // Mode bands.
    for (const b of model.bands.get(node) ?? []) {
      const bx = x(b.start)
      const w = Math.max(0.5, x(b.end) - bx)
      const fill = b.state === 'down' ? DOWN_FILL : BAND_COLOR[b.state]
      p.push(`<rect class="mode-band" data-mode="${b.state}" x="${px(bx)}" y="${y0}" width="${px(w)}" height="${rowH}" fill="${fill}"><title>${esc(`${node}: ${BAND_LABEL[b.state]}, ${fmtAt(b.start)} → ${fmtAt(b.end)}`)}</title></rect>`)
    }
    // Faults aimed at this node.
    for (const f of model.faults) {
      const targets = f.nodes.length > 0 ? f.nodes : f.touched
      if (!targets.includes(node)) continue
      const fx = x(f.start)
      p.push(`<rect class="fault-overlay" data-fault="${esc(f.kind)}" x="${px(fx)}" y="${y0}" width="${px(Math.max(1, x(f.end) - fx))}" height="${rowH}" fill="url(#${faultPatternId(faultKinds, f.kind)})"/>`)
    }
    for (const t of gridTicksNs) p.push(`<line class="grid" x1="${px(x(t))}" x2="${px(x(t))}" y1="${y0}" y2="${y0 + rowH}"/>`)
    // Lanes: key label, separator, bars, failures.
    const lanesTop = y0 + (rowH - lanes * LANE_H) / 2
    laneNames.forEach((key, lane) => {
      const ly = lanesTop + lane * LANE_H
      if (lane > 0) p.push(`<line class="lane-sep" x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${px(ly)}" y2="${px(ly)}"/>`)
      p.push(`<text class="key-label" x="${PLOT_X0 - 12}" y="${px(ly + LANE_H / 2 + 3)}">${esc(clip(key, 16))}<title>${esc(key)}</title></text>`)
      const k = `${node}\u0000${lane}`
      const laneHolds = holdsBy.get(k) ?? []
      for (const b of thinBars(laneHolds, x, 2, laneHolds.length > CROWDED_LANE ? 3 : 1)) p.push(barSvg(node, b, ly + (LANE_H - BAR_H) / 2))
      p.push(failureMarks(failsBy.get(k) ?? [], x, ly + LANE_H / 2))
    })
    p.push('</g>')
    parts.push(p.join(''))
  })
  const height = model.nodes.length === 0 ? 0 : model.nodes.length * (rowH + ROW_GAP) - ROW_GAP
  return { svg: parts.join(''), boxes, height }
}
