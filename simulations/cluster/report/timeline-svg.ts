/**
 * The timeline: the fault track, one row per node, the violations and the
 * time axis, on one SVG whose x axis the grants chart shares.
 */
import { esc, px } from './escape.js'
import { TRACK_LANE_H, renderFaultMarks, trackLanes } from './fault-marks.js'
import { PLOT_X0, PLOT_X1, WIDTH, timeScale } from './layout.js'
import type { ReportModel } from './model.js'
import { renderNodeRows } from './node-rows.js'
import { axisLabelMs, timeTicksMs, type Scale } from './scale.js'
import { onTimeline, renderViolationMarks } from './violation-marks.js'
import { msToNs, nsToMs } from '../../check/history.js'

/** Tick marks and labels under a chart that uses the shared time axis. */
export function timeAxis (x: Scale, endNs: number, y: number): string {
  const parts = [`<line class="axis" x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${y}" y2="${y}"/>`]
  const at = timeTicksMs(nsToMs(endNs))
  const step = at.length > 1 ? at[1]! - at[0]! : 1000
  for (const ms of at) {
    const tx = x(msToNs(ms))
    parts.push(`<line class="axis" x1="${px(tx)}" x2="${px(tx)}" y1="${y}" y2="${y + 4}"/><text class="tick" x="${px(tx)}" y="${y + 16}">${esc(axisLabelMs(ms, step))}</text>`)
  }
  return parts.join('')
}

/** The hidden cursor line and label the page script moves under the mouse. */
export function cursor (top: number, bottom: number): string {
  return `<g class="cursor" visibility="hidden"><line x1="0" x2="0" y1="${top}" y2="${bottom}"/><rect class="cursor-bg" x="0" y="${top}" width="64" height="15" rx="3"/><text x="0" y="${top + 11}"></text></g>`
}

export function renderTimeline (model: ReportModel, faultKinds: readonly string[]): string {
  const x = timeScale(model.endNs)
  const gridNs = timeTicksMs(nsToMs(model.endNs)).map(msToNs)
  const marked = model.violations.some(v => onTimeline(v, model.endNs))
  const markerY = 2
  const trackTop = marked ? 16 : 4
  const lanes = model.faults.length === 0 ? 1 : Math.max(...trackLanes(model.faults, x)) + 1
  const rowsTop = trackTop + lanes * TRACK_LANE_H + 6
  const rows = renderNodeRows(model, x, rowsTop, gridNs, faultKinds)
  const rowsBottom = rowsTop + Math.max(rows.height, 24)
  const height = rowsBottom + 30

  const track = `<text class="track-label" x="10" y="${trackTop + 12}">faults</text>` +
    `<rect class="track-bg" x="${PLOT_X0}" y="${trackTop}" width="${PLOT_X1 - PLOT_X0}" height="${lanes * TRACK_LANE_H}" rx="3"/>` +
    (model.faults.length === 0 ? `<text class="muted-label" x="${PLOT_X0 + 8}" y="${trackTop + 12}">no faults injected</text>` : '')
  const noRows = model.nodes.length === 0 ? `<text class="muted-label" x="${PLOT_X0 + 8}" y="${rowsTop + 16}">no nodes in this history</text>` : ''

  return `<svg class="chart timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="lock timeline per node" ` +
    `data-x0="${PLOT_X0}" data-x1="${PLOT_X1}" data-end-ms="${px(nsToMs(model.endNs))}">` +
    track + rows.svg + noRows +
    renderFaultMarks(model.faults, x, trackTop, rowsTop, rowsBottom) +
    renderViolationMarks(model.violations, x, model.endNs, markerY, rowsBottom, rows.boxes) +
    timeAxis(x, model.endNs, rowsBottom + 6) +
    cursor(trackTop, rowsBottom) +
    '</svg>'
}
