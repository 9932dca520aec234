/**
 * Disk loss with real libp2p nodes (issue 12): a node started with its fence
 * store gone grants nothing until its recovery completes — it waits out the
 * quiet period and then needs answers from peers covering every quorum it is
 * in, retrying while they are missing — rejoins with a new incarnation (no
 * permanent refusal), and every later token of every key is above every
 * earlier one. Short ttlMsMax so the whole story runs in a few seconds.
 */
import { expect } from 'chai'
import { recoveryQuietMs } from '../src/core/recovery.js'
import { ReadOnlyError } from '../src/errors.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import { Libp2pMesh, rejection, sleep } from './helpers/libp2p-mesh.js'

const TTL_MS_MAX = 2_000
const KEYS = ['disk-a', 'disk-b']

describe('disk loss over libp2p: recovery before voting', function () {
  this.timeout(60_000)
  let cluster: Libp2pMesh | null = null
  afterEach(async () => { await cluster?.stopAll(); cluster = null })

  it('a node whose store was deleted grants nothing until peers covering every quorum answered after the quiet period; then it votes and tokens only grow', async () => {
    // ceilingStep 1: no reserve above the highest fence, so a forgotten fence shows in the tokens.
    cluster = await Libp2pMesh.start(3, { quorum: 'majority', ttlMsMax: TTL_MS_MAX, defaultTtlMs: 1_000, core: { ceilingStep: 1 } })
    const c = cluster
    // Tokens through every node, so node 0 voted for (and persisted) many of them.
    const highest = new Map<string, bigint>()
    const take = async (i: number, key: string): Promise<bigint> => {
      const lock = await c.mesh(i).acquire(key, { waitMs: 10_000 })
      const before = highest.get(key) ?? 0n
      expect(lock.token > before, `${key}: token ${lock.token} after ${before}`).to.equal(true)
      highest.set(key, lock.token)
      await lock.release()
      return lock.token
    }
    for (let round = 0; round < 2; round++) for (const key of KEYS) for (const i of [0, 1, 2]) await take(i, key)
    // Node 2 goes down; tokens climb through the quorum {0, 1} where node 2 cannot see them.
    const survivorStore = c.node(2).store!
    await c.crash(2)
    await c.waitFor('nodes 0 and 1 read-write without node 2', () => [0, 1].every(i => c.mesh(i).status().reachable.length === 2 && c.mesh(i).mode === 'read-write'), 20_000)
    for (let round = 0; round < 3; round++) for (const key of KEYS) for (const i of [0, 1]) await take(i, key)
    const oldIncarnation = c.mesh(0).status().incarnation

    // Node 0 loses its disk; node 2 is still down, so no covering set of peers can answer yet.
    await c.crash(0)
    const startedAt = performance.now()
    const recovering = await c.startNode(0, { store: MemoryFenceStore.lost() })
    const first = await recovering.mesh.ready()
    expect(first.mode).to.equal('read-only')
    expect(first.recovering).to.equal(true)
    expect(first.reason).to.match(/quiet period/)
    expect(recovering.mesh.status().incarnation).to.equal(0)
    const err = await rejection(recovering.mesh.tryAcquire('disk-a'))
    expect(err).to.be.instanceOf(ReadOnlyError)
    expect(err.message).to.match(/recovering a lost fence store/)

    // Past the quiet period it asks; node 1 alone does not meet the quorum {0, 2} minus itself: it keeps asking and says so.
    await sleep(recoveryQuietMs({ ttlMsMax: TTL_MS_MAX, driftRho: 0.01 }))
    // Bounded waits, not a fixed sleep: a loaded host may stall the event loop.
    await c.waitFor('node 1 answered and node 0 asked again', () => (recovering.mesh.status().recovery?.answered.length ?? 0) >= 1 && (recovering.mesh.status().recovery?.rounds ?? 0) >= 2, 10_000)
    let status = recovering.mesh.status()
    expect(status.recovering, 'still recovering').to.equal(true)
    expect(status.core, 'no voter exists while recovering').to.equal(null)
    expect(status.recovery?.phase).to.equal('asking')
    expect(status.recovery?.reason).to.match(/do not yet meet every read and write quorum/)
    expect(status.recovery?.answered).to.deep.equal([c.node(1).id])
    // Retries once per retransmitMs (150 ms with `fast`), no hot loop.
    const elapsedMs = performance.now() - startedAt
    expect(status.recovery!.rounds).to.be.at.most(Math.ceil(elapsedMs / 150) + 1)

    // Node 2 comes back with its store: the answers now cover every quorum.
    await c.startNode(2, { store: survivorStore })
    await c.waitFor('node 0 recovered', () => !recovering.mesh.status().recovering, 20_000)
    const recoveredAfterMs = performance.now() - startedAt
    expect(recoveredAfterMs).to.be.at.least(recoveryQuietMs({ ttlMsMax: TTL_MS_MAX, driftRho: 0.01 }))
    status = recovering.mesh.status()
    expect(status.incarnation, 'an incarnation above every one peers saw').to.be.greaterThan(oldIncarnation)
    await c.waitFor('every node read-write', () => c.live.every(n => n.mesh.mode === 'read-write'), 20_000)

    // Node 1 down: every quorum is {0, 2}, so the recovered node votes in every grant from here on.
    await c.crash(1)
    await c.waitFor('nodes 0 and 2 read-write without node 1', () => [0, 2].every(i => c.mesh(i).status().reachable.length === 2 && c.mesh(i).mode === 'read-write'), 20_000)
    for (let round = 0; round < 2; round++) for (const key of KEYS) for (const i of [0, 2]) await take(i, key)
    // No handshake was refused for good: node 2 serves node 0's new incarnation.
    expect(c.mesh(2).status().reachable).to.include(c.node(0).id)
  })
})

describe('disk loss that can never be recovered', function () {
  it('a one-node mesh whose store is missing refuses to start with FenceStoreMissingError (restore it, or init only if its fences are gone)', async () => {
    const { LockMesh } = await import('../src/mesh.js')
    const { MemoryHub } = await import('../src/runtime/memory-transport.js')
    const hub = new MemoryHub()
    const mesh = new LockMesh({ self: 'solo', roster: ['solo'], store: MemoryFenceStore.lost(), transport: hub.transport('solo'), timing: 'fast' })
    const err = await rejection(mesh.start())
    expect(err.name).to.equal('FenceStoreMissingError')
    expect(err.message).to.match(/cannot be recovered.*lockmesh init/s)
    // The same node as a new member starts.
    const fresh = new LockMesh({ self: 'solo', roster: ['solo'], store: MemoryFenceStore.lost(), newMember: true, transport: hub.transport('solo'), timing: 'fast' })
    await fresh.start()
    expect((await fresh.ready()).mode).to.equal('read-write')
    await fresh.stop()
  })
})
