/**
 * Bugs that lived above the core (issue 9), each pinned by a test that fails
 * on the code before the fix (commit 6da9060):
 * - item 1: an acquire aborted while a fence-store write holds the node's
 *   output settles as AbortError and never resolves; the key is free at once.
 *   (The exact race — the grant itself held back when the abort comes — is
 *   timing-bound; the simulator's `resolveCancelled` mutation test catches
 *   it, test/sim-mutations.spec.ts);
 * - item 6: `extend()` racing `release()` settles;
 * - item 7: a one-node mesh acquiring in a tight loop still lets timers run
 *   (frames to itself went through queueMicrotask and starved the loop).
 */
import { expect } from 'chai'
import { AbortError, NotHolderError } from '../src/errors.js'
import { LockMesh } from '../src/mesh.js'
import { MemoryHub } from '../src/runtime/memory-transport.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import type { StoredState } from '../src/store/fence-store.js'
import { sleep, startMemoryMesh } from './helpers/memory-mesh.js'

/** A fence store whose writes can be held until `open()` (a slow SD card). */
class GatedStore extends MemoryFenceStore {
  private gate: Promise<void> | null = null
  private openGate: (() => void) | null = null
  /** Writes started (the base class counts completed ones). */
  started = 0
  hold (): void {
    this.gate = new Promise(resolve => { this.openGate = resolve })
  }

  open (): void {
    this.openGate?.()
    this.gate = null
  }

  override async save (state: StoredState): Promise<void> {
    this.started++
    const gate = this.gate
    if (gate !== null) await gate
    await super.save(state)
  }
}

async function settleWithin<T> (p: Promise<T>, ms: number): Promise<{ value?: T, error?: unknown, settled: boolean }> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<{ settled: boolean }>(resolve => { timer = setTimeout(() => { resolve({ settled: false }) }, ms) })
  try {
    return await Promise.race([p.then(value => ({ value, settled: true }), (error: unknown) => ({ error, settled: true })), timeout])
  } finally {
    clearTimeout(timer)
  }
}

describe('LockMesh: bugs above the core (issue 9)', function () {
  this.timeout(30_000)

  it('item 1: an acquire aborted while its grant waits behind a fence-store write never resolves, and the key is free for others', async () => {
    const hub = new MemoryHub()
    const roster = ['m0', 'm1', 'm2']
    const stores = roster.map(() => new GatedStore())
    // quorum `all`: m0's own voter is always in the quorum, so its COMMIT raises
    // m0's ceiling (ceilingStep 1) and m0's next outputs wait for that write.
    const meshes = roster.map((self, i) => new LockMesh({
      self, roster, quorum: 'all', store: stores[i]!, transport: hub.transport(self), timing: 'fast', ttlMsMax: 3_000, defaultTtlMs: 2_000, core: { ceilingStep: 1 }
    }))
    try {
      await Promise.all(meshes.map(async m => { await m.start() }))
      await Promise.all(meshes.map(async m => await m.ready()))
      const [a, b] = meshes as [LockMesh, LockMesh, LockMesh]
      stores[0]!.hold()
      const before = stores[0]!.started
      const abort = new AbortController()
      const acquiring = a.acquire('k', { signal: abort.signal, waitMs: 5_000 })
      // Wait until m0's ceiling write is pending: the grant is held behind it.
      for (let i = 0; i < 200 && stores[0]!.started === before; i++) await sleep(5)
      expect(stores[0]!.started, 'a fence-store write started').to.be.greaterThan(before)
      await sleep(100)
      abort.abort()
      stores[0]!.open()
      const outcome = await settleWithin(acquiring, 2_000)
      expect(outcome.settled, 'the aborted acquire settled').to.equal(true)
      expect(outcome.value, 'the aborted acquire resolved a Lock').to.equal(undefined)
      expect((outcome.error as Error).name).to.equal(AbortError.name)
      // The core let the grant go: another node gets the key without waiting for the lease.
      const other = await b.acquire('k', { waitMs: 1_500 })
      await other.release()
    } finally {
      await Promise.all(meshes.map(async m => { await m.stop() }))
    }
  })

  it('item 6: extend() racing release() settles (rejects NotHolderError)', async () => {
    const mesh = await startMemoryMesh(3)
    try {
      const lock = await mesh.meshes[0]!.acquire('k')
      const extending = lock.extend(1_000)
      await lock.release()
      const outcome = await settleWithin(extending, 2_000)
      expect(outcome.settled, 'extend() settled').to.equal(true)
      expect((outcome.error as Error | undefined)?.name).to.equal(NotHolderError.name)
    } finally {
      await mesh.stop()
    }
  })

  it('item 7: a one-node mesh acquiring in a tight loop lets timers fire', async () => {
    const hub = new MemoryHub()
    const mesh = new LockMesh({ self: 'solo', roster: ['solo'], store: new MemoryFenceStore(), transport: hub.transport('solo'), timing: 'fast', ttlMsMax: 3_000 })
    await mesh.start()
    await mesh.ready()
    try {
      let ticks = 0
      const timer = setInterval(() => { ticks++ }, 5)
      const startedAt = Date.now()
      let rounds = 0
      // Bounded in count and time; an event loop that yields sees its timer meanwhile.
      while (rounds < 3_000 && Date.now() - startedAt < 1_500) {
        const lock = await mesh.acquire('k')
        await lock.release()
        rounds++
      }
      clearInterval(timer)
      expect(rounds, 'the loop made progress').to.be.greaterThan(10)
      expect(ticks, `timer ticks during ${rounds} acquire/release rounds in ${Date.now() - startedAt} ms`).to.be.greaterThan(0)
    } finally {
      await mesh.stop()
    }
  })
})
