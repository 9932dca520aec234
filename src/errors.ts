/**
 * Public error classes: one class per failure, each with a stable `name`
 * (tests and applications switch on `err.name`).
 */
import { CoreConfigError, describeValue } from './core/config-error.js'

/** Options or configuration did not validate: says what was expected and what came. */
export class InvalidOptionsError extends Error {
  static override readonly name = 'InvalidOptionsError'
  override readonly name = 'InvalidOptionsError'
  constructor (readonly option: string, readonly expected: string, readonly received: unknown) {
    super(`Invalid option \`${option}\`: expected ${expected}, received ${describeValue(received)}`)
  }

  /** The public form of the core's own validation error. */
  static from (err: CoreConfigError): InvalidOptionsError {
    return new InvalidOptionsError(err.option, err.expected, err.received)
  }
}

/** Base of every lockmesh lock failure; `name` tells which. */
export class LockError extends Error {
  constructor (message: string, readonly key: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** `acquire` was not granted within `waitMs`. */
export class LockTimeoutError extends LockError {
  static override readonly name = 'LockTimeoutError'
  override readonly name = 'LockTimeoutError'
  constructor (key: string, readonly waitMs: number, readonly detail = '') {
    super(`Lock "${key}" was not granted within ${waitMs} ms${detail === '' ? '' : ` — ${detail}`}`, key)
  }
}

/** The caller's `signal` aborted the acquire (or the node is stopping). */
export class AbortError extends LockError {
  static override readonly name = 'AbortError'
  override readonly name = 'AbortError'
  readonly code = 'ABORT_ERR'
  constructor (key: string, reason = 'The operation was aborted') {
    super(`Lock "${key}": ${reason}`, key)
  }
}

/** An exclusive lock was refused: this node cannot reach a write quorum. Stop writing. */
export class ReadOnlyError extends LockError {
  static override readonly name = 'ReadOnlyError'
  override readonly name = 'ReadOnlyError'
  constructor (key: string, readonly reachable: string[], detail = '') {
    super(`Lock "${key}" refused: this node is read-only (no write quorum reachable; reachable: ${reachable.join(', ') || 'none'})${detail === '' ? '' : ` — ${detail}`}`, key)
  }
}

/** A shared lock was refused: not even a read quorum is reachable. */
export class NoQuorumError extends LockError {
  static override readonly name = 'NoQuorumError'
  override readonly name = 'NoQuorumError'
  constructor (key: string, readonly reachable: string[]) {
    super(`Shared lock "${key}" refused: no read quorum reachable (reachable: ${reachable.join(', ') || 'none'})`, key)
  }
}

/** `tryAcquire` found the key held or wanted by someone with priority. */
export class LockBusyError extends LockError {
  static override readonly name = 'LockBusyError'
  override readonly name = 'LockBusyError'
  constructor (key: string, readonly detail = '') {
    super(`Lock "${key}" is busy${detail === '' ? '' : ` (${detail})`}`, key)
  }
}

/** A voter's queue for the key (or for this node) is full. */
export class QueueFullError extends LockError {
  static override readonly name = 'QueueFullError'
  override readonly name = 'QueueFullError'
  constructor (key: string, detail: string) {
    super(`Lock "${key}" refused: ${detail}`, key)
  }
}

/** A held lock's lease is gone (expired, wall clock jumped, node stopped): stop using it. */
export class LockLostError extends LockError {
  static override readonly name = 'LockLostError'
  override readonly name = 'LockLostError'
  constructor (key: string, readonly reason: string) {
    super(`Lock "${key}" was lost (${reason})`, key)
  }
}

/** release/extend by someone who does not hold the lock (or holds it no longer). */
export class NotHolderError extends LockError {
  static override readonly name = 'NotHolderError'
  override readonly name = 'NotHolderError'
  constructor (key: string, action: string) {
    super(`Cannot ${action} lock "${key}": this handle does not hold it`, key)
  }
}
