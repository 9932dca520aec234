/**
 * Runs the bench: for each repetition, for each mesh size (order reversed on
 * even reps, so drift hits all alike), the in-memory mesh, the raw libp2p
 * baseline, the embedded layout and the spread layout, each fresh;
 * collects every scenario's result and summarizes each metric over the reps
 * (median, min–max). A configuration that fails is recorded with its error
 * and the run goes on.
 */
import { baseline, type BaselineResult } from './baseline.js'
import { startCluster, waitFor, type Cluster, type Layout } from './cluster.js'
import { contention, type ContentionResult } from './contention.js'
import { failover, partition, type FailoverResult, type PartitionResult } from './faults.js'
import { uncontended, type UncontendedResult } from './latency.js'
import { startMemoryCluster } from './memory-cluster.js'
import { machineFacts, load1, type MachineFacts } from './machine.js'
import { heldLocks, rssSnapshot, type HeldLocksResult, type RssSnapshot } from './memory.js'
import { alive, ROOT, stopAll } from './processes.js'
import { workersPerNode, type BenchSettings } from './settings.js'
import { spread, type Spread } from './stats.js'

export const SCHEMA = 'lockmesh-bench/1'

export interface Scenarios {
  baseline?: BaselineResult
  rssIdle?: RssSnapshot
  uncontended?: UncontendedResult
  hotKey?: ContentionResult
  manyKeys?: ContentionResult
  shared?: ContentionResult
  rssAfter?: RssSnapshot
  heldLocks?: HeldLocksResult
  partition?: PartitionResult
  failover?: FailoverResult
  /** Time spent waiting for every node to be read-write before the scenarios (ms, summed). */
  settleMs?: number
}

export type ConfigKind = 'baseline' | Layout

export interface RunRecord {
  rep: number
  kind: ConfigKind
  nodes: number
  workersPerNode: number[] | null
  startupMs: number | null
  load1Start: number
  load1End: number
  seconds: number
  scenarios: Scenarios
  error: string | null
}

export interface BenchResult {
  schema: typeof SCHEMA
  startedAt: string
  finishedAt: string
  seconds: number
  settings: BenchSettings
  machine: MachineFacts
  machineAtEnd: Pick<MachineFacts, 'loadAverage' | 'freeMemoryMiB'>
  runs: RunRecord[]
  /** `<kind>-<nodes>` → dotted metric path → median/min/max over the reps. */
  summary: Record<string, Record<string, Spread>>
}

export const configId = (kind: ConfigKind, nodes: number): string => `${kind}-${nodes}`

/**
 * Before each scenario: wait until every node is read-write again (a loaded
 * host can downgrade a node for a while), so one scenario's aftermath does not
 * become the next one's failure; the waits are recorded.
 */
async function settle (c: Cluster, s: BenchSettings, out: Scenarios): Promise<void> {
  const ms = await waitFor(() => c.mesh.mode === 'read-write' && c.peers.every(p => !alive(p.child.proc) || p.mode === 'read-write'), s.readyTimeoutMs,
    () => `not read-write again: node0 ${c.mesh.mode}, ${c.peers.map(p => `node${p.index} ${p.mode}`).join(', ')}`)
  out.settleMs = (out.settleMs ?? 0) + Math.round(ms)
}

/** Hot key, then 1,000 keys (exclusive, the same workers), with a settle between: every layout runs these two. */
async function exclusiveContention (c: Cluster, s: BenchSettings, rep: number, w: number[], out: Scenarios): Promise<void> {
  out.hotKey = await contention(c, { workersPerNode: w, durationMs: s.contentionMs, ttlMs: s.ttlMs, keys: { kind: 'one', key: `hot:${rep}` }, mode: 'exclusive', seed: s.seed + rep })
  await settle(c, s, out)
  out.manyKeys = await contention(c, { workersPerNode: w, durationMs: s.contentionMs, ttlMs: s.ttlMs, keys: { kind: 'many', prefix: `many:${rep}:`, count: s.manyKeys }, mode: 'exclusive', seed: s.seed + rep })
}

