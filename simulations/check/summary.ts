/**
 * The terminal summary of a checked history and the `--json` object (issue 5):
 * `{nodes, durationMs, acquired, acquiredExclusive, failedByReason,
 * faults: {kind: {injected, hitHolder}}, violations: [...], lostUpdates,
 * latencyMs: {p50, p99}, history}` — plus `latencyMs.max`, `violationCounts`
 * and `notes`.
 */
import { violationTotal, type CheckResult } from './check-history.js'
import type { FaultStats } from './stats.js'
import { VIOLATION_MEANING, type Violation, type ViolationKind } from './violation.js'
import { fmtMs } from './history.js'

export interface SummaryJson {
  nodes: number
  durationMs: number
  acquired: number
  acquiredExclusive: number
  failedByReason: Record<string, number>
  faults: Record<string, FaultStats>
  /** Always an array; empty when the history is clean. */
  violations: Violation[]
  lostUpdates: number
  latencyMs: { p50: number | null, p99: number | null, max: number | null }
  /** Path of the checked history. */
  history: string
  violationCounts: Partial<Record<ViolationKind, number>>
  notes: string[]
}

export function summaryJson (result: CheckResult, historyPath: string): SummaryJson {
  const s = result.stats
  return {
    nodes: s.nodes,
    durationMs: s.durationMs,
    acquired: s.acquired,
    acquiredExclusive: s.acquiredExclusive,
    failedByReason: { ...s.failedByReason },
    faults: Object.fromEntries(Object.entries(s.faults).map(([k, v]) => [k, { ...v }])),
    violations: result.violations.map(v => ({ ...v })),
    lostUpdates: s.lostUpdates,
    latencyMs: { p50: s.latencyMs.p50, p99: s.latencyMs.p99, max: s.latencyMs.max },
    history: historyPath,
    violationCounts: { ...result.violationCounts },
    notes: [...result.notes]
  }
}

function ms (x: number | null): string {
  return x === null ? '–' : `${x.toFixed(1)} ms`
}

function listCounts (rec: Record<string, number>): string {
  const entries = Object.entries(rec).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(', ')
}

/** The human-readable summary, several lines, no trailing newline. */
export function formatSummary (result: CheckResult, historyPath: string): string {
  const s = result.stats
  const lines: string[] = []
  lines.push(`lockmesh check: ${historyPath}`)
  lines.push(`  ${s.nodes} nodes · ${(s.durationMs / 1000).toFixed(1)} s · ${s.records} records`)
  lines.push(`  acquisitions: ${s.acquired} (exclusive ${s.acquiredExclusive}, shared ${s.acquiredShared}) of ${s.acquireStarts} acquires`)
  lines.push(`  failures by reason: ${listCounts(s.failedByReason)}`)
  lines.push(`  latency acquire-start → acquired: p50 ${ms(s.latencyMs.p50)} · p99 ${ms(s.latencyMs.p99)} · max ${ms(s.latencyMs.max)}`)
  const faults = Object.entries(s.faults).sort((a, b) => a[0].localeCompare(b[0]))
  lines.push(`  faults: ${faults.length === 0 ? 'none' : faults.map(([k, f]) => `${k} ${f.injected} (hit a holder or its voters ${f.hitHolder})`).join(', ')}`)
  lines.push(`  store: ${s.store.reads} reads (${s.store.rejectedReads} rejected), ${s.store.writes} writes (${s.store.rejectedWrites} rejected); ` +
    `counter: ${s.acceptedIncrements} accepted increments, ${s.lostUpdates} lost`)
  for (const n of result.notes) lines.push(`  note: ${n}`)
  const total = violationTotal(result)
  if (total === 0) {
    lines.push('  violations: none')
    return lines.join('\n')
  }
  lines.push(`  violations: ${total}`)
  const kinds = Object.keys(result.violationCounts) as ViolationKind[]
  for (const kind of kinds) {
    const count = result.violationCounts[kind] ?? 0
    lines.push(`  ✗ ${kind} ×${count}: ${VIOLATION_MEANING[kind]}.`)
    const listed = result.violations.filter(v => v.kind === kind)
    for (const v of listed) lines.push(`      at ${fmtMs(v.t)}${v.line !== undefined ? ` (line ${v.line})` : ''}: ${v.details}`)
    if (listed.length < count) lines.push(`      … and ${count - listed.length} more`)
  }
  return lines.join('\n')
}
