/**
 * The one list of frame types. The codec, the transport's counters and the
 * core's own counters all read it; the compile-time check below fails when a
 * frame type is added to the `FrameBody` union without being listed here.
 */
import type { FrameType } from './types.js'

export const FRAME_TYPES = [
  'REQUEST', 'QUEUED', 'GRANT', 'FAILED', 'INQUIRE', 'YIELD', 'CONTENDED', 'COMMIT', 'COMMITTED',
  'REFUSED', 'EXTEND', 'EXTENDED', 'RELEASE', 'RELEASED', 'PING', 'PONG', 'RECOVER', 'CEILING'
] as const satisfies readonly FrameType[]

/** Disk-loss recovery's query and answer: no key, no attempt id, never judged by the failure detector. */
export const RECOVERY_FRAME_TYPES: readonly FrameType[] = ['RECOVER', 'CEILING']

/** Every protocol frame type (a key and an attempt id) — all but the detector's PING/PONG and recovery's. */
export const PROTOCOL_FRAME_TYPES: readonly FrameType[] = FRAME_TYPES.filter(t => t !== 'PING' && t !== 'PONG' && !RECOVERY_FRAME_TYPES.includes(t))

type Unlisted = Exclude<FrameType, (typeof FRAME_TYPES)[number]>
/** Compile-time: `never` unless a FrameType is missing from FRAME_TYPES. */
export const FRAME_TYPES_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true
