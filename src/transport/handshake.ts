/**
 * The first message each side sends on a /lockmesh stream, and the checks the
 * receiver applies to it (DESIGN.md §2): same config hash, same protocol
 * version, and only the newest incarnation of a peer is served.
 */
import { PROTOCOL_VERSION } from '../core/config.js'
import { INT63_MAX } from '../core/ids.js'
import { MalformedFrameError, type HandshakeRefusal } from './errors.js'
import * as pb from './pb/lockmesh.js'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface HandshakeInfo {
  configHash: string
  incarnation: number
  clock: bigint
  quietRemainingMs: number
  version: number
  /** Random per process start (absent or '' from a peer that sends none). */
  bootId?: string
  /** The sender lost its fence store and recovers (incarnation 0 meanwhile). */
  recovering?: boolean
}

/** What the node hands the transport for its side of a handshake. */
export interface LocalHandshake {
  configHash: string
  incarnation: number
  clock: bigint
  quietRemainingMs: number
  bootId?: string
  recovering?: boolean
}

export const CONFIG_HASH_LENGTH_MAX = 128
export const HANDSHAKE_BYTES_MAX = 512
export const BOOT_ID_LENGTH_MAX = 64
const UINT32_MAX = 2 ** 32 - 1

function check (hs: HandshakeInfo): void {
  if (typeof hs.configHash !== 'string' || hs.configHash.length === 0 || hs.configHash.length > CONFIG_HASH_LENGTH_MAX) throw new MalformedFrameError(`handshake configHash must be 1..${CONFIG_HASH_LENGTH_MAX} characters`)
  if (!Number.isSafeInteger(hs.incarnation) || hs.incarnation < 0) throw new MalformedFrameError(`handshake incarnation must be a safe non-negative integer, got ${hs.incarnation}`)
  if (typeof hs.clock !== 'bigint' || hs.clock < 0n || hs.clock > INT63_MAX) throw new MalformedFrameError(`handshake clock must be in [0, 2^63-1], got ${String(hs.clock)}`)
  if (!Number.isInteger(hs.quietRemainingMs) || hs.quietRemainingMs < 0 || hs.quietRemainingMs > UINT32_MAX) throw new MalformedFrameError(`handshake quietRemainingMs must be a uint32, got ${hs.quietRemainingMs}`)
  if (!Number.isInteger(hs.version) || hs.version < 0 || hs.version > UINT32_MAX) throw new MalformedFrameError(`handshake version must be a uint32, got ${hs.version}`)
  if (hs.bootId !== undefined && (typeof hs.bootId !== 'string' || hs.bootId.length > BOOT_ID_LENGTH_MAX)) throw new MalformedFrameError(`handshake bootId must be at most ${BOOT_ID_LENGTH_MAX} characters`)
  if (hs.recovering !== undefined && typeof hs.recovering !== 'boolean') throw new MalformedFrameError('handshake recovering must be a boolean')
  if (hs.recovering === true && hs.incarnation !== 0) throw new MalformedFrameError(`a recovering handshake has incarnation 0, got ${hs.incarnation}`)
}

/** Our handshake from the node's values: quiet ms rounded up (never shortened) into uint32 range. */
export function localHandshakeInfo (local: LocalHandshake): HandshakeInfo {
  const quiet = Number.isFinite(local.quietRemainingMs) ? Math.min(UINT32_MAX, Math.max(0, Math.ceil(local.quietRemainingMs))) : UINT32_MAX
  return {
    configHash: local.configHash, incarnation: local.incarnation, clock: local.clock, quietRemainingMs: quiet, version: PROTOCOL_VERSION,
    ...(local.bootId !== undefined && local.bootId !== '' ? { bootId: local.bootId } : {}),
    ...(local.recovering === true ? { recovering: true } : {})
  }
}

export function encodeHandshake (hs: HandshakeInfo): Uint8Array {
  check(hs)
  return pb.Handshake.encode(hs)
}

export function decodeHandshake (bytes: Uint8Array | Uint8ArrayList): HandshakeInfo {
  if (bytes.byteLength > HANDSHAKE_BYTES_MAX) throw new MalformedFrameError(`handshake of ${bytes.byteLength} bytes (max ${HANDSHAKE_BYTES_MAX})`)
  let hs: HandshakeInfo
  try {
    const m = pb.Handshake.decode(bytes)
    // Canonical form: the optional fields only when set (protobuf cannot tell absent from default).
    hs = {
      configHash: m.configHash, incarnation: m.incarnation, clock: m.clock, quietRemainingMs: m.quietRemainingMs, version: m.version,
      ...(m.bootId !== '' ? { bootId: m.bootId } : {}),
      ...(m.recovering ? { recovering: true } : {})
    }
  } catch (err) {
    throw new MalformedFrameError(`handshake protobuf: ${(err as Error).message}`, { cause: err })
  }
  check(hs)
  return hs
}

export type HandshakeVerdict = { ok: true } | { ok: false, reason: HandshakeRefusal, detail: string }

/**
 * Judge a peer's handshake against ours and the newest incarnation seen from
 * that peer (undefined = never seen) with its boot id. Pure.
 *
 * A recovering peer (it lost its store; incarnation 0) is served whatever
 * incarnation we saw: it must reach us to ask for our ceiling, and the node
 * answers nothing but that query (its detector never sees the peer). An equal
 * incarnation with another boot id is a different process reusing an
 * incarnation (a store restored from an old backup, a reset): refused.
 */
export function judgeHandshake (local: HandshakeInfo, remote: HandshakeInfo, newestIncarnation: number | undefined, newestBootId?: string): HandshakeVerdict {
  if (remote.version !== local.version) return { ok: false, reason: 'version', detail: `protocol version ${remote.version}, ours ${local.version}` }
  if (remote.configHash !== local.configHash) return { ok: false, reason: 'config-hash', detail: `config hash ${remote.configHash}, ours ${local.configHash}` }
  if (remote.recovering === true) return { ok: true }
  const bootId = remote.bootId ?? ''
  if (newestIncarnation !== undefined && remote.incarnation === newestIncarnation && newestBootId !== undefined && newestBootId !== '' && bootId !== newestBootId) {
    return { ok: false, reason: 'boot-id', detail: `incarnation ${remote.incarnation} again with another boot id (${bootId === '' ? 'none' : bootId}, seen ${newestBootId}): a process reusing an incarnation` }
  }
  if (newestIncarnation !== undefined && remote.incarnation < newestIncarnation) {
    return { ok: false, reason: 'stale-incarnation', detail: `incarnation ${remote.incarnation}, newest seen ${newestIncarnation}` }
  }
  return { ok: true }
}
