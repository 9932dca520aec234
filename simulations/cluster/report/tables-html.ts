/** The faults, one per line, and the failed acquires by reason. */
import { clip, esc, fmtAt, fmtCount, fmtSpanMs } from './escape.js'
import type { ReportModel } from './model.js'
import { faultColor } from './palette.js'
import { nsToMs } from '../../check/history.js'

export function renderFaultTable (model: ReportModel): string {
  if (model.faults.length === 0) return '<p class="empty">No faults were injected.</p>'
  const rows = model.faults.map(f =>
    `<tr><td><span class="chip fault" style="background:${faultColor(f.kind)}">${esc(clip(f.kind, 20))}</span></td>` +
    `<td>${esc(clip(f.nodes.join(', ') || '–', 60))}</td>` +
    `<td class="num">${esc(fmtAt(f.start))}</td><td class="num">${f.open ? 'never healed' : esc(fmtAt(f.end))}</td>` +
    `<td class="num">${esc(fmtSpanMs(nsToMs(f.end - f.start)))}</td><td class="num">${f.links}</td>` +
    `<td>${f.hitHolder === undefined ? '–' : f.hitHolder ? 'yes' : 'no'}</td></tr>`).join('')
  return '<table><thead><tr><th>fault</th><th>nodes</th><th>start</th><th>end</th><th>lasted</th><th>links cut</th><th>hit holder</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
}

export function renderFailures (model: ReportModel): string {
  const entries = Object.entries(model.result.stats.failedByReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  if (entries.length === 0) return `<p class="empty">${model.result.stats.acquireStarts === 0 ? 'No acquire was made.' : 'Every acquire was granted.'}</p>`
  const max = Math.max(...entries.map(e => e[1]))
  return '<div class="bars-list">' + entries.map(([r, n]) =>
    `<span>${esc(clip(r, 30))}</span><span class="bar" style="width:${Math.max(2, Math.round(n / max * 100))}%"></span><span>${fmtCount(n)}</span>`).join('') + '</div>'
}

/** Acquire latency per node, from each node's own Prometheus histograms at its stop. */
export function renderNodeLatencyTable (model: ReportModel): string {
  if (model.nodeLatency.length === 0) return '<p class="empty">No node recorded its metrics (nodes record them when they stop; a killed process does not).</p>'
  const ms = (v: number | null): string => v === null ? '–' : `${v} ms`
  const rows = model.nodeLatency.flatMap(r => (['exclusive', 'shared'] as const).filter(mode => r.acquire[mode].count + r.acquire[mode].failed > 0).map(mode => {
    const l = r.acquire[mode]
    return `<tr><td>${esc(clip(r.node, 20))}#${r.incarnation}</td><td>${mode}</td><td class="num">${fmtCount(l.count)}</td>` +
      `<td class="num">${ms(l.meanMs)}</td><td class="num">${ms(l.p50Ms)}</td><td class="num">${ms(l.p99Ms)}</td><td class="num">${fmtCount(l.failed)}</td></tr>`
  }))
  if (rows.length === 0) return '<p class="empty">The nodes recorded their metrics, with no acquire.</p>'
  return '<table class="node-latency"><thead><tr><th>node</th><th>mode</th><th>granted</th><th>mean</th><th>p50</th><th>p99</th><th>not granted</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
}
