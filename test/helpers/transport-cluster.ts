/**
 * Real libp2p nodes on 127.0.0.1 in this process, each with a LockmeshTransport
 * that records what it receives. Every wait is bounded; `stopAll()` stops
 * every node that was started.
 */
import '../../src/polyfills.js'
import { createServer } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import type { Frame, FrameBody } from '../../src/core/types.js'
import { createMeshLibp2p, transportComponents, type MeshServices } from '../../src/transport/create-libp2p.js'
import type { RosterGater } from '../../src/transport/gater.js'
import { LockmeshTransport, lockmeshTransport, type LockmeshTransportInit, type PeerHandshake } from '../../src/transport/lockmesh-transport.js'

export const CONFIG_HASH = '00c0ffee00c0ffee'

export interface NodeSpec {
  key: PrivateKey
  port: number
}

export interface TestNode {
  id: string
  spec: NodeSpec
  libp2p: Libp2p<MeshServices>
  gater: RosterGater
  transport: LockmeshTransport
  incarnation: number
  received: Array<{ from: string, frame: Frame }>
  handshakes: Array<{ peer: string, hs: PeerHandshake }>
  downs: string[]
  /** Frames sent by this node so far (for header fn). */
  sent: number
  stopped: boolean
}

export interface StartOptions {
  incarnation?: number
  /** Boot id sent in the handshake (none by default). */
  bootId?: string
  /** Announce a recovering node (incarnation 0). */
  recovering?: boolean
  configHash?: string
  /** Build the transport as a libp2p service instead of from the running node. */
  asService?: boolean
  /** Roster override (defaults to the cluster's). */
  roster?: string[]
  transport?: Partial<LockmeshTransportInit>
  /** pnet pre-shared key. */
  psk?: Uint8Array
  /** Called for each frame received (after recording it). */
  onFrame?: (node: TestNode, from: string, frame: Frame) => void
}

async function canListen (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}

/**
 * A port that was free a moment ago, drawn below the kernel's ephemeral range
 * (32768+) so outbound connections of other tests do not grab it meanwhile.
 */
export async function freePort (): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (await canListen(port)) return port
  }
  throw new Error('no free port found in 100 tries')
}

/** `n` keys sorted by peer ID (index 0 = lowest ID, the dialer of every pair it is in). */
export async function sortedSpecs (n: number): Promise<NodeSpec[]> {
  const specs: Array<NodeSpec & { id: string }> = []
  for (let i = 0; i < n; i++) {
    const key = await generateKeyPair('Ed25519')
    specs.push({ key, port: await freePort(), id: peerIdFromPrivateKey(key).toString() })
  }
  return specs.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0).map(({ key, port }) => ({ key, port }))
}

export function idOf (spec: NodeSpec): string {
  return peerIdFromPrivateKey(spec.key).toString()
}

export function addrOf (spec: NodeSpec): string {
  return `/ip4/127.0.0.1/tcp/${spec.port}/p2p/${idOf(spec)}`
}