async function embeddedScenarios (c: Cluster, s: BenchSettings, rep: number, out: Scenarios): Promise<void> {
  const n = c.options.nodes
  const w = workersPerNode(s, 'embedded', n)
  await new Promise(resolve => setTimeout(resolve, s.idleMs))
  out.rssIdle = rssSnapshot(c)
  await settle(c, s, out)
  out.uncontended = await uncontended(c, `solo:${rep}`, s.uncontendedWarmup, s.uncontendedCycles, s.ttlMs)
  await settle(c, s, out)
  await exclusiveContention(c, s, rep, w, out)
  await settle(c, s, out)
  out.shared = await contention(c, { workersPerNode: w, durationMs: s.contentionMs, ttlMs: s.ttlMs, keys: { kind: 'one', key: `shared:${rep}` }, mode: 'shared', seed: s.seed + rep })
  out.rssAfter = rssSnapshot(c)
  if (s.partition) out.partition = await partition(c)
}

/** The protocol alone (in-memory transport, one process): latency and hot-key/many-key throughput. */
async function memoryScenarios (c: Cluster, s: BenchSettings, rep: number, out: Scenarios): Promise<void> {
  const w = workersPerNode(s, 'memory', c.options.nodes)
  await settle(c, s, out)
  out.uncontended = await uncontended(c, `solo:${rep}`, s.uncontendedWarmup, s.uncontendedCycles, s.ttlMs)
  await settle(c, s, out)
  await exclusiveContention(c, s, rep, w, out)
}

async function spreadScenarios (c: Cluster, s: BenchSettings, rep: number, out: Scenarios): Promise<void> {
  const n = c.options.nodes
  const w = workersPerNode(s, 'spread', n)
  await new Promise(resolve => setTimeout(resolve, s.idleMs))
  out.rssIdle = rssSnapshot(c)
  await settle(c, s, out)
  await exclusiveContention(c, s, rep, w, out)
  out.rssAfter = rssSnapshot(c)
  if (n === s.failoverNodes) { await settle(c, s, out); out.failover = await failover(c, s.ttlMs) }
  // Last: the locks stay held until the cluster stops (releasing 10,000 costs more than the stop's drain).
  if (s.heldLocks > 0) { await settle(c, s, out); out.heldLocks = await heldLocks(c, s.heldLocks, s.ttlMsMax, s.heldLocksTimeLimitMs) }
}

async function runConfig (s: BenchSettings, rep: number, kind: ConfigKind, nodes: number, log: (line: string) => void): Promise<RunRecord> {
  const t0 = performance.now()
  const rec: RunRecord = {
    rep, kind, nodes, workersPerNode: kind === 'baseline' ? null : workersPerNode(s, kind, nodes),
    startupMs: null, load1Start: load1(), load1End: NaN, seconds: NaN, scenarios: {}, error: null
  }
  let cluster: Cluster | null = null
  try {
    if (kind === 'baseline') {
      rec.scenarios.baseline = await baseline(nodes, s.uncontendedWarmup, s.uncontendedCycles, s.readyTimeoutMs)
    } else if (kind === 'memory') {
      cluster = await startMemoryCluster(nodes, s.ttlMsMax, s.readyTimeoutMs)
      rec.startupMs = cluster.startupMs
      await memoryScenarios(cluster, s, rep, rec.scenarios)
    } else {
      cluster = await startCluster({ nodes, layout: kind, ttlMsMax: s.ttlMsMax, readyTimeoutMs: s.readyTimeoutMs, verbose: false, workersPerNode: workersPerNode(s, kind, nodes), nodeFlags: s.nodeFlags })
      rec.startupMs = cluster.startupMs
      await (kind === 'embedded' ? embeddedScenarios : spreadScenarios)(cluster, s, rep, rec.scenarios)
    }
  } catch (err) {
    rec.error = String((err as Error).stack ?? err)
    log(`  FAILED: ${(err as Error).message}`)
  } finally {
    await cluster?.stop().catch((err: unknown) => { log(`  stop: ${String(err)}`) })
    await stopAll()
  }
  rec.load1End = load1()
  rec.seconds = Math.round((performance.now() - t0) / 100) / 10
  return rec
}

/** Every finite number in `o`, by dotted path (arrays of numbers are skipped: per-worker lists are in the runs). */
function numericPaths (o: unknown, prefix: string, out: Map<string, number>): void {
  if (typeof o === 'number') { if (Number.isFinite(o)) out.set(prefix, o); return }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return
  for (const [k, v] of Object.entries(o)) numericPaths(v, prefix === '' ? k : `${prefix}.${k}`, out)
}

