/**
 * One /lockmesh stream to one peer: sends our handshake at once, reads the
 * peer's handshake and then batches of frames. Every error inside the stream's
 * 'message' listener is caught here — a peer's bytes never crash the process.
 *
 * Framing errors (a length prefix that cannot be valid within the bound: the
 * stream cannot resync) abort the stream; a batch that is well framed but
 * malformed is dropped and the stream goes on.
 *
 * A batch is only split into its frames' bytes here (a scan of lengths): the
 * frames are decoded in the peer's turn of the fair scheduler.
 *
 * Messages are pulled one at a time: when the transport says the peer's
 * inbound queue is full, the session stops pulling and pauses the stream
 * (yamux stops granting window: the peer's sender waits) until told to resume.
 */
import type { NodeId } from '../core/types.js'
import { splitBatch, type CodecLimits } from './codec.js'
import { HandshakeRefusedError, MalformedFrameError } from './errors.js'
import { decodeHandshake, encodeHandshake, type HandshakeInfo } from './handshake.js'
import { LengthPrefixedReader } from './length-prefixed-reader.js'
import { lengthPrefixed } from './varint.js'
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export type SessionState = 'handshaking' | 'up' | 'closed'

export interface SessionHandlers {
  /** The peer's handshake arrived; return false after refusing (the handler aborts the session). */
  handshake: (session: Session, remote: HandshakeInfo) => boolean
  /**
   * A batch whose bytes were read at `readAt`, split into its frames' still-encoded bytes
   * (decoded later, in the peer's turn); false = the peer's queue is full, stop reading until `resumeReading()`.
   */
  batch: (session: Session, frames: Uint8Array[], bytes: number, readAt: number) => boolean
  /** `fatal`: the stream was aborted (framing broken or bad handshake). */
  malformed: (session: Session, err: MalformedFrameError, fatal: boolean) => void
  /** Called once, whatever closed the stream. */
  closed: (session: Session, err: Error | undefined) => void
}

export interface SessionInit {
  peer: NodeId
  /** Who opened the stream (a peer ID string): used to settle simultaneous opens. */
  opener: NodeId
  stream: Stream
  local: HandshakeInfo
  limits: CodecLimits
  handshakeTimeoutMs: number
  handlers: SessionHandlers
  /** Monotonic ms for read times. Default performance.now. */
  now?: () => number
}

/**
 * Slack above two messages for the reader's buffer: on resume, the stream
 * hands us its whole paused read buffer at once.
 */
const READER_SLACK_BYTES = 16 * 1024 * 1024 + 64 * 1024

/** The stream's read buffer while paused: yamux's largest default window, plus slack. */
const PAUSED_READ_BUFFER_BYTES = 16 * 1024 * 1024 + 64 * 1024

export class Session {
  readonly peer: NodeId
  readonly opener: NodeId
  readonly stream: Stream
  readonly local: HandshakeInfo
  state: SessionState = 'handshaking'
  remote: HandshakeInfo | null = null
  private readonly limits: CodecLimits
  private readonly handlers: SessionHandlers
  private readonly reader: LengthPrefixedReader
  private readonly now: () => number
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined
  /** True while the transport's queue for this peer is full. */
  private blocked = false
  private pumping = false
  /** Inside stream.resume() (see resumeReading). */
  private resuming = false
  /** When the newest bytes arrived (the peer was alive then, whatever waits in its queue). */
  lastReadAt = 0
  /** Times reading was paused for backpressure. */
  pauses = 0

  constructor (init: SessionInit) {
    this.peer = init.peer
    this.opener = init.opener
    this.stream = init.stream
    this.local = init.local
    this.limits = init.limits
    this.handlers = init.handlers
    this.now = init.now ?? (() => performance.now())
    this.reader = new LengthPrefixedReader({
      messageBytesMax: init.limits.frameBytesMax,
      bufferBytesMax: 2 * init.limits.frameBytesMax + READER_SLACK_BYTES
    })
    // While paused for backpressure, yamux still accepts up to one stream window (16 MiB at
    // most by default; createMeshLibp2p grants 1 MiB) into the stream's read buffer; a smaller
    // buffer than that window would reset the stream of a peer that merely sent fast.
    if (typeof this.stream.maxReadBufferLength === 'number' && this.stream.maxReadBufferLength < PAUSED_READ_BUFFER_BYTES) this.stream.maxReadBufferLength = PAUSED_READ_BUFFER_BYTES
    this.onMessage = this.onMessage.bind(this)
    this.onClose = this.onClose.bind(this)
    this.onRemoteCloseWrite = this.onRemoteCloseWrite.bind(this)
    this.stream.addEventListener('message', this.onMessage)
    this.stream.addEventListener('close', this.onClose)
    this.stream.addEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    this.handshakeTimer = setTimeout(() => {
      if (this.state === 'handshaking') this.abort(new HandshakeRefusedError('timeout', `no handshake within ${init.handshakeTimeoutMs} ms`))
    }, init.handshakeTimeoutMs)
    this.handshakeTimer.unref?.()
    this.send(lengthPrefixed(encodeHandshake(init.local)))
  }

