/**
 * The transport's counters. Everything a caller may want to assert on or show
 * in `status()`; read through `LockmeshTransport.stats()` (a copy).
 */
import type { FrameType } from '../core/types.js'
import type { HandshakeRefusal } from './errors.js'

import { FRAME_TYPES } from '../core/frame-types.js'

export { FRAME_TYPES }
const REFUSALS: readonly HandshakeRefusal[] = ['config-hash', 'version', 'stale-incarnation', 'boot-id', 'not-on-roster', 'malformed', 'timeout']

export interface TransportStats {
  /** Frames delivered to `onFrame`, by type. */
  framesIn: Record<FrameType, number>
  /** Frames handed to a stream, by type. */
  framesOut: Record<FrameType, number>
  /** Batches (length-prefixed messages) received / sent. */
  batchesIn: number
  batchesOut: number
  /** `stream.send()` calls: one per peer per event-loop turn when coalescing works. */
  sendCalls: number
  /** Times a send had to wait for the stream to drain. */
  drainWaits: number
  bytesIn: number
  bytesOut: number
  /** Handshakes accepted (a stream came up). */
  handshakes: number
  /** Streams closed during their handshake, all reasons… */
  handshakeRefusals: number
  /** …and by reason. */
  refusals: Record<HandshakeRefusal, number>
  /** Messages from peers dropped as malformed or out of bounds (a bad batch counts once). */
  malformedFrames: number
  /** Frames `send()` dropped because no stream to the peer was up (the core retransmits). */
  droppedNoStream: number
  /** Frames dropped because the peer's outbound queue was full. */
  droppedQueueFull: number
  /** Frames the codec refused to encode (a bug upstream; logged). */
  droppedInvalid: number
  /** Frames the test-only fault hook dropped / delayed. */
  droppedByFault: number
  delayedByFault: number
  /** Streams currently up (handshake done both ways). */
  streamsUp: number
  /** Streams opened (both directions), and replaced by a newer or preferred one. */
  streamsOpened: number
  streamsReplaced: number
  /** Failed dials / stream opens (retried with backoff). */
  dialFailures: number
  /** Errors thrown by onFrame / onHandshake / onPeerDown (caught and logged). */
  callbackErrors: number
  /** Times a peer's stream was paused because its inbound queue was full (backpressure). */
  readPauses: number
  /** Most received frames ever waiting for their turn from one peer. */
  inboundQueuedMaxSeen: number
  /** Most received bytes (frames still encoded) ever waiting for their turn from one peer. */
  inboundQueuedBytesMaxSeen: number
  /** Delivery turns that yielded to the event loop with frames still waiting. */
  inboundYields: number
}

export function emptyStats (): TransportStats {
  const byType = (): Record<FrameType, number> => Object.fromEntries(FRAME_TYPES.map(t => [t, 0])) as Record<FrameType, number>
  return {
    framesIn: byType(),
    framesOut: byType(),
    batchesIn: 0,
    batchesOut: 0,
    sendCalls: 0,
    drainWaits: 0,
    bytesIn: 0,
    bytesOut: 0,
    handshakes: 0,
    handshakeRefusals: 0,
    refusals: Object.fromEntries(REFUSALS.map(r => [r, 0])) as Record<HandshakeRefusal, number>,
    malformedFrames: 0,
    droppedNoStream: 0,
    droppedQueueFull: 0,
    droppedInvalid: 0,
    droppedByFault: 0,
    delayedByFault: 0,
    streamsUp: 0,
    streamsOpened: 0,
    streamsReplaced: 0,
    dialFailures: 0,
    callbackErrors: 0,
    readPauses: 0,
    inboundQueuedMaxSeen: 0,
    inboundQueuedBytesMaxSeen: 0,
    inboundYields: 0
  }
}

export function copyStats (s: TransportStats): TransportStats {
  return { ...s, framesIn: { ...s.framesIn }, framesOut: { ...s.framesOut }, refusals: { ...s.refusals } }
}
