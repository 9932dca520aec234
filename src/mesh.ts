/**
 * LockMesh: the public face of one lockmesh node. It owns a CoreDriver (the
 * protocol on real clocks and a durable fence store) and a transport, turns
 * the core's results into promises, Locks and typed errors, and its events
 * into `mode` / `lock-lost` / `contended` events.
 */
import { TypedEventEmitter } from 'main-event'
import { configHash, defaultCoreConfig, minTtlMs, validateCoreConfig } from './core/config.js'
import { CoreConfigError } from './core/config-error.js'
import type { QuorumFigures } from './core/quorum.js'
import type { CoreConfig, CoreEvent, LockMode, Mode, NodeId, QuorumSystemName, Result } from './core/types.js'
import {
  AbortError, InvalidOptionsError, LockBusyError, LockLostError, LockTimeoutError, NoQuorumError,
  NotHolderError, QueueFullError, ReadOnlyError
} from './errors.js'
import { Lock, type LockOwner, type LockReleaseResult } from './lock.js'
import type { Clock } from './runtime/clock.js'
import { CoreDriver } from './runtime/core-driver.js'
import { TIMING_PRESETS, type TimingPreset } from './runtime/presets.js'
import type { TimerHandle, Timers } from './runtime/timers.js'
import type { MeshTransport, MeshTransportFactory } from './runtime/transport.js'
import type { FenceStore } from './store/fence-store.js'
import type { TransportStats } from './transport/stats.js'

export type { MeshTransport, MeshTransportFactory, MeshTransportHooks } from './runtime/transport.js'

/**
 * Test-only mutations of LockMesh itself (the core's are `CoreConfig.unsafe`):
 * each re-introduces a bug the simulator must catch.
 * - `resolveCancelled`: an acquire whose signal aborted is still resolved
 *   when its `granted` arrives later (issue 9, item 1).
 * @internal
 */
export type MeshMutation = 'resolveCancelled'

/**
 * Taps on what the core tells the node, for the simulator's ground-truth
 * accounting (who holds votes, attempt restarts). Never used to decide anything.
 * @internal
 */
export interface MeshInstrument {
  onResult?: (r: Result) => void
  onEvent?: (e: CoreEvent) => void
}

export interface LockMeshInit {
  /** This node's ID (its libp2p peer ID string). */
  self: NodeId
  /** Every voting member, including `self`. */
  roster: NodeId[]
  /** Quorum system. Default `auto`: majority below 10 nodes, grid from 10. */
  quorum?: QuorumSystemName
  /** Longest lease anyone may ask for; also a restarted node's quiet period. Default 60000. */
  ttlMsMax?: number
  /** Lease used when `acquire` gets no `ttlMs`. Default 10000. */
  defaultTtlMs?: number
  /** How long `acquire` waits when it gets no `waitMs`. Default 30000; `Infinity` waits forever. */
  defaultWaitMs?: number
  /**
   * How long `release()` waits for every voter to acknowledge (ms); past it
   * `release()` resolves `{ acknowledged: false }` and the lease end frees
   * the rest. Default `max(2000, 5 × retransmitMs)`.
   */
  releaseAckWaitMs?: number
  /** Bound on clock rate error ρ. Default 0.01. */
  driftRho?: number
  /** Failure detection timings: `lan` (default) or `fast` (tests), or your own. */
  timing?: TimingPreset | Partial<Pick<CoreConfig, 'pingIntervalMs' | 'suspicionTimeoutMs' | 'stallThresholdMs' | 'stableMs' | 'retransmitMs' | 'tombstoneMs' | 'marginMs'>>
  /** Where fences, the incarnation and the clean-exit marker live. */
  store: FenceStore
  /**
   * This node is a brand-new member that never ran: a missing store is
   * created and the node votes at once. Leave it unset otherwise — then a
   * missing store means the disk was lost, and the node first recovers its
   * fence ceiling and incarnation from its peers (docs/design.md, "Disk
   * loss"; README, Operations). Setting it for a node that ran before, after
   * its store was lost, can hand out fences that go backwards. `lockmesh
   * init` creates the store once instead. Default false.
   */
  newMember?: boolean
  /** Random per process start, sent in handshakes (tests and the simulator pass their own). Default: 16 random bytes, hex. */
  bootId?: string
  transport: MeshTransportFactory
  /** Advanced: raw core settings (limits, clamp). */
  core?: Partial<CoreConfig>
  /** Clocks (tests, the simulator). Default: the host's. */
  clock?: Clock
  /** Timers (tests, the simulator). Default: the host's. */
  timers?: Timers
  /** @internal */
  instrument?: MeshInstrument
  /** @internal Test-only: re-introduce a bug (mutation tests). */
  unsafe?: readonly MeshMutation[]
  /** Observability hooks (metrics, logs): see src/metrics/. Called synchronously; must not throw. */
  observer?: MeshObserver
}

