/**
 * Frames on the wire: the core's `Frame` <-> protobuf (pb/lockmesh.proto),
 * exactly, with every field bounded. One Batch message carries the frames of
 * one event-loop turn to one peer.
 *
 * Anything out of bounds or malformed throws `MalformedFrameError`, in both
 * directions (the encoder checks what the core hands it with the same rules the
 * decoder applies to a peer's bytes, so what we send always decodes).
 */
import { defaultLimits } from '../core/config.js'
import { FRAME_TYPES } from '../core/frame-types.js'
import { INT63_MAX } from '../core/ids.js'
import type { AttemptId, FailedReason, Frame, FrameBody, FrameHeader, GrantNo, LockMode, RefusedReason } from '../core/types.js'
import { MalformedFrameError } from './errors.js'
import * as pb from './pb/lockmesh.js'
import { varintLength, writeVarint } from './varint.js'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface CodecLimits {
  /** Bytes in one encoded Batch (the unit behind one length prefix). */
  frameBytesMax: number
  /** Frames in one Batch. */
  framesPerBatchMax: number
  /** Lock key length in UTF-16 code units (as the core counts); keys are 1..max. */
  keyLengthMax: number
  /** Length of a peer ID string inside an attempt id. */
  peerIdLengthMax: number
  /** REQUEST/EXTEND ttlMs must be an integer in [1, ttlMsMax]. A sanity bound: the voter refuses ttl > its own ttlMsMax itself, with an answer. */
  ttlMsMax: number
}

/**
 * Codec bounds. The key length comes from the core's limits (one source); a
 * node's transport narrows key length and ttl to its own CoreConfig
 * ({@link codecBoundsOf}), which every roster member shares (config hash).
 */
export const DEFAULT_CODEC_LIMITS: Readonly<CodecLimits> = Object.freeze({
  frameBytesMax: 1024 * 1024,
  framesPerBatchMax: 4096,
  keyLengthMax: defaultLimits().keyLengthMax,
  peerIdLengthMax: 128,
  ttlMsMax: 2 ** 31 - 1
})

/** The codec bounds a node's CoreConfig implies: its key length limit and its ttlMsMax. */
export function codecBoundsOf (config: { limits: { keyLengthMax: number }, ttlMsMax: number }): Pick<CodecLimits, 'keyLengthMax' | 'ttlMsMax'> {
  return { keyLengthMax: config.limits.keyLengthMax, ttlMsMax: config.ttlMsMax }
}

const UINT32_MAX = 2 ** 32 - 1
/** Protobuf tag of `Batch.frames` (field 1, wire type 2). */
const BATCH_FRAMES_TAG = 0x0a

// ---------------------------------------------------------------------------
// Public API

/** Encodes one batch; throws MalformedFrameError if a frame or the batch is out of bounds. */
export function encodeFrames (frames: readonly Frame[], limits: CodecLimits = DEFAULT_CODEC_LIMITS): Uint8Array {
  if (frames.length > limits.framesPerBatchMax) throw new MalformedFrameError(`${frames.length} frames in one batch (max ${limits.framesPerBatchMax})`)
  const bytes = concat(frames.map(frame => encodeFrameEntry(frame, limits)))
  if (bytes.byteLength > limits.frameBytesMax) throw new MalformedFrameError(`batch of ${bytes.byteLength} bytes (max ${limits.frameBytesMax})`)
  return bytes
}

/** Decodes one batch; throws MalformedFrameError on anything malformed or out of bounds. */
export function decodeFrames (bytes: Uint8Array | Uint8ArrayList, limits: CodecLimits = DEFAULT_CODEC_LIMITS): Frame[] {
  if (bytes.byteLength > limits.frameBytesMax) throw new MalformedFrameError(`batch of ${bytes.byteLength} bytes (max ${limits.frameBytesMax})`)
  let batch: pb.Batch
  try {
    batch = pb.Batch.decode(bytes, { limits: { frames: limits.framesPerBatchMax } })
  } catch (err) {
    throw new MalformedFrameError(`protobuf: ${(err as Error).message}`, { cause: err })
  }
  return batch.frames.map(frame => fromPb(frame, limits))
}

