/**
 * Uncontended acquire/release: one client, sequential acquire + release on
 * one key (fresh key per run), warm-up first; p50/p99 of each, and frames per
 * acquire by type.
 */
import type { Cluster } from './cluster.js'
import { framesPerOp, frameSnapshot, type FrameCounts } from './frames.js'
import { percentile } from './stats.js'

export interface UncontendedResult {
  cycles: number
  acquireP50Ms: number
  acquireP99Ms: number
  /** release() resolves once every voter acknowledged (a round trip). */
  releaseP50Ms: number
  releaseP99Ms: number
  /** Frames per acquire+release by type (embedded layout only). */
  framesPerAcquire: FrameCounts | null
  /** Acquires refused and retried (a transient read-only mesh). */
  refused: number
}

/** A refused acquire (transient read-only) is retried at most this often in a row. */
const RETRIES_MAX = 50

export async function uncontended (cluster: Cluster, key: string, warmup: number, cycles: number, ttlMs: number): Promise<UncontendedResult> {
  const mesh = cluster.mesh
  const acq: number[] = []
  const rel: number[] = []
  let refused = 0
  let before: FrameCounts = {}
  for (let i = 0; i < warmup + cycles; i++) {
    if (i === warmup) before = frameSnapshot(mesh)
    const t0 = performance.now()
    let lock
    for (let tries = 0; lock === undefined; tries++) {
      try {
        lock = await mesh.acquire(key, { ttlMs, waitMs: 10_000 })
      } catch (err) {
        if (tries >= RETRIES_MAX) throw err
        refused++
        await new Promise(resolve => setTimeout(resolve, 20))
      }
    }
    const t1 = performance.now()
    await lock.release()
    const t2 = performance.now()
    if (i >= warmup) { acq.push(t1 - t0); rel.push(t2 - t1) }
  }
  return {
    cycles,
    acquireP50Ms: percentile(acq, 0.5),
    acquireP99Ms: percentile(acq, 0.99),
    releaseP50Ms: percentile(rel, 0.5),
    releaseP99Ms: percentile(rel, 0.99),
    framesPerAcquire: cluster.options.layout === 'embedded' ? framesPerOp(mesh, before, cycles) : null,
    refused
  }
}
