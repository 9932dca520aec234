/**
 * `renderReport`: one self-contained HTML page for a checked history — inline
 * CSS, inline SVG, one small inline script for a time cursor; no network
 * fetches, no external fonts. Every string from the history is escaped.
 */
import type { checkHistory } from '../../check/check-history.js'
import { violationTotal } from '../../check/check-history.js'
import type { HistoryRecord } from '../../check/history.js'
import { esc } from './escape.js'
import { renderHeader } from './header-html.js'
import { HOVER_SCRIPT } from './hover-script.js'
import { renderLatency } from './latency-svg.js'
import { renderLegend } from './legend-html.js'
import { buildModel } from './model.js'
import { FAILURE_COLOR, LOCK_COLOR } from './palette.js'
import { renderRateChart } from './rate-chart-svg.js'
import { STYLES } from './styles.js'
import { svgDefs } from './svg-defs.js'
import { renderFailures, renderFaultTable, renderNodeLatencyTable } from './tables-html.js'
import { renderTimeline } from './timeline-svg.js'
import { onTimeline } from './violation-marks.js'
import { renderViolations } from './violations-html.js'

export interface RenderOptions {
  /** Shown under the title (the history file). */
  historyPath?: string
}

function panel (title: string, body: string, cls = '', hint = ''): string {
  return `<section class="panel${cls === '' ? '' : ' ' + cls}"><div class="panel-head"><h2>${esc(title)}</h2>${hint === '' ? '' : `<span class="legend">${hint}</span>`}</div>${body}</section>`
}

export function renderReport (records: HistoryRecord[], result: ReturnType<typeof checkHistory>, opts: RenderOptions = {}): string {
  const model = buildModel(records, result)
  const faultKinds = [...new Set(model.faults.map(f => f.kind))].sort()
  const failing = violationTotal(result) > 0

  const empty = model.empty
    ? panel('No events', '<p class="empty">This history holds no events' +
      (model.config === undefined ? ' and no config record' : '') + ': nothing was acquired, no fault was injected.</p>')
    : ''
  const timeline = panel('Locks held, per node and key', renderLegend(faultKinds, model.violations.some(v => onTimeline(v, model.endNs))) +
    `<div class="scroll">${renderTimeline(model, faultKinds)}</div>`, 'timeline-panel',
  'hover a bar for its token and holder · the band behind a row is the node\'s mode')
  const rate = panel('Grants per second', `<div class="scroll">${renderRateChart(model)}</div>`, '',
    `<span><i class="sw" style="background:${LOCK_COLOR.exclusive}"></i>exclusive</span>` +
    `<span><i class="sw" style="background:${LOCK_COLOR.shared}"></i>shared</span>` +
    `<span><i class="sw" style="height:2px;background:${FAILURE_COLOR}"></i>failed acquires / s</span>`)
  const lower = '<div class="row2">' +
    panel('Acquire latency', `<div class="scroll">${renderLatency(model)}</div>`) +
    panel('Faults', renderFaultTable(model) + '<h2 style="margin-top:14px">Failed acquires by reason</h2>' + renderFailures(model)) +
    '</div>' +
    panel('Acquire latency per node', renderNodeLatencyTable(model), '', 'from each node\'s lockmesh_acquire_*_duration_seconds histograms at its stop (p50 / p99 estimated from buckets, as histogram_quantile)')
  const violations = panel('Violations', renderViolations(model), 'violations')
  const notes = result.notes.length === 0 ? '' : `<ul class="notes">${result.notes.map(n => `<li>${esc(n)}</li>`).join('')}</ul>`

  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>lockmesh chaos run${failing ? ' — violations' : ''}</title><style>${STYLES}</style></head><body>` +
    svgDefs(faultKinds) +
    '<main>' + renderHeader(model, opts.historyPath) + empty + timeline +
    (failing ? violations + rate + lower : rate + lower + violations) + notes + '</main>' +
    `<script>${HOVER_SCRIPT}</script></body></html>\n`
}
