/**
 * Violations on the timeline: a red line across every row at the instant of
 * the finding, a marker above the fault track and, when the finding's record
 * names a node, a ring on that node's row. Each is one `violation-mark`.
 * Findings with no instant in the run (malformed lines) are only listed.
 */
import { esc, fmtAt, px } from './escape.js'
import type { PlacedViolation } from './model.js'
import type { RowBox } from './node-rows.js'
import { VIOLATION_COLOR } from './palette.js'
import type { Scale } from './scale.js'

export function onTimeline (v: PlacedViolation, endNs: number): boolean {
  return v.kind !== 'malformed-history' && v.t >= 0 && v.t <= endNs
}

export function renderViolationMarks (vs: readonly PlacedViolation[], x: Scale, endNs: number, markerY: number, rowsBottom: number, boxes: Map<string, RowBox>): string {
  return vs.filter(v => onTimeline(v, endNs)).map(v => {
    const cx = x(v.t)
    const box = v.node !== undefined ? boxes.get(v.node) : undefined
    const ring = box !== undefined
      ? `<rect x="${px(cx - 5)}" y="${px(box.top + 1)}" width="10" height="${px(box.height - 2)}" rx="4" fill="none" stroke="${VIOLATION_COLOR}" stroke-width="2"/>`
      : ''
    return `<g class="violation-mark" data-kind="${esc(v.kind)}"><title>${esc(`${v.kind} at ${fmtAt(v.t)}${v.line !== undefined ? ` (line ${v.line})` : ''}\n${v.details}`)}</title>` +
      `<line x1="${px(cx)}" x2="${px(cx)}" y1="${markerY + 10}" y2="${rowsBottom}" stroke="${VIOLATION_COLOR}" stroke-width="1.5"/>` +
      `<path d="M${px(cx - 6)} ${markerY}h12l-6 10z" fill="${VIOLATION_COLOR}"/>` + ring + '</g>'
  }).join('')
}