/**
 * What the mesh tells an observer beyond its events: each acquire's outcome
 * and duration, and every core event (suspicions, restarts, rejected frames).
 */
export interface MeshObserver {
  /** An acquire / tryAcquire settled: `error` unset when granted. */
  acquireSettled?: (e: { mode: LockMode, durationMs: number, error?: Error }) => void
  coreEvent?: (e: CoreEvent) => void
}

/** Options of `acquire`, `tryAcquire` and `using`. */
export interface AcquireOptions {
  /** `exclusive` (default) or `shared` (many readers). */
  mode?: LockMode
  /** Lease length in ms. Default `defaultTtlMs`. */
  ttlMs?: number
  /** Give up with LockTimeoutError after this long. Default `defaultWaitMs`. */
  waitMs?: number
  /** Abort waiting (AbortError). */
  signal?: AbortSignal
}

/**
 * The node's mode. `quiet`: it restarted without a clean exit and grants no
 * vote for `quietRemainingMs` more (its peers leave it out of their quorums
 * meanwhile); a `mode` event with `quiet: false` follows when that ends.
 */
export interface ModeEventDetail {
  mode: Mode
  sharedLocks: boolean
  reachable: NodeId[]
  quiet: boolean
  quietRemainingMs: number
  /** The fence store was lost and the node is recovering: read-only, grants nothing; `reason` says what it waits for. */
  recovering: boolean
  /** Why the node is read-only when its reachable set does not say it (recovery). */
  reason?: string
}

/**
 * What `release()` resolves to. `acknowledged`: every voter acknowledged
 * within `releaseAckWaitMs` — another node can take the lock at once. False:
 * some voter did not answer in time (unreachable, slow); it frees the vote at
 * the lease end at the latest.
 */
export type ReleaseResult = LockReleaseResult

/** Options of `stop()`. */
export interface StopOptions {
  /**
   * Longest drain (ms): the node stops at the latest after this, even with
   * votes still held (then no clean-exit marker is written and the next start
   * observes the quiet period). Default: the longest lease it granted.
   */
  drainMs?: number
}
export interface LockEventDetail { key: string, token: bigint, reason?: string }

export interface LockMeshEvents {
  mode: CustomEvent<ModeEventDetail>
  'lock-lost': CustomEvent<LockEventDetail>
  contended: CustomEvent<LockEventDetail>
  error: CustomEvent<Error>
}

interface PendingAcquire {
  key: string
  mode: LockMode
  waitMs: number
  resolve: (lock: Lock) => void
  reject: (err: Error) => void
  cleanup: () => void
}

interface PendingOp { resolve: () => void, reject: (err: Error) => void }

/** Keys travel as UTF-8: an unpaired surrogate would not survive the trip. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const DEFAULT_TTL_MS = 10_000
const DEFAULT_WAIT_MS = 30_000
/** Acquires rejected within one event-loop turn before the next ones wait for the next turn. */
const REFUSALS_PER_TURN = 64
/** Lower bound of the default `releaseAckWaitMs`, and its multiple of `retransmitMs`. */
const RELEASE_ACK_WAIT_MIN_MS = 2_000
const RELEASE_ACK_RETRANSMITS = 5
/** Mode events ready() waits through before it returns what it has. */
const READY_WAITS_MAX = 1_000
/** Let the last frames leave before the streams close (ms). */
const STOP_FLUSH_MS = 20
/** Longest boot id accepted (the wire bounds it too). */
const BOOT_ID_LENGTH_MAX = 64

/** 16 random bytes as hex: a new one per process start. */
function randomBootId (): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}

export class LockMesh extends TypedEventEmitter<LockMeshEvents> implements LockOwner {
  readonly config: CoreConfig
  readonly configHash: string
  private readonly driver: CoreDriver
  private readonly transport: MeshTransport
  private readonly defaultTtlMs: number
  private readonly defaultWaitMs: number
  private nextHandle = 1
  private readonly pending = new Map<number, PendingAcquire>()
  private readonly locks = new Map<number, Lock>()
  private readonly extending = new Map<number, PendingOp>()
  private currentMode: ModeEventDetail = { mode: 'starting', sharedLocks: false, reachable: [], quiet: false, quietRemainingMs: 0, recovering: false }
  /** Sent in every handshake: an equal incarnation with another boot id is refused. */
  readonly bootId: string
  private readonly readyWaiters: Array<() => void> = []
  private state: 'new' | 'starting' | 'running' | 'draining' | 'stopping' | 'stopped' = 'new'
  private readonly releaseAckWaitMs: number
  /** release() / stop() waiting for a handle's `release-acked` (true) or its end (false). */
  private readonly ackWaiters = new Map<number, (acknowledged: boolean) => void>()
  /** stop() waiting for the core's `drained`. */
  private drainedWaiter: (() => void) | null = null
  private quietTimer: TimerHandle | null = null
  private stopping: Promise<void> | null = null
  private refusalsThisTurn = 0
  private readonly timers: Timers
  private readonly instrument: MeshInstrument
  private readonly resolveCancelled: boolean
  /** One expiry timer per held lock (watchExpiry). */
  private readonly expiryTimers = new Map<number, TimerHandle>()
  private readonly observer: MeshObserver | undefined

