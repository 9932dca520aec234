/**
 * The libp2p side of lockmesh: one long-lived `/lockmesh/1.0.0` stream per
 * roster peer, opened by a handshake in each direction, carrying batches of
 * length-prefixed protobuf frames.
 *
 * - Who opens: the peer whose ID sorts lower opens the stream; the other
 *   waits, and only makes sure a connection exists so the opener hears of it.
 *   Simultaneous opens (another implementation, a race) settle the same way on
 *   both sides: the stream opened by the lower peer wins; between two streams
 *   of the same opener, the newer wins.
 * - Handshake (DESIGN.md §2): a different config hash or protocol version is
 *   refused and counted; of two incarnations of one peer only the newest is
 *   served. The sender of a frame is the connection's authenticated peer.
 * - Frames sent in one event-loop turn leave in one `send()`; backpressure is
 *   respected. While no stream is up, `send()` drops (counted): the core
 *   retransmits.
 * - Roster peers are redialled with backoff for as long as the transport runs,
 *   whatever libp2p's own reconnect queue does.
 * - Nothing a peer sends can throw out of a stream listener: malformed input is
 *   dropped and counted.
 * - Received frames are handed to `onFrame` fairly: per-peer FIFO queues,
 *   round-robin slices, a yield to the event loop between turns; a peer whose
 *   queue is full has its stream paused (inbound-scheduler.ts). `onFrame` gets
 *   how long ago that peer's newest bytes were read, so last-heard is a read
 *   time, never held back by the queue.
 */
import '../polyfills.js'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ComponentLogger, Connection, Libp2pEvents, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { TypedEventTarget } from 'main-event'
import type { Frame, NodeId } from '../core/types.js'
import { InvalidOptionsError } from '../errors.js'
import { backoffDelayMs, type BackoffOptions } from './backoff.js'
import { DEFAULT_CODEC_LIMITS, decodeFrameBody, encodeFrameEntry, type CodecLimits } from './codec.js'
import { HandshakeRefusedError, MalformedFrameError, StreamReplacedError, TransportStoppedError } from './errors.js'
import { judgeHandshake, localHandshakeInfo, type HandshakeInfo, type LocalHandshake } from './handshake.js'
import { InboundScheduler, type InboundItem } from './inbound-scheduler.js'
import { PeerLink } from './peer-link.js'
import { Session, type SessionHandlers } from './session.js'
import { copyStats, emptyStats, type TransportStats } from './stats.js'

export const LOCKMESH_PROTOCOL = '/lockmesh/1.0.0'

/** One roster peer as the transport sees it (diagnostics, `status()`). */
export interface PeerState {
  peer: NodeId
  up: boolean
  /** True when this node opens the stream. */
  dialer: boolean
  /** Incarnation served, when up. */
  incarnation: number | undefined
  /** Streams to this peer that went down so far. */
  downs: number
  /** Why the last stream went down or the last dial failed. */
  lastError: string | null
}

/** What the transport tells the node about a peer's handshake. */
export interface PeerHandshake {
  incarnation: number
  clock: bigint
  quietRemainingMs: number
  bootId: string
  /** The peer lost its fence store and recovers (incarnation 0). */
  recovering: boolean
}

/** Test-only fault injection on outbound frames (the chaos harness). */
export interface TransportFaultHook {
  /** True = drop this frame to `to` (counted in `droppedByFault`). */
  dropOutbound?: (to: NodeId) => boolean
  /** > 0 = hold this frame to `to` this long before queuing it. */
  delayOutboundMs?: (to: NodeId) => number
}

