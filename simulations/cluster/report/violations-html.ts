/** The violations, grouped by kind with what the kind means, or a clean bill. */
import { violationTotal } from '../../check/check-history.js'
import { VIOLATION_MEANING, type ViolationKind } from '../../check/violation.js'
import { esc, fmtAt, fmtCount } from './escape.js'
import type { ReportModel } from './model.js'

export function renderViolations (model: ReportModel): string {
  const total = violationTotal(model.result)
  if (total === 0) {
    return '<p class="clean">None. Mutual exclusion, fencing-token order, the store\'s two marks, no lost update, every acquire answered, ' +
      'liveness after heal and the nodes\' modes all hold over this history.</p>'
  }
  const kinds = Object.keys(model.result.violationCounts) as ViolationKind[]
  return kinds.map(kind => {
    const count = model.result.violationCounts[kind] ?? 0
    const listed = model.violations.filter(v => v.kind === kind)
    const items = listed.map(v =>
      `<li><span class="at">${[...(kind === 'malformed-history' ? [] : [esc(fmtAt(v.t))]), ...(v.line !== undefined ? [`line ${v.line}`] : [])].join(' · ')}${v.node !== undefined ? ` · ${esc(v.node)}` : ''}</span> — ${esc(v.details)}</li>`).join('')
    const more = listed.length < count ? `<li class="empty">… and ${fmtCount(count - listed.length)} more</li>` : ''
    return `<div class="vkind"><span class="kind">${esc(kind)} ×${fmtCount(count)}</span><p class="meaning">${esc(VIOLATION_MEANING[kind] ?? '')}</p><ol>${items}${more}</ol></div>`
  }).join('')
}
