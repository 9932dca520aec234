/**
 * The page head: title, the verdict, and the run's facts — nodes and quorum,
 * duration, acquisitions, latency, failures by reason, faults by kind with
 * how often they hit a holder, the counter.
 */
import { violationTotal } from '../../check/check-history.js'
import { clip, esc, fmtCount, fmtSpanMs } from './escape.js'
import type { ReportModel } from './model.js'
import { faultColor } from './palette.js'

function fact (key: string, value: string, sub: string, bad = false): string {
  return `<div class="fact${bad ? ' bad' : ''}"><div class="k">${esc(key)}</div><div class="v">${value}</div><div class="s">${sub}</div></div>`
}

function ms (v: number | null): string {
  return v === null ? '–' : esc(fmtSpanMs(v))
}

export function renderHeader (model: ReportModel, historyPath?: string): string {
  const s = model.result.stats
  const total = violationTotal(model.result)
  const c = model.config
  const verdict = total === 0
    ? '<span class="verdict ok">✓ no violations</span>'
    : `<span class="verdict bad">✗ ${fmtCount(total)} violation${total === 1 ? '' : 's'}</span>`
  const where = historyPath !== undefined ? `<span class="sub">${esc(historyPath)}</span>` : ''

  const failures = Object.entries(s.failedByReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const failedTotal = failures.reduce((n, [, k]) => n + k, 0)
  const faults = Object.entries(s.faults).sort((a, b) => a[0].localeCompare(b[0]))
  const faultTotal = faults.reduce((n, [, f]) => n + f.injected, 0)

  const facts = [
    fact('nodes', fmtCount(s.nodes), c !== undefined ? `${esc(c.quorum)} quorum<br>lease TTL ${fmtCount(c.ttlMs)} ms` : 'no config record'),
    fact('duration', esc(fmtSpanMs(s.durationMs)), `${fmtCount(s.records)} records${s.malformedLines > 0 ? ` · ${fmtCount(s.malformedLines)} malformed` : ''}`, s.malformedLines > 0),
    fact('acquisitions', fmtCount(s.acquired), `${fmtCount(s.acquiredExclusive)} excl. · ${fmtCount(s.acquiredShared)} shared<br>of ${fmtCount(s.acquireStarts)} acquires`),
    fact('latency p50', ms(s.latencyMs.p50), `p99 ${ms(s.latencyMs.p99)}<br>max ${ms(s.latencyMs.max)}`),
    fact('failed acquires', fmtCount(failedTotal),
      failures.length === 0 ? 'none' : failures.map(([r, n]) => `<span class="chip">${esc(clip(r, 24))} ${fmtCount(n)}</span>`).join('')),
    fact('faults', fmtCount(faultTotal),
      faults.length === 0 ? 'none' : faults.map(([k, f]) =>
        `<span class="chip fault" style="background:${faultColor(k)}" title="${esc(`${k}: ${f.injected} injected, ${f.hitHolder} hit a holder or its voters`)}">${esc(clip(k, 16))} ${f.injected}</span>`).join('') +
        `<br><span title="faults that hit a lock holder or one of its voters">${fmtCount(faults.reduce((n, [, f]) => n + f.hitHolder, 0))} of ${fmtCount(faultTotal)} hit a holder</span>`),
    fact('counter', `${fmtCount(s.acceptedIncrements)}`, `accepted increments<br><b>${fmtCount(s.lostUpdates)}</b> lost updates`, s.lostUpdates > 0),
    fact('violations', fmtCount(total), total === 0 ? 'every property holds' : Object.entries(model.result.violationCounts).map(([k, n]) => `<span class="chip">${esc(k)} ${fmtCount(n ?? 0)}</span>`).join(''), total > 0)
  ]
  return `<header><div class="top"><h1>lockmesh chaos run</h1>${verdict}${where}</div><div class="facts">${facts.join('')}</div></header>`
}
