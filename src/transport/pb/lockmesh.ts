/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Handshake {
  configHash: string
  incarnation: number
  clock: bigint
  quietRemainingMs: number
  version: number
  bootId: string
  recovering: boolean
}

export namespace Handshake {
  let _codec: Codec<Handshake>

  export const codec = (): Codec<Handshake> => {
    if (_codec == null) {
      _codec = message<Handshake>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.configHash != null && obj.configHash !== '')) {
          w.uint32(10)
          w.string(obj.configHash)
        }

        if ((obj.incarnation != null && obj.incarnation !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.incarnation)
        }

        if ((obj.clock != null && obj.clock !== 0n)) {
          w.uint32(24)
          w.uint64(obj.clock)
        }

        if ((obj.quietRemainingMs != null && obj.quietRemainingMs !== 0)) {
          w.uint32(32)
          w.uint32(obj.quietRemainingMs)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(40)
          w.uint32(obj.version)
        }

        if ((obj.bootId != null && obj.bootId !== '')) {
          w.uint32(50)
          w.string(obj.bootId)
        }

        if ((obj.recovering != null && obj.recovering !== false)) {
          w.uint32(56)
          w.bool(obj.recovering)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          configHash: '',
          incarnation: 0,
          clock: 0n,
          quietRemainingMs: 0,
          version: 0,
          bootId: '',
          recovering: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.configHash = reader.string()
              break
            }
            case 2: {
              obj.incarnation = reader.uint64Number()
              break
            }
            case 3: {
              obj.clock = reader.uint64()
              break
            }
            case 4: {
              obj.quietRemainingMs = reader.uint32()
              break
            }
            case 5: {
              obj.version = reader.uint32()
              break
            }
            case 6: {
              obj.bootId = reader.string()
              break
            }
            case 7: {
              obj.recovering = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.configHash`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.incarnation`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.clock`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.quietRemainingMs`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.bootId`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.recovering`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface HandshakeConfigHashFieldEvent {
    field: '$.configHash'
    value: string
  }

  export interface HandshakeIncarnationFieldEvent {
    field: '$.incarnation'
    value: number
  }

  export interface HandshakeClockFieldEvent {
    field: '$.clock'
    value: bigint
  }

  export interface HandshakeQuietRemainingMsFieldEvent {
    field: '$.quietRemainingMs'
    value: number
  }

  export interface HandshakeVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface HandshakeBootIdFieldEvent {
    field: '$.bootId'
    value: string
  }

  export interface HandshakeRecoveringFieldEvent {
    field: '$.recovering'
    value: boolean
  }

  export function encode (obj: Partial<Handshake>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Handshake.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Handshake>): Handshake {
    return decodeMessage(buf, Handshake.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Handshake>): Generator<HandshakeConfigHashFieldEvent | HandshakeIncarnationFieldEvent | HandshakeClockFieldEvent | HandshakeQuietRemainingMsFieldEvent | HandshakeVersionFieldEvent | HandshakeBootIdFieldEvent | HandshakeRecoveringFieldEvent> {
    return streamMessage(buf, Handshake.codec(), opts)
  }
}

export interface AttemptId {
  peer: string
  inc: number
  seq: number
}

export namespace AttemptId {
  let _codec: Codec<AttemptId>

  export const codec = (): Codec<AttemptId> => {
    if (_codec == null) {
      _codec = message<AttemptId>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(10)
          w.string(obj.peer)
        }

        if ((obj.inc != null && obj.inc !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.inc)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: '',
          inc: 0,
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.string()
              break
            }
            case 2: {
              obj.inc = reader.uint64Number()
              break
            }
            case 3: {
              obj.seq = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.inc`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AttemptIdPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface AttemptIdIncFieldEvent {
    field: '$.inc'
    value: number
  }

  export interface AttemptIdSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<AttemptId>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttemptId.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttemptId>): AttemptId {
    return decodeMessage(buf, AttemptId.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttemptId>): Generator<AttemptIdPeerFieldEvent | AttemptIdIncFieldEvent | AttemptIdSeqFieldEvent> {
    return streamMessage(buf, AttemptId.codec(), opts)
  }
}

export interface GrantNo {
  inc: number
  n: number
}

export namespace GrantNo {
  let _codec: Codec<GrantNo>

  export const codec = (): Codec<GrantNo> => {
    if (_codec == null) {
      _codec = message<GrantNo>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.inc != null && obj.inc !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.inc)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.n)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          inc: 0,
          n: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.inc = reader.uint64Number()
              break
            }
            case 2: {
              obj.n = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.inc`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GrantNoIncFieldEvent {
    field: '$.inc'
    value: number
  }

  export interface GrantNoNFieldEvent {
    field: '$.n'
    value: number
  }

  export function encode (obj: Partial<GrantNo>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GrantNo.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GrantNo>): GrantNo {
    return decodeMessage(buf, GrantNo.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GrantNo>): Generator<GrantNoIncFieldEvent | GrantNoNFieldEvent> {
    return streamMessage(buf, GrantNo.codec(), opts)
  }
}

export interface FrameHeader {
  clock: bigint
  inc: number
  fn: number
  ack: number
  ackInc: number
}

export namespace FrameHeader {
  let _codec: Codec<FrameHeader>

  export const codec = (): Codec<FrameHeader> => {
    if (_codec == null) {
      _codec = message<FrameHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.clock != null && obj.clock !== 0n)) {
          w.uint32(8)
          w.uint64(obj.clock)
        }

        if ((obj.inc != null && obj.inc !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.inc)
        }

        if ((obj.fn != null && obj.fn !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.fn)
        }

        if ((obj.ack != null && obj.ack !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.ack)
        }

        if ((obj.ackInc != null && obj.ackInc !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.ackInc)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          clock: 0n,
          inc: 0,
          fn: 0,
          ack: 0,
          ackInc: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.clock = reader.uint64()
              break
            }
            case 2: {
              obj.inc = reader.uint64Number()
              break
            }
            case 3: {
              obj.fn = reader.uint64Number()
              break
            }
            case 4: {
              obj.ack = reader.uint64Number()
              break
            }
            case 5: {
              obj.ackInc = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.clock`,
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.inc`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.fn`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ack`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ackInc`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FrameHeaderClockFieldEvent {
    field: '$.clock'
    value: bigint
  }

  export interface FrameHeaderIncFieldEvent {
    field: '$.inc'
    value: number
  }

  export interface FrameHeaderFnFieldEvent {
    field: '$.fn'
    value: number
  }

  export interface FrameHeaderAckFieldEvent {
    field: '$.ack'
    value: number
  }

  export interface FrameHeaderAckIncFieldEvent {
    field: '$.ackInc'
    value: number
  }

  export function encode (obj: Partial<FrameHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FrameHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FrameHeader>): FrameHeader {
    return decodeMessage(buf, FrameHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FrameHeader>): Generator<FrameHeaderClockFieldEvent | FrameHeaderIncFieldEvent | FrameHeaderFnFieldEvent | FrameHeaderAckFieldEvent | FrameHeaderAckIncFieldEvent> {
    return streamMessage(buf, FrameHeader.codec(), opts)
  }
}

export enum LockMode {
  LOCK_MODE_UNSPECIFIED = 'LOCK_MODE_UNSPECIFIED',
  LOCK_MODE_EXCLUSIVE = 'LOCK_MODE_EXCLUSIVE',
  LOCK_MODE_SHARED = 'LOCK_MODE_SHARED'
}

enum __LockModeValues {
  LOCK_MODE_UNSPECIFIED = 0,
  LOCK_MODE_EXCLUSIVE = 1,
  LOCK_MODE_SHARED = 2
}

export namespace LockMode {
  export const codec = (): Codec<LockMode> => {
    return enumeration<LockMode>(__LockModeValues)
  }
}

export enum FailedReason {
  FAILED_REASON_UNSPECIFIED = 'FAILED_REASON_UNSPECIFIED',
  FAILED_PRIORITY = 'FAILED_PRIORITY',
  FAILED_QUIET = 'FAILED_QUIET',
  FAILED_QUEUE_FULL = 'FAILED_QUEUE_FULL',
  FAILED_BUSY = 'FAILED_BUSY',
  FAILED_INVALID = 'FAILED_INVALID'
}

enum __FailedReasonValues {
  FAILED_REASON_UNSPECIFIED = 0,
  FAILED_PRIORITY = 1,
  FAILED_QUIET = 2,
  FAILED_QUEUE_FULL = 3,
  FAILED_BUSY = 4,
  FAILED_INVALID = 5
}

export namespace FailedReason {
  export const codec = (): Codec<FailedReason> => {
    return enumeration<FailedReason>(__FailedReasonValues)
  }
}

export enum RefusedReason {
  REFUSED_REASON_UNSPECIFIED = 'REFUSED_REASON_UNSPECIFIED',
  REFUSED_NO_GRANT = 'REFUSED_NO_GRANT',
  REFUSED_FENCE = 'REFUSED_FENCE',
  REFUSED_EXPIRED = 'REFUSED_EXPIRED',
  REFUSED_INVALID = 'REFUSED_INVALID',
  REFUSED_STOPPED = 'REFUSED_STOPPED'
}

enum __RefusedReasonValues {
  REFUSED_REASON_UNSPECIFIED = 0,
  REFUSED_NO_GRANT = 1,
  REFUSED_FENCE = 2,
  REFUSED_EXPIRED = 3,
  REFUSED_INVALID = 4,
  REFUSED_STOPPED = 5
}

export namespace RefusedReason {
  export const codec = (): Codec<RefusedReason> => {
    return enumeration<RefusedReason>(__RefusedReasonValues)
  }
}

export enum Phase {
  PHASE_UNSPECIFIED = 'PHASE_UNSPECIFIED',
  PHASE_COMMIT = 'PHASE_COMMIT',
  PHASE_EXTEND = 'PHASE_EXTEND'
}

enum __PhaseValues {
  PHASE_UNSPECIFIED = 0,
  PHASE_COMMIT = 1,
  PHASE_EXTEND = 2
}

export namespace Phase {
  export const codec = (): Codec<Phase> => {
    return enumeration<Phase>(__PhaseValues)
  }
}

export interface Request {
  key: string
  id?: AttemptId
  ts: bigint
  mode: LockMode
  ttlMs: number
  noWait: boolean
}

export namespace Request {
  let _codec: Codec<Request>

  export const codec = (): Codec<Request> => {
    if (_codec == null) {
      _codec = message<Request>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if ((obj.ts != null && obj.ts !== 0n)) {
          w.uint32(24)
          w.uint64(obj.ts)
        }

        if (obj.mode != null && __LockModeValues[obj.mode] !== 0) {
          w.uint32(32)
          LockMode.codec().encode(obj.mode, w)
        }

        if ((obj.ttlMs != null && obj.ttlMs !== 0)) {
          w.uint32(40)
          w.uint32(obj.ttlMs)
        }

        if ((obj.noWait != null && obj.noWait !== false)) {
          w.uint32(48)
          w.bool(obj.noWait)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          ts: 0n,
          mode: LockMode.LOCK_MODE_UNSPECIFIED,
          ttlMs: 0,
          noWait: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.ts = reader.uint64()
              break
            }
            case 4: {
              obj.mode = LockMode.codec().decode(reader)
              break
            }
            case 5: {
              obj.ttlMs = reader.uint32()
              break
            }
            case 6: {
              obj.noWait = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.ts`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.mode`,
                value: LockMode.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ttlMs`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.noWait`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RequestKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface RequestIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface RequestIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface RequestIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface RequestTsFieldEvent {
    field: '$.ts'
    value: bigint
  }

  export interface RequestModeFieldEvent {
    field: '$.mode'
    value: LockMode
  }

  export interface RequestTtlMsFieldEvent {
    field: '$.ttlMs'
    value: number
  }

  export interface RequestNoWaitFieldEvent {
    field: '$.noWait'
    value: boolean
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestKeyFieldEvent | RequestIdPeerFieldEvent | RequestIdIncFieldEvent | RequestIdSeqFieldEvent | RequestTsFieldEvent | RequestModeFieldEvent | RequestTtlMsFieldEvent | RequestNoWaitFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface Queued {
  key: string
  id?: AttemptId
}

export namespace Queued {
  let _codec: Codec<Queued>

  export const codec = (): Codec<Queued> => {
    if (_codec == null) {
      _codec = message<Queued>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface QueuedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface QueuedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface QueuedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface QueuedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export function encode (obj: Partial<Queued>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Queued.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Queued>): Queued {
    return decodeMessage(buf, Queued.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Queued>): Generator<QueuedKeyFieldEvent | QueuedIdPeerFieldEvent | QueuedIdIncFieldEvent | QueuedIdSeqFieldEvent> {
    return streamMessage(buf, Queued.codec(), opts)
  }
}

export interface Grant {
  key: string
  id?: AttemptId
  grantNo?: GrantNo
  fence: bigint
}

export namespace Grant {
  let _codec: Codec<Grant>

  export const codec = (): Codec<Grant> => {
    if (_codec == null) {
      _codec = message<Grant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.grantNo != null) {
          w.uint32(26)
          GrantNo.codec().encode(obj.grantNo, w)
        }

        if ((obj.fence != null && obj.fence !== 0n)) {
          w.uint32(32)
          w.uint64(obj.fence)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          fence: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.grantNo = GrantNo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grantNo
              })
              break
            }
            case 4: {
              obj.fence = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield * GrantNo.codec().stream(reader, reader.uint32(), `${prefix}.grantNo`, {
                limits: opts.limits?.grantNo
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.fence`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GrantKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface GrantIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface GrantIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface GrantIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface GrantGrantNoIncFieldEvent {
    field: '$.grantNo.inc'
    value: number
  }

  export interface GrantGrantNoNFieldEvent {
    field: '$.grantNo.n'
    value: number
  }

  export interface GrantFenceFieldEvent {
    field: '$.fence'
    value: bigint
  }

  export function encode (obj: Partial<Grant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Grant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Grant>): Grant {
    return decodeMessage(buf, Grant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Grant>): Generator<GrantKeyFieldEvent | GrantIdPeerFieldEvent | GrantIdIncFieldEvent | GrantIdSeqFieldEvent | GrantGrantNoIncFieldEvent | GrantGrantNoNFieldEvent | GrantFenceFieldEvent> {
    return streamMessage(buf, Grant.codec(), opts)
  }
}

export interface Failed {
  key: string
  id?: AttemptId
  reason: FailedReason
  supersedes?: GrantNo
  quietRemainingMs?: number
}

export namespace Failed {
  let _codec: Codec<Failed>

  export const codec = (): Codec<Failed> => {
    if (_codec == null) {
      _codec = message<Failed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.reason != null && __FailedReasonValues[obj.reason] !== 0) {
          w.uint32(24)
          FailedReason.codec().encode(obj.reason, w)
        }

        if (obj.supersedes != null) {
          w.uint32(34)
          GrantNo.codec().encode(obj.supersedes, w)
        }

        if (obj.quietRemainingMs != null) {
          w.uint32(40)
          w.uint32(obj.quietRemainingMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          reason: FailedReason.FAILED_REASON_UNSPECIFIED
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.reason = FailedReason.codec().decode(reader)
              break
            }
            case 4: {
              obj.supersedes = GrantNo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.supersedes
              })
              break
            }
            case 5: {
              obj.quietRemainingMs = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
                value: FailedReason.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield * GrantNo.codec().stream(reader, reader.uint32(), `${prefix}.supersedes`, {
                limits: opts.limits?.supersedes
              })

              break
            }
            case 5: {
              yield {
                field: `${prefix}.quietRemainingMs`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FailedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface FailedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface FailedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface FailedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface FailedReasonFieldEvent {
    field: '$.reason'
    value: FailedReason
  }

  export interface FailedSupersedesIncFieldEvent {
    field: '$.supersedes.inc'
    value: number
  }

  export interface FailedSupersedesNFieldEvent {
    field: '$.supersedes.n'
    value: number
  }

  export interface FailedQuietRemainingMsFieldEvent {
    field: '$.quietRemainingMs'
    value: number
  }

  export function encode (obj: Partial<Failed>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Failed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Failed>): Failed {
    return decodeMessage(buf, Failed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Failed>): Generator<FailedKeyFieldEvent | FailedIdPeerFieldEvent | FailedIdIncFieldEvent | FailedIdSeqFieldEvent | FailedReasonFieldEvent | FailedSupersedesIncFieldEvent | FailedSupersedesNFieldEvent | FailedQuietRemainingMsFieldEvent> {
    return streamMessage(buf, Failed.codec(), opts)
  }
}

export interface Inquire {
  key: string
  id?: AttemptId
  grantNo?: GrantNo
}

export namespace Inquire {
  let _codec: Codec<Inquire>

  export const codec = (): Codec<Inquire> => {
    if (_codec == null) {
      _codec = message<Inquire>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.grantNo != null) {
          w.uint32(26)
          GrantNo.codec().encode(obj.grantNo, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.grantNo = GrantNo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grantNo
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield * GrantNo.codec().stream(reader, reader.uint32(), `${prefix}.grantNo`, {
                limits: opts.limits?.grantNo
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface InquireKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface InquireIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface InquireIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface InquireIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface InquireGrantNoIncFieldEvent {
    field: '$.grantNo.inc'
    value: number
  }

  export interface InquireGrantNoNFieldEvent {
    field: '$.grantNo.n'
    value: number
  }

  export function encode (obj: Partial<Inquire>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Inquire.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Inquire>): Inquire {
    return decodeMessage(buf, Inquire.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Inquire>): Generator<InquireKeyFieldEvent | InquireIdPeerFieldEvent | InquireIdIncFieldEvent | InquireIdSeqFieldEvent | InquireGrantNoIncFieldEvent | InquireGrantNoNFieldEvent> {
    return streamMessage(buf, Inquire.codec(), opts)
  }
}

export interface Yield {
  key: string
  id?: AttemptId
  grantNo?: GrantNo
}

export namespace Yield {
  let _codec: Codec<Yield>

  export const codec = (): Codec<Yield> => {
    if (_codec == null) {
      _codec = message<Yield>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.grantNo != null) {
          w.uint32(26)
          GrantNo.codec().encode(obj.grantNo, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.grantNo = GrantNo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grantNo
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield * GrantNo.codec().stream(reader, reader.uint32(), `${prefix}.grantNo`, {
                limits: opts.limits?.grantNo
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface YieldKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface YieldIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface YieldIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface YieldIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface YieldGrantNoIncFieldEvent {
    field: '$.grantNo.inc'
    value: number
  }

  export interface YieldGrantNoNFieldEvent {
    field: '$.grantNo.n'
    value: number
  }

  export function encode (obj: Partial<Yield>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Yield.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Yield>): Yield {
    return decodeMessage(buf, Yield.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Yield>): Generator<YieldKeyFieldEvent | YieldIdPeerFieldEvent | YieldIdIncFieldEvent | YieldIdSeqFieldEvent | YieldGrantNoIncFieldEvent | YieldGrantNoNFieldEvent> {
    return streamMessage(buf, Yield.codec(), opts)
  }
}

export interface Contended {
  key: string
  id?: AttemptId
}

export namespace Contended {
  let _codec: Codec<Contended>

  export const codec = (): Codec<Contended> => {
    if (_codec == null) {
      _codec = message<Contended>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ContendedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface ContendedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface ContendedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface ContendedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export function encode (obj: Partial<Contended>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Contended.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Contended>): Contended {
    return decodeMessage(buf, Contended.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Contended>): Generator<ContendedKeyFieldEvent | ContendedIdPeerFieldEvent | ContendedIdIncFieldEvent | ContendedIdSeqFieldEvent> {
    return streamMessage(buf, Contended.codec(), opts)
  }
}

export interface Commit {
  key: string
  id?: AttemptId
  grantNo?: GrantNo
  attempt: number
  token: bigint
}

export namespace Commit {
  let _codec: Codec<Commit>

  export const codec = (): Codec<Commit> => {
    if (_codec == null) {
      _codec = message<Commit>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.grantNo != null) {
          w.uint32(26)
          GrantNo.codec().encode(obj.grantNo, w)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(32)
          w.uint32(obj.attempt)
        }

        if ((obj.token != null && obj.token !== 0n)) {
          w.uint32(40)
          w.uint64(obj.token)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          attempt: 0,
          token: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.grantNo = GrantNo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grantNo
              })
              break
            }
            case 4: {
              obj.attempt = reader.uint32()
              break
            }
            case 5: {
              obj.token = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield * GrantNo.codec().stream(reader, reader.uint32(), `${prefix}.grantNo`, {
                limits: opts.limits?.grantNo
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.token`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CommitKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface CommitIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface CommitIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface CommitIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface CommitGrantNoIncFieldEvent {
    field: '$.grantNo.inc'
    value: number
  }

  export interface CommitGrantNoNFieldEvent {
    field: '$.grantNo.n'
    value: number
  }

  export interface CommitAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface CommitTokenFieldEvent {
    field: '$.token'
    value: bigint
  }

  export function encode (obj: Partial<Commit>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Commit.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Commit>): Commit {
    return decodeMessage(buf, Commit.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Commit>): Generator<CommitKeyFieldEvent | CommitIdPeerFieldEvent | CommitIdIncFieldEvent | CommitIdSeqFieldEvent | CommitGrantNoIncFieldEvent | CommitGrantNoNFieldEvent | CommitAttemptFieldEvent | CommitTokenFieldEvent> {
    return streamMessage(buf, Commit.codec(), opts)
  }
}

export interface Committed {
  key: string
  id?: AttemptId
  attempt: number
}

export namespace Committed {
  let _codec: Codec<Committed>

  export const codec = (): Codec<Committed> => {
    if (_codec == null) {
      _codec = message<Committed>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(24)
          w.uint32(obj.attempt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          attempt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.attempt = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CommittedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface CommittedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface CommittedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface CommittedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface CommittedAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export function encode (obj: Partial<Committed>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Committed.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Committed>): Committed {
    return decodeMessage(buf, Committed.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Committed>): Generator<CommittedKeyFieldEvent | CommittedIdPeerFieldEvent | CommittedIdIncFieldEvent | CommittedIdSeqFieldEvent | CommittedAttemptFieldEvent> {
    return streamMessage(buf, Committed.codec(), opts)
  }
}

export interface Refused {
  key: string
  id?: AttemptId
  phase: Phase
  attempt: number
  reason: RefusedReason
}

export namespace Refused {
  let _codec: Codec<Refused>

  export const codec = (): Codec<Refused> => {
    if (_codec == null) {
      _codec = message<Refused>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.phase != null && __PhaseValues[obj.phase] !== 0) {
          w.uint32(24)
          Phase.codec().encode(obj.phase, w)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(32)
          w.uint32(obj.attempt)
        }

        if (obj.reason != null && __RefusedReasonValues[obj.reason] !== 0) {
          w.uint32(40)
          RefusedReason.codec().encode(obj.reason, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          phase: Phase.PHASE_UNSPECIFIED,
          attempt: 0,
          reason: RefusedReason.REFUSED_REASON_UNSPECIFIED
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.phase = Phase.codec().decode(reader)
              break
            }
            case 4: {
              obj.attempt = reader.uint32()
              break
            }
            case 5: {
              obj.reason = RefusedReason.codec().decode(reader)
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.phase`,
                value: Phase.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.reason`,
                value: RefusedReason.codec().decode(reader)
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RefusedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface RefusedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface RefusedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface RefusedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface RefusedPhaseFieldEvent {
    field: '$.phase'
    value: Phase
  }

  export interface RefusedAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface RefusedReasonFieldEvent {
    field: '$.reason'
    value: RefusedReason
  }

  export function encode (obj: Partial<Refused>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Refused.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refused>): Refused {
    return decodeMessage(buf, Refused.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refused>): Generator<RefusedKeyFieldEvent | RefusedIdPeerFieldEvent | RefusedIdIncFieldEvent | RefusedIdSeqFieldEvent | RefusedPhaseFieldEvent | RefusedAttemptFieldEvent | RefusedReasonFieldEvent> {
    return streamMessage(buf, Refused.codec(), opts)
  }
}

export interface Extend {
  key: string
  id?: AttemptId
  grantNo?: GrantNo
  attempt: number
  ttlMs: number
}

export namespace Extend {
  let _codec: Codec<Extend>

  export const codec = (): Codec<Extend> => {
    if (_codec == null) {
      _codec = message<Extend>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (obj.grantNo != null) {
          w.uint32(26)
          GrantNo.codec().encode(obj.grantNo, w)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(32)
          w.uint32(obj.attempt)
        }

        if ((obj.ttlMs != null && obj.ttlMs !== 0)) {
          w.uint32(40)
          w.uint32(obj.ttlMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          attempt: 0,
          ttlMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.grantNo = GrantNo.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grantNo
              })
              break
            }
            case 4: {
              obj.attempt = reader.uint32()
              break
            }
            case 5: {
              obj.ttlMs = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield * GrantNo.codec().stream(reader, reader.uint32(), `${prefix}.grantNo`, {
                limits: opts.limits?.grantNo
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ttlMs`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ExtendKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface ExtendIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface ExtendIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface ExtendIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface ExtendGrantNoIncFieldEvent {
    field: '$.grantNo.inc'
    value: number
  }

  export interface ExtendGrantNoNFieldEvent {
    field: '$.grantNo.n'
    value: number
  }

  export interface ExtendAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export interface ExtendTtlMsFieldEvent {
    field: '$.ttlMs'
    value: number
  }

  export function encode (obj: Partial<Extend>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Extend.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Extend>): Extend {
    return decodeMessage(buf, Extend.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Extend>): Generator<ExtendKeyFieldEvent | ExtendIdPeerFieldEvent | ExtendIdIncFieldEvent | ExtendIdSeqFieldEvent | ExtendGrantNoIncFieldEvent | ExtendGrantNoNFieldEvent | ExtendAttemptFieldEvent | ExtendTtlMsFieldEvent> {
    return streamMessage(buf, Extend.codec(), opts)
  }
}

export interface Extended {
  key: string
  id?: AttemptId
  attempt: number
}

export namespace Extended {
  let _codec: Codec<Extended>

  export const codec = (): Codec<Extended> => {
    if (_codec == null) {
      _codec = message<Extended>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if ((obj.attempt != null && obj.attempt !== 0)) {
          w.uint32(24)
          w.uint32(obj.attempt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          attempt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            case 3: {
              obj.attempt = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.attempt`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ExtendedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface ExtendedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface ExtendedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface ExtendedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export interface ExtendedAttemptFieldEvent {
    field: '$.attempt'
    value: number
  }

  export function encode (obj: Partial<Extended>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Extended.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Extended>): Extended {
    return decodeMessage(buf, Extended.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Extended>): Generator<ExtendedKeyFieldEvent | ExtendedIdPeerFieldEvent | ExtendedIdIncFieldEvent | ExtendedIdSeqFieldEvent | ExtendedAttemptFieldEvent> {
    return streamMessage(buf, Extended.codec(), opts)
  }
}

export interface Release {
  key: string
  id?: AttemptId
}

export namespace Release {
  let _codec: Codec<Release>

  export const codec = (): Codec<Release> => {
    if (_codec == null) {
      _codec = message<Release>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReleaseKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface ReleaseIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface ReleaseIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface ReleaseIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export function encode (obj: Partial<Release>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Release.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Release>): Release {
    return decodeMessage(buf, Release.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Release>): Generator<ReleaseKeyFieldEvent | ReleaseIdPeerFieldEvent | ReleaseIdIncFieldEvent | ReleaseIdSeqFieldEvent> {
    return streamMessage(buf, Release.codec(), opts)
  }
}

export interface Released {
  key: string
  id?: AttemptId
}

export namespace Released {
  let _codec: Codec<Released>

  export const codec = (): Codec<Released> => {
    if (_codec == null) {
      _codec = message<Released>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if (obj.id != null) {
          w.uint32(18)
          AttemptId.codec().encode(obj.id, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.id = AttemptId.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.id
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * AttemptId.codec().stream(reader, reader.uint32(), `${prefix}.id`, {
                limits: opts.limits?.id
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReleasedKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface ReleasedIdPeerFieldEvent {
    field: '$.id.peer'
    value: string
  }

  export interface ReleasedIdIncFieldEvent {
    field: '$.id.inc'
    value: number
  }

  export interface ReleasedIdSeqFieldEvent {
    field: '$.id.seq'
    value: number
  }

  export function encode (obj: Partial<Released>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Released.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Released>): Released {
    return decodeMessage(buf, Released.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Released>): Generator<ReleasedKeyFieldEvent | ReleasedIdPeerFieldEvent | ReleasedIdIncFieldEvent | ReleasedIdSeqFieldEvent> {
    return streamMessage(buf, Released.codec(), opts)
  }
}

export interface Ping {}

export namespace Ping {
  let _codec: Codec<Ping>

  export const codec = (): Codec<Ping> => {
    if (_codec == null) {
      _codec = message<Ping>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<Ping>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ping.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ping>): Ping {
    return decodeMessage(buf, Ping.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ping>): Generator<{}> {
    return streamMessage(buf, Ping.codec(), opts)
  }
}

export interface Recover {
  round: number
}

export namespace Recover {
  let _codec: Codec<Recover>

  export const codec = (): Codec<Recover> => {
    if (_codec == null) {
      _codec = message<Recover>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.round != null && obj.round !== 0)) {
          w.uint32(8)
          w.uint32(obj.round)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          round: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.round = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.round`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RecoverRoundFieldEvent {
    field: '$.round'
    value: number
  }

  export function encode (obj: Partial<Recover>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Recover.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Recover>): Recover {
    return decodeMessage(buf, Recover.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Recover>): Generator<RecoverRoundFieldEvent> {
    return streamMessage(buf, Recover.codec(), opts)
  }
}

export interface Ceiling {
  round: number
  ceiling: bigint
  seenIncarnation: number
  recovering: boolean
}

export namespace Ceiling {
  let _codec: Codec<Ceiling>

  export const codec = (): Codec<Ceiling> => {
    if (_codec == null) {
      _codec = message<Ceiling>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.round != null && obj.round !== 0)) {
          w.uint32(8)
          w.uint32(obj.round)
        }

        if ((obj.ceiling != null && obj.ceiling !== 0n)) {
          w.uint32(16)
          w.uint64(obj.ceiling)
        }

        if ((obj.seenIncarnation != null && obj.seenIncarnation !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.seenIncarnation)
        }

        if ((obj.recovering != null && obj.recovering !== false)) {
          w.uint32(32)
          w.bool(obj.recovering)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          round: 0,
          ceiling: 0n,
          seenIncarnation: 0,
          recovering: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.round = reader.uint32()
              break
            }
            case 2: {
              obj.ceiling = reader.uint64()
              break
            }
            case 3: {
              obj.seenIncarnation = reader.uint64Number()
              break
            }
            case 4: {
              obj.recovering = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.round`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ceiling`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seenIncarnation`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.recovering`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CeilingRoundFieldEvent {
    field: '$.round'
    value: number
  }

  export interface CeilingCeilingFieldEvent {
    field: '$.ceiling'
    value: bigint
  }

  export interface CeilingSeenIncarnationFieldEvent {
    field: '$.seenIncarnation'
    value: number
  }

  export interface CeilingRecoveringFieldEvent {
    field: '$.recovering'
    value: boolean
  }

  export function encode (obj: Partial<Ceiling>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ceiling.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ceiling>): Ceiling {
    return decodeMessage(buf, Ceiling.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ceiling>): Generator<CeilingRoundFieldEvent | CeilingCeilingFieldEvent | CeilingSeenIncarnationFieldEvent | CeilingRecoveringFieldEvent> {
    return streamMessage(buf, Ceiling.codec(), opts)
  }
}

export interface Pong {}

export namespace Pong {
  let _codec: Codec<Pong>

  export const codec = (): Codec<Pong> => {
    if (_codec == null) {
      _codec = message<Pong>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<Pong>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Pong.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Pong>): Pong {
    return decodeMessage(buf, Pong.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Pong>): Generator<{}> {
    return streamMessage(buf, Pong.codec(), opts)
  }
}

export interface Frame {
  h?: FrameHeader
  request?: Request
  queued?: Queued
  grant?: Grant
  failed?: Failed
  inquire?: Inquire
  yield?: Yield
  contended?: Contended
  commit?: Commit
  committed?: Committed
  refused?: Refused
  extend?: Extend
  extended?: Extended
  release?: Release
  released?: Released
  ping?: Ping
  pong?: Pong
  recover?: Recover
  ceiling?: Ceiling
}

export namespace Frame {
  let _codec: Codec<Frame>

  export const codec = (): Codec<Frame> => {
    if (_codec == null) {
      _codec = message<Frame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.h != null) {
          w.uint32(10)
          FrameHeader.codec().encode(obj.h, w)
        }

        if (obj.request != null) {
          w.uint32(18)
          Request.codec().encode(obj.request, w)
        }

        if (obj.queued != null) {
          w.uint32(26)
          Queued.codec().encode(obj.queued, w)
        }

        if (obj.grant != null) {
          w.uint32(34)
          Grant.codec().encode(obj.grant, w)
        }

        if (obj.failed != null) {
          w.uint32(42)
          Failed.codec().encode(obj.failed, w)
        }

        if (obj.inquire != null) {
          w.uint32(50)
          Inquire.codec().encode(obj.inquire, w)
        }

        if (obj.yield != null) {
          w.uint32(58)
          Yield.codec().encode(obj.yield, w)
        }

        if (obj.contended != null) {
          w.uint32(66)
          Contended.codec().encode(obj.contended, w)
        }

        if (obj.commit != null) {
          w.uint32(74)
          Commit.codec().encode(obj.commit, w)
        }

        if (obj.committed != null) {
          w.uint32(82)
          Committed.codec().encode(obj.committed, w)
        }

        if (obj.refused != null) {
          w.uint32(90)
          Refused.codec().encode(obj.refused, w)
        }

        if (obj.extend != null) {
          w.uint32(98)
          Extend.codec().encode(obj.extend, w)
        }

        if (obj.extended != null) {
          w.uint32(106)
          Extended.codec().encode(obj.extended, w)
        }

        if (obj.release != null) {
          w.uint32(114)
          Release.codec().encode(obj.release, w)
        }

        if (obj.released != null) {
          w.uint32(122)
          Released.codec().encode(obj.released, w)
        }

        if (obj.ping != null) {
          w.uint32(130)
          Ping.codec().encode(obj.ping, w)
        }

        if (obj.pong != null) {
          w.uint32(138)
          Pong.codec().encode(obj.pong, w)
        }

        if (obj.recover != null) {
          w.uint32(146)
          Recover.codec().encode(obj.recover, w)
        }

        if (obj.ceiling != null) {
          w.uint32(154)
          Ceiling.codec().encode(obj.ceiling, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.h = FrameHeader.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.h
              })
              break
            }
            case 2: {
              obj.request = Request.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.request
              })
              break
            }
            case 3: {
              obj.queued = Queued.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.queued
              })
              break
            }
            case 4: {
              obj.grant = Grant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            case 5: {
              obj.failed = Failed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.failed
              })
              break
            }
            case 6: {
              obj.inquire = Inquire.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.inquire
              })
              break
            }
            case 7: {
              obj.yield = Yield.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.yield
              })
              break
            }
            case 8: {
              obj.contended = Contended.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.contended
              })
              break
            }
            case 9: {
              obj.commit = Commit.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.commit
              })
              break
            }
            case 10: {
              obj.committed = Committed.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.committed
              })
              break
            }
            case 11: {
              obj.refused = Refused.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.refused
              })
              break
            }
            case 12: {
              obj.extend = Extend.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.extend
              })
              break
            }
            case 13: {
              obj.extended = Extended.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.extended
              })
              break
            }
            case 14: {
              obj.release = Release.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.release
              })
              break
            }
            case 15: {
              obj.released = Released.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.released
              })
              break
            }
            case 16: {
              obj.ping = Ping.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ping
              })
              break
            }
            case 17: {
              obj.pong = Pong.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pong
              })
              break
            }
            case 18: {
              obj.recover = Recover.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.recover
              })
              break
            }
            case 19: {
              obj.ceiling = Ceiling.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ceiling
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * FrameHeader.codec().stream(reader, reader.uint32(), `${prefix}.h`, {
                limits: opts.limits?.h
              })

              break
            }
            case 2: {
              yield * Request.codec().stream(reader, reader.uint32(), `${prefix}.request`, {
                limits: opts.limits?.request
              })

              break
            }
            case 3: {
              yield * Queued.codec().stream(reader, reader.uint32(), `${prefix}.queued`, {
                limits: opts.limits?.queued
              })

              break
            }
            case 4: {
              yield * Grant.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
              })

              break
            }
            case 5: {
              yield * Failed.codec().stream(reader, reader.uint32(), `${prefix}.failed`, {
                limits: opts.limits?.failed
              })

              break
            }
            case 6: {
              yield * Inquire.codec().stream(reader, reader.uint32(), `${prefix}.inquire`, {
                limits: opts.limits?.inquire
              })

              break
            }
            case 7: {
              yield * Yield.codec().stream(reader, reader.uint32(), `${prefix}.yield`, {
                limits: opts.limits?.yield
              })

              break
            }
            case 8: {
              yield * Contended.codec().stream(reader, reader.uint32(), `${prefix}.contended`, {
                limits: opts.limits?.contended
              })

              break
            }
            case 9: {
              yield * Commit.codec().stream(reader, reader.uint32(), `${prefix}.commit`, {
                limits: opts.limits?.commit
              })

              break
            }
            case 10: {
              yield * Committed.codec().stream(reader, reader.uint32(), `${prefix}.committed`, {
                limits: opts.limits?.committed
              })

              break
            }
            case 11: {
              yield * Refused.codec().stream(reader, reader.uint32(), `${prefix}.refused`, {
                limits: opts.limits?.refused
              })

              break
            }
            case 12: {
              yield * Extend.codec().stream(reader, reader.uint32(), `${prefix}.extend`, {
                limits: opts.limits?.extend
              })

              break
            }
            case 13: {
              yield * Extended.codec().stream(reader, reader.uint32(), `${prefix}.extended`, {
                limits: opts.limits?.extended
              })

              break
            }
            case 14: {
              yield * Release.codec().stream(reader, reader.uint32(), `${prefix}.release`, {
                limits: opts.limits?.release
              })

              break
            }
            case 15: {
              yield * Released.codec().stream(reader, reader.uint32(), `${prefix}.released`, {
                limits: opts.limits?.released
              })

              break
            }
            case 16: {
              yield * Ping.codec().stream(reader, reader.uint32(), `${prefix}.ping`, {
                limits: opts.limits?.ping
              })

              break
            }
            case 17: {
              yield * Pong.codec().stream(reader, reader.uint32(), `${prefix}.pong`, {
                limits: opts.limits?.pong
              })

              break
            }
            case 18: {
              yield * Recover.codec().stream(reader, reader.uint32(), `${prefix}.recover`, {
                limits: opts.limits?.recover
              })

              break
            }
            case 19: {
              yield * Ceiling.codec().stream(reader, reader.uint32(), `${prefix}.ceiling`, {
                limits: opts.limits?.ceiling
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FrameHClockFieldEvent {
    field: '$.h.clock'
    value: bigint
  }

  export interface FrameHIncFieldEvent {
    field: '$.h.inc'
    value: number
  }

  export interface FrameHFnFieldEvent {
    field: '$.h.fn'
    value: number
  }

  export interface FrameHAckFieldEvent {
    field: '$.h.ack'
    value: number
  }

  export interface FrameHAckIncFieldEvent {
    field: '$.h.ackInc'
    value: number
  }

  export interface FrameRequestKeyFieldEvent {
    field: '$.request.key'
    value: string
  }

  export interface FrameRequestIdPeerFieldEvent {
    field: '$.request.id.peer'
    value: string
  }

  export interface FrameRequestIdIncFieldEvent {
    field: '$.request.id.inc'
    value: number
  }

  export interface FrameRequestIdSeqFieldEvent {
    field: '$.request.id.seq'
    value: number
  }

  export interface FrameRequestTsFieldEvent {
    field: '$.request.ts'
    value: bigint
  }

  export interface FrameRequestModeFieldEvent {
    field: '$.request.mode'
    value: LockMode
  }

  export interface FrameRequestTtlMsFieldEvent {
    field: '$.request.ttlMs'
    value: number
  }

  export interface FrameRequestNoWaitFieldEvent {
    field: '$.request.noWait'
    value: boolean
  }

  export interface FrameQueuedKeyFieldEvent {
    field: '$.queued.key'
    value: string
  }

  export interface FrameQueuedIdPeerFieldEvent {
    field: '$.queued.id.peer'
    value: string
  }

  export interface FrameQueuedIdIncFieldEvent {
    field: '$.queued.id.inc'
    value: number
  }

  export interface FrameQueuedIdSeqFieldEvent {
    field: '$.queued.id.seq'
    value: number
  }

  export interface FrameGrantKeyFieldEvent {
    field: '$.grant.key'
    value: string
  }

  export interface FrameGrantIdPeerFieldEvent {
    field: '$.grant.id.peer'
    value: string
  }

  export interface FrameGrantIdIncFieldEvent {
    field: '$.grant.id.inc'
    value: number
  }

  export interface FrameGrantIdSeqFieldEvent {
    field: '$.grant.id.seq'
    value: number
  }

  export interface FrameGrantGrantNoIncFieldEvent {
    field: '$.grant.grantNo.inc'
    value: number
  }

  export interface FrameGrantGrantNoNFieldEvent {
    field: '$.grant.grantNo.n'
    value: number
  }

  export interface FrameGrantFenceFieldEvent {
    field: '$.grant.fence'
    value: bigint
  }

  export interface FrameFailedKeyFieldEvent {
    field: '$.failed.key'
    value: string
  }

  export interface FrameFailedIdPeerFieldEvent {
    field: '$.failed.id.peer'
    value: string
  }

  export interface FrameFailedIdIncFieldEvent {
    field: '$.failed.id.inc'
    value: number
  }

  export interface FrameFailedIdSeqFieldEvent {
    field: '$.failed.id.seq'
    value: number
  }

  export interface FrameFailedReasonFieldEvent {
    field: '$.failed.reason'
    value: FailedReason
  }

  export interface FrameFailedSupersedesIncFieldEvent {
    field: '$.failed.supersedes.inc'
    value: number
  }

  export interface FrameFailedSupersedesNFieldEvent {
    field: '$.failed.supersedes.n'
    value: number
  }

  export interface FrameFailedQuietRemainingMsFieldEvent {
    field: '$.failed.quietRemainingMs'
    value: number
  }

  export interface FrameInquireKeyFieldEvent {
    field: '$.inquire.key'
    value: string
  }

  export interface FrameInquireIdPeerFieldEvent {
    field: '$.inquire.id.peer'
    value: string
  }

  export interface FrameInquireIdIncFieldEvent {
    field: '$.inquire.id.inc'
    value: number
  }

  export interface FrameInquireIdSeqFieldEvent {
    field: '$.inquire.id.seq'
    value: number
  }

  export interface FrameInquireGrantNoIncFieldEvent {
    field: '$.inquire.grantNo.inc'
    value: number
  }

  export interface FrameInquireGrantNoNFieldEvent {
    field: '$.inquire.grantNo.n'
    value: number
  }

  export interface FrameYieldKeyFieldEvent {
    field: '$.yield.key'
    value: string
  }

  export interface FrameYieldIdPeerFieldEvent {
    field: '$.yield.id.peer'
    value: string
  }

  export interface FrameYieldIdIncFieldEvent {
    field: '$.yield.id.inc'
    value: number
  }

  export interface FrameYieldIdSeqFieldEvent {
    field: '$.yield.id.seq'
    value: number
  }

  export interface FrameYieldGrantNoIncFieldEvent {
    field: '$.yield.grantNo.inc'
    value: number
  }

  export interface FrameYieldGrantNoNFieldEvent {
    field: '$.yield.grantNo.n'
    value: number
  }

  export interface FrameContendedKeyFieldEvent {
    field: '$.contended.key'
    value: string
  }

  export interface FrameContendedIdPeerFieldEvent {
    field: '$.contended.id.peer'
    value: string
  }

  export interface FrameContendedIdIncFieldEvent {
    field: '$.contended.id.inc'
    value: number
  }

  export interface FrameContendedIdSeqFieldEvent {
    field: '$.contended.id.seq'
    value: number
  }

  export interface FrameCommitKeyFieldEvent {
    field: '$.commit.key'
    value: string
  }

  export interface FrameCommitIdPeerFieldEvent {
    field: '$.commit.id.peer'
    value: string
  }

  export interface FrameCommitIdIncFieldEvent {
    field: '$.commit.id.inc'
    value: number
  }

  export interface FrameCommitIdSeqFieldEvent {
    field: '$.commit.id.seq'
    value: number
  }

  export interface FrameCommitGrantNoIncFieldEvent {
    field: '$.commit.grantNo.inc'
    value: number
  }

  export interface FrameCommitGrantNoNFieldEvent {
    field: '$.commit.grantNo.n'
    value: number
  }

  export interface FrameCommitAttemptFieldEvent {
    field: '$.commit.attempt'
    value: number
  }

  export interface FrameCommitTokenFieldEvent {
    field: '$.commit.token'
    value: bigint
  }

  export interface FrameCommittedKeyFieldEvent {
    field: '$.committed.key'
    value: string
  }

  export interface FrameCommittedIdPeerFieldEvent {
    field: '$.committed.id.peer'
    value: string
  }

  export interface FrameCommittedIdIncFieldEvent {
    field: '$.committed.id.inc'
    value: number
  }

  export interface FrameCommittedIdSeqFieldEvent {
    field: '$.committed.id.seq'
    value: number
  }

  export interface FrameCommittedAttemptFieldEvent {
    field: '$.committed.attempt'
    value: number
  }

  export interface FrameRefusedKeyFieldEvent {
    field: '$.refused.key'
    value: string
  }

  export interface FrameRefusedIdPeerFieldEvent {
    field: '$.refused.id.peer'
    value: string
  }

  export interface FrameRefusedIdIncFieldEvent {
    field: '$.refused.id.inc'
    value: number
  }

  export interface FrameRefusedIdSeqFieldEvent {
    field: '$.refused.id.seq'
    value: number
  }

  export interface FrameRefusedPhaseFieldEvent {
    field: '$.refused.phase'
    value: Phase
  }

  export interface FrameRefusedAttemptFieldEvent {
    field: '$.refused.attempt'
    value: number
  }

  export interface FrameRefusedReasonFieldEvent {
    field: '$.refused.reason'
    value: RefusedReason
  }

  export interface FrameExtendKeyFieldEvent {
    field: '$.extend.key'
    value: string
  }

  export interface FrameExtendIdPeerFieldEvent {
    field: '$.extend.id.peer'
    value: string
  }

  export interface FrameExtendIdIncFieldEvent {
    field: '$.extend.id.inc'
    value: number
  }

  export interface FrameExtendIdSeqFieldEvent {
    field: '$.extend.id.seq'
    value: number
  }

  export interface FrameExtendGrantNoIncFieldEvent {
    field: '$.extend.grantNo.inc'
    value: number
  }

  export interface FrameExtendGrantNoNFieldEvent {
    field: '$.extend.grantNo.n'
    value: number
  }

  export interface FrameExtendAttemptFieldEvent {
    field: '$.extend.attempt'
    value: number
  }

  export interface FrameExtendTtlMsFieldEvent {
    field: '$.extend.ttlMs'
    value: number
  }

  export interface FrameExtendedKeyFieldEvent {
    field: '$.extended.key'
    value: string
  }

  export interface FrameExtendedIdPeerFieldEvent {
    field: '$.extended.id.peer'
    value: string
  }

  export interface FrameExtendedIdIncFieldEvent {
    field: '$.extended.id.inc'
    value: number
  }

  export interface FrameExtendedIdSeqFieldEvent {
    field: '$.extended.id.seq'
    value: number
  }

  export interface FrameExtendedAttemptFieldEvent {
    field: '$.extended.attempt'
    value: number
  }

  export interface FrameReleaseKeyFieldEvent {
    field: '$.release.key'
    value: string
  }

  export interface FrameReleaseIdPeerFieldEvent {
    field: '$.release.id.peer'
    value: string
  }

  export interface FrameReleaseIdIncFieldEvent {
    field: '$.release.id.inc'
    value: number
  }

  export interface FrameReleaseIdSeqFieldEvent {
    field: '$.release.id.seq'
    value: number
  }

  export interface FrameReleasedKeyFieldEvent {
    field: '$.released.key'
    value: string
  }

  export interface FrameReleasedIdPeerFieldEvent {
    field: '$.released.id.peer'
    value: string
  }

  export interface FrameReleasedIdIncFieldEvent {
    field: '$.released.id.inc'
    value: number
  }

  export interface FrameReleasedIdSeqFieldEvent {
    field: '$.released.id.seq'
    value: number
  }

  export interface FrameRecoverRoundFieldEvent {
    field: '$.recover.round'
    value: number
  }

  export interface FrameCeilingRoundFieldEvent {
    field: '$.ceiling.round'
    value: number
  }

  export interface FrameCeilingCeilingFieldEvent {
    field: '$.ceiling.ceiling'
    value: bigint
  }

  export interface FrameCeilingSeenIncarnationFieldEvent {
    field: '$.ceiling.seenIncarnation'
    value: number
  }

  export interface FrameCeilingRecoveringFieldEvent {
    field: '$.ceiling.recovering'
    value: boolean
  }

  export function encode (obj: Partial<Frame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Frame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Frame {
    return decodeMessage(buf, Frame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Generator<FrameHClockFieldEvent | FrameHIncFieldEvent | FrameHFnFieldEvent | FrameHAckFieldEvent | FrameHAckIncFieldEvent | FrameRequestKeyFieldEvent | FrameRequestIdPeerFieldEvent | FrameRequestIdIncFieldEvent | FrameRequestIdSeqFieldEvent | FrameRequestTsFieldEvent | FrameRequestModeFieldEvent | FrameRequestTtlMsFieldEvent | FrameRequestNoWaitFieldEvent | FrameQueuedKeyFieldEvent | FrameQueuedIdPeerFieldEvent | FrameQueuedIdIncFieldEvent | FrameQueuedIdSeqFieldEvent | FrameGrantKeyFieldEvent | FrameGrantIdPeerFieldEvent | FrameGrantIdIncFieldEvent | FrameGrantIdSeqFieldEvent | FrameGrantGrantNoIncFieldEvent | FrameGrantGrantNoNFieldEvent | FrameGrantFenceFieldEvent | FrameFailedKeyFieldEvent | FrameFailedIdPeerFieldEvent | FrameFailedIdIncFieldEvent | FrameFailedIdSeqFieldEvent | FrameFailedReasonFieldEvent | FrameFailedSupersedesIncFieldEvent | FrameFailedSupersedesNFieldEvent | FrameFailedQuietRemainingMsFieldEvent | FrameInquireKeyFieldEvent | FrameInquireIdPeerFieldEvent | FrameInquireIdIncFieldEvent | FrameInquireIdSeqFieldEvent | FrameInquireGrantNoIncFieldEvent | FrameInquireGrantNoNFieldEvent | FrameYieldKeyFieldEvent | FrameYieldIdPeerFieldEvent | FrameYieldIdIncFieldEvent | FrameYieldIdSeqFieldEvent | FrameYieldGrantNoIncFieldEvent | FrameYieldGrantNoNFieldEvent | FrameContendedKeyFieldEvent | FrameContendedIdPeerFieldEvent | FrameContendedIdIncFieldEvent | FrameContendedIdSeqFieldEvent | FrameCommitKeyFieldEvent | FrameCommitIdPeerFieldEvent | FrameCommitIdIncFieldEvent | FrameCommitIdSeqFieldEvent | FrameCommitGrantNoIncFieldEvent | FrameCommitGrantNoNFieldEvent | FrameCommitAttemptFieldEvent | FrameCommitTokenFieldEvent | FrameCommittedKeyFieldEvent | FrameCommittedIdPeerFieldEvent | FrameCommittedIdIncFieldEvent | FrameCommittedIdSeqFieldEvent | FrameCommittedAttemptFieldEvent | FrameRefusedKeyFieldEvent | FrameRefusedIdPeerFieldEvent | FrameRefusedIdIncFieldEvent | FrameRefusedIdSeqFieldEvent | FrameRefusedPhaseFieldEvent | FrameRefusedAttemptFieldEvent | FrameRefusedReasonFieldEvent | FrameExtendKeyFieldEvent | FrameExtendIdPeerFieldEvent | FrameExtendIdIncFieldEvent | FrameExtendIdSeqFieldEvent | FrameExtendGrantNoIncFieldEvent | FrameExtendGrantNoNFieldEvent | FrameExtendAttemptFieldEvent | FrameExtendTtlMsFieldEvent | FrameExtendedKeyFieldEvent | FrameExtendedIdPeerFieldEvent | FrameExtendedIdIncFieldEvent | FrameExtendedIdSeqFieldEvent | FrameExtendedAttemptFieldEvent | FrameReleaseKeyFieldEvent | FrameReleaseIdPeerFieldEvent | FrameReleaseIdIncFieldEvent | FrameReleaseIdSeqFieldEvent | FrameReleasedKeyFieldEvent | FrameReleasedIdPeerFieldEvent | FrameReleasedIdIncFieldEvent | FrameReleasedIdSeqFieldEvent | FrameRecoverRoundFieldEvent | FrameCeilingRoundFieldEvent | FrameCeilingCeilingFieldEvent | FrameCeilingSeenIncarnationFieldEvent | FrameCeilingRecoveringFieldEvent> {
    return streamMessage(buf, Frame.codec(), opts)
  }
}

export interface Batch {
  frames: Frame[]
}

export namespace Batch {
  let _codec: Codec<Batch>

  export const codec = (): Codec<Batch> => {
    if (_codec == null) {
      _codec = message<Batch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.frames != null && obj.frames.length > 0) {
          for (const value of obj.frames) {
            w.uint32(10)
            Frame.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          frames: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.frames != null && obj.frames.length === opts.limits.frames) {
                throw new MaxLengthError('Decode error - repeated field "frames" had too many elements')
              }

              obj.frames.push(Frame.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.frames$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          frames: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.frames != null && obj.frames === opts.limits.frames) {
                throw new MaxLengthError('Streaming decode error - repeated field "frames" had too many elements')
              }

              for (const evt of Frame.codec().stream(reader, reader.uint32(), `${prefix}.frames[]`, {
                limits: opts.limits?.frames$
              })) {
                yield {
                  ...evt,
                  index: obj.frames
                }
              }

              obj.frames++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface BatchFramesHClockFieldEvent {
    field: '$.frames[].h.clock'
    value: bigint
    index: number
  }

  export interface BatchFramesHIncFieldEvent {
    field: '$.frames[].h.inc'
    value: number
    index: number
  }

  export interface BatchFramesHFnFieldEvent {
    field: '$.frames[].h.fn'
    value: number
    index: number
  }

  export interface BatchFramesHAckFieldEvent {
    field: '$.frames[].h.ack'
    value: number
    index: number
  }

  export interface BatchFramesHAckIncFieldEvent {
    field: '$.frames[].h.ackInc'
    value: number
    index: number
  }

  export interface BatchFramesRequestKeyFieldEvent {
    field: '$.frames[].request.key'
    value: string
    index: number
  }

  export interface BatchFramesRequestIdPeerFieldEvent {
    field: '$.frames[].request.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesRequestIdIncFieldEvent {
    field: '$.frames[].request.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesRequestIdSeqFieldEvent {
    field: '$.frames[].request.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesRequestTsFieldEvent {
    field: '$.frames[].request.ts'
    value: bigint
    index: number
  }

  export interface BatchFramesRequestModeFieldEvent {
    field: '$.frames[].request.mode'
    value: LockMode
    index: number
  }

  export interface BatchFramesRequestTtlMsFieldEvent {
    field: '$.frames[].request.ttlMs'
    value: number
    index: number
  }

  export interface BatchFramesRequestNoWaitFieldEvent {
    field: '$.frames[].request.noWait'
    value: boolean
    index: number
  }

  export interface BatchFramesQueuedKeyFieldEvent {
    field: '$.frames[].queued.key'
    value: string
    index: number
  }

  export interface BatchFramesQueuedIdPeerFieldEvent {
    field: '$.frames[].queued.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesQueuedIdIncFieldEvent {
    field: '$.frames[].queued.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesQueuedIdSeqFieldEvent {
    field: '$.frames[].queued.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesGrantKeyFieldEvent {
    field: '$.frames[].grant.key'
    value: string
    index: number
  }

  export interface BatchFramesGrantIdPeerFieldEvent {
    field: '$.frames[].grant.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesGrantIdIncFieldEvent {
    field: '$.frames[].grant.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesGrantIdSeqFieldEvent {
    field: '$.frames[].grant.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesGrantGrantNoIncFieldEvent {
    field: '$.frames[].grant.grantNo.inc'
    value: number
    index: number
  }

  export interface BatchFramesGrantGrantNoNFieldEvent {
    field: '$.frames[].grant.grantNo.n'
    value: number
    index: number
  }

  export interface BatchFramesGrantFenceFieldEvent {
    field: '$.frames[].grant.fence'
    value: bigint
    index: number
  }

  export interface BatchFramesFailedKeyFieldEvent {
    field: '$.frames[].failed.key'
    value: string
    index: number
  }

  export interface BatchFramesFailedIdPeerFieldEvent {
    field: '$.frames[].failed.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesFailedIdIncFieldEvent {
    field: '$.frames[].failed.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesFailedIdSeqFieldEvent {
    field: '$.frames[].failed.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesFailedReasonFieldEvent {
    field: '$.frames[].failed.reason'
    value: FailedReason
    index: number
  }

  export interface BatchFramesFailedSupersedesIncFieldEvent {
    field: '$.frames[].failed.supersedes.inc'
    value: number
    index: number
  }

  export interface BatchFramesFailedSupersedesNFieldEvent {
    field: '$.frames[].failed.supersedes.n'
    value: number
    index: number
  }

  export interface BatchFramesFailedQuietRemainingMsFieldEvent {
    field: '$.frames[].failed.quietRemainingMs'
    value: number
    index: number
  }

  export interface BatchFramesInquireKeyFieldEvent {
    field: '$.frames[].inquire.key'
    value: string
    index: number
  }

  export interface BatchFramesInquireIdPeerFieldEvent {
    field: '$.frames[].inquire.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesInquireIdIncFieldEvent {
    field: '$.frames[].inquire.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesInquireIdSeqFieldEvent {
    field: '$.frames[].inquire.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesInquireGrantNoIncFieldEvent {
    field: '$.frames[].inquire.grantNo.inc'
    value: number
    index: number
  }

  export interface BatchFramesInquireGrantNoNFieldEvent {
    field: '$.frames[].inquire.grantNo.n'
    value: number
    index: number
  }

  export interface BatchFramesYieldKeyFieldEvent {
    field: '$.frames[].yield.key'
    value: string
    index: number
  }

  export interface BatchFramesYieldIdPeerFieldEvent {
    field: '$.frames[].yield.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesYieldIdIncFieldEvent {
    field: '$.frames[].yield.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesYieldIdSeqFieldEvent {
    field: '$.frames[].yield.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesYieldGrantNoIncFieldEvent {
    field: '$.frames[].yield.grantNo.inc'
    value: number
    index: number
  }

  export interface BatchFramesYieldGrantNoNFieldEvent {
    field: '$.frames[].yield.grantNo.n'
    value: number
    index: number
  }

  export interface BatchFramesContendedKeyFieldEvent {
    field: '$.frames[].contended.key'
    value: string
    index: number
  }

  export interface BatchFramesContendedIdPeerFieldEvent {
    field: '$.frames[].contended.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesContendedIdIncFieldEvent {
    field: '$.frames[].contended.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesContendedIdSeqFieldEvent {
    field: '$.frames[].contended.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesCommitKeyFieldEvent {
    field: '$.frames[].commit.key'
    value: string
    index: number
  }

  export interface BatchFramesCommitIdPeerFieldEvent {
    field: '$.frames[].commit.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesCommitIdIncFieldEvent {
    field: '$.frames[].commit.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesCommitIdSeqFieldEvent {
    field: '$.frames[].commit.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesCommitGrantNoIncFieldEvent {
    field: '$.frames[].commit.grantNo.inc'
    value: number
    index: number
  }

  export interface BatchFramesCommitGrantNoNFieldEvent {
    field: '$.frames[].commit.grantNo.n'
    value: number
    index: number
  }

  export interface BatchFramesCommitAttemptFieldEvent {
    field: '$.frames[].commit.attempt'
    value: number
    index: number
  }

  export interface BatchFramesCommitTokenFieldEvent {
    field: '$.frames[].commit.token'
    value: bigint
    index: number
  }

  export interface BatchFramesCommittedKeyFieldEvent {
    field: '$.frames[].committed.key'
    value: string
    index: number
  }

  export interface BatchFramesCommittedIdPeerFieldEvent {
    field: '$.frames[].committed.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesCommittedIdIncFieldEvent {
    field: '$.frames[].committed.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesCommittedIdSeqFieldEvent {
    field: '$.frames[].committed.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesCommittedAttemptFieldEvent {
    field: '$.frames[].committed.attempt'
    value: number
    index: number
  }

  export interface BatchFramesRefusedKeyFieldEvent {
    field: '$.frames[].refused.key'
    value: string
    index: number
  }

  export interface BatchFramesRefusedIdPeerFieldEvent {
    field: '$.frames[].refused.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesRefusedIdIncFieldEvent {
    field: '$.frames[].refused.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesRefusedIdSeqFieldEvent {
    field: '$.frames[].refused.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesRefusedPhaseFieldEvent {
    field: '$.frames[].refused.phase'
    value: Phase
    index: number
  }

  export interface BatchFramesRefusedAttemptFieldEvent {
    field: '$.frames[].refused.attempt'
    value: number
    index: number
  }

  export interface BatchFramesRefusedReasonFieldEvent {
    field: '$.frames[].refused.reason'
    value: RefusedReason
    index: number
  }

  export interface BatchFramesExtendKeyFieldEvent {
    field: '$.frames[].extend.key'
    value: string
    index: number
  }

  export interface BatchFramesExtendIdPeerFieldEvent {
    field: '$.frames[].extend.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesExtendIdIncFieldEvent {
    field: '$.frames[].extend.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesExtendIdSeqFieldEvent {
    field: '$.frames[].extend.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesExtendGrantNoIncFieldEvent {
    field: '$.frames[].extend.grantNo.inc'
    value: number
    index: number
  }

  export interface BatchFramesExtendGrantNoNFieldEvent {
    field: '$.frames[].extend.grantNo.n'
    value: number
    index: number
  }

  export interface BatchFramesExtendAttemptFieldEvent {
    field: '$.frames[].extend.attempt'
    value: number
    index: number
  }

  export interface BatchFramesExtendTtlMsFieldEvent {
    field: '$.frames[].extend.ttlMs'
    value: number
    index: number
  }

  export interface BatchFramesExtendedKeyFieldEvent {
    field: '$.frames[].extended.key'
    value: string
    index: number
  }

  export interface BatchFramesExtendedIdPeerFieldEvent {
    field: '$.frames[].extended.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesExtendedIdIncFieldEvent {
    field: '$.frames[].extended.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesExtendedIdSeqFieldEvent {
    field: '$.frames[].extended.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesExtendedAttemptFieldEvent {
    field: '$.frames[].extended.attempt'
    value: number
    index: number
  }

  export interface BatchFramesReleaseKeyFieldEvent {
    field: '$.frames[].release.key'
    value: string
    index: number
  }

  export interface BatchFramesReleaseIdPeerFieldEvent {
    field: '$.frames[].release.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesReleaseIdIncFieldEvent {
    field: '$.frames[].release.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesReleaseIdSeqFieldEvent {
    field: '$.frames[].release.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesReleasedKeyFieldEvent {
    field: '$.frames[].released.key'
    value: string
    index: number
  }

  export interface BatchFramesReleasedIdPeerFieldEvent {
    field: '$.frames[].released.id.peer'
    value: string
    index: number
  }

  export interface BatchFramesReleasedIdIncFieldEvent {
    field: '$.frames[].released.id.inc'
    value: number
    index: number
  }

  export interface BatchFramesReleasedIdSeqFieldEvent {
    field: '$.frames[].released.id.seq'
    value: number
    index: number
  }

  export interface BatchFramesRecoverRoundFieldEvent {
    field: '$.frames[].recover.round'
    value: number
    index: number
  }

  export interface BatchFramesCeilingRoundFieldEvent {
    field: '$.frames[].ceiling.round'
    value: number
    index: number
  }

  export interface BatchFramesCeilingCeilingFieldEvent {
    field: '$.frames[].ceiling.ceiling'
    value: bigint
    index: number
  }

  export interface BatchFramesCeilingSeenIncarnationFieldEvent {
    field: '$.frames[].ceiling.seenIncarnation'
    value: number
    index: number
  }

  export interface BatchFramesCeilingRecoveringFieldEvent {
    field: '$.frames[].ceiling.recovering'
    value: boolean
    index: number
  }

  export function encode (obj: Partial<Batch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Batch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batch>): Batch {
    return decodeMessage(buf, Batch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Batch>): Generator<BatchFramesHClockFieldEvent | BatchFramesHIncFieldEvent | BatchFramesHFnFieldEvent | BatchFramesHAckFieldEvent | BatchFramesHAckIncFieldEvent | BatchFramesRequestKeyFieldEvent | BatchFramesRequestIdPeerFieldEvent | BatchFramesRequestIdIncFieldEvent | BatchFramesRequestIdSeqFieldEvent | BatchFramesRequestTsFieldEvent | BatchFramesRequestModeFieldEvent | BatchFramesRequestTtlMsFieldEvent | BatchFramesRequestNoWaitFieldEvent | BatchFramesQueuedKeyFieldEvent | BatchFramesQueuedIdPeerFieldEvent | BatchFramesQueuedIdIncFieldEvent | BatchFramesQueuedIdSeqFieldEvent | BatchFramesGrantKeyFieldEvent | BatchFramesGrantIdPeerFieldEvent | BatchFramesGrantIdIncFieldEvent | BatchFramesGrantIdSeqFieldEvent | BatchFramesGrantGrantNoIncFieldEvent | BatchFramesGrantGrantNoNFieldEvent | BatchFramesGrantFenceFieldEvent | BatchFramesFailedKeyFieldEvent | BatchFramesFailedIdPeerFieldEvent | BatchFramesFailedIdIncFieldEvent | BatchFramesFailedIdSeqFieldEvent | BatchFramesFailedReasonFieldEvent | BatchFramesFailedSupersedesIncFieldEvent | BatchFramesFailedSupersedesNFieldEvent | BatchFramesFailedQuietRemainingMsFieldEvent | BatchFramesInquireKeyFieldEvent | BatchFramesInquireIdPeerFieldEvent | BatchFramesInquireIdIncFieldEvent | BatchFramesInquireIdSeqFieldEvent | BatchFramesInquireGrantNoIncFieldEvent | BatchFramesInquireGrantNoNFieldEvent | BatchFramesYieldKeyFieldEvent | BatchFramesYieldIdPeerFieldEvent | BatchFramesYieldIdIncFieldEvent | BatchFramesYieldIdSeqFieldEvent | BatchFramesYieldGrantNoIncFieldEvent | BatchFramesYieldGrantNoNFieldEvent | BatchFramesContendedKeyFieldEvent | BatchFramesContendedIdPeerFieldEvent | BatchFramesContendedIdIncFieldEvent | BatchFramesContendedIdSeqFieldEvent | BatchFramesCommitKeyFieldEvent | BatchFramesCommitIdPeerFieldEvent | BatchFramesCommitIdIncFieldEvent | BatchFramesCommitIdSeqFieldEvent | BatchFramesCommitGrantNoIncFieldEvent | BatchFramesCommitGrantNoNFieldEvent | BatchFramesCommitAttemptFieldEvent | BatchFramesCommitTokenFieldEvent | BatchFramesCommittedKeyFieldEvent | BatchFramesCommittedIdPeerFieldEvent | BatchFramesCommittedIdIncFieldEvent | BatchFramesCommittedIdSeqFieldEvent | BatchFramesCommittedAttemptFieldEvent | BatchFramesRefusedKeyFieldEvent | BatchFramesRefusedIdPeerFieldEvent | BatchFramesRefusedIdIncFieldEvent | BatchFramesRefusedIdSeqFieldEvent | BatchFramesRefusedPhaseFieldEvent | BatchFramesRefusedAttemptFieldEvent | BatchFramesRefusedReasonFieldEvent | BatchFramesExtendKeyFieldEvent | BatchFramesExtendIdPeerFieldEvent | BatchFramesExtendIdIncFieldEvent | BatchFramesExtendIdSeqFieldEvent | BatchFramesExtendGrantNoIncFieldEvent | BatchFramesExtendGrantNoNFieldEvent | BatchFramesExtendAttemptFieldEvent | BatchFramesExtendTtlMsFieldEvent | BatchFramesExtendedKeyFieldEvent | BatchFramesExtendedIdPeerFieldEvent | BatchFramesExtendedIdIncFieldEvent | BatchFramesExtendedIdSeqFieldEvent | BatchFramesExtendedAttemptFieldEvent | BatchFramesReleaseKeyFieldEvent | BatchFramesReleaseIdPeerFieldEvent | BatchFramesReleaseIdIncFieldEvent | BatchFramesReleaseIdSeqFieldEvent | BatchFramesReleasedKeyFieldEvent | BatchFramesReleasedIdPeerFieldEvent | BatchFramesReleasedIdIncFieldEvent | BatchFramesReleasedIdSeqFieldEvent | BatchFramesRecoverRoundFieldEvent | BatchFramesCeilingRoundFieldEvent | BatchFramesCeilingCeilingFieldEvent | BatchFramesCeilingSeenIncarnationFieldEvent | BatchFramesCeilingRecoveringFieldEvent> {
    return streamMessage(buf, Batch.codec(), opts)
  }
}