/**
 * Splits one batch into its frames' bytes without decoding them (cheap: a scan
 * of tags and lengths). The receiver queues these and decodes each one
 * ({@link decodeFrameBody}) only when that peer's turn comes, so decoding a
 * flood is paid inside the fair scheduler's budget, not at read time (issue 11).
 * Throws MalformedFrameError when the batch's framing is broken or out of
 * bounds (too many frames, bytes, a truncated entry, a group wire type); other
 * fields are skipped as protobuf would.
 */
export function splitBatch (bytes: Uint8Array | Uint8ArrayList, limits: CodecLimits = DEFAULT_CODEC_LIMITS): Uint8Array[] {
  if (bytes.byteLength > limits.frameBytesMax) throw new MalformedFrameError(`batch of ${bytes.byteLength} bytes (max ${limits.frameBytesMax})`)
  const buf = bytes instanceof Uint8Array ? bytes : bytes.subarray()
  const out: Uint8Array[] = []
  let pos = 0
  const varint = (): number => {
    let value = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      if (pos >= buf.byteLength) fail('batch: truncated varint')
      const byte = buf[pos++]!
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return value
      scale *= 0x80
    }
    return fail('batch: varint too long')
  }
  while (pos < buf.byteLength) {
    const tag = varint()
    const wire = tag % 8
    let start = pos
    let end: number
    if (wire === 0) { varint(); continue } else if (wire === 1) end = pos + 8
    else if (wire === 5) end = pos + 4
    else if (wire === 2) { const length = varint(); start = pos; end = pos + length } else return fail(`batch: wire type ${wire}`)
    if (end > buf.byteLength) fail('batch: truncated field')
    pos = end
    if (tag !== BATCH_FRAMES_TAG) continue
    if (out.length >= limits.framesPerBatchMax) fail(`more than ${limits.framesPerBatchMax} frames in one batch`)
    out.push(buf.subarray(start, end))
  }
  return out
}

/** Decodes one frame's bytes (an element of {@link splitBatch}); throws MalformedFrameError like decodeFrames. */
export function decodeFrameBody (body: Uint8Array, limits: CodecLimits = DEFAULT_CODEC_LIMITS): Frame {
  let f: pb.Frame
  try {
    f = pb.Frame.decode(body)
  } catch (err) {
    throw new MalformedFrameError(`protobuf: ${(err as Error).message}`, { cause: err })
  }
  return fromPb(f, limits)
}

/**
 * One frame as an entry of a Batch (field tag + length + Frame). Entries
 * concatenate into a valid Batch, which lets a sender pack batches to size.
 */
export function encodeFrameEntry (frame: Frame, limits: CodecLimits = DEFAULT_CODEC_LIMITS): Uint8Array {
  validateFrame(frame, limits)
  const body = pb.Frame.encode(toPb(frame))
  const entry = new Uint8Array(1 + varintLength(body.byteLength) + body.byteLength)
  entry[0] = BATCH_FRAMES_TAG
  entry.set(body, writeVarint(entry, 1, body.byteLength))
  if (entry.byteLength > limits.frameBytesMax) throw new MalformedFrameError(`one ${frame.b.t} frame takes ${entry.byteLength} bytes (max ${limits.frameBytesMax})`)
  return entry
}

/** Packs entries, in order, into as few batches as the limits allow. */
export function packBatches (entries: readonly Uint8Array[], limits: CodecLimits = DEFAULT_CODEC_LIMITS): Uint8Array[] {
  const batches: Uint8Array[] = []
  let current: Uint8Array[] = []
  let bytes = 0
  for (const entry of entries) {
    if (current.length > 0 && (current.length >= limits.framesPerBatchMax || bytes + entry.byteLength > limits.frameBytesMax)) {
      batches.push(concat(current))
      current = []
      bytes = 0
    }
    current.push(entry)
    bytes += entry.byteLength
  }
  if (current.length > 0) batches.push(concat(current))
  return batches
}

