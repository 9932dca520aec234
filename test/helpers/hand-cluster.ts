/**
 * A hand-stepped cluster of LockCores for protocol stories (etcd-raft's
 * `network` in raft_test.go): frames wait in `inflight` until a test delivers,
 * drops, duplicates or reorders them; time moves only when the test says so.
 */
import { defaultCoreConfig } from '../../src/core/config.js'
import { keySpread } from '../../src/core/config.js'
import { LockCore } from '../../src/core/lock-core.js'
import { createQuorumSystem } from '../../src/core/quorum.js'
import { applyReady } from '../../src/runtime/apply-ready.js'
import type { AcquireCommand, CoreConfig, CoreEvent, Frame, FrameBody, NodeId, PersistedState, Ready, Result } from '../../src/core/types.js'

export interface InFlight {
  from: NodeId
  to: NodeId
  frame: Frame
}

export interface Disk {
  incarnation: number
  state: PersistedState
}

export interface HandNode {
  id: NodeId
  core: LockCore | null
  disk: Disk
  results: Result[]
  events: CoreEvent[]
  /** Persist requests not yet completed (when autoPersist is off). */
  pendingPersist: Array<{ batch: number, state: PersistedState }>
  wakeAt: number | null
  /** Wall-clock wake-up of the last Ready (ticked when the node's wall clock reaches it). */
  wakeAtWall: number | null
  /** Clocks: local mono = time * rate + monoOffset, local wall = time * rate + wallOffset. */
  rate: number
  monoOffset: number
  wallOffset: number
}

export interface HandClusterOptions {
  nodes: number
  config?: Partial<CoreConfig>
  /** Complete persists immediately (default true). */
  autoPersist?: boolean
}

/** Short timings so stories run quickly in virtual time. */
export const STORY_TIMINGS: Partial<CoreConfig> = {
  ttlMsMax: 5_000,
  driftRho: 0.01,
  marginMs: 0,
  pingIntervalMs: 100,
  suspicionTimeoutMs: 500,
  stallThresholdMs: 300,
  stableMs: 400,
  retransmitMs: 200,
  tombstoneMs: 2_000
}

export class HandCluster {
  readonly ids: NodeId[]
  readonly nodes = new Map<NodeId, HandNode>()
  inflight: InFlight[] = []
  /** Every frame ever sent, for assertions. */
  log: InFlight[] = []
  time = 0
  autoPersist: boolean
  readonly config: Partial<CoreConfig>

  constructor (opts: HandClusterOptions) {
    this.ids = Array.from({ length: opts.nodes }, (_, i) => `n${i}`)
    this.autoPersist = opts.autoPersist ?? true
    this.config = { ...STORY_TIMINGS, ...opts.config }
    for (const id of this.ids) {
      this.nodes.set(id, { id, core: null, disk: { incarnation: 0, state: { ceiling: 0n, cleanExit: false } }, results: [], events: [], pendingPersist: [], wakeAt: null, wakeAtWall: null, rate: 1, monoOffset: 0, wallOffset: 0 })
    }
  }

  node (id: NodeId): HandNode { return this.nodes.get(id)! }
  core (id: NodeId): LockCore { return this.node(id).core! }

  now (id: NodeId): { mono: number, wall: number } {
    const n = this.node(id)
    return { mono: this.time * n.rate + n.monoOffset, wall: this.time * n.rate + n.wallOffset }
  }

  /** Start (or restart) a node: a new incarnation from its disk. */
  start (id: NodeId, config: Partial<CoreConfig> = {}): void {
    const n = this.node(id)
    n.disk.incarnation++
    n.core = new LockCore(defaultCoreConfig(id, this.ids, { ...this.config, ...config }), { incarnation: n.disk.incarnation, persisted: { ...n.disk.state } })
    n.pendingPersist = []
    this.apply(n, n.core.step({ type: 'start', now: this.now(id) }))
  }

  startAll (): void { for (const id of this.ids) this.start(id) }

  /** Crash: memory lost, unpersisted writes lost, frames in flight from it stay in flight. */
  crash (id: NodeId): void {
    const n = this.node(id)
    n.core = null
    n.pendingPersist = []
    n.wakeAt = null
    n.wakeAtWall = null
  }

  /**
   * Suspend `id`'s host for `ms`: the others run on (frames to and from it
   * stay in flight), its monotonic clock stops, its wall clock keeps running.
   */
  suspendFor (id: NodeId, ms: number): void {
    const n = this.node(id)
    this.advance(ms, { except: [id], deliver: m => m.to !== id && m.from !== id })
    n.monoOffset -= ms * n.rate
  }

