/**
 * The one Ready-application loop (raft's `node.run()`, kept outside the
 * algorithm). Production, the simulator and the tests all drive a LockCore
 * through this class; only the clock, the timers, the store and the send
 * function differ. There is no second copy of this loop anywhere.
 *
 * Obligations it fulfils (the Ready contract in src/core/types.ts):
 * - every input carries `now` read right before the step (monotonic + wall);
 * - inputs are queued, never stepped re-entrantly (listeners may call back in);
 * - each persist request is written durably, in order, and only then is
 *   "persisted up to batch n" fed back (the core holds the batch's output);
 * - frames to ourselves are fed back on a LATER event-loop turn (a one-node
 *   mesh must still yield to timers and I/O), the rest go to the transport;
 * - the core is woken at its monotonic `wakeAt` and at its wall-clock
 *   `wakeAtWall`. Timers run on the monotonic clock, which stops while the
 *   host is suspended and may run slower than the wall clock by up to ρ, so a
 *   wall deadline is approached in steps: the timer fires at most
 *   {@link WALL_POLL_MS} later, or slightly before the deadline (rate error),
 *   and the core is ticked once either clock has reached its deadline (a
 *   timer that finds neither reached is armed again without a step).
 */
import { LockCore } from '../core/lock-core.js'
import { createQuorumSystem } from '../core/quorum.js'
import { recoverable, RecoveryCore, type RecoveryStatus } from '../core/recovery.js'
import { FenceStoreMissingError } from '../store/fence-store.js'
import type { Boot, CoreConfig, CoreEvent, Frame, Input, NodeId, Now, Ready, Result } from '../core/types.js'
import type { FenceStore } from '../store/fence-store.js'
import { type Clock, systemClock } from './clock.js'
import { applyReady, type ReadySink } from './apply-ready.js'
import { systemTimers, type TimerHandle, type Timers } from './timers.js'

export { type Clock, type RealClock, systemClock } from './clock.js'

/**
 * Longest a wall-clock deadline may go unnoticed after a host suspend (ms):
 * while the core has a wall deadline, the loop looks at the wall clock at
 * least this often.
 */
export const WALL_POLL_MS = 100
/** Inputs stepped in one synchronous run of the loop before it yields (runaway guard). */
const STEPS_PER_RUN_MAX = 100_000

export interface CoreDriverInit {
  config: CoreConfig
  store: FenceStore
  send: (to: NodeId, frame: Frame) => void
  onResult: (r: Result) => void
  onEvent: (e: CoreEvent) => void
  /** A persist failed: durability is gone, the node must stop. */
  onFatal: (err: Error) => void
  /**
   * A brand-new member: a missing store is created (no quiet period). Unset,
   * a missing store means disk loss and the node recovers first (RecoveryCore).
   */
  newMember?: boolean
  /** Disk-loss recovery finished and the recovered LockCore runs (incarnation changed: handshakes must be renewed). */
  onRecovered?: (incarnation: number) => void
  clock?: Clock
  timers?: Timers
}

type InputWithoutNow = Input extends infer I ? I extends { now: Now } ? Omit<I, 'now'> : never : never

export class CoreDriver {
  private core: LockCore | null = null
  /** Runs instead of `core` while a lost store is being recovered. */
  private recovery: RecoveryCore | null = null
  private readonly queue: InputWithoutNow[] = []
  private stepping = false
  private timer: TimerHandle | null = null
  /** Monotonic instant the armed timer was set for (re-armed only when it changes). */
  private armedFor = Infinity
  private wakeAt: number | null = null
  private wakeAtWall: number | null = null
  private persistChain: Promise<void> = Promise.resolve()
  private incarnation = 0
  private stopped = false
  readonly clock: Clock
  readonly timers: Timers

  constructor (private readonly init: CoreDriverInit) {
    this.clock = init.clock ?? systemClock
    this.timers = init.timers ?? systemTimers
  }

  now (): Now { return { mono: this.clock.mono(), wall: this.clock.wall() } }

  /**
   * Load the store, take a new incarnation (durably), start the core. A
   * missing store (not a new member) starts a RecoveryCore instead: no
   * incarnation, nothing written until recovery is done.
   */
  async start (): Promise<void> {
    const exists = await this.init.store.exists?.() ?? true
    if (!exists && this.init.newMember !== true) {
      // Recovery that can never end is an error now, not a node stuck read-only for good.
      if (!recoverable(this.init.config)) throw new FenceStoreMissingError(this.init.config.self, createQuorumSystem(this.init.config.quorum, this.init.config.roster).layout)
      this.recovery = new RecoveryCore(this.init.config)
      this.feed({ type: 'start' })
      return
    }
    const loaded = await this.init.store.load()
    const next = { ...loaded, incarnation: loaded.incarnation + 1 }
    await this.init.store.save(next)
    this.incarnation = next.incarnation
    // A node's very first run (incarnation 0 on disk) granted nothing before:
    // like a clean exit, it has no votes to forget and skips the quiet period.
    const firstRun = loaded.incarnation === 0
    const boot: Boot = { incarnation: next.incarnation, persisted: { ceiling: loaded.ceiling, cleanExit: loaded.cleanExit || firstRun } }
    this.core = new LockCore(this.init.config, boot)
    this.feed({ type: 'start' })
  }