export function summarize (runs: RunRecord[]): BenchResult['summary'] {
  const byConfig = new Map<string, Map<string, number[]>>()
  for (const r of runs) {
    if (r.error !== null) continue
    const id = configId(r.kind, r.nodes)
    const metrics = byConfig.get(id) ?? new Map<string, number[]>()
    byConfig.set(id, metrics)
    const paths = new Map<string, number>()
    numericPaths(r.scenarios, '', paths)
    if (r.startupMs !== null) paths.set('startupMs', r.startupMs)
    for (const [p, v] of paths) metrics.set(p, [...(metrics.get(p) ?? []), v])
  }
  const summary: BenchResult['summary'] = {}
  for (const [id, metrics] of byConfig) {
    summary[id] = {}
    for (const [p, vs] of metrics) { const sp = spread(vs); if (sp !== null) summary[id][p] = sp }
  }
  return summary
}

export async function runBench (s: BenchSettings, log: (line: string) => void = () => {}): Promise<BenchResult> {
  const startedAt = new Date()
  const machine = machineFacts(ROOT)
  const runs: RunRecord[] = []
  log(`bench ${s.label}: ${s.reps} rep(s), nodes ${s.nodes.join('/')}, ${machine.cores} cores, load ${machine.loadAverage.join(' ')}, node ${machine.node}, commit ${machine.commit}${machine.dirty ? ' (dirty)' : ''}`)
  for (let rep = 1; rep <= s.reps; rep++) {
    const sizes = rep % 2 === 0 ? [...s.nodes].reverse() : s.nodes
    for (const nodes of sizes) {
      for (const kind of s.kinds) {
        log(`rep ${rep}/${s.reps}: ${kind} ${nodes} nodes`)
        const rec = await runConfig(s, rep, kind, nodes, log)
        runs.push(rec)
        log(`  ${oneLine(rec)}`)
      }
    }
  }
  const end = machineFacts(ROOT)
  return {
    schema: SCHEMA,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    settings: s,
    machine,
    machineAtEnd: { loadAverage: end.loadAverage, freeMemoryMiB: end.freeMemoryMiB },
    runs,
    summary: summarize(runs)
  }
}

/** A progress line per configuration. */
function oneLine (r: RunRecord): string {
  const sc = r.scenarios
  const f = (x: number | undefined, d = 1): string => x === undefined ? '-' : x.toFixed(d)
  const parts: string[] = [`${r.seconds} s${r.startupMs !== null ? ` (start ${r.startupMs} ms)` : ''}, load ${r.load1Start}→${r.load1End}`]
  if (sc.baseline !== undefined) parts.push(`two rounds p50 ${f(sc.baseline.twoRoundP50Ms, 2)} p99 ${f(sc.baseline.twoRoundP99Ms, 2)} ms`)
  if (sc.uncontended !== undefined) parts.push(`acquire p50 ${f(sc.uncontended.acquireP50Ms, 2)} p99 ${f(sc.uncontended.acquireP99Ms, 2)} ms`)
  if (sc.hotKey !== undefined) parts.push(`hot ${f(sc.hotKey.opsPerSec, 0)}/s lost ${sc.hotKey.lostUpdates} fair ${f(sc.hotKey.fairness, 2)}`)
  if (sc.manyKeys !== undefined) parts.push(`1000 keys ${f(sc.manyKeys.opsPerSec, 0)}/s lost ${sc.manyKeys.lostUpdates}`)
  if (sc.shared !== undefined) parts.push(`shared ${f(sc.shared.opsPerSec, 0)}/s`)
  if (sc.heldLocks !== undefined) parts.push(`${sc.heldLocks.held} held, ${sc.heldLocks.bytesPerVoteMedian ?? '-'} B/vote`)
  if (sc.partition !== undefined) parts.push(`read-only after ${f(sc.partition.toReadOnlyMs, 0)} ms, read-write ${f(sc.partition.toReadWriteMs, 0)} ms after heal`)
  if (sc.failover !== undefined) parts.push(`failover ${f(sc.failover.failoverMs, 0)} ms`)
  if (r.error !== null) parts.push(`ERROR ${r.error.split('\n')[0]!}`)
  return parts.join('; ')
}
