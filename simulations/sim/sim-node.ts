/**
 * One simulated host: its clocks, its disk (the fence store survives crashes,
 * as a file would) and, while its process runs, a LockCore.
 */
import type { Boot, Input, PersistedState, Ready } from '../../src/core/types.js'
import type { SimClock } from './clock.js'

/** What the simulator needs from a core (LockCore satisfies it). */
export interface CoreLike {
  step: (input: Input) => Ready
  quietRemainingMs?: () => number
  lamport?: () => bigint
}

export type CoreFactory = (node: number, boot: Boot) => CoreLike

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** An input before the driver stamps `now` on it (at the instant the process handles it). */
export type NodeInput = DistributiveOmit<Input, 'now'>

export type PendingItem =
  | { k: 'input', input: NodeInput }
  | { k: 'tick', gen: number }
  | { k: 'app', fn: () => void }

export class SimNode {
  core: CoreLike | null = null
  /** Incarnation of the running process (0 = never started). */
  inc = 0
  up = false
  paused = false
  suspended = false
  /** A clean stop is in progress: the core got `stop`, the process exits once its writes land. */
  stopping = false
  /** Inputs that arrived while the process was frozen (paused or host suspended). */
  pending: PendingItem[] = []
  tickGen = 0
  wakeAt: number | null = null
  /** Durable state: the fence store and the incarnation counter. */
  disk: PersistedState = { ceiling: 0n, cleanExit: true }
  diskInc = 0
  diskBusyUntil = 0
  persistsInFlight = 0
  /** Bumped on heal and on every process death: stale fault ends do nothing. */
  faultToken = 0
  /** Base clock rate (1 + e); `drift` changes it for a while. */
  baseRate = 1

  constructor (readonly index: number, readonly id: string, readonly clock: SimClock) {}

  get running (): boolean { return this.up && !this.paused && !this.suspended }
  get frozen (): boolean { return this.paused || this.suspended }
}