// ---------------------------------------------------------------------------
// Validation (the same rules both ways)

function fail (why: string): never {
  throw new MalformedFrameError(why)
}

function checkUint (name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) fail(`${name} must be an integer in [0, ${max}], got ${String(value)}`)
}

function checkU63 (name: string, value: unknown): void {
  if (typeof value !== 'bigint' || value < 0n || value > INT63_MAX) fail(`${name} must be a bigint in [0, 2^63-1], got ${String(value)}`)
}

function checkString (name: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) fail(`${name} must be a string of 1..${maxLength} UTF-16 units`)
  // A lone surrogate cannot survive UTF-8: the peer would see another key.
  if (!value.isWellFormed()) fail(`${name} is not well-formed Unicode (lone surrogate)`)
}

function checkId (id: AttemptId | undefined, limits: CodecLimits): void {
  if (id === undefined || id === null || typeof id !== 'object') fail('attempt id missing')
  checkString('id.peer', id.peer, limits.peerIdLengthMax)
  checkUint('id.inc', id.inc)
  checkUint('id.seq', id.seq)
}

function checkGrantNo (name: string, g: GrantNo | undefined): void {
  if (g === undefined || g === null || typeof g !== 'object') fail(`${name} missing`)
  checkUint(`${name}.inc`, g.inc)
  checkUint(`${name}.n`, g.n)
}

function checkHeader (h: FrameHeader | undefined): void {
  if (h === undefined || h === null || typeof h !== 'object') fail('header missing')
  checkU63('h.clock', h.clock)
  checkUint('h.inc', h.inc)
  checkUint('h.fn', h.fn)
  checkUint('h.ack', h.ack)
  checkUint('h.ackInc', h.ackInc)
}

function checkTtl (value: unknown, limits: CodecLimits): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limits.ttlMsMax) fail(`ttlMs must be an integer in [1, ${limits.ttlMsMax}], got ${String(value)}`)
}

function checkOneOf<T extends string> (name: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) fail(`${name} must be one of ${allowed.join(', ')}, got ${String(value)}`)
}

const FRAME_TYPE_SET: ReadonlySet<string> = new Set<string>(FRAME_TYPES)
const FAILED_REASONS: readonly FailedReason[] = ['priority', 'quiet', 'queue-full', 'busy', 'invalid']
const REFUSED_REASONS: readonly RefusedReason[] = ['no-grant', 'fence', 'expired', 'invalid', 'stopped']

