/**
 * A held lock as the application sees it.
 */
import type { LockMode, Validity } from './core/types.js'

/** What `release()` resolves to (see `LockMesh`'s `ReleaseResult`). */
export interface LockReleaseResult {
  /** Every voter acknowledged in time; false: the lease end frees the rest. */
  acknowledged: boolean
}
import type { Clock } from './runtime/clock.js'

/** What a Lock needs from the mesh that granted it. */
export interface LockOwner {
  extendLock: (lock: Lock, ttlMs: number) => Promise<void>
  releaseLock: (lock: Lock) => Promise<LockReleaseResult>
  readonly clock: Clock
}

export class Lock {
  /**
   * Made on first read of `signal` (issue 10): most locks are released
   * without anyone looking at it, and then neither the AbortController nor
   * the LockLostError is ever allocated.
   */
  private controller: AbortController | null = null
  /** Why the lock ended, once it did (the error is made when someone asks). */
  private endReason: (() => Error) | null = null
  /** @internal */ validUntil: Validity
  /** @internal */ released = false

  constructor (
    private readonly owner: LockOwner,
    /** @internal */ readonly handle: number,
    readonly key: string,
    readonly mode: LockMode,
    /** Fencing token: pass it to every resource you touch; it only grows per key. */
    readonly token: bigint,
    validUntil: Validity
  ) {
    this.validUntil = validUntil
  }

  /** Aborts when the lease is lost (expired, refused, node stopped) or the lock is released; its reason is a LockLostError. */
  get signal (): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController()
      if (this.endReason !== null) this.controller.abort(this.endReason())
    }
    return this.controller.signal
  }

  /** @internal True once the lock ended (released or lost): `signal.aborted` without making the signal. */
  get ended (): boolean { return this.endReason !== null }

  /** Milliseconds of validity left by both clocks (0 once lost). */
  remainingMs (): number {
    if (this.ended) return 0
    const c = this.owner.clock
    return Math.max(0, Math.min(this.validUntil.mono - c.mono(), this.validUntil.wall - c.wall()))
  }

  /** When the validity ends, for display (the monotonic deadline is what counts). */
  get expiresAt (): Date {
    return new Date(this.owner.clock.wall() + this.remainingMs())
  }

  /** True while the lease is believed valid. */
  get valid (): boolean { return this.remainingMs() > 0 }

  // extend/release hand back the owner's promise as is (one promise hop less
  // than an async wrapper); the owner's methods are async, so errors still reject.

  /** Renew the lease for `ttlMs` from now. Rejects with LockLostError if the quorum did not confirm it. */
  extend (ttlMs: number): Promise<void> { return this.owner.extendLock(this, ttlMs) }

  /**
   * Give the lock back. Resolves once every voter acknowledged the release
   * (`{ acknowledged: true }`: another node can take the lock at once), or
   * after the mesh's `releaseAckWaitMs` with `{ acknowledged: false }` (a
   * voter did not answer; it frees the vote at the lease end at the latest).
   * Rejects with NotHolderError when it was already released or lost.
   */
  release (): Promise<LockReleaseResult> { return this.owner.releaseLock(this) }

  /** `await using lock = await mesh.acquire(...)` (TypeScript 5.2+). */
  async [Symbol.asyncDispose] (): Promise<void> {
    if (!this.released && !this.ended) await this.release()
  }

  /** @internal Ends the lock; `reason` makes the signal's abort reason (called at most once, only if the signal is read). */
  abort (reason: () => Error): void {
    if (this.endReason !== null) return
    this.endReason = reason
    if (this.controller !== null) this.controller.abort(reason())
  }
}