  /** Whether `n` must be ticked now: either clock reached its wake-up (the Ready contract). */
  private due (n: HandNode): boolean {
    const now = this.now(n.id)
    return (n.wakeAt !== null && n.wakeAt <= now.mono) || (n.wakeAtWall !== null && n.wakeAtWall <= now.wall)
  }

  /** Tell every other node about `id`'s (re)start, as the runtime's handshake would. */
  handshake (id: NodeId): void {
    const n = this.node(id)
    for (const other of this.ids) {
      if (other === id || this.node(other).core === null) continue
      this.input(other, { type: 'handshake', now: this.now(other), peer: id, incarnation: n.disk.incarnation, clock: n.core!.lamport(), quietRemainingMs: n.core!.quietRemainingMs() })
      this.input(id, { type: 'handshake', now: this.now(id), peer: other, incarnation: this.node(other).disk.incarnation, clock: this.core(other).lamport(), quietRemainingMs: this.core(other).quietRemainingMs() })
    }
  }

  input (id: NodeId, input: Parameters<LockCore['step']>[0]): Ready | null {
    const n = this.node(id)
    if (n.core === null) return null
    const ready = n.core.step(input)
    this.apply(n, ready)
    return ready
  }

  /**
   * Apply a Ready through the shared `applyReady` (src/runtime/apply-ready.ts),
   * with this cluster's sink: frames (to itself too) wait in `inflight` for the
   * test to deliver, results and events are collected, wake-ups recorded; a
   * persist completes at once (autoPersist) — its `persisted` input is stepped
   * after this Ready is applied, never inside it — or waits for
   * `completePersist`.
   */
  private apply (n: HandNode, ready: Ready): void {
    const persisted: number[] = []
    const push = (to: NodeId, frame: Frame): void => {
      const m = { from: n.id, to, frame }
      this.inflight.push(m)
      this.log.push(m)
    }
    applyReady(ready, n.id, {
      persist: (batch, state) => {
        if (this.autoPersist) {
          n.disk.state = { ...state }
          persisted.push(batch)
        } else {
          n.pendingPersist.push({ batch, state })
        }
      },
      sendSelf: frame => { push(n.id, frame) },
      send: push,
      result: r => { n.results.push(r) },
      event: e => { n.events.push(e) },
      wake: (mono, wall) => { n.wakeAt = mono; n.wakeAtWall = wall }
    })
    for (const batch of persisted) {
      if (n.core === null) return
      this.apply(n, n.core.step({ type: 'persisted', now: this.now(n.id), batch }))
    }
  }

  /** Complete `id`'s oldest pending persist. */
  completePersist (id: NodeId): void {
    const n = this.node(id)
    const p = n.pendingPersist.shift()
    if (p === undefined || n.core === null) return
    n.disk.state = { ...p.state }
    this.input(id, { type: 'persisted', now: this.now(id), batch: p.batch })
  }

  acquire (id: NodeId, cmd: Partial<AcquireCommand> & { handle: number, key: string }): void {
    this.input(id, { type: 'acquire', now: this.now(id), cmd: { mode: 'exclusive', ttlMs: 2_000, noWait: false, waitMs: null, ...cmd } })
  }

  release (id: NodeId, handle: number): void { this.input(id, { type: 'release', now: this.now(id), handle }) }
  cancel (id: NodeId, handle: number): void { this.input(id, { type: 'cancel', now: this.now(id), handle }) }
  extend (id: NodeId, handle: number, ttlMs: number): void { this.input(id, { type: 'extend', now: this.now(id), handle, ttlMs }) }
  stop (id: NodeId): void { this.input(id, { type: 'stop', now: this.now(id) }) }
  /** Begin a draining stop (`drainMs` null: bounded by the longest lease granted). */
  drain (id: NodeId, drainMs: number | null = null): void { this.input(id, { type: 'drain', now: this.now(id), drainMs }) }

  /** Frames in flight matching `pred` (types by name, or a predicate). */
  pending (pred: FramePred = () => true): InFlight[] { return this.inflight.filter(toPred(pred)) }

  /** Deliver matching frames (in order); frames they cause stay in flight. Returns how many. */
  deliver (pred: FramePred = () => true): number {
    const p = toPred(pred)
    const now = this.inflight.filter(p)
    this.inflight = this.inflight.filter(m => !p(m))
    for (const m of now) {
      if (this.node(m.to).core === null) continue
      this.input(m.to, { type: 'frame', now: this.now(m.to), from: m.from, frame: m.frame })
    }
    return now.length
  }

