/**
 * N LockMesh nodes in one process over the in-memory transport (fast timings).
 */
import { LockMesh, type LockMeshInit } from '../../src/mesh.js'
import { MemoryHub } from '../../src/runtime/memory-transport.js'
import { MemoryFenceStore } from '../../src/store/memory-fence-store.js'

export interface MemoryMesh {
  hub: MemoryHub
  roster: string[]
  meshes: LockMesh[]
  stores: MemoryFenceStore[]
  stop: () => Promise<void>
}

export async function startMemoryMesh (n: number, init: Partial<LockMeshInit> = {}): Promise<MemoryMesh> {
  const hub = new MemoryHub()
  const roster = Array.from({ length: n }, (_, i) => `m${i}`)
  const stores = roster.map(() => new MemoryFenceStore())
  const meshes = roster.map((self, i) => new LockMesh({
    self, roster, store: stores[i]!, transport: hub.transport(self), timing: 'fast', ttlMsMax: 3_000, defaultTtlMs: 1_000, defaultWaitMs: 10_000, ...init
  }))
  await Promise.all(meshes.map(async m => { await m.start() }))
  await Promise.all(meshes.map(async m => await m.ready()))
  return {
    hub, roster, meshes, stores,
    stop: async () => { await Promise.all(meshes.map(async m => { await m.stop() })) }
  }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Poll `cond` every 20 ms until true or `timeoutMs` passes. */
export async function waitFor (cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}