export interface LockmeshTransportInit {
  /** Protocol ID. Default `/lockmesh/1.0.0`. */
  protocol?: string
  /** Peer ID strings of every voting member (self included or not). */
  roster: NodeId[]
  /** Our side of a handshake, read each time a stream opens. */
  localHandshake: () => LocalHandshake
  /** The node's decoding bounds from its CoreConfig (key length, ttlMsMax); `limits` may narrow them further. */
  bounds?: Pick<CodecLimits, 'keyLengthMax' | 'ttlMsMax'>
  /** A peer's frame; `ageMs` = how long ago the peer's newest bytes were read (the frame may have waited its turn meanwhile). */
  onFrame: (from: NodeId, frame: Frame, ageMs: number) => void
  onHandshake: (peer: NodeId, hs: PeerHandshake) => void
  /** The stream to `peer` went down (not called when a newer stream replaced it). */
  onPeerDown?: (peer: NodeId) => void
  /** First redial delay; doubles up to `redialMaxMs`. Default 500. */
  redialMs?: number
  /** Longest redial delay. Default 10 × redialMs. */
  redialMaxMs?: number
  /** Bytes in one length-prefixed batch. Default 1 MiB. */
  maxFrameBytes?: number
  /** Other codec bounds (key length, ttl range, frames per batch, …). */
  limits?: Partial<CodecLimits>
  /** A stream must complete its handshake within this. Default 5000. */
  handshakeTimeoutMs?: number
  /** Opening a stream (dial + protocol negotiation) must complete within this. Default 5000. */
  dialTimeoutMs?: number
  /** Frames waiting for one peer (while the stream drains). Default 65536. */
  queueFramesMax?: number
  /** Bytes waiting for one peer. Default 32 MiB. */
  queueBytesMax?: number
  /** Stagger of the first dials (ms per roster position), so a mesh starting in one process does not time out Noise. Default 15. */
  dialStaggerMs?: number
  /** Received frames queued per peer before its stream is paused. Default 1024 (the queue holds at most this + framesPerBatchMax). */
  inboundFramesMax?: number
  /** Received bytes (frames still encoded) queued per peer before its stream is paused. Default 256 KiB (at most this + one batch). */
  inboundBytesMax?: number
  /** Frames of one peer handled before the next peer's turn. Default 16. */
  sliceFramesMax?: number
  /** Frames handled per event-loop turn, all peers together. Default 128. */
  turnFramesMax?: number
  /** A turn yields to the event loop after this long (ms). Default 0.5. */
  turnMsMax?: number
  /** A peer whose frames waited this long without its queue emptying is backlogged. Default 20 (ms). */
  backlogMs?: number
  /** While light peers are active and only backlogged ones have frames left, turns are this far apart. Default 1 (ms). */
  backlogGapMs?: number
  /** Streams one connection may open to us on this protocol. Default 4. */
  maxInboundStreams?: number
  /** Test-only. */
  faultHook?: TransportFaultHook
}

/** The part of libp2p's ConnectionManager the transport uses. */
export interface TransportConnectionManager {
  openStream: (peer: PeerId, protocol: string, options: { signal: AbortSignal, runOnLimitedConnection?: boolean }) => Promise<Stream>
  openConnection: (peer: PeerId, options: { signal: AbortSignal }) => Promise<unknown>
  getConnections: (peer?: PeerId) => Connection[]
}