  constructor (init: LockMeshInit) {
    super()
    if (typeof init !== 'object' || init === null) throw new InvalidOptionsError('init', 'an object', init)
    const timing = typeof init.timing === 'string' || init.timing === undefined ? TIMING_PRESETS[init.timing ?? 'lan'] : init.timing
    if (timing === undefined) throw new InvalidOptionsError('timing', "'lan' | 'fast' | an object of timings", init.timing)
    try {
      this.config = defaultCoreConfig(init.self, init.roster, {
        ...(init.quorum !== undefined ? { quorum: init.quorum } : {}),
        ...(init.ttlMsMax !== undefined ? { ttlMsMax: init.ttlMsMax } : {}),
        ...(init.driftRho !== undefined ? { driftRho: init.driftRho } : {}),
        ...timing,
        ...init.core
      })
      validateCoreConfig(this.config)
    } catch (err) {
      throw err instanceof CoreConfigError ? InvalidOptionsError.from(err) : err
    }
    this.defaultTtlMs = init.defaultTtlMs ?? Math.min(DEFAULT_TTL_MS, this.config.ttlMsMax)
    this.defaultWaitMs = init.defaultWaitMs ?? DEFAULT_WAIT_MS
    checkTtl('defaultTtlMs', this.defaultTtlMs, this.config)
    checkWait('defaultWaitMs', this.defaultWaitMs)
    this.releaseAckWaitMs = init.releaseAckWaitMs ?? Math.max(RELEASE_ACK_WAIT_MIN_MS, RELEASE_ACK_RETRANSMITS * this.config.retransmitMs)
    checkWait('releaseAckWaitMs', this.releaseAckWaitMs)
    if (typeof init.store?.load !== 'function') throw new InvalidOptionsError('store', 'a FenceStore (load/save)', init.store)
    if (typeof init.transport !== 'function') throw new InvalidOptionsError('transport', 'a transport factory function', init.transport)
    this.configHash = configHash(this.config)
    this.instrument = init.instrument ?? {}
    this.resolveCancelled = init.unsafe?.includes('resolveCancelled') === true
    this.observer = init.observer
    if (init.bootId !== undefined && (typeof init.bootId !== 'string' || init.bootId.length === 0 || init.bootId.length > BOOT_ID_LENGTH_MAX)) {
      throw new InvalidOptionsError('bootId', `a string of 1..${BOOT_ID_LENGTH_MAX} characters`, init.bootId)
    }
    this.bootId = init.bootId ?? randomBootId()
    this.driver = new CoreDriver({
      config: this.config,
      store: init.store,
      ...(init.newMember === true ? { newMember: true } : {}),
      onRecovered: () => { this.transport.renew?.() },
      ...(init.clock !== undefined ? { clock: init.clock } : {}),
      ...(init.timers !== undefined ? { timers: init.timers } : {}),
      send: (to, frame) => { this.transport.send(to, frame) },
      onResult: r => { this.onResult(r) },
      onEvent: e => { this.onEvent(e) },
      // Durability is gone: stop without draining (no marker can be written anyway).
      onFatal: err => { this.safeDispatchEvent('error', { detail: err }); void this.stop({ drainMs: 0 }) }
    })
    this.timers = this.driver.timers
    this.transport = init.transport({
      bounds: { keyLengthMax: this.config.limits.keyLengthMax, ttlMsMax: this.config.ttlMsMax },
      localHandshake: () => ({
        configHash: this.configHash,
        incarnation: this.driver.getIncarnation(),
        clock: this.driver.lamport(),
        quietRemainingMs: Math.ceil(this.driver.quietRemainingMs()),
        bootId: this.bootId,
        recovering: this.driver.recovering
      }),
      // One object per frame (no spread): this runs for every frame received.
      onFrame: (from, frame, ageMs) => { this.driver.feed({ type: 'frame', from, frame, ageMs }) },
      onHandshake: (peer, hs) => {
        // A recovering peer has no incarnation yet: its figures mean nothing to
        // the detector (its RECOVER frames are answered all the same).
        if (hs.recovering === true) return
        this.driver.feed({ type: 'handshake', peer, incarnation: hs.incarnation, clock: hs.clock, quietRemainingMs: hs.quietRemainingMs })
      }
    })
  }

  get clock (): Clock { return this.driver.clock }

