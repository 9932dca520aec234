/**
 * The mesh topic: every node publishes its announcement on the gossipsub
 * topic of its config hash every `intervalMs`, and soon (within
 * ANNOUNCE_SOON_MS) on a mode change, when a roster peer joins the topic on a
 * connection to us, and when it first hears a peer's new incarnation,
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
import type { Logger, PeerUpdate } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import type { NodeId } from '../core/types.js'
import type { LockMesh } from '../mesh.js'
import type { MeshServices } from '../transport/create-libp2p.js'
import type { SubscriptionChangeData } from '@libp2p/gossipsub'
import { ANNOUNCED_ADDRS_MAX, ANNOUNCED_PEERS_MAX, AnnouncementInvalidError, announceTopic, decodeAnnouncement, encodeAnnouncement, type AnnouncedState, type Announcement } from './announcement.js'

/**
 * An event-driven announcement (mode change, a peer joining, a new
 * incarnation heard) goes out this soon: events within it share one publish,
 * so a mesh restarting at once does not publish once per event.
 */
export const ANNOUNCE_SOON_MS = 50

export interface AnnouncerOptions {
  /** How often a node announces itself (ms). */
  intervalMs: number
  /**
   * Also dial roster peers whose addresses libp2p's peer discovery (mDNS)
   * puts in the peer store, when there is no connection to them yet.
   */
  dialDiscovered?: boolean
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
  /** The last dial per peer: when, and to which addresses (a new address set is dialled at once). */
  private readonly lastDial = new Map<NodeId, { atMs: number, addrs: string }>()
  private readonly roster: ReadonlySet<NodeId>
  private timer: ReturnType<typeof setInterval> | null = null
  private soonTimer: ReturnType<typeof setTimeout> | null = null
  private seq = 0
  private readonly statsNow: AnnouncerStats = { published: 0, publishFailures: 0, received: 0, dropped: 0, dials: 0 }

  private readonly onMessage = (e: CustomEvent<Message>): void => { this.receive(e.detail) }
  private readonly onMode = (): void => { this.publishSoon() }
  private readonly onPeerUpdate = (e: CustomEvent<PeerUpdate>): void => {
    const peer = e.detail.peer.id.toString()
    if (!this.roster.has(peer) || peer === this.mesh.config.self) return
    this.maybeDial(peer, e.detail.peer.addresses.map(a => a.multiaddr.decapsulateCode(421).toString()), 'running')
  }
  private readonly onSubscription = (e: CustomEvent<SubscriptionChangeData>): void => { this.peerJoined(e.detail) }

  constructor (private readonly libp2p: Libp2p<MeshServices>, private readonly mesh: LockMesh, private readonly options: AnnouncerOptions, private readonly log: Logger) {
    this.topic = announceTopic(mesh.configHash)
    this.roster = new Set(mesh.config.roster)
  }

  start (): void {
    const pubsub = this.libp2p.services.pubsub
    pubsub.addEventListener('message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscription)
    pubsub.subscribe(this.topic)
    this.mesh.addEventListener('mode', this.onMode)
    if (this.options.dialDiscovered === true) this.libp2p.addEventListener('peer:update', this.onPeerUpdate)
    this.timer = setInterval(() => { this.publish() }, this.options.intervalMs)
    this.timer.unref()
    this.publish()
    this.log('announcing on %s every %d ms', this.topic, this.options.intervalMs)
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    if (this.soonTimer !== null) clearTimeout(this.soonTimer)
    this.soonTimer = null
    this.mesh.removeEventListener('mode', this.onMode)
    this.libp2p.removeEventListener('peer:update', this.onPeerUpdate)
    const pubsub = this.libp2p.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscription)
    try { pubsub.unsubscribe(this.topic) } catch { /* libp2p already stopped */ }
  }

  /**
   * Dial the bootstrap peers now, not after the transport's stagger and
   * backoff (the higher peer ID of a pair only checks its connection a backoff
   * after start): every other address arrives on the mesh topic over these
   * connections. Failures are logged; the transport keeps redialling.
   */
  dialBootstrap (bootstrap: readonly string[]): void {
    for (const a of bootstrap) {
      let ma: Multiaddr
      try { ma = multiaddr(a) } catch { continue }
      const peer = ma.getComponents().find(c => c.name === 'p2p')?.value
      if (peer === undefined || peer === this.mesh.config.self || !this.roster.has(peer)) continue
      if (this.libp2p.getConnections(peerIdFromString(peer)).length > 0) continue
      this.libp2p.dial(ma).catch((err: unknown) => { this.log('bootstrap dial %s failed: %s', a, (err as Error).message) })
    }
  }