/** What the transport needs from libp2p: (a subset of) the components every service gets. */
export interface LockmeshTransportComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: TransportConnectionManager
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export class LockmeshTransport implements Startable {
  readonly protocol: string
  private readonly components: LockmeshTransportComponents
  private readonly init: LockmeshTransportInit
  private readonly log: Logger
  private readonly self: NodeId
  private readonly limits: CodecLimits
  private readonly backoff: BackoffOptions
  private readonly handshakeTimeoutMs: number
  private readonly dialTimeoutMs: number
  private readonly dialStaggerMs: number
  private readonly links = new Map<NodeId, PeerLink>()
  private readonly faultTimers = new Set<ReturnType<typeof setTimeout>>()
  private counters: TransportStats = emptyStats()
  private started = false
  private readonly handlers: SessionHandlers
  private inbound: InboundScheduler<Session, Uint8Array>

  constructor (components: LockmeshTransportComponents, init: LockmeshTransportInit) {
    this.components = components
    this.init = init
    this.protocol = init.protocol ?? LOCKMESH_PROTOCOL
    this.log = components.logger.forComponent('lockmesh:transport')
    this.self = components.peerId.toString()
    this.limits = { ...DEFAULT_CODEC_LIMITS, ...init.bounds, ...init.limits, ...(init.maxFrameBytes !== undefined ? { frameBytesMax: init.maxFrameBytes } : {}) }
    const redialMs = init.redialMs ?? 500
    this.backoff = { baseMs: redialMs, maxMs: init.redialMaxMs ?? 10 * redialMs, jitter: 0.2 }
    this.handshakeTimeoutMs = init.handshakeTimeoutMs ?? 5_000
    this.dialTimeoutMs = init.dialTimeoutMs ?? 5_000
    this.dialStaggerMs = init.dialStaggerMs ?? 15
    this.onInboundStream = this.onInboundStream.bind(this)
    this.onConnectionOpen = this.onConnectionOpen.bind(this)
    this.handlers = {
      handshake: (s, remote) => this.onSessionHandshake(s, remote),
      batch: (s, frames, bytes, readAt) => this.onSessionBatch(s, frames, bytes, readAt),
      malformed: (s, err, fatal) => { this.onSessionMalformed(s, err, fatal) },
      closed: (s, err) => { this.onSessionClosed(s, err) }
    }
    this.inbound = this.newInbound()
  }

  private newInbound (): InboundScheduler<Session, Uint8Array> {
    return new InboundScheduler<Session, Uint8Array>({
      // Small bounds: a flooder's frames wait in its own yamux window, not in our heap (issue 11).
      queueFramesMax: this.init.inboundFramesMax ?? 1_024,
      queueBytesMax: this.init.inboundBytesMax ?? 256 * 1024,
      sizeOf: entry => entry.byteLength,
      sliceFramesMax: this.init.sliceFramesMax ?? 16,
      turnFramesMax: this.init.turnFramesMax ?? 128,
      // 0.5 ms: an honest frame that arrives during a flooder's turn waits for the rest of it, at
      // every hop of an exchange; 4 ms turns made an honest acquire 7–13× slower under a flood
      // (issue 11; docs/flood-results-2026-12-06.md).
      turnMsMax: this.init.turnMsMax ?? 0.5,
      // A peer that keeps a backlog while others send a little (a flooder) gets turns with a
      // 1 ms idle gap between them: light peers' frames are handled as they arrive.
      backlogMs: this.init.backlogMs ?? 20,
      backlogGapMs: this.init.backlogGapMs ?? 1,
      now: () => performance.now(),
      // Age from the stream's NEWEST read, not this frame's: a peer whose frames wait behind its
      // own burst is alive by its latest bytes (else a long queue would make it look dead).
      deliver: (peer, item) => { this.deliver(peer, item, Math.max(0, performance.now() - Math.max(item.readAt, item.tag.lastReadAt))) },
      roomAgain: peer => { this.links.get(peer)?.session?.resumeReading() }
    })
  }

  readonly [Symbol.toStringTag] = 'lockmesh:transport'

  isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    if (this.started) return
    if (!Array.isArray(this.init.roster)) throw new InvalidOptionsError('roster', 'an array of peer ID strings', this.init.roster)
    const peers = [...new Set(this.init.roster)].filter(p => p !== this.self).sort()
    const peerIds = new Map<NodeId, PeerId>()
    for (const peer of peers) {
      try {
        peerIds.set(peer, peerIdFromString(peer))
      } catch {
        throw new InvalidOptionsError('roster', 'libp2p peer ID strings', peer)
      }
    }
    this.started = true
    this.counters = emptyStats()
    this.inbound = this.newInbound()
    for (const peer of peers) {
      this.links.set(peer, new PeerLink({
        peer,
        peerId: peerIds.get(peer) as PeerId,
        dialer: this.self < peer,
        limits: this.limits,
        queueFramesMax: this.init.queueFramesMax ?? 65_536,
        queueBytesMax: this.init.queueBytesMax ?? 32 * 1024 * 1024,
        stats: this.counters
      }))
    }
    try {
      await this.components.registrar.handle(this.protocol, this.onInboundStream, {
        maxInboundStreams: this.init.maxInboundStreams ?? 4,
        maxOutboundStreams: 4,
        runOnLimitedConnection: false
      })
    } catch (err) {
      this.started = false
      this.links.clear()
      throw err
    }
    this.components.events.addEventListener('connection:open', this.onConnectionOpen)
    let position = 0
    for (const link of this.links.values()) {
      // Dialers go first; the waiting side checks its connection one backoff later.
      const delay = link.dialer ? position++ * this.dialStaggerMs : this.backoff.baseMs + position * this.dialStaggerMs
      this.scheduleConnect(link, delay)
    }
    this.log('started: %d roster peers, protocol %s', this.links.size, this.protocol)
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.components.events.removeEventListener('connection:open', this.onConnectionOpen)
    for (const timer of this.faultTimers) clearTimeout(timer)
    this.faultTimers.clear()
    this.inbound.stop()
    const stopped = new TransportStoppedError()
    for (const link of this.links.values()) {
      link.dispose()
      for (const s of [...link.pending]) s.abort(stopped)
      link.session?.abort(stopped)
    }
    this.links.clear()
    try {
      await this.components.registrar.unhandle(this.protocol)
    } catch (err) {
      this.log.error('unhandle %s failed: %e', this.protocol, err)
    }
    this.log('stopped')
  }

  /**
   * Our incarnation changed (disk-loss recovery finished): every stream
   * carries the old one in its handshake, and frames of another incarnation
   * are dropped on it. Close them all and open new ones at once (either side
   * may open: a newer incarnation wins the tie-break).
   */
  renew (): void {
    if (!this.started) return
    const replaced = new StreamReplacedError('our incarnation changed (recovery finished): handshaking again')
    for (const link of this.links.values()) {
      for (const s of [...link.pending]) s.abort(replaced)
      link.session?.abort(replaced)
      // connect() lets the higher peer open a stream too once its attempt count passes 1.
      link.redialAttempt = Math.max(link.redialAttempt, 2)
      this.scheduleConnect(link, 0, true)
    }
    this.log('renewing every stream: our incarnation changed')
  }

  /**
   * Queues `frame` for `to`; it leaves with the other frames of this event-loop
   * turn. Dropped (counted) while no stream to `to` is up.
   */
  send (to: NodeId, frame: Frame): void {
    const link = this.links.get(to)
    if (!this.started || link === undefined || !link.isUp()) {
      this.counters.droppedNoStream++
      return
    }
    const hook = this.init.faultHook
    if (hook?.dropOutbound?.(to) === true) {
      this.counters.droppedByFault++
      return
    }
    let entry: Uint8Array
    try {
      entry = encodeFrameEntry(frame, this.limits)
    } catch (err) {
      this.counters.droppedInvalid++
      this.log.error('dropping an invalid %s frame to %s: %s', frame?.b?.t, to, (err as Error).message)
      return
    }
    const queued = { entry, t: frame.b.t }
    const delayMs = hook?.delayOutboundMs?.(to) ?? 0
    if (delayMs > 0) {
      this.counters.delayedByFault++
      const timer = setTimeout(() => {
        this.faultTimers.delete(timer)
        const current = this.links.get(to)
        if (current?.isUp() === true) current.enqueue(queued)
        else this.counters.droppedNoStream++
      }, delayMs)
      this.faultTimers.add(timer)
      return
    }
    link.enqueue(queued)
  }

  /** Counters (a copy). */
  stats (): TransportStats {
    this.counters.inboundQueuedMaxSeen = this.inbound.queuedMaxSeen
    this.counters.inboundQueuedBytesMaxSeen = this.inbound.queuedBytesMaxSeen
    this.counters.inboundYields = this.inbound.yields
    return copyStats(this.counters)
  }

  /** Received frames waiting for their turn, from `peer`. */
  inboundQueued (peer: NodeId): number {
    return this.inbound.queued(peer)
  }

  /** Roster peers whose stream is up. */
  peersUp (): NodeId[] {
    return [...this.links.values()].filter(l => l.isUp()).map(l => l.peer)
  }

  /** Every roster peer's link state. */
  peers (): PeerState[] {
    return [...this.links.values()].map(l => ({
      peer: l.peer,
      up: l.isUp(),
      dialer: l.dialer,
      incarnation: l.isUp() ? l.session?.remote?.incarnation : undefined,
      downs: l.downs,
      lastError: l.lastError
    }))
  }

  /** The incarnation served for `peer`, if its stream is up. */
  incarnationOf (peer: NodeId): number | undefined {
    const s = this.links.get(peer)?.session
    return s?.state === 'up' ? s.remote?.incarnation : undefined
  }

  /** Redial every roster peer without a stream now (e.g. right after a partition heals). */
  redialNow (): void {
    for (const link of this.links.values()) {
      if (link.isUp() || link.dialing !== null) continue
      link.redialAttempt = 0
      this.scheduleConnect(link, 0, true)
    }
  }

  // -------------------------------------------------------------------------
  // Streams

  private onInboundStream (stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer.toString()
    if (!this.started) {
      stream.abort(new TransportStoppedError())
      return
    }
    const link = this.links.get(peer)
    if (link === undefined) {
      // The gater should have refused the connection; refuse the stream anyway.
      this.refused('not-on-roster', peer, `${peer} is not on the roster`)
      stream.abort(new HandshakeRefusedError('not-on-roster', peer))
      return
    }
    this.attach(link, stream, peer)
  }

  private attach (link: PeerLink, stream: Stream, opener: NodeId): void {
    let local: HandshakeInfo
    try {
      local = localHandshakeInfo(this.init.localHandshake())
    } catch (err) {
      this.counters.callbackErrors++
      this.log.error('localHandshake() threw: %e', err)
      stream.abort(err as Error)
      return
    }
    this.counters.streamsOpened++
    const session = new Session({
      peer: link.peer,
      opener,
      stream,
      local,
      limits: this.limits,
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      handlers: this.handlers
    })
    if (session.state !== 'closed') link.pending.add(session)
  }

  /** The stream opened by the lower peer ID wins; between two of the same opener, the newer. */
  private prefers (candidate: Session, current: Session): boolean {
    const lower = this.self < candidate.peer ? this.self : candidate.peer
    const candidateByLower = candidate.opener === lower
    const currentByLower = current.opener === lower
    if (candidateByLower !== currentByLower) return candidateByLower
    return true
  }

  private onSessionHandshake (s: Session, remote: HandshakeInfo): boolean {
    const link = this.links.get(s.peer)
    if (!this.started || link === undefined) {
      s.abort(new TransportStoppedError())
      return false
    }
    link.pending.delete(s)
    const verdict = judgeHandshake(s.local, remote, link.newestIncarnation, link.newestBootId)
    if (!verdict.ok) {
      this.refused(verdict.reason, s.peer, verdict.detail)
      s.abort(new HandshakeRefusedError(verdict.reason, verdict.detail))
      return false
    }
    const current = link.session
    if (current !== null && current.state === 'up') {
      // A recovering peer (incarnation 0) is a new process too: its stream replaces the old one.
      const newer = remote.recovering === true || remote.incarnation > (current.remote?.incarnation ?? -1)
      if (!newer && !this.prefers(s, current)) {
        this.counters.streamsReplaced++
        s.abort(new StreamReplacedError(`keeping the stream opened by ${current.opener}`))
        return false
      }
      this.counters.streamsReplaced++
      link.session = null
      this.counters.streamsUp--
      current.abort(new StreamReplacedError(newer ? `incarnation ${remote.incarnation} replaces ${current.remote?.incarnation}` : `newer stream opened by ${s.opener}`))
    }
    if (remote.recovering !== true && (link.newestIncarnation === undefined || remote.incarnation > link.newestIncarnation)) {
      link.newestIncarnation = remote.incarnation
      link.newestBootId = remote.bootId ?? ''
    }
    s.markUp(remote)
    link.session = s
    link.redialAttempt = 0
    if (link.redialTimer !== null) { clearTimeout(link.redialTimer); link.redialTimer = null }
    this.counters.streamsUp++
    this.counters.handshakes++
    this.log('stream to %s up (incarnation %d%s, opened by %s)', s.peer, remote.incarnation, remote.recovering === true ? ', recovering a lost store' : '', s.opener === this.self ? 'us' : 'them')
    try {
      this.init.onHandshake(s.peer, { incarnation: remote.incarnation, clock: remote.clock, quietRemainingMs: remote.quietRemainingMs, bootId: remote.bootId ?? '', recovering: remote.recovering === true })
    } catch (err) {
      this.counters.callbackErrors++
      this.log.error('onHandshake threw: %e', err)
    }
    return true
  }

  /** A batch read from `s` (its frames still encoded): queued for fair delivery; false = the peer's queue is full (pause its stream). */
  private onSessionBatch (s: Session, frames: Uint8Array[], bytes: number, readAt: number): boolean {
    const link = this.links.get(s.peer)
    if (!this.started || link === undefined || link.session !== s || s.remote === null) return true
    this.counters.batchesIn++
    this.counters.bytesIn += bytes
    const room = this.inbound.enqueue(s.peer, frames, readAt, s)
    if (!room) this.counters.readPauses++
    return room
  }

  private deliver (peer: NodeId, item: InboundItem<Session, Uint8Array>, ageMs: number): void {
    const link = this.links.get(peer)
    // A frame of a stream that was replaced or closed meanwhile is dropped (the core retransmits).
    if (!this.started || link === undefined || link.session !== item.tag || item.tag.remote === null) return
    let frame: Frame
    try {
      frame = decodeFrameBody(item.frame, this.limits)
    } catch (err) {
      this.counters.malformedFrames++
      this.log.error('dropping a malformed frame from %s: %s', peer, (err as Error).message)
      return
    }
    // Only the incarnation that did the handshake speaks on this stream.
    if (frame.h.inc !== item.tag.remote.incarnation) {
      this.counters.malformedFrames++
      this.log.error('dropping a frame from %s: header incarnation %d is not the stream\'s %d', peer, frame.h.inc, item.tag.remote.incarnation)
      return
    }
    this.counters.framesIn[frame.b.t]++
    try {
      this.init.onFrame(peer, frame, ageMs)
    } catch (err) {
      this.counters.callbackErrors++
      this.log.error('onFrame threw on a %s frame from %s: %e', frame.b.t, peer, err)
    }
  }

  private onSessionMalformed (s: Session, err: MalformedFrameError, fatal: boolean): void {
    this.counters.malformedFrames++
    if (fatal && s.state === 'handshaking') this.refused('malformed', s.peer, err.message)
    this.log.error('malformed message from %s%s: %s', s.peer, fatal ? ' (stream closed)' : ' (dropped)', err.message)
  }

  private onSessionClosed (s: Session, err: Error | undefined): void {
    const link = this.links.get(s.peer)
    if (link === undefined) return
    link.pending.delete(s)
    if (link.session === s) {
      link.session = null
      this.counters.streamsUp--
      link.downs++
      link.lastError = err?.message ?? 'closed'
      link.dropQueued()
      this.inbound.clear(s.peer)
      this.log('stream to %s down%s', s.peer, err !== undefined ? `: ${err.message}` : '')
      if (this.started && this.init.onPeerDown !== undefined) {
        try {
          this.init.onPeerDown(s.peer)
        } catch (e) {
          this.counters.callbackErrors++
          this.log.error('onPeerDown threw: %e', e)
        }
      }
    } else if (err instanceof HandshakeRefusedError && err.reason === 'timeout') {
      this.refused('timeout', s.peer, err.message)
    }
    if (this.started && link.session === null && link.pending.size === 0) this.scheduleConnect(link)
  }

  private refused (reason: HandshakeRefusedError['reason'], peer: NodeId, detail: string): void {
    this.counters.handshakeRefusals++
    this.counters.refusals[reason]++
    this.log.error('refused a stream from %s (%s): %s', peer, reason, detail)
  }

  // -------------------------------------------------------------------------
  // Dialling

  private onConnectionOpen (evt: CustomEvent<Connection>): void {
    const link = this.links.get(evt.detail.remotePeer.toString())
    if (!this.started || link === undefined || !link.dialer) return
    if (link.session !== null || link.pending.size > 0 || link.dialing !== null) return
    // A connection came up (either side dialled): open our stream now.
    this.scheduleConnect(link, 0, true)
  }

  private scheduleConnect (link: PeerLink, delayMs?: number, replace = false): void {
    if (!this.started) return
    if (link.redialTimer !== null) {
      if (!replace) return
      clearTimeout(link.redialTimer)
    }
    const delay = delayMs ?? backoffDelayMs(link.redialAttempt++, this.backoff)
    link.redialTimer = setTimeout(() => {
      link.redialTimer = null
      void this.connect(link)
    }, delay)
  }

  private async connect (link: PeerLink): Promise<void> {
    if (!this.started || link.session !== null || link.pending.size > 0 || link.dialing !== null) return
    const abort = new AbortController()
    link.dialing = abort
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(this.dialTimeoutMs)])
    const connected = this.components.connectionManager.getConnections(link.peerId).length > 0
    try {
      // The lower peer opens the stream. The other one makes sure a connection
      // exists (the lower peer may not know our address) and, if it stays
      // connected without a stream, opens one itself: the lower peer may still
      // hold a stream to our previous incarnation on a dead connection. A newer
      // incarnation replaces that; a live stream of the lower peer wins the tie-break.
      if (link.dialer || (connected && link.redialAttempt > 1)) {
        const stream = await this.components.connectionManager.openStream(link.peerId, this.protocol, { signal, runOnLimitedConnection: false })
        if (!this.started || abort.signal.aborted) {
          stream.abort(new TransportStoppedError())
          return
        }
        this.attach(link, stream, this.self)
      } else if (!connected) {
        await this.components.connectionManager.openConnection(link.peerId, { signal })
      }
    } catch (err) {
      if (!this.started || abort.signal.aborted) return
      this.counters.dialFailures++
      link.lastError = `dial: ${(err as Error).message}`
      this.log('dial %s failed: %s', link.peer, (err as Error).message)
    } finally {
      if (link.dialing === abort) link.dialing = null
    }
    // Keep trying for as long as the peer is on the roster and no stream is up.
    if (this.started && link.session === null && link.pending.size === 0) {
      // A connection came up while this attempt failed (someone else dialled:
      // the peer, or the announcer with an address we lacked). Its
      // connection:open was ignored while we were dialling: use it now, not a
      // backoff later. Only on that transition, so a failing peer still backs off.
      const usable = link.dialer && !connected && this.components.connectionManager.getConnections(link.peerId).length > 0
      this.scheduleConnect(link, usable ? 0 : undefined)
    }
  }
}

/** js-libp2p service factory: `services: { lockmesh: lockmeshTransport(init) }`. */
export function lockmeshTransport (init: LockmeshTransportInit): (components: LockmeshTransportComponents) => LockmeshTransport {
  return (components) => new LockmeshTransport(components, init)
}
