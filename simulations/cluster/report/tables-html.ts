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
