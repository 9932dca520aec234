/**
 * The one list of frame types. The codec, the transport's counters and the
 * core's own counters all read it; the compile-time check below fails when a
 * frame type is added to the `FrameBody` union without being listed here.
 */
import type { FrameType } from './types.js'

export const FRAME_TYPES = [
  'REQUEST', 'QUEUED', 'GRANT', 'FAILED', 'INQUIRE', 'YIELD', 'CONTENDED', 'COMMIT', 'COMMITTED',
  'REFUSED', 'EXTEND', 'EXTENDED', 'RELEASE', 'RELEASED', 'PING', 'PONG'
] as const satisfies readonly FrameType[]

/** Every protocol frame type except the detector's PING/PONG. */
export const PROTOCOL_FRAME_TYPES: readonly FrameType[] = FRAME_TYPES.filter(t => t !== 'PING' && t !== 'PONG')

type Unlisted = Exclude<FrameType, (typeof FRAME_TYPES)[number]>
/** Compile-time: `never` unless a FrameType is missing from FRAME_TYPES. */
export const FRAME_TYPES_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true