  /** Start the node: durable incarnation, transport up. Idempotent. */
  async start (): Promise<void> {
    if (this.state !== 'new') return
    this.state = 'starting'
    await this.driver.start()
    await this.transport.start()
    this.state = 'running'
  }

  /**
   * Resolves once the node has its first mode (one detection period after
   * start). The detail says whether the node is still `quiet` (a restart
   * without a clean exit: it grants no vote for `quietRemainingMs`) or
   * `recovering` (its fence store was lost; `reason` says what it waits
   * for); `waitQuiet: true` resolves only after both are over.
   */
  async ready (options: { signal?: AbortSignal, waitQuiet?: boolean } = {}): Promise<ModeEventDetail> {
    const done = (): boolean => this.currentMode.mode !== 'starting' && (options.waitQuiet !== true || (!this.currentMode.quiet && !this.currentMode.recovering))
    // Each turn waits for one mode event (a quiet period ends after at most a few of them).
    for (let waits = 0; !done() && waits < READY_WAITS_MAX; waits++) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { reject(new AbortError('', 'ready() aborted')) }
        if (options.signal?.aborted === true) { onAbort(); return }
        options.signal?.addEventListener('abort', onAbort, { once: true })
        this.readyWaiters.push(() => { options.signal?.removeEventListener('abort', onAbort); resolve() })
      })
    }
    return this.currentMode
  }

  /** Milliseconds left of this node's quiet period after a restart without a clean exit (0: it grants votes). */
  get quietRemainingMs (): number { return Math.ceil(this.driver.restartQuietRemainingMs()) }

  /** `read-write`, `read-only`, or `starting` before the first mode. */
  get mode (): Mode { return this.currentMode.mode }
  /** Whether shared locks can be granted (a read quorum is reachable). */
  get sharedLocks (): boolean { return this.currentMode.sharedLocks }

  /** Acquire `key`, waiting up to `waitMs`. */
  acquire (key: string, options: AcquireOptions = {}): Promise<Lock> {
    return this.request(key, options, false)
  }

  /** Acquire `key` only if nobody holds or waits for it with priority; LockBusyError otherwise. */
  tryAcquire (key: string, options: Omit<AcquireOptions, 'waitMs'> = {}): Promise<Lock> {
    return this.request(key, options, true)
  }

  /**
   * Run `fn` while holding `key`: the lease is extended at about 2/3 of its
   * validity while `fn` runs; the lock is released afterwards, whatever happens.
   * `signal` aborts when the lock is lost — stop writing then.
   */
  async using<T> (key: string, fn: (signal: AbortSignal, lock: Lock) => Promise<T> | T, options: AcquireOptions = {}): Promise<T> {
    const lock = await this.acquire(key, options)
    const ttlMs = options.ttlMs ?? this.defaultTtlMs
    let timer: TimerHandle | null = null
    let done = false
    const plan = (): void => {
      if (done || lock.ended) return
      timer = this.timers.setTimeout(() => {
        timer = null
        if (done) return
        lock.extend(ttlMs).then(plan, () => { /* the lock lapses; lock.signal aborts at its end */ })
      }, Math.max(1, lock.remainingMs() * 2 / 3))
    }
    plan()
    try {
      return await fn(lock.signal, lock)
    } finally {
      done = true
      if (timer !== null) this.timers.clearTimeout(timer)
      if (!lock.released && !lock.ended) await lock.release().catch(() => ({ acknowledged: false }))
    }
  }

  /**
   * Not an async function, and acquire()/tryAcquire() return its promise as
   * is: the core's result reaches the caller's `await` with no extra promise
   * hops (issue 10). Bad options still reject, never throw.
   */
  private request (key: string, options: AcquireOptions, noWait: boolean): Promise<Lock> {
    let checked: { mode: LockMode, ttlMs: number, waitMs: number }
    try {
      checked = this.checkRequest(key, options)
    } catch (err) {
      return Promise.reject(err)
    }
    const { mode, ttlMs, waitMs } = checked
    const handle = this.nextHandle++
    const startedMs = this.driver.clock.mono()
    const observe = (error?: Error): void => { this.observer?.acquireSettled?.({ mode, durationMs: this.driver.clock.mono() - startedMs, ...(error !== undefined ? { error } : {}) }) }
    return new Promise<Lock>((resolve, reject) => {
      const onAbort = (): void => {
        const p = this.pending.get(handle)
        if (p === undefined) return
        if (!this.resolveCancelled) {
          // Settled now: whatever the core answers later (even a `granted`
          // held back behind a persist) never reaches the app; a late grant is
          // released at once (onResult).
          this.pending.delete(handle)
          p.cleanup()
          p.reject(new AbortError(key, 'the acquire was aborted'))
        }
        this.driver.feed({ type: 'cancel', handle })
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(handle, {
        key, mode, waitMs,
        resolve: lock => { observe(); resolve(lock) },
        reject: err => { observe(err); reject(err) },
        cleanup: () => { options.signal?.removeEventListener('abort', onAbort) }
      })
      this.driver.feed({ type: 'acquire', cmd: { handle, key, mode, ttlMs, noWait, waitMs: Number.isFinite(waitMs) ? waitMs : null } })
    })
  }

  /** Validates an acquire's arguments (throws the typed error). */
  private checkRequest (key: string, options: AcquireOptions): { mode: LockMode, ttlMs: number, waitMs: number } {
    if (typeof key !== 'string' || key.length === 0 || key.length > this.config.limits.keyLengthMax || LONE_SURROGATE.test(key)) {
      throw new InvalidOptionsError('key', `a well-formed string of 1..${this.config.limits.keyLengthMax} characters`, key)
    }
    if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options', 'an object', options)
    const mode = options.mode ?? 'exclusive'
    if (mode !== 'exclusive' && mode !== 'shared') throw new InvalidOptionsError('mode', "'exclusive' | 'shared'", mode)
    const ttlMs = options.ttlMs ?? this.defaultTtlMs
    checkTtl('ttlMs', ttlMs, this.config)
    const waitMs = options.waitMs ?? this.defaultWaitMs
    checkWait('waitMs', waitMs)
    if (this.state !== 'running') throw new AbortError(key, `the node is ${this.state === 'new' ? 'not started' : this.state}`)
    options.signal?.throwIfAborted()
    return { mode, ttlMs, waitMs }
  }

  /** @internal */
  async extendLock (lock: Lock, ttlMs: number): Promise<void> {
    checkTtl('ttlMs', ttlMs, this.config)
    if (lock.released || lock.ended || this.locks.get(lock.handle) !== lock) throw new NotHolderError(lock.key, 'extend')
    if (this.extending.has(lock.handle)) throw new InvalidOptionsError('extend', 'one extension at a time', 'a second concurrent extend')
    await new Promise<void>((resolve, reject) => {
      this.extending.set(lock.handle, { resolve, reject })
      this.driver.feed({ type: 'extend', handle: lock.handle, ttlMs })
    })
  }

  /** @internal */
  async releaseLock (lock: Lock): Promise<ReleaseResult> {
    if (lock.released || this.locks.get(lock.handle) !== lock) throw new NotHolderError(lock.key, 'release')
    lock.released = true
    this.locks.delete(lock.handle)
    this.unwatchExpiry(lock.handle)
    lock.abort(() => new LockLostError(lock.key, 'released'))
    // An extension racing the release settles now: the lock it would extend is gone.
    const ext = this.extending.get(lock.handle)
    this.extending.delete(lock.handle)
    ext?.reject(new NotHolderError(lock.key, 'extend'))
    const acked = this.awaitAck(lock.handle, this.releaseAckWaitMs)
    this.driver.feed({ type: 'release', handle: lock.handle })
    return { acknowledged: await acked }
  }

  /** Resolves true on the handle's `release-acked`, false after `waitMs` (or when the core says it held nothing). */
  private async awaitAck (handle: number, waitMs: number): Promise<boolean> {
    return await new Promise<boolean>(resolve => {
      const timer = Number.isFinite(waitMs) ? this.timers.setTimeout(() => { settle(false) }, waitMs) : null
      const settle = (acknowledged: boolean): void => {
        if (this.ackWaiters.get(handle) !== settle) return
        this.ackWaiters.delete(handle)
        if (timer !== null) this.timers.clearTimeout(timer)
        resolve(acknowledged)
      }
      this.ackWaiters.get(handle)?.(false)
      this.ackWaiters.set(handle, settle)
    })
  }

  private onResult (r: Result): void {
    this.instrument.onResult?.(r)
    switch (r.type) {
      case 'granted': {
        const p = this.pending.get(r.handle)
        this.pending.delete(r.handle)
        if (p === undefined) { this.driver.feed({ type: 'release', handle: r.handle }); return }
        p.cleanup()
        const lock = new Lock(this, r.handle, r.key, r.mode, r.token, r.validUntil)
        // Re-read both clocks right before handing the lock out.
        if (lock.remainingMs() <= 0) {
          this.driver.feed({ type: 'release', handle: r.handle })
          p.reject(new LockLostError(r.key, 'expired before it could be handed out'))
          return
        }
        this.locks.set(r.handle, lock)
        this.watchExpiry(lock)
        p.resolve(lock)
        return
      }
      case 'failed': {
        const p = this.pending.get(r.handle)
        this.pending.delete(r.handle)
        if (p === undefined) return
        p.cleanup()
        this.rejectFailure(p, failureError(r, p.waitMs))
        return
      }
      case 'lost': {
        const lock = this.locks.get(r.handle)
        this.locks.delete(r.handle)
        this.unwatchExpiry(r.handle)
        if (lock === undefined) return
        lock.abort(() => new LockLostError(r.key, r.reason))
        this.extending.get(r.handle)?.reject(new LockLostError(r.key, r.reason))
        this.extending.delete(r.handle)
        this.safeDispatchEvent('lock-lost', { detail: { key: r.key, token: lock.token, reason: r.reason } })
        return
      }
      case 'extended': {
        const lock = this.locks.get(r.handle)
        if (lock !== undefined) { lock.validUntil = r.validUntil; this.watchExpiry(lock) }
        this.extending.get(r.handle)?.resolve()
        this.extending.delete(r.handle)
        return
      }
      case 'extend-failed': {
        const op = this.extending.get(r.handle)
        this.extending.delete(r.handle)
        op?.reject(r.reason === 'not-held' ? new NotHolderError(r.key, 'extend') : new LockLostError(r.key, `extension ${r.reason}; the lock ends at its current validity`))
        return
      }
      case 'released': {
        if (this.resolveCancelled) return
        // The core let go of a lock the app still holds (e.g. a cancel that
        // reached the core after its grant): the app must stop at once.
        const lock = this.locks.get(r.handle)
        if (lock === undefined) return
        this.locks.delete(r.handle)
        this.unwatchExpiry(r.handle)
        lock.abort(() => new LockLostError(r.key, 'released by the node'))
        this.extending.get(r.handle)?.reject(new LockLostError(r.key, 'released by the node'))
        this.extending.delete(r.handle)
        this.safeDispatchEvent('lock-lost', { detail: { key: r.key, token: lock.token, reason: 'released by the node' } })
        return
      }
      case 'not-holder': {
        const op = r.command === 'extend' ? this.extending.get(r.handle) : undefined
        if (op !== undefined) { this.extending.delete(r.handle); op.reject(new NotHolderError('', 'extend')) }
        // The core had already let go (lease ended): nothing to acknowledge.
        if (r.command === 'release') this.ackWaiters.get(r.handle)?.(false)
        return
      }
      case 'release-acked':
        this.ackWaiters.get(r.handle)?.(true)
        return
    }
  }

  /**
   * A Lock is lost when its validity runs out on this node's clocks, whatever
   * the core says later: an extension the voters confirmed may still wait
   * behind an unrelated fence-store write, and the app must not see a lock
   * that lapsed and then came back. At the deadline the signal aborts and the
   * core is told to release the handle (a late `extended` then finds no lock).
   */
  private watchExpiry (lock: Lock): void {
    const armed = this.expiryTimers.get(lock.handle)
    if (armed !== undefined) this.timers.clearTimeout(armed)
    const check = (): void => {
      this.expiryTimers.delete(lock.handle)
      if (this.locks.get(lock.handle) !== lock) return
      const left = lock.remainingMs()
      if (left > 0) { this.expiryTimers.set(lock.handle, this.timers.setTimeout(check, left)); return }
      this.locks.delete(lock.handle)
      lock.abort(() => new LockLostError(lock.key, 'expired'))
      const ext = this.extending.get(lock.handle)
      this.extending.delete(lock.handle)
      ext?.reject(new LockLostError(lock.key, 'expired before the extension was confirmed'))
      this.driver.feed({ type: 'release', handle: lock.handle })
      this.safeDispatchEvent('lock-lost', { detail: { key: lock.key, token: lock.token, reason: 'expired' } })
    }
    this.expiryTimers.set(lock.handle, this.timers.setTimeout(check, Math.max(1, lock.remainingMs())))
  }

  /** The lock left `this.locks` (released, lost, stopped): its expiry timer goes too. */
  private unwatchExpiry (handle: number): void {
    const armed = this.expiryTimers.get(handle)
    if (armed === undefined) return
    this.timers.clearTimeout(armed)
    this.expiryTimers.delete(handle)
  }

  /**
   * A refusal (read-only, busy, no quorum) is decided inside the acquire()
   * call, so its promise rejects through microtasks only: an app retrying in
   * a loop without a delay would never yield to timers or I/O, its node could
   * not hear its peers any more and would stay read-only for good. Refusals
   * reject at once, but past REFUSALS_PER_TURN in one event-loop turn they
   * wait for the next turn (setImmediate), so such a loop lets I/O through.
   */
  private rejectFailure (p: PendingAcquire, err: Error): void {
    if (this.refusalsThisTurn === 0) this.timers.setImmediate(() => { this.refusalsThisTurn = 0 })
    this.refusalsThisTurn++
    if (this.refusalsThisTurn <= REFUSALS_PER_TURN) p.reject(err)
    else this.timers.setImmediate(() => { p.reject(err) })
  }

  private onEvent (e: CoreEvent): void {
    this.instrument.onEvent?.(e)
    this.observer?.coreEvent?.(e)
    if (e.type === 'mode') {
      const quietRemainingMs = this.quietRemainingMs
      this.currentMode = {
        mode: e.mode,
        sharedLocks: e.sharedLocks,
        reachable: e.reachable,
        quiet: quietRemainingMs > 0,
        quietRemainingMs,
        recovering: this.driver.recovering,
        ...(e.reason !== undefined ? { reason: e.reason } : {})
      }
      if (quietRemainingMs > 0) this.watchQuietEnd()
      for (const w of this.readyWaiters.splice(0)) w()
      this.safeDispatchEvent('mode', { detail: this.currentMode })
    } else if (e.type === 'recovered') {
      // The recovered core's first mode event follows one suspicion period later.
      const { reason: _reason, ...rest } = this.currentMode
      this.currentMode = { ...rest, recovering: false }
    } else if (e.type === 'drained') {
      this.drainedWaiter?.()
    } else if (e.type === 'contended') {
      const lock = this.locks.get(e.handle)
      if (lock !== undefined) this.safeDispatchEvent('contended', { detail: { key: e.key, token: lock.token } })
    }
  }

  /**
   * A `mode` event (and ready() waiters) when the quiet period ends: the
   * mode itself did not change, but from now on this node grants votes.
   */
  private watchQuietEnd (): void {
    if (this.quietTimer !== null) return
    const check = (): void => {
      this.quietTimer = null
      if (this.state !== 'running' && this.state !== 'starting') return
      const left = this.quietRemainingMs
      // The timer may fire a little early (timer granularity): look again.
      if (left > 0) { this.quietTimer = this.timers.setTimeout(check, left); return }
      this.currentMode = { ...this.currentMode, quiet: false, quietRemainingMs: 0 }
      for (const w of this.readyWaiters.splice(0)) w()
      this.safeDispatchEvent('mode', { detail: this.currentMode })
    }
    this.quietTimer = this.timers.setTimeout(check, this.quietRemainingMs)
  }

  /** Peers, mode, quorum figures, held locks, queue depths and counters. */
  status (): MeshStatus {
    const core = this.driver.status()
    const transport = this.transport.stats?.() ?? null
    return {
      self: this.config.self,
      state: this.state,
      configHash: this.configHash,
      mode: this.currentMode.mode,
      sharedLocks: this.currentMode.sharedLocks,
      quietRemainingMs: core === null ? 0 : this.quietRemainingMs,
      draining: this.state === 'draining',
      // Live: the mode event's set is only refreshed when the mode changes.
      reachable: core === null ? [] : [this.config.self, ...core.peers.filter(p => p.reachable).map(p => p.peer)].sort(),
      quorum: core?.quorum ?? null,
      incarnation: this.driver.getIncarnation(),
      recovering: this.driver.recovering,
      recovery: this.driver.recoveryStatus(),
      locks: [...this.locks.values()].map(l => ({ key: l.key, mode: l.mode, token: l.token.toString(), remainingMs: Math.round(l.remainingMs()) })),
      core,
      transport,
      handshakeRefusals: transport?.handshakeRefusals ?? 0
    }
  }

  /**
   * Draining stop. At once: no more acquires, our own requests fail and our
   * locks are lost (released: peers need not wait for their lease ends), and
   * the voter grants nothing more — it answers REQUESTs with FAILED(quiet)
   * and announces itself as quiet in handshakes, so requesters pick quorums
   * around it, and refuses EXTENDs (holders keep their current validity).
   * Then it drains: it waits until every vote it holds is released or
   * expired (bounded by the longest lease it granted, and by `drainMs`) and
   * until the voters of our own locks acknowledged their release (bounded by
   * `releaseAckWaitMs`). Only then the core stops: the clean-exit marker is
   * written if, at that moment, no vote is held and the quiet period after
   * this start has passed — a drain that timed out writes none. Last, the
   * transport closes. A second call waits for the first.
   */
  async stop (options: StopOptions = {}): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options', 'an object', options)
    if (options.drainMs !== undefined) checkWait('drainMs', options.drainMs)
    if (this.stopping !== null) { await this.stopping; return }
    // The core ends the drain by the longest lease end; this cap is a second line
    // (a lease never outlives ttlMsMax plus drift since the drain refuses extensions).
    const drainMsMax = this.config.ttlMsMax * (1 + 2 * this.config.driftRho) + this.config.retransmitMs
    this.stopping = this.runStop(Math.min(options.drainMs ?? Infinity, drainMsMax))
    await this.stopping
  }

  private async runStop (drainMs: number): Promise<void> {
    const wasRunning = this.state === 'running'
    this.state = wasRunning ? 'draining' : 'stopping'
    if (this.quietTimer !== null) this.timers.clearTimeout(this.quietTimer)
    this.quietTimer = null
    for (const [handle, p] of this.pending) { p.cleanup(); p.reject(new AbortError(p.key, 'the node is stopping')); this.pending.delete(handle) }
    for (const [handle, op] of this.extending) { op.reject(new LockLostError('', 'the node is stopping')); this.extending.delete(handle) }
    const ours: Array<Promise<boolean>> = []
    for (const lock of this.locks.values()) {
      lock.abort(() => new LockLostError(lock.key, 'stopped'))
      this.safeDispatchEvent('lock-lost', { detail: { key: lock.key, token: lock.token, reason: 'stopped' } })
      ours.push(this.awaitAck(lock.handle, Math.min(drainMs, this.releaseAckWaitMs)))
    }
    this.locks.clear()
    for (const handle of [...this.expiryTimers.keys()]) this.unwatchExpiry(handle)
    if (wasRunning) {
      const drained = new Promise<void>(resolve => { this.drainedWaiter = resolve })
      this.driver.feed({ type: 'drain', drainMs: Number.isFinite(drainMs) ? drainMs : null })
      // The core ends the drain by the longest lease end; drainMs bounds it here too.
      let timer: TimerHandle | null = null
      const deadline = new Promise<void>(resolve => { if (Number.isFinite(drainMs)) timer = this.timers.setTimeout(resolve, drainMs) })
      await Promise.race([Promise.all([drained, ...ours]), deadline])
      if (timer !== null) this.timers.clearTimeout(timer)
      this.drainedWaiter = null
    }
    this.state = 'stopping'
    for (const settle of [...this.ackWaiters.values()]) settle(false)
    await this.driver.stop()
    // Let the RELEASE frames leave before the streams close.
    if (wasRunning) await new Promise<void>(resolve => { this.timers.setTimeout(resolve, STOP_FLUSH_MS) })
    await this.transport.stop()
    this.state = 'stopped'
  }
}

