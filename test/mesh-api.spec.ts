/**
 * The public LockMesh API over the in-memory transport (majority on 3 and 5
 * nodes): results, typed errors, cancellation, modes. Time bounds are loose.
 */
import { expect } from 'chai'
import { LockMesh } from '../src/mesh.js'
import { MemoryHub } from '../src/runtime/memory-transport.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import { sleep, startMemoryMesh, waitFor, type MemoryMesh } from './helpers/memory-mesh.js'

async function rejection (p: Promise<unknown>): Promise<Error> {
  try { await p } catch (err) { return err as Error }
  throw new Error('expected a rejection')
}

describe('LockMesh API (majority, in-memory transport)', function () {
  this.timeout(30_000)
  let m: MemoryMesh

  afterEach(async () => { await m?.stop() })

  it('ready() gives the first mode; acquire/release on 3 nodes', async () => {
    m = await startMemoryMesh(3)
    for (const mesh of m.meshes) expect(mesh.mode).to.equal('read-write')
    const lock = await m.meshes[0]!.acquire('k')
    expect(lock.key).to.equal('k')
    expect(lock.mode).to.equal('exclusive')
    expect(typeof lock.token).to.equal('bigint')
    expect(lock.remainingMs()).to.be.greaterThan(0)
    expect(lock.signal.aborted).to.equal(false)
    await lock.release()
    expect(lock.signal.aborted).to.equal(true)
  })

  it('lock.signal made lazily (issue 10): read after the release it is already aborted with a LockLostError; read before, it aborts at the release', async () => {
    m = await startMemoryMesh(3)
    const unread = await m.meshes[0]!.acquire('lazy')
    await unread.release()
    expect(unread.signal.aborted).to.equal(true)
    expect((unread.signal.reason as Error).name).to.equal('LockLostError')
    expect((unread.signal.reason as Error).message).to.match(/released/)
    expect(unread.remainingMs()).to.equal(0)
    const read = await m.meshes[0]!.acquire('lazy')
    const signal = read.signal
    let fired = 0
    signal.addEventListener('abort', () => { fired++ })
    expect(read.signal, 'the same signal every time').to.equal(signal)
    await read.release()
    expect(fired).to.equal(1)
    expect((signal.reason as Error).name).to.equal('LockLostError')
    expect((await rejection(read.release())).name).to.equal('NotHolderError')
  })

  it('exclusive tokens strictly increase across holders', async () => {
    m = await startMemoryMesh(5)
    const tokens: bigint[] = []
    for (let i = 0; i < 10; i++) {
      const lock = await m.meshes[i % 5]!.acquire('t')
      tokens.push(lock.token)
      await lock.release()
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).to.equal(true)
  })

  it('tryAcquire fails with LockBusyError while the key is held, then succeeds', async () => {
    m = await startMemoryMesh(3)
    const lock = await m.meshes[0]!.acquire('busy')
    const err = await rejection(m.meshes[1]!.tryAcquire('busy'))
    expect(err.name).to.equal('LockBusyError')
    await lock.release()
    // release() does not wait for the voters' acknowledgements.
    await waitFor(() => m.meshes.every(x => x.status().core!.voter.votes === 0), 3_000, 'votes freed')
    const again = await m.meshes[1]!.tryAcquire('busy')
    expect(again.token > lock.token).to.equal(true)
    await again.release()
  })

  it('shared locks coexist; an exclusive waits for them', async () => {
    m = await startMemoryMesh(3)
    const r1 = await m.meshes[0]!.acquire('s', { mode: 'shared' })
    const r2 = await m.meshes[1]!.acquire('s', { mode: 'shared' })
    expect(r1.signal.aborted || r2.signal.aborted).to.equal(false)
    let writerGot = false
    const writer = m.meshes[2]!.acquire('s').then(l => { writerGot = true; return l })
    await sleep(200)
    expect(writerGot).to.equal(false)
    await r1.release()
    await r2.release()
    const w = await writer
    expect(w.token > r1.token && w.token > r2.token).to.equal(true)
    await w.release()
  })

  it('a waiter times out with LockTimeoutError and leaves no vote allocated', async () => {
    m = await startMemoryMesh(3)
    const lock = await m.meshes[0]!.acquire('to', { ttlMs: 2_000 })
    const err = await rejection(m.meshes[1]!.acquire('to', { waitMs: 200 }))
    expect(err.name).to.equal('LockTimeoutError')
    await lock.release()
    await waitFor(() => m.meshes.every(x => x.status().core!.voter.votes === 0 && x.status().core!.voter.queued === 0), 3_000, 'no votes left')
  })

  it('an aborted acquire rejects with AbortError and frees its queue slots', async () => {
    m = await startMemoryMesh(3)
    const lock = await m.meshes[0]!.acquire('ab', { ttlMs: 2_000 })
    const ac = new AbortController()
    const waiting = m.meshes[1]!.acquire('ab', { signal: ac.signal })
    await sleep(100)
    ac.abort()
    expect((await rejection(waiting)).name).to.equal('AbortError')
    // A third waiter is granted at release, without waiting for anything of the aborted one.
    const third = m.meshes[2]!.acquire('ab')
    await lock.release()
    const l3 = await third
    await l3.release()
    await waitFor(() => m.meshes.every(x => x.status().core!.voter.votes === 0 && x.status().core!.voter.queued === 0), 3_000, 'no votes left')
  })

  it('release by a non-holder rejects with NotHolderError', async () => {
    m = await startMemoryMesh(3)
    const lock = await m.meshes[0]!.acquire('nh')
    await lock.release()
    expect((await rejection(lock.release())).name).to.equal('NotHolderError')
    expect((await rejection(lock.extend(500))).name).to.equal('NotHolderError')
  })

  it('bad options are InvalidOptionsError naming what was expected', async () => {
    m = await startMemoryMesh(3)
    const mesh = m.meshes[0]!
    const e1 = await rejection(mesh.acquire('', {}))
    expect(e1.name).to.equal('InvalidOptionsError')
    const e2 = await rejection(mesh.acquire('k', { ttlMs: 10_000_000 }))
    expect(e2.name).to.equal('InvalidOptionsError')
    expect(e2.message).to.match(/ttlMs/)
    const e3 = await rejection(mesh.acquire('k', { mode: 'weird' as 'shared' }))
    expect(e3.name).to.equal('InvalidOptionsError')
    expect(() => new LockMesh({ self: 'x', roster: ['a'], store: new MemoryFenceStore(), transport: new MemoryHub().transport('x') })).to.throw(/self/)
  })

  it('a lease is extended by extend(), and lost (signal aborts, lock-lost event) without it', async () => {
    m = await startMemoryMesh(3)
    const lock = await m.meshes[0]!.acquire('ext', { ttlMs: 600 })
    await lock.extend(1_500)
    expect(lock.remainingMs()).to.be.greaterThan(700)
    let lostEvent = ''
    m.meshes[0]!.addEventListener('lock-lost', e => { lostEvent = e.detail.key })
    await waitFor(() => lock.signal.aborted, 5_000, 'lease end')
    expect(lostEvent).to.equal('ext')
    expect(lock.signal.reason.name).to.equal('LockLostError')
  })

  it('using() holds the lock across several ttls by auto-extension and releases after', async () => {
    m = await startMemoryMesh(3)
    let token = 0n
    const result = await m.meshes[0]!.using('u', async (signal, lock) => {
      token = lock.token
      await sleep(1_200)
      expect(signal.aborted).to.equal(false)
      return 42
    }, { ttlMs: 500 })
    expect(result).to.equal(42)
    const next = await m.meshes[1]!.acquire('u', { waitMs: 2_000 })
    expect(next.token > token).to.equal(true)
    await next.release()
  })

  it('a partitioned minority turns read-only: exclusive fails at once with ReadOnlyError, heal restores read-write', async () => {
    m = await startMemoryMesh(5)
    const [a, b, c, d, e] = m.roster as [string, string, string, string, string]
    m.hub.partition([a, b], [c, d, e])
    await waitFor(() => m.meshes[0]!.mode === 'read-only' && m.meshes[2]!.mode === 'read-write', 5_000, 'modes after partition')
    expect(m.meshes[0]!.sharedLocks).to.equal(false)
    const t0 = Date.now()
    const err = await rejection(m.meshes[0]!.acquire('p'))
    expect(err.name).to.equal('ReadOnlyError')
    expect(Date.now() - t0).to.be.lessThan(1_000)
    expect((await rejection(m.meshes[1]!.acquire('p', { mode: 'shared' }))).name).to.equal('NoQuorumError')
    const majority = await m.meshes[2]!.acquire('p')
    await majority.release()
    m.hub.heal()
    await waitFor(() => m.meshes.every(x => x.mode === 'read-write'), 8_000, 'read-write after heal')
  })

  it('stop() aborts own locks and releases them so others need not wait for the lease', async () => {
    m = await startMemoryMesh(3)
    const lock = await m.meshes[0]!.acquire('st', { ttlMs: 3_000 })
    const waiter = m.meshes[1]!.acquire('st', { waitMs: 2_000 })
    await sleep(50)
    await m.meshes[0]!.stop()
    expect(lock.signal.aborted).to.equal(true)
    const t0 = Date.now()
    const next = await waiter
    expect(Date.now() - t0).to.be.lessThan(2_000)
    await next.release()
  })
})
