/**
 * Drives one LockCore with real clocks, real timers and a durable fence store
 * (raft's `node.run()` loop, kept outside the algorithm).
 *
 * Obligations it fulfils (DESIGN.md §1):
 * - every input carries `now` read right before the step (monotonic + wall);
 * - inputs are queued, never stepped re-entrantly (listeners may call back in);
 * - each persist request is written durably, in order, and only then is
 *   "persisted up to batch n" fed back (the core holds the batch's output);
 * - frames to ourselves are fed back as input; the rest go to the transport;
 * - the core is woken at the time it asked for.
 */
import { LockCore } from '../core/lock-core.js'
import type { Boot, CoreConfig, CoreEvent, Frame, Input, NodeId, Now, Result } from '../core/types.js'
import type { FenceStore } from '../store/fence-store.js'

/** Where time comes from; tests may pass a fake. */
export interface RealClock {
  /** Monotonic milliseconds (stops while the host is suspended). */
  mono: () => number
  /** Wall-clock milliseconds. */
  wall: () => number
}

export const systemClock: RealClock = {
  mono: () => performance.now(),
  wall: () => Date.now()
}

export interface CoreDriverInit {
  config: CoreConfig
  store: FenceStore
  send: (to: NodeId, frame: Frame) => void
  onResult: (r: Result) => void
  onEvent: (e: CoreEvent) => void
  /** A persist failed: durability is gone, the node must stop. */
  onFatal: (err: Error) => void
  clock?: RealClock
}

type InputWithoutNow = Input extends infer I ? I extends { now: Now } ? Omit<I, 'now'> : never : never

export class CoreDriver {
  private core: LockCore | null = null
  private readonly queue: InputWithoutNow[] = []
  private stepping = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private persistChain: Promise<void> = Promise.resolve()
  private incarnation = 0
  private stopped = false
  readonly clock: RealClock

  constructor (private readonly init: CoreDriverInit) {
    this.clock = init.clock ?? systemClock
  }

  now (): Now { return { mono: this.clock.mono(), wall: this.clock.wall() } }

  /** Load the store, take a new incarnation (durably), start the core. */
  async start (): Promise<void> {
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

  get started (): boolean { return this.core !== null }
  getIncarnation (): number { return this.incarnation }
  lamport (): bigint { return this.core?.lamport() ?? 0n }
  quietRemainingMs (): number { return this.core?.quietRemainingMs() ?? this.init.config.ttlMsMax }
  status (): ReturnType<LockCore['status']> | null { return this.core?.status() ?? null }

  /** Queue an input; it is stepped with a fresh `now` as soon as no step runs. */
  feed (input: InputWithoutNow): void {
    if (this.core === null || (this.stopped && input.type !== 'persisted')) return
    this.queue.push(input)
    if (this.stepping) return
    this.stepping = true
    try {
      for (let guard = 0; this.queue.length > 0 && guard < 100_000; guard++) {
        const next = this.queue.shift()!
        const ready = this.core.step({ ...next, now: this.now() } as Input)
        this.apply(ready)
      }
    } finally {
      this.stepping = false
    }
  }

  private apply (ready: ReturnType<LockCore['step']>): void {
    if (ready.persist !== null) {
      const { batch, state } = ready.persist
      const incarnation = this.incarnation
      this.persistChain = this.persistChain
        .then(async () => { await this.init.store.save({ incarnation, ceiling: state.ceiling, cleanExit: state.cleanExit }) })
        .then(() => { this.feed({ type: 'persisted', batch }) })
        .catch((err: unknown) => { this.init.onFatal(err instanceof Error ? err : new Error(String(err))) })
    }
    const self = this.init.config.self
    for (const f of ready.frames) {
      if (f.to === self) queueMicrotask(() => { this.feed({ type: 'frame', from: self, frame: f.frame }) })
      else this.init.send(f.to, f.frame)
    }
    for (const r of ready.results) this.init.onResult(r)
    for (const e of ready.events) this.init.onEvent(e)
    this.schedule(ready.wakeAt)
  }

  private schedule (wakeAt: number | null): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (wakeAt === null || this.stopped) return
    const delay = Math.max(0, wakeAt - this.clock.mono())
    this.timer = setTimeout(() => {
      this.timer = null
      this.feed({ type: 'tick' })
    }, Math.ceil(delay))
  }

  /** Stop the core (it releases its own locks), wait for every persist, cancel timers. */
  async stop (): Promise<void> {
    if (this.core === null || this.stopped) return
    this.feed({ type: 'stop' })
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await this.persistChain
  }
}