export interface MeshStatus {
  self: NodeId
  state: string
  configHash: string
  mode: Mode
  sharedLocks: boolean
  /** What is left of the quiet period after a restart without a clean exit: no vote is granted until 0. */
  quietRemainingMs: number
  /** A draining stop runs (stop()): no grants, no extensions, votes running out. */
  draining: boolean
  /** Peers reachable both ways right now, this node included (sorted). */
  reachable: NodeId[]
  /** Quorum system figures for this roster (sizes, worst-case crashes survived). */
  quorum: QuorumFigures | null
  /** 0 while recovering a lost store (no incarnation yet). */
  incarnation: number
  /** The fence store was lost and the node is recovering: it grants nothing (see `recovery.reason`). */
  recovering: boolean
  /** Disk-loss recovery: phase, why the node is not voting yet, who answered (null when this start did not need it). */
  recovery: ReturnType<CoreDriver['recoveryStatus']>
  locks: Array<{ key: string, mode: LockMode, token: string, remainingMs: number }>
  core: ReturnType<CoreDriver['status']>
  /** The transport's counters (null when it keeps none). */
  transport: TransportStats | null
  /** Streams refused during their handshake (config hash, version, stale incarnation, …). */
  handshakeRefusals: number
}

/** A ttl below `minTtlMs` would leave no validity after the margin and drift (issue 9, item 2). */
function checkTtl (name: string, ttlMs: unknown, config: CoreConfig): void {
  const min = minTtlMs(config)
  const max = config.ttlMsMax
  // Whole ms: the wire carries integers, a fractional ttl would be dropped as malformed.
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < min || ttlMs > max) throw new InvalidOptionsError(name, `a whole number of ms in [${min}, ${max}] (minTtlMs: marginMs ${config.marginMs} and driftRho ${config.driftRho}; ttlMsMax)`, ttlMs)
}

