/**
 * Acquire many locks on distinct keys and keep them (the memory-per-held-lock
 * scenario), `concurrency` acquires in flight, bounded by `timeLimitMs`;
 * and release them again. Shared by the bench process and its agents.
 */
import type { Lock } from '../../src/lock.js'
import type { LockMesh } from '../../src/mesh.js'

export async function holdMany (mesh: LockMesh, prefix: string, count: number, concurrency: number, ttlMs: number, timeLimitMs: number): Promise<{ locks: Lock[], failed: Record<string, number> }> {
  const locks: Lock[] = []
  const failed: Record<string, number> = {}
  const end = performance.now() + timeLimitMs
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < count && performance.now() < end) {
      const key = `${prefix}${next++}`
      try {
        locks.push(await mesh.acquire(key, { ttlMs, waitMs: Math.max(1, Math.ceil(end - performance.now())) }))
      } catch (err) {
        const name = (err as Error).name
        failed[name] = (failed[name] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return { locks, failed }
}

export async function releaseAll (locks: Lock[], concurrency: number): Promise<number> {
  let released = 0
  const queue = locks.splice(0)
  const lane = async (): Promise<void> => {
    for (let l = queue.pop(); l !== undefined; l = queue.pop()) {
      await l.release().then(() => { released++ }, () => {})
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return released
}
