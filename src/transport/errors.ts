/**
 * Transport errors: one class per failure, each with a stable `name`.
 */

/**
 * Bytes from a peer (or a frame from the core) that do not make a valid,
 * in-bounds lockmesh message. Callers count it and drop the message; it never
 * escapes a stream listener.
 */
export class MalformedFrameError extends Error {
  static override readonly name = 'MalformedFrameError'
  override readonly name = 'MalformedFrameError'
  constructor (readonly reason: string, options?: { cause?: unknown }) {
    super(`Malformed lockmesh message: ${reason}`, options)
  }
}

export type HandshakeRefusal = 'config-hash' | 'version' | 'stale-incarnation' | 'boot-id' | 'not-on-roster' | 'malformed' | 'timeout'

/** A stream was closed during its handshake: the reason says which check failed. */
export class HandshakeRefusedError extends Error {
  static override readonly name = 'HandshakeRefusedError'
  override readonly name = 'HandshakeRefusedError'
  constructor (readonly reason: HandshakeRefusal, detail: string) {
    super(`Handshake refused (${reason}): ${detail}`)
  }
}

/** A peer's stream was superseded by a newer one (reconnect, newer incarnation, simultaneous open). */
export class StreamReplacedError extends Error {
  static override readonly name = 'StreamReplacedError'
  override readonly name = 'StreamReplacedError'
  constructor (detail: string) {
    super(`Stream replaced: ${detail}`)
  }
}

/** The transport stopped while the stream was open. */
export class TransportStoppedError extends Error {
  static override readonly name = 'TransportStoppedError'
  override readonly name = 'TransportStoppedError'
  constructor () {
    super('The lockmesh transport stopped')
  }
}