  get started (): boolean { return this.core !== null || this.recovery !== null }
  /** Recovering a lost store (no incarnation yet, grants nothing). */
  get recovering (): boolean { return this.core === null && this.recovery !== null }
  getIncarnation (): number { return this.incarnation }
  lamport (): bigint { return this.core?.lamport() ?? this.recovery?.lamport() ?? 0n }
  /** The handshake's quiet figure: restart quiet period or drain, whichever ends later (read now). */
  quietRemainingMs (): number { return this.core?.quietRemainingMs(this.clock.mono()) ?? this.init.config.ttlMsMax }
  /** What is left of the quiet period after this start (read now): the node grants nothing until it ends (0 while recovering: see recoveryStatus). */
  restartQuietRemainingMs (): number { return this.core?.restartQuietRemainingMs(this.clock.mono()) ?? (this.recovery !== null ? 0 : this.init.config.ttlMsMax) }
  status (): ReturnType<LockCore['status']> | null { return this.core?.status() ?? null }
  /** Where disk-loss recovery stands (null when this start did not need it). */
  recoveryStatus (): (RecoveryStatus & { counters: Record<string, number> }) | null { return this.recovery?.status() ?? null }

  /** Queue an input; it is stepped with a fresh `now` as soon as no step runs. */
  feed (input: InputWithoutNow): void {
    if ((this.core === null && this.recovery === null) || (this.stopped && input.type !== 'persisted')) return
    this.queue.push(input)
    if (this.stepping) return
    this.stepping = true
    try {
      for (let steps = 0; this.queue.length > 0 && steps < STEPS_PER_RUN_MAX; steps++) {
        // Each queued input is a fresh object of its caller's: stamping it in place
        // spares a copy per step (the hot path of every node).
        const next = this.queue.shift()! as Input
        next.now = this.now()
        const core = this.core ?? this.recovery!
        const ready = core.step(next)
        this.apply(ready)
      }
    } finally {
      this.stepping = false
    }
  }

  private apply (ready: Ready): void {
    applyReady(ready, this.init.config.self, this.sink)
  }

  /** What this driver does with each part of a Ready (built once: the hot path allocates nothing). */
  private readonly sink: ReadySink = {
    persist: (batch, state) => {
      const incarnation = this.incarnation
      this.persistChain = this.persistChain
        .then(async () => { await this.init.store.save({ incarnation, ceiling: state.ceiling, cleanExit: state.cleanExit }) })
        .then(() => { this.feed({ type: 'persisted', batch }) })
        .catch((err: unknown) => { this.init.onFatal(err instanceof Error ? err : new Error(String(err))) })
    },
    sendSelf: frame => {
      const self = this.init.config.self
      this.timers.setImmediate(() => { this.feed({ type: 'frame', from: self, frame }) })
    },
    send: (to, frame) => { this.init.send(to, frame) },
    result: r => { this.init.onResult(r) },
    event: e => {
      if (e.type === 'recovered') this.finishRecovery(e.incarnation, e.ceiling)
      this.init.onEvent(e)
    },
    wake: (mono, wall) => {
      this.wakeAt = mono
      this.wakeAtWall = wall
      this.schedule()
    }
  }

  /**
   * Recovery is done: persist the new incarnation and ceiling durably, then
   * boot the LockCore with them (the quiet period was waited out already).
   * Inputs meanwhile go to the finished RecoveryCore, which ignores them.
   */
  private finishRecovery (incarnation: number, ceiling: bigint): void {
    this.persistChain = this.persistChain
      .then(async () => { await this.init.store.save({ incarnation, ceiling, cleanExit: false }) })
      .then(() => {
        if (this.stopped) return
        this.incarnation = incarnation
        this.core = new LockCore(this.init.config, { incarnation, persisted: { ceiling, cleanExit: false }, recovered: true })
        this.feed({ type: 'start' })
        this.init.onRecovered?.(incarnation)
      })
      .catch((err: unknown) => { this.init.onFatal(err instanceof Error ? err : new Error(String(err))) })
  }

  /** Arm one timer for the earlier of the two wake-ups (an earlier armed one is kept). */
  private schedule (): void {
    if (this.stopped) return
    let due = this.wakeAt ?? Infinity
    const nowMono = this.wakeAtWall !== null || due !== Infinity ? this.clock.mono() : 0
    if (this.wakeAtWall !== null) {
      // Approach the wall deadline from below: the monotonic clock may run up to
      // 2ρ slower than the wall clock, and stops entirely while suspended.
      const wallLeft = this.wakeAtWall - this.clock.wall()
      const step = Math.min(WALL_POLL_MS, Math.max(0, wallLeft * (1 - 2 * this.init.config.driftRho)))
      due = Math.min(due, nowMono + step)
    }
    // An armed timer that fires no later than needed is kept: an early tick
    // only re-stamps the core, which answers with its deadlines again.
    if (this.timer !== null && this.armedFor <= due) return
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    this.armedFor = due
    if (due === Infinity) return
    const delay = Math.max(0, due - nowMono)
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      this.armedFor = Infinity
      // Early for a deadline that has since moved later (an earlier armed timer
      // is kept, above), or a wall poll before the wall deadline: nothing is
      // due, so the core is not stepped — only the timer is armed again.
      if (this.due()) this.feed({ type: 'tick' })
      else this.schedule()
    }, Math.ceil(delay))
  }

  /** The core's last wake-up, monotonic or wall, has come. */
  private due (): boolean {
    if (this.wakeAt !== null && this.clock.mono() >= this.wakeAt) return true
    return this.wakeAtWall !== null && this.clock.wall() >= this.wakeAtWall
  }

  /** Stop the core (it releases its own locks), wait for every persist, cancel timers. */
  async stop (): Promise<void> {
    if ((this.core === null && this.recovery === null) || this.stopped) return
    this.feed({ type: 'stop' })
    this.stopped = true
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    await this.persistChain
  }
}