/** Throws MalformedFrameError unless `frame` is a well-formed, in-bounds core frame. */
export function validateFrame (frame: Frame, limits: CodecLimits = DEFAULT_CODEC_LIMITS): void {
  if (frame === null || typeof frame !== 'object') fail('frame is not an object')
  checkHeader(frame.h)
  const b = frame.b
  if (b === null || typeof b !== 'object') fail('body missing')
  if (!FRAME_TYPE_SET.has(b.t)) fail(`unknown frame type ${String((b as { t?: unknown }).t)}`)
  if (b.t === 'PING' || b.t === 'PONG') return
  if (b.t === 'RECOVER') { checkUint('round', b.round, UINT32_MAX); return }
  if (b.t === 'CEILING') {
    checkUint('round', b.round, UINT32_MAX); checkU63('ceiling', b.ceiling); checkUint('seenIncarnation', b.seenIncarnation)
    if (typeof b.recovering !== 'boolean') fail('recovering must be a boolean')
    return
  }
  checkString('key', (b as { key?: unknown }).key, limits.keyLengthMax)
  switch (b.t) {
    case 'REQUEST':
      checkId(b.id, limits); checkU63('ts', b.ts); checkOneOf('mode', b.mode, ['exclusive', 'shared'])
      checkTtl(b.ttlMs, limits)
      if (typeof b.noWait !== 'boolean') fail('noWait must be a boolean')
      return
    case 'QUEUED': case 'CONTENDED': case 'RELEASE': case 'RELEASED':
      checkId(b.id, limits); return
    case 'GRANT':
      checkId(b.id, limits); checkGrantNo('grantNo', b.grantNo); checkU63('fence', b.fence); return
    case 'FAILED':
      checkId(b.id, limits); checkOneOf('reason', b.reason, FAILED_REASONS)
      if (b.supersedes !== undefined) checkGrantNo('supersedes', b.supersedes)
      if (b.quietRemainingMs !== undefined) checkUint('quietRemainingMs', b.quietRemainingMs, UINT32_MAX)
      return
    case 'INQUIRE': case 'YIELD':
      checkId(b.id, limits); checkGrantNo('grantNo', b.grantNo); return
    case 'COMMIT':
      checkId(b.id, limits); checkGrantNo('grantNo', b.grantNo); checkUint('attempt', b.attempt, UINT32_MAX); checkU63('token', b.token); return
    case 'COMMITTED': case 'EXTENDED':
      checkId(b.id, limits); checkUint('attempt', b.attempt, UINT32_MAX); return
    case 'REFUSED':
      checkId(b.id, limits); checkOneOf('phase', b.phase, ['commit', 'extend']); checkUint('attempt', b.attempt, UINT32_MAX)
      checkOneOf('reason', b.reason, REFUSED_REASONS)
      return
    case 'EXTEND':
      checkId(b.id, limits); checkGrantNo('grantNo', b.grantNo); checkUint('attempt', b.attempt, UINT32_MAX); checkTtl(b.ttlMs, limits); return
    default:
      fail(`unknown frame type ${String((b as { t?: unknown }).t)}`)
  }
}

// ---------------------------------------------------------------------------
// Enum maps

const MODE_TO_PB: Record<LockMode, pb.LockMode> = { exclusive: pb.LockMode.LOCK_MODE_EXCLUSIVE, shared: pb.LockMode.LOCK_MODE_SHARED }
const FAILED_TO_PB: Record<FailedReason, pb.FailedReason> = {
  priority: pb.FailedReason.FAILED_PRIORITY,
  quiet: pb.FailedReason.FAILED_QUIET,
  'queue-full': pb.FailedReason.FAILED_QUEUE_FULL,
  busy: pb.FailedReason.FAILED_BUSY,
  invalid: pb.FailedReason.FAILED_INVALID
}
const REFUSED_TO_PB: Record<RefusedReason, pb.RefusedReason> = {
  'no-grant': pb.RefusedReason.REFUSED_NO_GRANT,
  fence: pb.RefusedReason.REFUSED_FENCE,
  expired: pb.RefusedReason.REFUSED_EXPIRED,
  invalid: pb.RefusedReason.REFUSED_INVALID,
  stopped: pb.RefusedReason.REFUSED_STOPPED
}
const PHASE_TO_PB: Record<'commit' | 'extend', pb.Phase> = { commit: pb.Phase.PHASE_COMMIT, extend: pb.Phase.PHASE_EXTEND }

function invert<K extends string, V extends string> (map: Record<K, V>): Map<V, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as V, k as K]))
}
const MODE_FROM_PB = invert(MODE_TO_PB)
const FAILED_FROM_PB = invert(FAILED_TO_PB)
const REFUSED_FROM_PB = invert(REFUSED_TO_PB)
const PHASE_FROM_PB = invert(PHASE_TO_PB)

function fromEnum<T> (name: string, map: Map<string, T>, value: string): T {
  const out = map.get(value)
  if (out === undefined) fail(`${name}: unexpected value ${value}`)
  return out
}

// ---------------------------------------------------------------------------
// TS -> protobuf (input already validated)

function idToPb (id: AttemptId): pb.AttemptId {
  return { peer: id.peer, inc: id.inc, seq: id.seq }
}

function grantNoToPb (g: GrantNo): pb.GrantNo {
  return { inc: g.inc, n: g.n }
}

