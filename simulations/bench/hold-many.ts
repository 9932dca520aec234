/**
 * Acquire many locks on distinct keys and keep them (the memory-per-held-lock
 * scenario), `concurrency` acquires in flight, bounded by `timeLimitMs`
 * (`failed` counts refusals, retried ones included). Shared by the bench
 * process and its agents.
 */
import type { Lock } from '../../src/lock.js'
import type { LockMesh } from '../../src/mesh.js'

/** Tries per key while the mesh keeps refusing with ReadOnlyError. */
const RETRIES_MAX = 20
const POLL_MS = 20

/** Resolves once `mesh` is read-write, or at `end` (performance.now() time). */
export async function untilReadWrite (mesh: LockMesh, end: number): Promise<void> {
  while (mesh.mode !== 'read-write' && performance.now() < end) await new Promise(resolve => setTimeout(resolve, POLL_MS))
}

/**
 * Acquire `key`; a transient read-only mesh (a loaded host) refuses at once,
 * so wait for read-write and retry, until `end`. Refusals are counted in
 * `failed` by error name; null when it never got the lock.
 */
export async function acquireRetrying (mesh: LockMesh, key: string, ttlMs: number, end: number, failed: Record<string, number>): Promise<Lock | null> {
  for (let tries = 0; tries < RETRIES_MAX && performance.now() < end; tries++) {
    try {
      return await mesh.acquire(key, { ttlMs, waitMs: Math.max(1, Math.ceil(end - performance.now())) })
    } catch (err) {
      const name = (err as Error).name
      failed[name] = (failed[name] ?? 0) + 1
      if (name !== 'ReadOnlyError') return null
      await untilReadWrite(mesh, end)
    }
  }
  return null
}

export async function holdMany (mesh: LockMesh, prefix: string, count: number, concurrency: number, ttlMs: number, timeLimitMs: number): Promise<{ locks: Lock[], failed: Record<string, number> }> {
  const locks: Lock[] = []
  const failed: Record<string, number> = {}
  const end = performance.now() + timeLimitMs
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < count && performance.now() < end) {
      const lock = await acquireRetrying(mesh, `${prefix}${next++}`, ttlMs, end, failed)
      if (lock !== null) locks.push(lock)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return { locks, failed }
}