function checkWait (name: string, waitMs: unknown): void {
  if (typeof waitMs !== 'number' || Number.isNaN(waitMs) || waitMs < 0) throw new InvalidOptionsError(name, 'a number of ms >= 0 (or Infinity)', waitMs)
}

function failureError (r: Extract<Result, { type: 'failed' }>, waitMs: number): Error {
  switch (r.reason) {
    case 'timeout': return new LockTimeoutError(r.key, waitMs, quietPart(r.detail))
    case 'cancelled': return new AbortError(r.key, 'the acquire was aborted')
    case 'stopped': return new AbortError(r.key, 'the node is stopping')
    case 'read-only': return new ReadOnlyError(r.key, r.reachable, r.detail)
    case 'no-quorum': return new NoQuorumError(r.key, r.reachable)
    case 'busy': return new LockBusyError(r.key, r.detail)
    case 'queue-full':
    case 'too-many': return new QueueFullError(r.key, r.detail)
    case 'invalid': return new InvalidOptionsError('acquire', 'valid acquire options', r.detail)
    case 'token-exhausted': return new QueueFullError(r.key, r.detail)
  }
}

/** The part of a failure's detail that names quiet voters ('' when none do). */
function quietPart (detail: string): string {
  const i = detail.indexOf('only quorums with quiet voters')
  return i < 0 ? '' : detail.slice(i)
}