  /** Drop matching frames. */
  drop (pred: FramePred): number {
    const p = toPred(pred)
    const n = this.inflight.filter(p).length
    this.inflight = this.inflight.filter(m => !p(m))
    return n
  }

  /** Take matching frames out of flight (to deliver later with `inject`). */
  take (pred: FramePred): InFlight[] {
    const p = toPred(pred)
    const taken = this.inflight.filter(p)
    this.inflight = this.inflight.filter(m => !p(m))
    return taken
  }

  inject (frames: InFlight[]): void {
    for (const m of frames) {
      if (this.node(m.to).core === null) continue
      this.input(m.to, { type: 'frame', now: this.now(m.to), from: m.from, frame: m.frame })
    }
  }

  /** Move time; tick every live node whose wake-up is due (repeatedly, bounded). */
  advance (ms: number, opts: { deliver?: FramePred | false, except?: NodeId[] } = {}): void {
    const end = this.time + ms
    const stepMs = Math.max(1, Math.min(10, ms))
    for (let guard = 0; guard < 1_000_000 && this.time < end; guard++) {
      this.time = Math.min(end, this.time + stepMs)
      if (opts.deliver !== false) this.deliver(opts.deliver ?? (() => true))
      for (const n of this.nodes.values()) {
        if (n.core === null || (opts.except?.includes(n.id) ?? false)) continue
        if (this.due(n)) this.input(n.id, { type: 'tick', now: this.now(n.id) })
      }
    }
  }

  /** Deliver everything until nothing is in flight (bounded), without moving time. */
  settle (pred: FramePred = () => true, rounds = 1000): void {
    for (let i = 0; i < rounds; i++) if (this.deliver(pred) === 0) return
    throw new Error('settle: still busy after many rounds')
  }

  /** Start all nodes, exchange handshakes and run until every node has its first mode. */
  boot (): void {
    this.startAll()
    this.advance((this.config.suspicionTimeoutMs ?? 500) + 50)
  }

  /** Boot, then wait out the start-up quiet period so voters grant. */
  bootPastQuiet (): void {
    this.boot()
    this.advance((this.config.ttlMsMax ?? 5_000) + 50)
  }

  results (id: NodeId, type?: Result['type']): Result[] {
    return this.node(id).results.filter(r => type === undefined || r.type === type)
  }

  lastResult (id: NodeId, handle: number): Result | undefined {
    return [...this.node(id).results].reverse().find(r => 'handle' in r && r.handle === handle)
  }

  granted (id: NodeId, handle: number): Extract<Result, { type: 'granted' }> | undefined {
    return this.node(id).results.find((r): r is Extract<Result, { type: 'granted' }> => r.type === 'granted' && r.handle === handle)
  }

  events (id: NodeId, type?: CoreEvent['type']): CoreEvent[] {
    return this.node(id).events.filter(e => type === undefined || e.type === type)
  }
}

export type FramePred = ((m: InFlight) => boolean) | FrameBody['t'] | Array<FrameBody['t']> | { t?: FrameBody['t'] | Array<FrameBody['t']>, from?: NodeId, to?: NodeId }

export function toPred (pred: FramePred): (m: InFlight) => boolean {
  if (typeof pred === 'function') return pred
  if (typeof pred === 'string') return m => m.frame.b.t === pred
  if (Array.isArray(pred)) return m => pred.includes(m.frame.b.t)
  return m => (pred.t === undefined || (Array.isArray(pred.t) ? pred.t.includes(m.frame.b.t) : m.frame.b.t === pred.t)) &&
    (pred.from === undefined || m.from === pred.from) && (pred.to === undefined || m.to === pred.to)
}

/** A key whose majority write quorum, picked by `requester` with everyone reachable, is exactly `quorum` (stories aim at one quorum). */
export function keyForQuorum (ids: readonly NodeId[], requester: NodeId, quorum: NodeId[], prefix = 'k'): string {
  const q = createQuorumSystem('majority', ids)
  const want = [...quorum].sort().join(',')
  for (let i = 0; i < 10_000; i++) {
    const key = `${prefix}${i}`
    if (q.pick('write', new Set(ids), requester, keySpread(key))?.join(',') === want) return key
  }
  throw new Error(`no key gives ${requester} the quorum ${want}`)
}
