/**
 * Contended scenarios with workers on one or more nodes: hot key (every
 * worker on one key, a fenced counter), many keys (a key out of 1,000 per
 * section), shared readers. Workers on the embedded node run here; workers on
 * other nodes run in their agents (spread layout) and reach the same fenced
 * store over IPC. Lost updates = accepted increments − the counters' sum.
 */
import { FencedCounterStore } from '../acceptance/counter-app.js'
import { callAgent, useCounterStore } from './agent-link.js'
import type { Cluster } from './cluster.js'
import { framesPerOp, frameSnapshot, type FrameCounts } from './frames.js'
import { fairnessRatio, percentile } from './stats.js'
import { runWorkers, type WorkResult, type WorkSpec } from './workload.js'

export interface ContentionResult {
  /** Workers on node 0 (embedded), 1, … */
  workersPerNode: number[]
  durationMs: number
  sections: number
  opsPerSec: number
  /** Sections per worker, node by node in roster order of the layout. */
  perWorker: number[]
  /** Largest over smallest per-worker count. */
  fairness: number
  lostUpdates: number
  fenced: number
  acquireP50Ms: number
  acquireP99Ms: number
  refused: Record<string, number>
  /** Shared mode: most holders at once seen on one node. */
  concurrentMax: number
  /** Frames per section by type (embedded layout only). */
  framesPerSection: FrameCounts | null
}

export interface ContentionSpec extends Omit<WorkSpec, 'workers'> { workersPerNode: number[] }

/** An agent gets this long past the duration to report (its waits end 10 s after the run). */
const AGENT_REPLY_SLACK_MS = 30_000

export async function contention (cluster: Cluster, spec: ContentionSpec): Promise<ContentionResult> {
  const store = new FencedCounterStore()
  useCounterStore(store)
  const local = { read: (k: string, t: bigint) => store.read(k, t), write: (k: string, t: bigint, v: number) => store.write(k, t, v) }
  const before = frameSnapshot(cluster.mesh)
  const jobs: Array<Promise<WorkResult>> = []
  try {
    spec.workersPerNode.forEach((workers, i) => {
      if (workers === 0) return
      const s: WorkSpec = { ...spec, workers, seed: spec.seed * 100 + i }
      if (i === 0) { jobs.push(runWorkers(cluster.mesh, local, s)); return }
      const peer = cluster.peers.find(p => p.index === i)
      if (peer?.kind !== 'agent') throw new Error(`node${i} runs no agent (workers on peers need the spread layout)`)
      jobs.push(callAgent(peer, { type: 'work', spec: s }, 'done', spec.durationMs + AGENT_REPLY_SLACK_MS).then(r => r.result))
    })
    const results = await Promise.all(jobs)
    const perWorker = results.flatMap(r => r.perWorker)
    const sections = perWorker.reduce((a, b) => a + b, 0)
    const late = results.reduce((a, r) => a + r.late, 0)
    const keys = spec.keys.kind === 'one' ? [spec.keys.key] : Array.from({ length: spec.keys.count }, (_x, k) => `${(spec.keys as { prefix: string }).prefix}${k}`)
    const finalSum = keys.reduce((a, k) => a + store.value(k), 0)
    const refused: Record<string, number> = {}
    for (const r of results) for (const [k, v] of Object.entries(r.refused)) refused[k] = (refused[k] ?? 0) + v
    const acquireMs = results.flatMap(r => r.acquireMs)
    return {
      workersPerNode: spec.workersPerNode,
      durationMs: spec.durationMs,
      sections,
      opsPerSec: sections / (spec.durationMs / 1000),
      perWorker,
      fairness: fairnessRatio(perWorker),
      lostUpdates: spec.mode === 'shared' ? 0 : sections + late - finalSum,
      fenced: results.reduce((a, r) => a + r.fenced, 0),
      acquireP50Ms: percentile(acquireMs, 0.5),
      acquireP99Ms: percentile(acquireMs, 0.99),
      refused,
      concurrentMax: Math.max(0, ...results.map(r => r.concurrentMax)),
      framesPerSection: cluster.options.layout === 'embedded' && sections > 0 ? framesPerOp(cluster.mesh, before, sections + late) : null
    }
  } finally {
    useCounterStore(null)
  }
}
