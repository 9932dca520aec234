/**
 * Faults on the timeline: a labelled pill per fault in the track above the
 * rows (overlapping faults stacked), and across the whole height of the rows
 * a faint tint with dashed edges at fault-start and fault-end. Each fault is
 * one `fault-mark` group.
 */
import { clip, esc, fmtAt, fmtSpanMs, px } from './escape.js'
import type { FaultSpan } from './model.js'
import { faultColor } from './palette.js'
import type { Scale } from './scale.js'
import { nsToMs } from '../../check/history.js'

export const TRACK_LANE_H = 18

/** Greedy interval lanes: each fault on the first lane free at its start (in pixels, with room for its label). */
export function trackLanes (faults: readonly FaultSpan[], x: Scale): number[] {
  const ends: number[] = []
  return faults.map(f => {
    const x0 = x(f.start)
    const x1 = Math.max(x(f.end), x0 + 8)
    let lane = ends.findIndex(e => e <= x0)
    if (lane < 0) { lane = ends.length; ends.push(0) }
    ends[lane] = x1 + 2
    return lane
  })
}

export function faultLabel (f: FaultSpan): string {
  const who = f.nodes.length > 0 ? f.nodes.join(', ') : f.touched.join(', ')
  return who === '' ? f.kind : `${f.kind} ${who}`
}

function faultTitle (f: FaultSpan): string {
  const lines = [
    `${f.kind}: ${fmtAt(f.start)} → ${f.open ? 'never healed' : fmtAt(f.end)} (${fmtSpanMs(nsToMs(f.end - f.start))})`,
    `nodes: ${f.nodes.length > 0 ? f.nodes.join(', ') : '–'}${f.links > 0 ? ` · ${f.links} directed links cut` : ''}`
  ]
  if (f.hitHolder !== undefined) lines.push(f.hitHolder ? 'hit a lock holder or its voters' : 'did not hit a holder')
  return lines.join('\n')
}

/** One `fault-mark` per fault: the pill at `trackTop` and the tint over [rowsTop, rowsBottom]. */
export function renderFaultMarks (faults: readonly FaultSpan[], x: Scale, trackTop: number, rowsTop: number, rowsBottom: number): string {
  const lanes = trackLanes(faults, x)
  return faults.map((f, i) => {
    const c = faultColor(f.kind)
    const x0 = x(f.start)
    const w = Math.max(2, x(f.end) - x0)
    const y = trackTop + lanes[i]! * TRACK_LANE_H
    const full = faultLabel(f)
    const room = Math.floor((w - 10) / 6.3)
    // The full label, else the kind alone, else the label beside the pill.
    const inside = full.length <= room ? full : f.kind.length <= room ? f.kind : room >= 6 ? clip(f.kind, room) : null
    const text = inside !== null ? `<text class="fault-label" x="${px(x0 + 5)}" y="${px(y + 12)}">${esc(inside)}</text>` : ''
    const outside = inside === null ? `<text class="fault-label-out" x="${px(x0 + w + 3)}" y="${px(y + 12)}" fill="${c}">${esc(clip(full, 24))}</text>` : ''
    const nodes = esc(f.nodes.join(' '))
    return `<g class="fault-mark" data-fault="${esc(f.kind)}" data-nodes="${nodes}"><title>${esc(faultTitle(f))}</title>` +
      `<rect class="fault-tint" x="${px(x0)}" y="${rowsTop}" width="${px(w)}" height="${px(rowsBottom - rowsTop)}" fill="${c}" fill-opacity="0.04"/>` +
      `<line x1="${px(x0)}" x2="${px(x0)}" y1="${y}" y2="${rowsBottom}" stroke="${c}" stroke-width="1.2" stroke-dasharray="4 3"/>` +
      `<line x1="${px(x0 + w)}" x2="${px(x0 + w)}" y1="${y}" y2="${rowsBottom}" stroke="${c}" stroke-width="1.2" stroke-dasharray="${f.open ? '1 4' : '4 3'}"/>` +
      `<rect class="fault-pill" x="${px(x0)}" y="${y + 1}" width="${px(w)}" height="${TRACK_LANE_H - 3}" rx="4" fill="${c}"${f.open ? ' fill-opacity="0.6"' : ''}/>` +
      text + outside + '</g>'
  }).join('')
}
