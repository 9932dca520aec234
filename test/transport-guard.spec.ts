import '../src/polyfills.js'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { ComponentLogger, Stream } from '@libp2p/interface'
import { PROTOCOL_VERSION } from '../src/core/config.js'
import { createMeshLibp2p, type MeshLibp2p } from '../src/transport/create-libp2p.js'
import { encodeFrames } from '../src/transport/codec.js'
import { encodeHandshake } from '../src/transport/handshake.js'
import { LOCKMESH_PROTOCOL, LockmeshTransport } from '../src/transport/lockmesh-transport.js'
import { TypedEventEmitter } from 'main-event'
import * as pb from '../src/transport/pb/lockmesh.js'
import { lengthPrefixed } from '../src/transport/varint.js'
import { addrOf, CONFIG_HASH, freePort, frameFrom, idOf, sortedSpecs, TransportCluster, waitFor } from './helpers/transport-cluster.js'

/** A bare libp2p node (no lockmesh transport) that writes whatever a test wants on the protocol. */
async function bareNode (roster: string[]): Promise<MeshLibp2p & { id: string }> {
  const key = await generateKeyPair('Ed25519')
  const id = peerIdFromPrivateKey(key).toString()
  const node = await createMeshLibp2p({ privateKey: key, listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`], roster: [...roster, id], bootstrap: [], fast: true })
  return { ...node, id }
}

const noop = (): void => {}
const silentLogger = { forComponent: () => Object.assign(noop, { error: noop, trace: noop, enabled: false }) } as unknown as ComponentLogger

function varint (value: number): number[] {
  const out: number[] = []
  while (value >= 0x80) { out.push((value & 0x7f) | 0x80); value = Math.floor(value / 0x80) }
  out.push(value)
  return out
}

function handshake (incarnation: number, configHash = CONFIG_HASH): Uint8Array {
  return lengthPrefixed(encodeHandshake({ configHash, incarnation, clock: 1n, quietRemainingMs: 0, version: PROTOCOL_VERSION }))
}

describe('transport: guards (roster, malformed input, simultaneous opens)', function () {
  this.timeout(60_000)
  let cluster: TransportCluster | undefined
  const bare: MeshLibp2p[] = []

  afterEach(async () => {
    await cluster?.stopAll()
    cluster = undefined
    await Promise.all(bare.splice(0).map(async n => { await n.libp2p.stop() }))
  })

  it('start() refuses a roster entry that is not a peer ID, with InvalidOptionsError', async () => {
    const key = await generateKeyPair('Ed25519')
    const unused = (): never => { throw new Error('not reached') }
    const transport = new LockmeshTransport({
      registrar: { handle: unused, unhandle: unused },
      connectionManager: { openStream: unused, openConnection: unused, getConnections: () => [] },
      peerId: peerIdFromPrivateKey(key),
      events: new TypedEventEmitter(),
      logger: silentLogger
    }, { roster: ['n0', 'n1'], localHandshake: unused, onFrame: unused, onHandshake: unused })
    let caught: unknown
    try { await transport.start() } catch (err) { caught = err }
    expect((caught as Error)?.name).to.equal('InvalidOptionsError')
    expect(transport.isStarted()).to.equal(false)
  })

  it('a peer not on the roster cannot connect (gater), nor open a stream (transport)', async () => {
    const specs = await sortedSpecs(2)
    cluster = new TransportCluster(specs)
    const stranger = await bareNode(cluster.roster)
    bare.push(stranger)
    const a = await cluster.start(specs[0]!)
    const b = await cluster.start(specs[1]!)
    await cluster.meshed([a, b])

    // The gater refuses the connection once Noise authenticated the stranger.
    let openError: unknown
    try {
      const s = await stranger.libp2p.dialProtocol(multiaddr(addrOf(specs[0]!)), LOCKMESH_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
      s.abort(new Error('should not have opened'))
    } catch (err) {
      openError = err
    }
    expect(openError, 'the stranger could open a stream').to.be.instanceOf(Error)
    await waitFor('no connection from the stranger', () => a.libp2p.getConnections().every(c => c.remotePeer.toString() !== stranger.id))
    expect(a.gater.stats().deniedConnections).to.be.at.least(1)
    expect(a.transport.stats().streamsOpened).to.equal(1)

    // A peer the gater lets in but the transport's roster does not: the stream is refused.
    const c = await cluster.start({ key: (await generateKeyPair('Ed25519')), port: await freePort() }, { roster: [...cluster.roster, stranger.id], transport: { roster: cluster.roster } })
    await stranger.gater.setRoster([...cluster.roster, stranger.id, c.id])
    const s = await stranger.libp2p.dialProtocol(multiaddr(`/ip4/127.0.0.1/tcp/${c.spec.port}/p2p/${c.id}`), LOCKMESH_PROTOCOL)
    // Refused on arrival, before any handshake.
    await waitFor('not-on-roster refusal', () => c.transport.stats().refusals['not-on-roster'] === 1)
    await waitFor('stranger stream closed', () => s.status !== 'open')
    expect(c.handshakes.map(h => h.peer)).to.not.include(stranger.id)
  })

  it('drops and counts malformed frames; the stream, the node and its mesh keep working', async () => {
    const specs = await sortedSpecs(2)
    cluster = new TransportCluster(specs)
    const rogue = await bareNode(cluster.roster)
    bare.push(rogue)
    // The rogue is a roster member that writes by hand.
    const roster = [...cluster.roster, rogue.id]
    const a = await cluster.start(specs[0]!, { roster })
    const b = await cluster.start(specs[1]!, { roster })
    await cluster.meshed([a, b])
    const target = multiaddr(addrOf(specs[1]!))
    const h = { clock: 1n, inc: 1, fn: 1, ack: 0, ackInc: 0 }
    const id = { peer: rogue.id, inc: 1, seq: 1 }

    // 1. A valid handshake, then garbage, an over-long key, a wrong header incarnation, then a valid frame.
    const s1: Stream = await rogue.libp2p.dialProtocol(target, LOCKMESH_PROTOCOL)
    s1.send(handshake(1))
    await waitFor('rogue served', () => b.transport.incarnationOf(rogue.id) === 1)
    s1.send(lengthPrefixed(new Uint8Array(24).fill(0xff)))
    s1.send(lengthPrefixed(pb.Batch.encode({ frames: [{ h, queued: { key: 'k'.repeat(600), id } }] })))
    s1.send(lengthPrefixed(encodeFrames([{ h: { ...h, inc: 9 }, b: { t: 'PING' } }])))
    s1.send(lengthPrefixed(encodeFrames([{ h, b: { t: 'QUEUED', key: 'fine', id } }])))
    await waitFor('the valid frame after the bad ones', () => b.received.some(r => r.from === rogue.id))
    expect(b.transport.stats().malformedFrames).to.equal(3)
    expect(b.received.filter(r => r.from === rogue.id).map(r => r.frame.b.t)).to.deep.equal(['QUEUED'])
    expect(s1.status).to.equal('open')

    // 2. A length prefix far beyond the bound: the stream cannot resync, so it is closed.
    const s2: Stream = await rogue.libp2p.dialProtocol(target, LOCKMESH_PROTOCOL)
    s2.send(handshake(1))
    s2.send(Uint8Array.from([...varint(100 * 1024 * 1024), 1, 2, 3]))
    await waitFor('framing error counted', () => b.transport.stats().malformedFrames === 4)
    await waitFor('s2 closed', () => s2.status !== 'open')

    // 3. Garbage instead of a handshake: refused as malformed.
    const s3: Stream = await rogue.libp2p.dialProtocol(target, LOCKMESH_PROTOCOL)
    s3.send(lengthPrefixed(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x00])))
    await waitFor('bad handshake refused', () => b.transport.stats().refusals.malformed === 1)
    await waitFor('s3 closed', () => s3.status !== 'open')

    // The node still serves its real peer.
    a.transport.send(b.id, frameFrom(a, { t: 'PING' }))
    b.transport.send(a.id, frameFrom(b, { t: 'PONG' }))
    await waitFor('a <-> b after the abuse', () => b.received.some(r => r.from === a.id) && a.received.some(r => r.from === b.id))
    expect(b.transport.peersUp()).to.include(a.id)
  })

  it('simultaneous opens settle on the stream opened by the lower peer ID, on both sides', async () => {
    const specs = await sortedSpecs(2)
    cluster = new TransportCluster(specs)
    const low = await cluster.start(specs[0]!)
    const high = await cluster.start(specs[1]!)
    await cluster.meshed([low, high])
    expect(low.transport.stats().streamsOpened).to.equal(1)

    // The higher peer opens a second stream, same incarnation: the lower peer keeps its own.
    const extra = await high.libp2p.dialProtocol(low.libp2p.peerId, LOCKMESH_PROTOCOL)
    extra.send(handshake(high.incarnation))
    await waitFor('extra stream refused', () => low.transport.stats().streamsReplaced === 1)
    await waitFor('extra stream closed', () => extra.status !== 'open')
    expect(low.downs).to.deep.equal([])
    low.transport.send(high.id, frameFrom(low, { t: 'PING' }))
    await waitFor('frame on the original stream', () => high.received.length === 1)

    // The same race seen from the higher peer: a new stream from the lower peer replaces the current one.
    const before = high.transport.stats().streamsReplaced
    const byLow = await low.libp2p.dialProtocol(high.libp2p.peerId, LOCKMESH_PROTOCOL)
    byLow.send(handshake(low.incarnation))
    await waitFor('newer stream of the lower peer wins', () => high.transport.stats().streamsReplaced === before + 1)
    expect(high.downs).to.deep.equal([])
    // The original low->high stream was replaced on high's side, so low sees it close and re-dials.
    await cluster.meshed([low, high])
  })

  it('handshake: a stale incarnation or another protocol version is refused', async () => {
    const specs = await sortedSpecs(2)
    cluster = new TransportCluster(specs)
    const low = await cluster.start(specs[0]!, { incarnation: 4 })
    const high = await cluster.start(specs[1]!, { incarnation: 4 })
    await cluster.meshed([low, high])
    const stale = await high.libp2p.dialProtocol(low.libp2p.peerId, LOCKMESH_PROTOCOL)
    stale.send(handshake(3))
    await waitFor('stale refused', () => low.transport.stats().refusals['stale-incarnation'] === 1)
    const otherVersion = await high.libp2p.dialProtocol(low.libp2p.peerId, LOCKMESH_PROTOCOL)
    otherVersion.send(lengthPrefixed(encodeHandshake({ configHash: CONFIG_HASH, incarnation: 4, clock: 1n, quietRemainingMs: 0, version: PROTOCOL_VERSION + 1 })))
    await waitFor('version refused', () => low.transport.stats().refusals.version === 1)
    expect(low.transport.incarnationOf(high.id)).to.equal(4)
    expect(idOf(specs[1]!)).to.equal(high.id)
  })
})

