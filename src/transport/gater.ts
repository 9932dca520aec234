/**
 * Connection gater for a lockmesh: only roster peers may connect, in either
 * direction, and no relays. `block()` adds an in-process partition (tests,
 * chaos harness): blocked peers are refused and their connections hung up.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { ConnectionGater, MultiaddrConnection, PeerId } from '@libp2p/interface'
import type { NodeId } from '../core/types.js'

/** What the gater needs from the libp2p node to apply a block at once and to redial after one. */
export interface GaterNode {
  hangUp: (peer: PeerId) => Promise<void>
  dial: (peer: PeerId) => Promise<unknown>
  getConnections: (peer?: PeerId) => Array<{ remotePeer: PeerId }>
}

export interface RosterGaterStats {
  /** Dials we refused to make (peer not on the roster, or blocked). */
  deniedDials: number
  /** Connections refused once the remote peer was authenticated. */
  deniedConnections: number
  /** Relay use refused. */
  deniedRelays: number
}

export class RosterGater {
  /** Pass this to libp2p as `connectionGater`. */
  readonly gater: ConnectionGater
  private roster: Set<NodeId>
  private readonly blocked = new Set<NodeId>()
  private node: GaterNode | null = null
  private readonly counters: RosterGaterStats = { deniedDials: 0, deniedConnections: 0, deniedRelays: 0 }

  constructor (roster: readonly NodeId[]) {
    this.roster = new Set(roster)
    const denyPeer = (peer: PeerId): boolean => {
      const denied = !this.allows(peer.toString())
      if (denied) this.counters.deniedConnections++
      return denied
    }
    const denyConnection = (peer: PeerId, _maConn: MultiaddrConnection): boolean => denyPeer(peer)
    const denyRelay = (): boolean => { this.counters.deniedRelays++; return true }
    // A plain object: libp2p may spread or re-bind it.
    this.gater = {
      denyDialPeer: (peer: PeerId) => {
        const denied = !this.allows(peer.toString())
        if (denied) this.counters.deniedDials++
        return denied
      },
      denyOutboundConnection: denyConnection,
      denyInboundEncryptedConnection: denyConnection,
      denyOutboundEncryptedConnection: denyConnection,
      denyInboundUpgradedConnection: denyConnection,
      denyOutboundUpgradedConnection: denyConnection,
      denyInboundRelayReservation: denyRelay,
      denyOutboundRelayedConnection: denyRelay,
      denyInboundRelayedConnection: denyRelay
    }
  }

  /** The node whose connections `block()` hangs up and `unblock()` redials. */
  attach (node: GaterNode): void {
    this.node = node
  }

  allows (peer: NodeId): boolean {
    return this.roster.has(peer) && !this.blocked.has(peer)
  }

  /** Replaces the roster; hangs up on peers no longer on it. */
  async setRoster (roster: readonly NodeId[]): Promise<void> {
    this.roster = new Set(roster)
    await this.hangUpDisallowed()
  }

  /** Refuses `peers` from now on and hangs up their connections (an in-process partition). */
  async block (peers: readonly NodeId[]): Promise<void> {
    for (const peer of peers) this.blocked.add(peer)
    await this.hangUpDisallowed()
  }

  /**
   * Lifts the block on `peers` (all when omitted) and, unless `redial` is
   * false, dials them so the mesh heals without waiting for a redial timer.
   * Dial failures are ignored: the transport keeps redialling.
   */
  async unblock (peers?: readonly NodeId[], options: { redial?: boolean } = {}): Promise<void> {
    const lifted = peers === undefined ? [...this.blocked] : peers.filter(p => this.blocked.has(p))
    for (const peer of lifted) this.blocked.delete(peer)
    const node = this.node
    if (node === null || options.redial === false) return
    await Promise.all(lifted.filter(p => this.roster.has(p)).map(async peer => {
      try { await node.dial(peerIdFromString(peer)) } catch { /* the transport redials */ }
    }))
  }

  blockedPeers (): NodeId[] {
    return [...this.blocked]
  }

  stats (): RosterGaterStats {
    return { ...this.counters }
  }

  private async hangUpDisallowed (): Promise<void> {
    const node = this.node
    if (node === null) return
    const peers = new Map<string, PeerId>()
    for (const conn of node.getConnections()) {
      const id = conn.remotePeer.toString()
      if (!this.allows(id)) peers.set(id, conn.remotePeer)
    }
    await Promise.all([...peers.values()].map(async peer => {
      try { await node.hangUp(peer) } catch { /* already closed */ }
    }))
  }
}

export function createRosterGater (roster: readonly NodeId[]): RosterGater {
  return new RosterGater(roster)
}