function bodyToPb (b: FrameBody): Omit<pb.Frame, 'h'> {
  switch (b.t) {
    case 'REQUEST': return { request: { key: b.key, id: idToPb(b.id), ts: b.ts, mode: MODE_TO_PB[b.mode], ttlMs: b.ttlMs, noWait: b.noWait } }
    case 'QUEUED': return { queued: { key: b.key, id: idToPb(b.id) } }
    case 'GRANT': return { grant: { key: b.key, id: idToPb(b.id), grantNo: grantNoToPb(b.grantNo), fence: b.fence } }
    case 'FAILED': {
      const failed: pb.Failed = { key: b.key, id: idToPb(b.id), reason: FAILED_TO_PB[b.reason] }
      if (b.supersedes !== undefined) failed.supersedes = grantNoToPb(b.supersedes)
      if (b.quietRemainingMs !== undefined) failed.quietRemainingMs = b.quietRemainingMs
      return { failed }
    }
    case 'INQUIRE': return { inquire: { key: b.key, id: idToPb(b.id), grantNo: grantNoToPb(b.grantNo) } }
    case 'YIELD': return { yield: { key: b.key, id: idToPb(b.id), grantNo: grantNoToPb(b.grantNo) } }
    case 'CONTENDED': return { contended: { key: b.key, id: idToPb(b.id) } }
    case 'COMMIT': return { commit: { key: b.key, id: idToPb(b.id), grantNo: grantNoToPb(b.grantNo), attempt: b.attempt, token: b.token } }
    case 'COMMITTED': return { committed: { key: b.key, id: idToPb(b.id), attempt: b.attempt } }
    case 'REFUSED': return { refused: { key: b.key, id: idToPb(b.id), phase: PHASE_TO_PB[b.phase], attempt: b.attempt, reason: REFUSED_TO_PB[b.reason] } }
    case 'EXTEND': return { extend: { key: b.key, id: idToPb(b.id), grantNo: grantNoToPb(b.grantNo), attempt: b.attempt, ttlMs: b.ttlMs } }
    case 'EXTENDED': return { extended: { key: b.key, id: idToPb(b.id), attempt: b.attempt } }
    case 'RELEASE': return { release: { key: b.key, id: idToPb(b.id) } }
    case 'RELEASED': return { released: { key: b.key, id: idToPb(b.id) } }
    case 'PING': return { ping: {} }
    case 'PONG': return { pong: {} }
    case 'RECOVER': return { recover: { round: b.round } }
    case 'CEILING': return { ceiling: { round: b.round, ceiling: b.ceiling, seenIncarnation: b.seenIncarnation, recovering: b.recovering } }
  }
}

function toPb (frame: Frame): pb.Frame {
  const h = frame.h
  return { h: { clock: h.clock, inc: h.inc, fn: h.fn, ack: h.ack, ackInc: h.ackInc }, ...bodyToPb(frame.b) }
}

// ---------------------------------------------------------------------------
// protobuf -> TS (then validated)

function idFromPb (id: pb.AttemptId | undefined): AttemptId {
  if (id === undefined) fail('attempt id missing')
  return { peer: id.peer, inc: id.inc, seq: id.seq }
}

function grantNoFromPb (name: string, g: pb.GrantNo | undefined): GrantNo {
  if (g === undefined) fail(`${name} missing`)
  return { inc: g.inc, n: g.n }
}

const BODY_FIELDS = ['request', 'queued', 'grant', 'failed', 'inquire', 'yield', 'contended', 'commit', 'committed', 'refused', 'extend', 'extended', 'release', 'released', 'ping', 'pong', 'recover', 'ceiling'] as const

