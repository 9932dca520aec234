/**
 * One simulated host: its clocks, its disk (the fence store survives crashes,
 * as a file would) and, while its process runs, the shipped node — a real
 * `LockMesh` (with its `CoreDriver`, `Lock`s and `using()`) on the host's
 * simulated clock, timers, disk and network.
 */
import type { LockMesh } from '../../src/mesh.js'
import type { MeshTransportHooks } from '../../src/runtime/transport.js'
import type { StoredState } from '../../src/store/fence-store.js'
import type { SimClock } from './clock.js'

/** Something the node's process runs: a timer, a frame arrival, a disk completion, app code. */
export type ProcessTask = () => void

export class SimNode {
  /** The running node (null while the process is down). */
  mesh: LockMesh | null = null
  /** The transport hooks of the running node, once its transport started. */
  hooks: MeshTransportHooks | null = null
  /** Process generation: bumped at every start; tasks of an older process are dropped. */
  inc = 0
  up = false
  /** The node's `start()` resolved: the application may use it. */
  started = false
  paused = false
  suspended = false
  /** Frozen by a `burst` fault (a blocked event loop), apart from any pause or suspend. */
  burstFrozen = false
  /** A `burst` fault runs on this node until then (true ms). */
  burstUntil = -Infinity
  /** A clean stop is in progress: `mesh.stop()` runs, the process exits when it resolves. */
  stopping = false
  /** Tasks that arrived while the process was frozen (paused, host suspended or in a burst), in order. */
  pending: ProcessTask[] = []
  /** Armed timers of this process: id → monotonic instant due and callback. */
  readonly timers = new Map<number, { monoDue: number, fn: () => void, gen: number }>()
  /** Durable state: what the fence store file holds. */
  disk: StoredState = { incarnation: 0, ceiling: 0n, cleanExit: false }
  /** The disk was wiped (the `wiped-restart` fault): the store is missing until the first write lands. */
  wiped = false
  /** The running node recovers a wiped store (grants nothing; the truth counts it as down). */
  recovering = false
  diskBusyUntil = 0
  /** A hung fence-store write is pending until then (true ms). */
  diskStalledUntil = 0
  /** A mode-flap fault: writes issued before then land then at the earliest (true ms). */
  diskHangUntil = 0
  persistsInFlight = 0
  /** Bumped on heal and on every process death: stale fault ends do nothing. */
  faultToken = 0
  /** This process logged its first mode (later ones count as mode changes). */
  modeSeen = false
  /** Base clock rate (1 + e); `drift` changes it for a while. */
  baseRate = 1

  constructor (readonly index: number, readonly id: string, readonly clock: SimClock) {}

  get running (): boolean { return this.up && !this.frozen }
  get frozen (): boolean { return this.paused || this.suspended || this.burstFrozen }
}
