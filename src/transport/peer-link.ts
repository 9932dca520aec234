/**
 * Everything the transport keeps about one roster peer: the stream that is up
 * (at most one), streams still handshaking, the newest incarnation seen, the
 * outbound queue with its coalescing flush, and the redial state.
 *
 * Coalescing: frames queued during one synchronous run (one inbound turn of
 * the scheduler, one user call, one timer tick: every step it makes) go out
 * in one `stream.send()` from a microtask queued by the first of them — at
 * the end of that run, not on a later event-loop turn (a `setImmediate`
 * flush cost 110–200 µs per hop, issue 10). While the stream asks us to wait
 * (send() returned false), frames keep queuing (bounded) and leave together
 * after 'drain'.
 */
import type { PeerId } from '@libp2p/interface'
import type { FrameType, NodeId } from '../core/types.js'
import { packBatches, type CodecLimits } from './codec.js'
import type { Session } from './session.js'
import type { TransportStats } from './stats.js'
import { varintLength, writeVarint } from './varint.js'

export interface QueuedFrame {
  /** The frame, encoded as a Batch entry. */
  entry: Uint8Array
  t: FrameType
}

export interface PeerLinkInit {
  peer: NodeId
  peerId: PeerId
  /** True when this node opens the stream (its peer ID sorts lower). */
  dialer: boolean
  limits: CodecLimits
  queueFramesMax: number
  queueBytesMax: number
  stats: TransportStats
}

export class PeerLink {
  readonly peer: NodeId
  readonly peerId: PeerId
  readonly dialer: boolean
  /** The stream that is up, if any. */
  session: Session | null = null
  /** Streams whose handshake is still running. */
  readonly pending = new Set<Session>()
  /** Newest incarnation that completed a handshake; older ones are refused. */
  newestIncarnation: number | undefined
  /** The boot id that came with `newestIncarnation` (an equal incarnation with another boot id is refused). */
  newestBootId: string | undefined
  /** Redial state. */
  redialTimer: ReturnType<typeof setTimeout> | null = null
  redialAttempt = 0
  dialing: AbortController | null = null
  /** Why the last stream went down or the last dial failed (diagnostics). */
  lastError: string | null = null
  /** Times a stream to this peer went down. */
  downs = 0

  private queue: QueuedFrame[] = []
  private queueBytes = 0
  /** A flush microtask is queued (it runs once this synchronous run is over). */
  private flushScheduled = false
  private flushing = false
  private readonly limits: CodecLimits
  private readonly queueFramesMax: number
  private readonly queueBytesMax: number
  private readonly stats: TransportStats

  constructor (init: PeerLinkInit) {
    this.peer = init.peer
    this.peerId = init.peerId
    this.dialer = init.dialer
    this.limits = init.limits
    this.queueFramesMax = init.queueFramesMax
    this.queueBytesMax = init.queueBytesMax
    this.stats = init.stats
  }

  isUp (): boolean {
    return this.session !== null && this.session.state === 'up'
  }

  /** Queues an encoded frame for the next flush; false = queue full (dropped, counted). */
  enqueue (frame: QueuedFrame): boolean {
    if (this.queue.length >= this.queueFramesMax || this.queueBytes + frame.entry.byteLength > this.queueBytesMax) {
      this.stats.droppedQueueFull++
      return false
    }
    this.queue.push(frame)
    this.queueBytes += frame.entry.byteLength
    if (!this.flushScheduled && !this.flushing) {
      this.flushScheduled = true
      queueMicrotask(() => {
        this.flushScheduled = false
        void this.flush()
      })
    }
    return true
  }

  /** Drops whatever waits (the stream went down: the core retransmits what matters). */
  dropQueued (): void {
    this.stats.droppedNoStream += this.queue.length
    this.queue = []
    this.queueBytes = 0
  }

  /** Empties the queue (a flush already queued then finds nothing) and stops redialling. */
  dispose (): void {
    if (this.redialTimer !== null) clearTimeout(this.redialTimer)
    this.redialTimer = null
    this.dialing?.abort()
    this.dialing = null
    this.dropQueued()
  }

  private async flush (): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    try {
      while (this.queue.length > 0) {
        const session = this.session
        if (session === null || session.state !== 'up') {
          this.dropQueued()
          return
        }
        const frames = this.queue
        this.queue = []
        this.queueBytes = 0
        const bytes = this.wire(frames)
        for (const f of frames) this.stats.framesOut[f.t]++
        this.stats.sendCalls++
        this.stats.bytesOut += bytes.byteLength
        if (!session.send(bytes)) {
          this.stats.drainWaits++
          await session.drained()
        }
      }
    } finally {
      this.flushing = false
    }
  }

  /** The queued frames as length-prefixed batches in one buffer: one `send()`. */
  private wire (frames: QueuedFrame[]): Uint8Array {
    const batches = packBatches(frames.map(f => f.entry), this.limits)
    this.stats.batchesOut += batches.length
    let length = 0
    for (const b of batches) length += varintLength(b.byteLength) + b.byteLength
    const out = new Uint8Array(length)
    let offset = 0
    for (const b of batches) {
      offset = writeVarint(out, offset, b.byteLength)
      out.set(b, offset)
      offset += b.byteLength
    }
    return out
  }
}