export async function waitFor (what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

export function frameFrom (node: TestNode, body: FrameBody): Frame {
  node.sent++
  return { h: { clock: BigInt(node.sent), inc: node.incarnation, fn: node.sent, ack: 0, ackInc: 0 }, b: body }
}

export const FAST_TRANSPORT: Partial<LockmeshTransportInit> = { redialMs: 100, redialMaxMs: 1_000, handshakeTimeoutMs: 2_000, dialTimeoutMs: 2_000 }

export class TransportCluster {
  readonly nodes: TestNode[] = []

  constructor (readonly specs: NodeSpec[]) {}

  get roster (): string[] {
    return this.specs.map(idOf)
  }

  async start (spec: NodeSpec, options: StartOptions = {}): Promise<TestNode> {
    const id = idOf(spec)
    const roster = options.roster ?? this.roster
    const incarnation = options.incarnation ?? 1
    const node = { id, spec, incarnation, received: [], handshakes: [], downs: [], sent: 0, stopped: false } as unknown as TestNode
    const init: LockmeshTransportInit = {
      roster,
      localHandshake: () => ({
        configHash: options.configHash ?? CONFIG_HASH, incarnation, clock: 1000n + BigInt(node.sent), quietRemainingMs: 0,
        ...(options.bootId !== undefined ? { bootId: options.bootId } : {}),
        ...(options.recovering === true ? { recovering: true } : {})
      }),
      onFrame: (from, frame) => {
        node.received.push({ from, frame })
        options.onFrame?.(node, from, frame)
      },
      onHandshake: (peer, hs) => { node.handshakes.push({ peer, hs }) },
      onPeerDown: (peer) => { node.downs.push(peer) },
      ...FAST_TRANSPORT,
      ...options.transport
    }
    const bootstrap = this.specs.filter(s => s !== spec && idOf(s) !== id).map(addrOf)
    // The port was free when drawn; if it was taken since, draw another.
    if (!(await canListen(spec.port))) spec.port = await freePort()
    if (options.asService === true) {
      const { libp2p, gater } = await createMeshLibp2p({ privateKey: spec.key, listen: [`/ip4/127.0.0.1/tcp/${spec.port}`], roster, bootstrap, fast: true, psk: options.psk, services: { lockmesh: lockmeshTransport(init) } })
      node.libp2p = libp2p as unknown as Libp2p<MeshServices>
      node.gater = gater
      node.transport = libp2p.services.lockmesh
    } else {
      const { libp2p, gater } = await createMeshLibp2p({ privateKey: spec.key, listen: [`/ip4/127.0.0.1/tcp/${spec.port}`], roster, bootstrap, fast: true, psk: options.psk })
      node.libp2p = libp2p
      node.gater = gater
      node.transport = new LockmeshTransport(transportComponents(libp2p), init)
      await node.transport.start()
    }
    this.nodes.push(node)
    return node
  }

  async stop (node: TestNode): Promise<void> {
    if (node.stopped) return
    node.stopped = true
    await node.transport.stop()
    await node.libp2p.stop()
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.nodes.map(async n => { await this.stop(n) }))
  }

  /** Every given node has a stream up to every other given node. */
  async meshed (nodes: TestNode[], timeoutMs = 10_000): Promise<void> {
    await this.waitFor(`a full mesh of ${nodes.length}`, () => nodes.every(n => nodes.every(m => m === n || n.transport.peersUp().includes(m.id))), timeoutMs)
  }

  /** waitFor, with every node's state in the error. */
  async waitFor (what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
    try {
      await waitFor(what, cond, timeoutMs)
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${this.describe()}`)
    }
  }

  describe (): string {
    const short = (id: string): string => id.slice(-6)
    return this.nodes.map(n => {
      const s = n.transport.stats()
      const counters = Object.entries(s).filter(([, v]) => typeof v === 'number' && v !== 0).map(([k, v]) => `${k}=${String(v)}`).join(' ')
      const inTypes = Object.entries(s.framesIn).filter(([, v]) => v > 0).map(([k, v]) => `${k}:${v}`).join(',')
      const refusals = Object.entries(s.refusals).filter(([, v]) => v > 0).map(([k, v]) => `${k}:${v}`).join(',')
      return `  ${short(n.id)}${n.stopped ? ' (stopped)' : ''} up=[${n.transport.peersUp().map(short).join(',')}] received=${n.received.length} downs=[${n.downs.map(short).join(',')}] conns=[${n.libp2p.getConnections().map(c => `${short(c.remotePeer.toString())}:${c.direction}:${c.status}`).join(',')}] in={${inTypes}} refusals={${refusals}} ${counters}\n    ${n.transport.peers().map(p => `${short(p.peer)}: downs=${p.downs} last=${p.lastError ?? '-'}`).join('\n    ')}`
    }).join('\n')
  }
}
