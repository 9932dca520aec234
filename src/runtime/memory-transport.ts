/**
 * An in-process transport for tests and examples: every node of a MemoryHub
 * reaches every other through the event loop. Supports cutting links to
 * model partitions. Not for production (no authentication, one process).
 */
import type { Frame, NodeId } from '../core/types.js'
import type { MeshTransport, MeshTransportFactory, MeshTransportHooks } from './transport.js'

export class MemoryHub {
  private readonly members = new Map<NodeId, MeshTransportHooks>()
  private readonly cut = new Set<string>()
  /** Frames refused because the config hashes differ. */
  handshakeRefusals = 0

  /** A transport factory for the node `self`. */
  transport (self: NodeId): MeshTransportFactory {
    return hooks => new MemoryTransport(this, self, hooks)
  }

  /** Drop frames from `from` to `to` (one direction) until `heal()`. */
  cutLink (from: NodeId, to: NodeId): void { this.cut.add(`${from}>${to}`) }

  /** Cut every link between the two groups, both ways. */
  partition (a: NodeId[], b: NodeId[]): void {
    for (const x of a) for (const y of b) { this.cutLink(x, y); this.cutLink(y, x) }
  }

  heal (): void {
    const wasCut = [...this.cut]
    this.cut.clear()
    // Reconnect = a new handshake on each side of a healed link.
    for (const link of wasCut) {
      const [from, to] = link.split('>') as [NodeId, NodeId]
      this.handshake(from, to)
    }
  }

  /** @internal */
  join (self: NodeId, hooks: MeshTransportHooks): void {
    this.members.set(self, hooks)
    for (const peer of this.members.keys()) {
      if (peer === self) continue
      this.handshake(self, peer)
      this.handshake(peer, self)
    }
  }

  /** @internal */
  leave (self: NodeId): void { this.members.delete(self) }

  private handshake (from: NodeId, to: NodeId): void {
    const a = this.members.get(from)
    const b = this.members.get(to)
    if (a === undefined || b === undefined || this.cut.has(`${from}>${to}`)) return
    const hs = a.localHandshake()
    if (hs.configHash !== b.localHandshake().configHash) { this.handshakeRefusals++; return }
    setImmediate(() => { this.members.get(to)?.onHandshake(from, hs) })
  }

  /** @internal */
  deliver (from: NodeId, to: NodeId, frame: Frame): void {
    if (this.cut.has(`${from}>${to}`)) return
    const target = this.members.get(to)
    if (target === undefined) return
    if (target.localHandshake().configHash !== this.members.get(from)?.localHandshake().configHash) return
    setImmediate(() => { this.members.get(to)?.onFrame(from, frame) })
  }
}

class MemoryTransport implements MeshTransport {
  constructor (private readonly hub: MemoryHub, private readonly self: NodeId, private readonly hooks: MeshTransportHooks) {}
  async start (): Promise<void> { this.hub.join(this.self, this.hooks) }
  async stop (): Promise<void> { this.hub.leave(this.self) }
  send (to: NodeId, frame: Frame): void { this.hub.deliver(this.self, to, frame) }
}
