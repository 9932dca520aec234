import '../src/polyfills.js'
import { expect } from 'chai'
import type { Frame, FrameBody } from '../src/core/types.js'
import type { MeshTransport } from '../src/mesh.js'
import { CONFIG_HASH, frameFrom, sortedSpecs, TransportCluster, type TestNode } from './helpers/transport-cluster.js'

const queued = (key: string, seq: number): FrameBody => ({ t: 'QUEUED', key, id: { peer: 'p', inc: 1, seq } })

function receivedFrom (node: TestNode, from: TestNode): Frame[] {
  return node.received.filter(r => r.from === from.id).map(r => r.frame)
}

describe('transport: real libp2p nodes on loopback', function () {
  this.timeout(60_000)
  let cluster: TransportCluster | undefined

  afterEach(async () => {
    await cluster?.stopAll()
    cluster = undefined
  })

  it('satisfies the MeshTransport contract of src/mesh.ts (compile-time)', async () => {
    cluster = new TransportCluster(await sortedSpecs(1))
    const node = await cluster.start(cluster.specs[0]!)
    const contract: MeshTransport = node.transport
    expect(contract.send).to.be.a('function')
  })

  it('3 nodes: handshake in each direction, then frames both ways from the authenticated sender', async () => {
    cluster = new TransportCluster(await sortedSpecs(3))
    const [a, b, c] = [
      await cluster.start(cluster.specs[0]!, { incarnation: 3 }),
      await cluster.start(cluster.specs[1]!, { incarnation: 5 }),
      await cluster.start(cluster.specs[2]!, { incarnation: 7, asService: true })
    ] as [TestNode, TestNode, TestNode]
    await cluster.meshed([a, b, c])
    // Each node learnt each peer's incarnation, clock and quiet ms from the handshake.
    for (const n of [a, b, c]) {
      for (const m of [a, b, c]) {
        if (m === n) continue
        const hs = n.handshakes.find(h => h.peer === m.id)
        expect(hs, `${n.id} heard ${m.id}'s handshake`).to.not.equal(undefined)
        expect(hs!.hs.incarnation).to.equal(m.incarnation)
        expect(hs!.hs.clock >= 1000n).to.equal(true)
        expect(hs!.hs.quietRemainingMs).to.equal(0)
      }
    }
    const sent = new Map<string, Frame>()
    for (const n of [a, b, c]) {
      for (const m of [a, b, c]) {
        if (m === n) continue
        const f = frameFrom(n, queued(`${n.id}->${m.id}`, 1))
        sent.set(`${n.id}->${m.id}`, f)
        n.transport.send(m.id, f)
      }
    }
    await cluster.waitFor('6 frames', () => [a, b, c].every(n => n.received.length === 2))
    for (const n of [a, b, c]) {
      for (const r of n.received) expect(r.frame).to.deep.equal(sent.get(`${r.from}->${n.id}`))
      expect(n.transport.stats().streamsUp).to.equal(2)
      expect(n.transport.stats().framesIn.QUEUED).to.equal(2)
      expect(n.transport.stats().framesOut.QUEUED).to.equal(2)
      expect(n.transport.stats().malformedFrames).to.equal(0)
    }
    // One stream per pair: each node opened (or accepted) exactly one per peer.
    for (const n of [a, b, c]) expect(n.transport.stats().streamsOpened).to.equal(2)
  })

  it('coalesces the frames of one event-loop turn into one send(), order kept per peer', async () => {
    cluster = new TransportCluster(await sortedSpecs(3))
    const [a, b, c] = [await cluster.start(cluster.specs[0]!), await cluster.start(cluster.specs[1]!), await cluster.start(cluster.specs[2]!)] as [TestNode, TestNode, TestNode]
    await cluster.meshed([a, b, c])
    const before = a.transport.stats()
    const count = 2_000
    for (let i = 0; i < count; i++) {
      a.transport.send(b.id, frameFrom(a, queued('k', i)))
      a.transport.send(c.id, frameFrom(a, queued('k', i)))
    }
    await cluster.waitFor('all frames', () => receivedFrom(b, a).length === count && receivedFrom(c, a).length === count)
    const after = a.transport.stats()
    // 2 peers, one turn: one send() each (a drain wait may split one).
    expect(after.sendCalls - before.sendCalls).to.be.at.most(4)
    expect(after.framesOut.QUEUED - before.framesOut.QUEUED).to.equal(2 * count)
    for (const n of [b, c]) {
      const seqs = receivedFrom(n, a).map(f => (f.b as { id: { seq: number } }).id.seq)
      expect(seqs).to.deep.equal([...Array(count).keys()])
    }
  })

  it('refuses and counts a config-hash mismatch; the others stay meshed', async () => {
    cluster = new TransportCluster(await sortedSpecs(3))
    const [a, b] = [await cluster.start(cluster.specs[0]!), await cluster.start(cluster.specs[1]!)] as [TestNode, TestNode]
    const odd = await cluster.start(cluster.specs[2]!, { configHash: 'ffffffffffffffff' })
    expect(CONFIG_HASH).to.not.equal('ffffffffffffffff')
    await cluster.meshed([a, b])
    await cluster.waitFor('refusals on both sides', () => a.transport.stats().refusals['config-hash'] >= 1 && b.transport.stats().refusals['config-hash'] >= 1 && odd.transport.stats().refusals['config-hash'] >= 2)
    expect(a.transport.stats().handshakeRefusals).to.be.at.least(1)
    expect(a.transport.peersUp()).to.deep.equal([b.id])
    expect(odd.transport.peersUp()).to.deep.equal([])
    expect(a.handshakes.map(h => h.peer)).to.not.include(odd.id)
    // Frames to the refused peer are dropped and counted, never sent.
    const dropped = a.transport.stats().droppedNoStream
    a.transport.send(odd.id, frameFrom(a, { t: 'PING' }))
    expect(a.transport.stats().droppedNoStream).to.equal(dropped + 1)
  })

  it('re-establishes the stream after a peer restarts: the new incarnation is served, the old one refused', async () => {
    const specs = await sortedSpecs(2)
    cluster = new TransportCluster(specs)
    // b = the lower peer ID: it opens the stream, so its stale twin will try too.
    const b1 = await cluster.start(specs[0]!, { incarnation: 1 })
    const a = await cluster.start(specs[1]!, { incarnation: 1 })
    await cluster.meshed([a, b1])
    expect(a.transport.incarnationOf(b1.id)).to.equal(1)

    await cluster.stop(b1)
    await cluster.waitFor('a notices b is down', () => a.downs.includes(b1.id))
    expect(a.transport.peersUp()).to.deep.equal([])

    const b2 = await cluster.start(specs[0]!, { incarnation: 2 })
    await cluster.waitFor('b2 served', () => a.transport.incarnationOf(b2.id) === 2)
    expect(a.handshakes.filter(h => h.peer === b2.id).map(h => h.hs.incarnation)).to.deep.equal([1, 2])
    b2.transport.send(a.id, frameFrom(b2, queued('after-restart', 1)))
    a.transport.send(b2.id, frameFrom(a, queued('after-restart', 2)))
    await cluster.waitFor('frames after restart', () => receivedFrom(a, b2).length === 1 && b2.received.length === 1)

    // A stale twin (same key, older incarnation, another port) is refused.
    const twinSpec = { key: specs[0]!.key, port: 0 }
    const twin = await cluster.start(twinSpec, { incarnation: 1 })
    await cluster.waitFor('stale incarnation refused', () => a.transport.stats().refusals['stale-incarnation'] >= 1)
    expect(a.transport.incarnationOf(b2.id)).to.equal(2)
    b2.transport.send(a.id, frameFrom(b2, queued('still-b2', 3)))
    await cluster.waitFor('b2 still served', () => receivedFrom(a, b2).some(f => (f.b as { key: string }).key === 'still-b2'))
    expect(twin.transport.peersUp()).to.deep.equal([])
  })

  it('boot ids: the same incarnation from another process is refused (boot-id, counted); a recovering twin (incarnation 0) is served', async () => {
    const specs = await sortedSpecs(2)
    cluster = new TransportCluster(specs)
    const b1 = await cluster.start(specs[0]!, { incarnation: 3, bootId: 'first-process' })
    const a = await cluster.start(specs[1]!, { incarnation: 1, bootId: 'a' })
    await cluster.meshed([a, b1])
    await cluster.stop(b1)
    await cluster.waitFor('a notices b is down', () => a.downs.includes(b1.id))
    // A second process reusing incarnation 3 (a store restored from an old backup): refused with the reason, counted.
    const reuse = await cluster.start(specs[0]!, { incarnation: 3, bootId: 'second-process' })
    await cluster.waitFor('boot-id refusal', () => a.transport.stats().refusals['boot-id'] >= 1)
    expect(a.transport.peersUp()).to.deep.equal([])
    await cluster.stop(reuse)
    // A recovering process (lost store, incarnation 0) is served although a saw incarnation 3.
    const recovering = await cluster.start(specs[0]!, { incarnation: 0, bootId: 'third-process', recovering: true })
    await cluster.waitFor('recovering peer served', () => a.transport.incarnationOf(recovering.id) === 0)
    expect(a.handshakes.at(-1)?.hs).to.deep.include({ incarnation: 0, recovering: true })
  })

  it('a gater partition (block + hang up) takes the stream down; heal re-establishes it', async () => {
    cluster = new TransportCluster(await sortedSpecs(3))
    const [a, b, c] = [await cluster.start(cluster.specs[0]!), await cluster.start(cluster.specs[1]!), await cluster.start(cluster.specs[2]!)] as [TestNode, TestNode, TestNode]
    await cluster.meshed([a, b, c])
    const t0 = Date.now()
    await Promise.all([a.gater.block([c.id]), c.gater.block([a.id])])
    await cluster.waitFor('a and c see each other down', () => a.downs.includes(c.id) && c.downs.includes(a.id))
    const applyMs = Date.now() - t0
    expect(a.transport.peersUp()).to.deep.equal([b.id])
    // Stay cut longer than the longest redial backoff: redials keep failing.
    await new Promise(resolve => setTimeout(resolve, 1_500))
    expect(a.transport.peersUp()).to.deep.equal([b.id])
    expect(a.transport.stats().dialFailures + c.transport.stats().dialFailures).to.be.at.least(1)
    const dropped = a.transport.stats().droppedNoStream
    a.transport.send(c.id, frameFrom(a, { t: 'PING' }))
    expect(a.transport.stats().droppedNoStream).to.equal(dropped + 1)
    // b never noticed.
    expect(b.transport.peersUp().sort()).to.deep.equal([a.id, c.id].sort())

    // Heal without the gater's courtesy dial: the transport's own redial loop
    // (backoff capped at redialMaxMs = 1000) must bring the stream back.
    const t1 = Date.now()
    await Promise.all([a.gater.unblock(undefined, { redial: false }), c.gater.unblock(undefined, { redial: false })])
    await cluster.meshed([a, b, c])
    const healMs = Date.now() - t1
    a.transport.send(c.id, frameFrom(a, queued('healed', 1)))
    c.transport.send(a.id, frameFrom(c, queued('healed', 2)))
    await cluster.waitFor('frames after heal', () => receivedFrom(c, a).length === 1 && receivedFrom(a, c).length === 1)
    console.log(`      partition applied in ${applyMs} ms; stream back ${healMs} ms after heal (redial loop only)`)

    // Again, healed with the gater's dial.
    await Promise.all([a.gater.block([c.id]), c.gater.block([a.id])])
    await cluster.waitFor('down again', () => !a.transport.peersUp().includes(c.id) && !c.transport.peersUp().includes(a.id))
    const t2 = Date.now()
    await Promise.all([a.gater.unblock(), c.gater.unblock()])
    await cluster.meshed([a, b, c])
    console.log(`      with the gater's dial on heal: stream back ${Date.now() - t2} ms after heal`)
  })

  it('fault hook (test-only): drops and delays outbound frames per peer', async () => {
    const specs = await sortedSpecs(3)
    cluster = new TransportCluster(specs)
    let dropToC = true
    const a = await cluster.start(specs[0]!, {
      transport: {
        faultHook: {
          dropOutbound: (to) => dropToC && to === cluster!.nodes[2]?.id,
          delayOutboundMs: (to) => to === cluster!.nodes[1]?.id ? 300 : 0
        }
      }
    })
    const b = await cluster.start(specs[1]!)
    const c = await cluster.start(specs[2]!)
    await cluster.meshed([a, b, c])
    const t0 = Date.now()
    a.transport.send(b.id, frameFrom(a, queued('late', 1)))
    a.transport.send(c.id, frameFrom(a, queued('lost', 1)))
    await cluster.waitFor('the delayed frame', () => receivedFrom(b, a).length === 1)
    expect(Date.now() - t0).to.be.at.least(290)
    expect(a.transport.stats()).to.include({ droppedByFault: 1, delayedByFault: 1 })
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(receivedFrom(c, a)).to.deep.equal([])
    dropToC = false
    a.transport.send(c.id, frameFrom(a, queued('through', 2)))
    await cluster.waitFor('c gets frames again', () => receivedFrom(c, a).length === 1)
  })

  it('createMeshLibp2p: a pnet key keeps out nodes without it; gossipsub publishes with no topic peers', async () => {
    const { generateKey } = await import('@libp2p/pnet')
    const psk = new Uint8Array(95)
    generateKey(psk)
    const other = new Uint8Array(95)
    generateKey(other)
    const specs = await sortedSpecs(3)
    cluster = new TransportCluster(specs)
    const a = await cluster.start(specs[0]!, { psk })
    const b = await cluster.start(specs[1]!, { psk })
    const c = await cluster.start(specs[2]!, { psk: other })
    await cluster.meshed([a, b])
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(c.transport.peersUp()).to.deep.equal([])
    expect(a.transport.peersUp()).to.deep.equal([b.id])
    expect(c.transport.stats().dialFailures + a.transport.stats().dialFailures + b.transport.stats().dialFailures).to.be.at.least(1)
    await a.libp2p.services.pubsub.publish('lockmesh/announce', new Uint8Array([1]))
  })
})
