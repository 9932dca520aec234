/**
 * The mesh topic: every node publishes its announcement on the gossipsub
 * topic of its config hash every `intervalMs` (and at once on a mode change),
 * and keeps the newest announcement of each roster peer. Messages are signed
 * by the peer key (gossipsub StrictSign) and accepted only from roster peers.
 *
 * Two uses, neither of them safety or reachability (those stay on the direct
 * lockmesh streams): the live view of the whole mesh (`/status`, `lockmesh
 * status`), and discovery — a node that learns a roster peer's addresses here
 * and has no connection to it dials it, so one bootstrap address is enough to
 * join and a restarted node finds everyone.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Message } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import type { NodeId } from '../core/types.js'
import type { LockMesh } from '../mesh.js'
import type { MeshServices } from '../transport/create-libp2p.js'
import { ANNOUNCED_ADDRS_MAX, AnnouncementInvalidError, announceTopic, decodeAnnouncement, encodeAnnouncement, type AnnouncedState, type Announcement } from './announcement.js'

export interface AnnouncerOptions {
  /** How often a node announces itself (ms). */
  intervalMs: number
}

export interface HeardAnnouncement {
  announcement: Announcement
  /** performance.now() when it arrived. */
  heardAtMs: number
}

export interface AnnouncerStats {
  published: number
  publishFailures: number
  received: number
  /** Dropped: not signed, not from a roster peer, malformed, or older than one already held. */
  dropped: number
  dials: number
}

export class Announcer {
  readonly topic: string
  private readonly heard = new Map<NodeId, HeardAnnouncement>()
  private readonly dialing = new Set<NodeId>()
  private readonly lastDialMs = new Map<NodeId, number>()
  private readonly roster: ReadonlySet<NodeId>
  private timer: ReturnType<typeof setInterval> | null = null
  private seq = 0
  private readonly statsNow: AnnouncerStats = { published: 0, publishFailures: 0, received: 0, dropped: 0, dials: 0 }

  private readonly onMessage = (e: CustomEvent<Message>): void => { this.receive(e.detail) }
  private readonly onMode = (): void => { this.publish() }

  constructor (private readonly libp2p: Libp2p<MeshServices>, private readonly mesh: LockMesh, private readonly options: AnnouncerOptions, private readonly log: Logger) {
    this.topic = announceTopic(mesh.configHash)
    this.roster = new Set(mesh.config.roster)
  }

  start (): void {
    const pubsub = this.libp2p.services.pubsub
    pubsub.addEventListener('message', this.onMessage)
    pubsub.subscribe(this.topic)
    this.mesh.addEventListener('mode', this.onMode)
    this.timer = setInterval(() => { this.publish() }, this.options.intervalMs)
    this.timer.unref()
    this.publish()
    this.log('announcing on %s every %d ms', this.topic, this.options.intervalMs)
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.mesh.removeEventListener('mode', this.onMode)
    const pubsub = this.libp2p.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    try { pubsub.unsubscribe(this.topic) } catch { /* libp2p already stopped */ }
  }

  /** This node's announcement as it would publish it now. */
  current (): Announcement {
    const s = this.mesh.status()
    const quietRemainingMs = Math.max(0, Math.ceil(s.core?.quietRemainingMs ?? 0))
    // draining / recovering come with the restarts work (issue 12) when status() reports them.
    const flags = s as unknown as { draining?: boolean, recovering?: boolean }
    const state: AnnouncedState = s.state === 'stopping' ? 'stopping' : flags.recovering === true ? 'recovering' : flags.draining === true ? 'draining' : quietRemainingMs > 0 ? 'quiet' : 'running'
    return {
      v: 1,
      peer: s.self,
      incarnation: s.incarnation,
      seq: this.seq,
      mode: s.mode,
      sharedLocks: s.sharedLocks,
      reachable: s.reachable,
      state,
      quietRemainingMs,
      locksHeld: s.locks.length,
      listen: this.libp2p.getMultiaddrs().slice(0, ANNOUNCED_ADDRS_MAX).map(ma => ma.decapsulateCode(421).toString())
    }
  }

  /** The newest announcement of every roster peer heard so far (this node's own not included). */
  view (): ReadonlyMap<NodeId, HeardAnnouncement> { return this.heard }

  stats (): AnnouncerStats { return { ...this.statsNow } }

  private publish (): void {
    if (this.timer === null) return
    this.seq++
    let data: Uint8Array
    try {
      data = encodeAnnouncement(this.current())
    } catch (err) {
      this.log.error('cannot build the announcement: %e', err)
      return
    }
    this.libp2p.services.pubsub.publish(this.topic, data).then(() => { this.statsNow.published++ }, (err: unknown) => {
      this.statsNow.publishFailures++
      this.log.trace('publish failed: %s', (err as Error).message)
    })
  }

  private receive (msg: Message): void {
    if (msg.topic !== this.topic) return
    if (msg.type !== 'signed') { this.drop('unsigned'); return }
    const from = msg.from.toString()
    if (!this.roster.has(from) || from === this.mesh.config.self) { this.drop(`from ${from}, not a roster peer`); return }
    let a: Announcement
    try {
      a = decodeAnnouncement(msg.data, from)
    } catch (err) {
      this.drop(err instanceof AnnouncementInvalidError ? err.reason : String(err))
      return
    }
    const known = this.heard.get(from)?.announcement
    if (known !== undefined && (a.incarnation < known.incarnation || (a.incarnation === known.incarnation && a.seq <= known.seq))) { this.drop('older than the one held'); return }
    this.statsNow.received++
    if (known === undefined || known.mode !== a.mode || known.incarnation !== a.incarnation || known.state !== a.state) {
      this.log('%s: %s, %s, incarnation %d, reaches %d', from, a.mode, a.state, a.incarnation, a.reachable.length)
    }
    this.heard.set(from, { announcement: a, heardAtMs: performance.now() })
    this.maybeDial(from, a.listen)
  }

  private drop (why: string): void {
    this.statsNow.dropped++
    this.log.trace('dropped an announcement: %s', why)
  }

  /** A roster peer we have no connection to: learn its addresses, dial it (one dial at a time, at most once per interval). */
  private maybeDial (peer: NodeId, listen: string[]): void {
    if (this.libp2p.getConnections(peerIdFromString(peer)).length > 0 || this.dialing.has(peer)) return
    const now = performance.now()
    if (now - (this.lastDialMs.get(peer) ?? -Infinity) < this.options.intervalMs) return
    const addrs: Multiaddr[] = []
    for (const a of listen) {
      try { addrs.push(multiaddr(a)) } catch { /* skip a bad address */ }
    }
    if (addrs.length === 0) return
    this.lastDialMs.set(peer, now)
    this.dialing.add(peer)
    this.statsNow.dials++
    const id = peerIdFromString(peer)
    this.log('learned %s at %s: dialling', peer, addrs.map(String).join(' '))
    this.libp2p.peerStore.merge(id, { multiaddrs: addrs })
      .then(async () => { await this.libp2p.dial(id) })
      .catch((err: unknown) => { this.log('dial %s failed: %s', peer, (err as Error).message) })
      .finally(() => { this.dialing.delete(peer) })
  }
}