function bodyFromPb (f: pb.Frame): FrameBody {
  let present = 0
  for (const field of BODY_FIELDS) if (f[field] !== undefined) present++
  if (present !== 1) fail(present === 0 ? 'frame has no body' : `frame has ${present} bodies`)
  if (f.request !== undefined) {
    const r = f.request
    return { t: 'REQUEST', key: r.key, id: idFromPb(r.id), ts: r.ts, mode: fromEnum('mode', MODE_FROM_PB, r.mode), ttlMs: r.ttlMs, noWait: r.noWait }
  }
  if (f.queued !== undefined) return { t: 'QUEUED', key: f.queued.key, id: idFromPb(f.queued.id) }
  if (f.grant !== undefined) {
    const g = f.grant
    return { t: 'GRANT', key: g.key, id: idFromPb(g.id), grantNo: grantNoFromPb('grantNo', g.grantNo), fence: g.fence }
  }
  if (f.failed !== undefined) {
    const x = f.failed
    const body: FrameBody = { t: 'FAILED', key: x.key, id: idFromPb(x.id), reason: fromEnum('reason', FAILED_FROM_PB, x.reason) }
    if (x.supersedes !== undefined) body.supersedes = grantNoFromPb('supersedes', x.supersedes)
    if (x.quietRemainingMs !== undefined) body.quietRemainingMs = x.quietRemainingMs
    return body
  }
  if (f.inquire !== undefined) return { t: 'INQUIRE', key: f.inquire.key, id: idFromPb(f.inquire.id), grantNo: grantNoFromPb('grantNo', f.inquire.grantNo) }
  if (f.yield !== undefined) return { t: 'YIELD', key: f.yield.key, id: idFromPb(f.yield.id), grantNo: grantNoFromPb('grantNo', f.yield.grantNo) }
  if (f.contended !== undefined) return { t: 'CONTENDED', key: f.contended.key, id: idFromPb(f.contended.id) }
  if (f.commit !== undefined) {
    const c = f.commit
    return { t: 'COMMIT', key: c.key, id: idFromPb(c.id), grantNo: grantNoFromPb('grantNo', c.grantNo), attempt: c.attempt, token: c.token }
  }
  if (f.committed !== undefined) return { t: 'COMMITTED', key: f.committed.key, id: idFromPb(f.committed.id), attempt: f.committed.attempt }
  if (f.refused !== undefined) {
    const r = f.refused
    return { t: 'REFUSED', key: r.key, id: idFromPb(r.id), phase: fromEnum('phase', PHASE_FROM_PB, r.phase), attempt: r.attempt, reason: fromEnum('reason', REFUSED_FROM_PB, r.reason) }
  }
  if (f.extend !== undefined) {
    const e = f.extend
    return { t: 'EXTEND', key: e.key, id: idFromPb(e.id), grantNo: grantNoFromPb('grantNo', e.grantNo), attempt: e.attempt, ttlMs: e.ttlMs }
  }
  if (f.extended !== undefined) return { t: 'EXTENDED', key: f.extended.key, id: idFromPb(f.extended.id), attempt: f.extended.attempt }
  if (f.release !== undefined) return { t: 'RELEASE', key: f.release.key, id: idFromPb(f.release.id) }
  if (f.released !== undefined) return { t: 'RELEASED', key: f.released.key, id: idFromPb(f.released.id) }
  if (f.ping !== undefined) return { t: 'PING' }
  if (f.recover !== undefined) return { t: 'RECOVER', round: f.recover.round }
  if (f.ceiling !== undefined) {
    const c = f.ceiling
    return { t: 'CEILING', round: c.round, ceiling: c.ceiling, seenIncarnation: c.seenIncarnation, recovering: c.recovering }
  }
  return { t: 'PONG' }
}

function fromPb (f: pb.Frame, limits: CodecLimits): Frame {
  if (f.h === undefined) fail('header missing')
  const h = f.h
  const frame: Frame = { h: { clock: h.clock, inc: h.inc, fn: h.fn, ack: h.ack, ackInc: h.ackInc }, b: bodyFromPb(f) }
  validateFrame(frame, limits)
  return frame
}

// ---------------------------------------------------------------------------

function concat (parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array
  let length = 0
  for (const part of parts) length += part.byteLength
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) { out.set(part, offset); offset += part.byteLength }
  return out
}