  /** This node's announcement as it would publish it now. */
  current (): Announcement {
    const s = this.mesh.status()
    const quietRemainingMs = Math.max(0, Math.ceil(s.core?.quietRemainingMs ?? 0))
    // Recovering: its fence store was lost (incarnation 0, grants nothing until peers answered).
    const state: AnnouncedState = s.state === 'stopping' ? 'stopping' : s.recovering ? 'recovering' : s.draining ? 'draining' : quietRemainingMs > 0 ? 'quiet' : 'running'
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
      listen: this.libp2p.getMultiaddrs().slice(0, ANNOUNCED_ADDRS_MAX).map(ma => ma.decapsulateCode(421).toString()),
      peers: [...this.heard.values()]
        .filter(h => h.announcement.state !== 'stopping')
        .slice(0, ANNOUNCED_PEERS_MAX)
        .map(({ announcement: a }) => ({ peer: a.peer, incarnation: a.incarnation, listen: a.listen }))
    }
  }

  /** The newest announcement of every roster peer heard so far (this node's own not included). */
  view (): ReadonlyMap<NodeId, HeardAnnouncement> { return this.heard }

  stats (): AnnouncerStats { return { ...this.statsNow } }

  /** Publish within ANNOUNCE_SOON_MS (one publish for every event in that window). */
  private publishSoon (): void {
    if (this.timer === null || this.soonTimer !== null) return
    this.soonTimer = setTimeout(() => { this.soonTimer = null; this.publish() }, ANNOUNCE_SOON_MS)
    this.soonTimer.unref()
  }

  /**
   * A roster peer subscribed to our topic on a connection to us (it just
   * started, or we just connected): announce now rather than up to an interval
   * later, so it learns our addresses and view at once — and gossipsub's first
   * message to it carries ours. A restarted mesh heals at connection speed.
   */
  private peerJoined (change: SubscriptionChangeData): void {
    const peer = change.peerId.toString()
    if (!this.roster.has(peer)) return
    if (change.subscriptions.some(s => s.topic === this.topic && s.subscribe)) this.publishSoon()
  }

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
    // A peer we had not heard in this incarnation: answer with ours, so it (and
    // whoever its message reached) learns our addresses without waiting an interval.
    if (known === undefined || known.incarnation !== a.incarnation) this.publishSoon()
    this.maybeDial(from, a.listen, a.state)
    for (const h of a.peers ?? []) {
      if (h.peer === from || h.peer === this.mesh.config.self || !this.roster.has(h.peer)) continue
      // A hint older than what the peer itself told us is stale.
      const direct = this.heard.get(h.peer)?.announcement
      if (direct !== undefined && direct.incarnation > h.incarnation) continue
      this.maybeDial(h.peer, h.listen, 'running')
    }
  }

  private drop (why: string): void {
    this.statsNow.dropped++
    this.log.trace('dropped an announcement: %s', why)
  }

  /**
   * A roster peer we have no connection to: learn its addresses, dial them
   * (one dial at a time per peer). The same addresses are dialled at most once
   * per interval; new ones at once — gossipsub can hand a restarted node a
   * cached announcement of a peer's previous run first, and the dial to its
   * dead address must not hold back the dial to the live one. A peer that
   * announces it is stopping is not dialled.
   */
  private maybeDial (peer: NodeId, listen: string[], state: AnnouncedState): void {
    if (state === 'stopping' || this.timer === null) return
    const id = peerIdFromString(peer)
    if (this.libp2p.getConnections(id).length > 0 || this.dialing.has(peer)) return
    const addrs: Multiaddr[] = []
    for (const a of listen) {
      try { addrs.push(multiaddr(a)) } catch { /* skip a bad address */ }
    }
    if (addrs.length === 0) return
    const key = addrs.map(String).sort().join(' ')
    const now = performance.now()
    const last = this.lastDial.get(peer)
    if (last !== undefined && last.addrs === key && now - last.atMs < this.options.intervalMs) return
    this.lastDial.set(peer, { atMs: now, addrs: key })
    this.dialing.add(peer)
    this.statsNow.dials++
    this.log('learned %s at %s: dialling', peer, key)
    this.libp2p.peerStore.merge(id, { multiaddrs: addrs })
      // The announced addresses themselves (with the peer ID, so Noise checks
      // who answers), not whatever else the peer store still holds.
      .then(async () => { await this.libp2p.dial(addrs.map(a => a.encapsulate(`/p2p/${peer}`))) })
      .catch((err: unknown) => { this.log('dial %s failed: %s', peer, (err as Error).message) })
      .finally(() => {
        this.dialing.delete(peer)
        // Newer addresses arrived while this dial ran: try them now.
        const newest = this.heard.get(peer)?.announcement
        if (newest !== undefined && newest.listen.slice().sort().join(' ') !== key) this.maybeDial(peer, newest.listen, newest.state)
      })
  }
}
