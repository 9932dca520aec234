/**
 * The transport contract, stated once (hashicorp/memberlist's `Transport`):
 * what a node's runtime needs from whatever carries its frames — libp2p in
 * production (src/transport/), the in-memory hub in tests
 * (src/runtime/memory-transport.ts), the simulated network in the
 * simulator (simulations/sim/sim-transport.ts). One spec suite runs against
 * every implementation.
 *
 * Delivery promise — the WEAKEST of the implementations, and all the
 * protocol may rely on:
 * - a frame may be lost, duplicated, reordered or delayed without bound;
 * - a frame that arrives arrived intact and from the peer named (the
 *   transport authenticates peers and frames);
 * - `onHandshake` is called at least once per (re)connection before the
 *   frames of that connection, carrying the peer's figures at that moment;
 * - nothing is delivered re-entrantly: hooks are called from the event loop,
 *   never from inside `send`.
 * `send` never throws and never blocks; it may drop the frame.
 */
import type { Frame, NodeId } from '../core/types.js'

/** What the transport offers the node. */
export interface MeshTransport {
  start: () => Promise<void>
  stop: () => Promise<void>
  /** Best effort: may drop, duplicate, reorder, delay. Never throws. */
  send: (to: NodeId, frame: Frame) => void
  /**
   * Our incarnation changed (disk-loss recovery finished): handshake again
   * on every connection, so peers learn the new incarnation.
   */
  renew?: () => void
  /** Counters (frames by type, handshake refusals, malformed input, …), when the transport keeps them. */
  stats?: () => import('../transport/stats.js').TransportStats
}

/**
 * Our handshake figures, read when a connection opens. `bootId`: random per
 * process start (an equal incarnation with another boot id is refused);
 * `recovering`: we lost our fence store and have no incarnation yet (0).
 */
export interface LocalHandshake { configHash: string, incarnation: number, clock: bigint, quietRemainingMs: number, bootId?: string, recovering?: boolean }

/** A peer's handshake figures. */
export interface PeerHandshake { incarnation: number, clock: bigint, quietRemainingMs: number, bootId?: string, recovering?: boolean }

/** What the node offers the transport. */
export interface MeshTransportHooks {
  /** Our side of the handshake, read when a stream opens. */
  localHandshake: () => LocalHandshake
  /** `ageMs` (optional): how long ago the frame's bytes were read — the detector's last-heard, when the frame waited in a queue. */
  onFrame: (from: NodeId, frame: Frame, ageMs?: number) => void
  onHandshake: (peer: NodeId, hs: PeerHandshake) => void
  onPeerDown?: (peer: NodeId) => void
  /** The node's own decoding bounds, from its CoreConfig (key length, ttlMsMax): a frame past them is malformed. */
  bounds?: { keyLengthMax: number, ttlMsMax: number }
}

export type MeshTransportFactory = (hooks: MeshTransportHooks) => MeshTransport