  /** Writes bytes; false = wait for `drained()` before the next write. Never throws. */
  send (bytes: Uint8Array | Uint8ArrayList): boolean {
    if (this.state === 'closed') return true
    try {
      return this.stream.send(bytes)
    } catch (err) {
      this.abort(err as Error)
      return true
    }
  }

  /** Resolves when the stream can take more, or when it closed (check `state`). */
  async drained (): Promise<void> {
    if (this.state === 'closed') return
    try {
      await this.stream.onDrain()
    } catch {
      // closed or reset: the close listener does the rest
    }
  }

  /** Marks the handshake done (the transport accepted the peer). */
  markUp (remote: HandshakeInfo): void {
    this.remote = remote
    this.state = 'up'
    clearTimeout(this.handshakeTimer)
  }

  /** Closes the stream at once (idempotent). */
  abort (err: Error): void {
    if (this.state === 'closed') return
    this.finish(err)
    try { this.stream.abort(err) } catch { /* already gone */ }
  }

  private finish (err: Error | undefined): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    clearTimeout(this.handshakeTimer)
    this.stream.removeEventListener('message', this.onMessage)
    this.stream.removeEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    this.handlers.closed(this, err)
  }

  private onClose (evt: StreamCloseEvent): void {
    this.stream.removeEventListener('close', this.onClose)
    this.finish(evt.error)
  }

  private onRemoteCloseWrite (): void {
    // The peer will send nothing more: this stream is finished for us too.
    this.abort(new Error('remote closed its end of the stream'))
  }

  /** The transport's queue for this peer has room again: pull what waits, then read on. */
  resumeReading (): void {
    if (!this.blocked || this.state === 'closed') return
    this.blocked = false
    this.pump()
    if (this.blocked || this.isClosed()) return
    // resume() hands us the stream's paused read buffer synchronously, THEN tells yamux to grant
    // window again: a pause() from inside that hand-over would be undone, and the peer could
    // send without bound while we no longer read (@libp2p/utils AbstractMessageStream.resume).
    // So a pause asked for during resume() is applied after it returns.
    this.resuming = true
    try { this.stream.resume() } catch { /* closing: the close listener does the rest */ } finally { this.resuming = false }
    if (this.blocked && !this.isClosed()) this.pauseStream()
  }

  /** A method, not a field read: TypeScript would keep a narrowed `state` across callbacks that change it. */
  private isClosed (): boolean { return this.state === 'closed' }

  /** Whether reading is paused for backpressure. */
  get paused (): boolean { return this.blocked }

  private onMessage (evt: StreamMessageEvent): void {
    this.lastReadAt = this.now()
    try {
      this.reader.push(evt.data)
    } catch (err) {
      this.framingError(err)
      return
    }
    this.pump()
  }

  private framingError (err: unknown): void {
    if (this.state === 'closed') return
    this.handlers.malformed(this, asMalformed(err), true)
    this.abort(err as Error)
  }

  /** Pulls whole messages while the transport takes them (none while it said stop: bytes wait in the reader). */
  private pump (): void {
    if (this.pumping) return
    this.pumping = true
    try {
      for (let message = this.blocked ? null : this.nextMessage(); message !== null; message = this.blocked ? null : this.nextMessage()) {
        if (this.state === 'closed') return
        if (this.state === 'handshaking') {
          let remote: HandshakeInfo
          try {
            remote = decodeHandshake(message)
          } catch (err) {
            this.handlers.malformed(this, asMalformed(err), true)
            this.abort(new HandshakeRefusedError('malformed', (err as Error).message))
            return
          }
          if (!this.handlers.handshake(this, remote)) return
          continue
        }
        let frames: Uint8Array[]
        try {
          frames = splitBatch(message, this.limits)
        } catch (err) {
          this.handlers.malformed(this, asMalformed(err), false)
          continue
        }
        if (!this.handlers.batch(this, frames, message.byteLength, this.lastReadAt) && !this.isClosed()) this.block()
      }
    } finally {
      this.pumping = false
    }
  }

  /** The next whole message; null when more bytes are needed or the stream was aborted for its framing. */
  private nextMessage (): Uint8ArrayList | null {
    if (this.state === 'closed') return null
    try {
      return this.reader.next()
    } catch (err) {
      this.framingError(err)
      return null
    }
  }

  private block (): void {
    this.blocked = true
    this.pauses++
    if (!this.resuming) this.pauseStream()
  }

  private pauseStream (): void {
    try { this.stream.pause() } catch { /* closing */ }
  }
}

function asMalformed (err: unknown): MalformedFrameError {
  return err instanceof MalformedFrameError ? err : new MalformedFrameError(String((err as Error)?.message ?? err), { cause: err })
}
