/**
 * A node's announcement on the mesh topic: what it thinks of itself and the
 * mesh. JSON (a few hundred bytes, once per interval), validated field by
 * field on receipt: a bad one is dropped with a typed reason, never thrown
 * into the node. Informational only — never used for safety or reachability.
 */
import type { NodeId } from '../core/types.js'

/** The announcement's own lifecycle state (quiet after a restart, draining on stop, …). */
export type AnnouncedState = 'running' | 'quiet' | 'draining' | 'recovering' | 'stopping'
const STATES: readonly AnnouncedState[] = ['running', 'quiet', 'draining', 'recovering', 'stopping']
const MODES = ['starting', 'read-write', 'read-only'] as const

export interface Announcement {
  v: 1
  peer: NodeId
  incarnation: number
  /** Per-incarnation sequence number: a reordered older announcement is ignored. */
  seq: number
  mode: typeof MODES[number]
  sharedLocks: boolean
  /** Peers it reaches both ways, itself included. */
  reachable: NodeId[]
  state: AnnouncedState
  quietRemainingMs: number
  locksHeld: number
  /** Its listen addresses (without /p2p/). */
  listen: string[]
  /**
   * Where it last heard the other roster peers are (their own newest
   * announcements, passed on): a node that joined through one bootstrap peer
   * learns every address from that peer's next announcement, without waiting
   * for gossipsub to graft it into the topic's mesh. Dial hints only — Noise
   * checks who answers. Optional: absent in announcements of older nodes.
   */
  peers?: PeerHint[]
}

/** One roster peer's addresses as another node heard them. */
export interface PeerHint {
  peer: NodeId
  incarnation: number
  listen: string[]
}

/** Bytes of one encoded announcement accepted at most. */
export const ANNOUNCEMENT_BYTES_MAX = 64 * 1024
/** Addresses / reachable peers read from one announcement at most. */
export const ANNOUNCED_ADDRS_MAX = 16
export const ANNOUNCED_PEERS_MAX = 1024

export class AnnouncementInvalidError extends Error {
  static override readonly name = 'AnnouncementInvalidError'
  override readonly name = 'AnnouncementInvalidError'
  constructor (readonly reason: string) {
    super(`Invalid announcement: ${reason}`)
  }
}

export function encodeAnnouncement (a: Announcement): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(a))
}

const nat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const strs = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every(x => typeof x === 'string' && x.length <= 256)

/** Parse and check one announcement; `from` is the verified signer (gossipsub StrictSign). */
export function decodeAnnouncement (data: Uint8Array, from: NodeId): Announcement {
  if (data.byteLength > ANNOUNCEMENT_BYTES_MAX) throw new AnnouncementInvalidError(`${data.byteLength} bytes (max ${ANNOUNCEMENT_BYTES_MAX})`)
  let o: Record<string, unknown>
  try {
    o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data))
  } catch {
    throw new AnnouncementInvalidError('not UTF-8 JSON')
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new AnnouncementInvalidError('not an object')
  if (o.v !== 1) throw new AnnouncementInvalidError(`version ${String(o.v)}`)
  if (o.peer !== from) throw new AnnouncementInvalidError('peer is not the signer')
  if (!nat(o.incarnation) || !nat(o.seq) || !nat(o.quietRemainingMs) || !nat(o.locksHeld)) throw new AnnouncementInvalidError('a count is not a non-negative integer')
  if (!MODES.includes(o.mode as typeof MODES[number])) throw new AnnouncementInvalidError('unknown mode')
  if (!STATES.includes(o.state as AnnouncedState)) throw new AnnouncementInvalidError('unknown state')
  if (typeof o.sharedLocks !== 'boolean') throw new AnnouncementInvalidError('sharedLocks is not a boolean')
  if (!strs(o.reachable, ANNOUNCED_PEERS_MAX)) throw new AnnouncementInvalidError('reachable is not a list of peer IDs')
  if (!strs(o.listen, ANNOUNCED_ADDRS_MAX)) throw new AnnouncementInvalidError('listen is not a list of addresses')
  const peers = o.peers === undefined ? undefined : hints(o.peers)
  return {
    v: 1, peer: from, incarnation: o.incarnation, seq: o.seq, mode: o.mode as Announcement['mode'], sharedLocks: o.sharedLocks,
    reachable: o.reachable, state: o.state as AnnouncedState, quietRemainingMs: o.quietRemainingMs, locksHeld: o.locksHeld, listen: o.listen,
    ...(peers !== undefined ? { peers } : {})
  }
}

function hints (v: unknown): PeerHint[] {
  if (!Array.isArray(v) || v.length > ANNOUNCED_PEERS_MAX) throw new AnnouncementInvalidError('peers is not a list')
  return v.map(h => {
    if (typeof h !== 'object' || h === null) throw new AnnouncementInvalidError('a peer hint is not an object')
    const o = h as Record<string, unknown>
    if (typeof o.peer !== 'string' || o.peer.length > 256) throw new AnnouncementInvalidError('a peer hint has no peer ID')
    if (!nat(o.incarnation)) throw new AnnouncementInvalidError('a peer hint\'s incarnation is not a non-negative integer')
    if (!strs(o.listen, ANNOUNCED_ADDRS_MAX)) throw new AnnouncementInvalidError('a peer hint\'s listen is not a list of addresses')
    return { peer: o.peer, incarnation: o.incarnation, listen: o.listen }
  })
}

/** The mesh topic of one configuration: nodes of another config hash never share it. */
export function announceTopic (configHash: string): string {
  return `/lockmesh/announce/1/${configHash}`
}
