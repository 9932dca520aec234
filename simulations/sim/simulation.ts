/**
 * The simulated world: hosts, network, fenced store, workload and faults,
 * driven by one event queue in virtual time. Each running host runs the
 * SHIPPED node — a `LockMesh` with its `CoreDriver` — on the simulated
 * clock, timers, disk and network of sim-runtime.ts (FoundationDB's rule:
 * what the simulator does not step, it does not prove).
 *
 * Promises: the node and the workload are ordinary async code. After every
 * event that ran node or application code the loop lets the microtask queue
 * settle (a bounded number of rounds) before the next event, at the same
 * virtual instant; no real timer or I/O is involved, so a seed replays
 * exactly. A paused or suspended process runs nothing: what reaches it waits
 * in its queue; a crashed process loses its queue, its timers and its
 * unwritten disk writes.
 */
import type { AttemptId, CoreEvent, Frame, NodeId, Result } from '../../src/core/types.js'
import { LockMesh, type LockMeshInit } from '../../src/mesh.js'
import type { MeshTransportHooks, PeerHandshake } from '../../src/runtime/transport.js'
import type { StoredState } from '../../src/store/fence-store.js'
import { EventQueue } from './event-queue.js'
import { FencedStore, type StoreDecision } from './fenced-store.js'
import type { FaultKind } from './fault-schedule.js'
import type { Network } from './network.js'
import type { Observer, RequestInfo } from './observer.js'
import type { Rng } from './rng.js'
import { simClock, simStore, simTimers, simTransport, type SimWorld } from './sim-runtime.js'
import { SimNode, type ProcessTask } from './sim-node.js'
import { fmtTime, type Trace } from './trace.js'
import type { Workload } from './workload.js'
import { FAULT_KINDS } from './fault-schedule.js'

type Ev =
  | { k: 'frame', from: number, to: number, frame: Frame }
  | { k: 'hs', from: number, to: number, hs: PeerHandshake }
  | { k: 'timer', node: number, inc: number, id: number, gen: number }
  | { k: 'task', node: number, inc: number, fn: ProcessTask }
  | { k: 'disk', node: number, inc: number, state: StoredState, done: () => void }
  | { k: 'call', fn: () => void }

export interface FaultStat { injected: number, hitHolder: number }

export interface SimStats {
  steps: number
  framesSent: number
  /** Protocol frames between distinct nodes (PING/PONG excluded). */
  protocolFrames: number
  pingFrames: number
  attemptRestarts: number
  suspicionDrops: number
  /** Times a node came to suspect a peer (core `suspect` events). */
  suspicions: number
  /** Mode events after each node's first one (flaps, downgrades and upgrades). */
  modeChanges: number
  /** Suspicions by a node while a `burst` fault froze it again and again (its peers were fine). */
  burstSuspicions: number
  faults: Record<FaultKind, FaultStat>
}

/** Result-order breaches listed per seed at most. */
const RESULT_ORDER_MAX = 5

/** Events in one seed at most (a runaway node is a violation, not a hang). */
export const EVENTS_MAX = 20_000_000
/** Microtask rounds let through after an event that ran node or app code. */
const MICROTASK_ROUNDS = 24
const RESOLVED: Promise<void> = Promise.resolve()
/** A clean stop that has not finished after this long (virtual ms) ends as a crash. */
const STOP_BOUND_MS = 5_000

/** Builds the LockMeshInit of one node (run-seed.ts knows the config). */
export type MeshOptions = (node: number) => Omit<LockMeshInit, 'store' | 'transport' | 'clock' | 'timers' | 'instrument'>

interface TimerEntry { monoDue: number, fn: () => void, gen: number }

export class Simulation implements SimWorld {
  t = 0
  readonly nodes: SimNode[]
  readonly queue = new EventQueue<Ev>()
  readonly store: FencedStore
  workload!: Workload
  aborted: { kind: 'core-exception' | 'runaway', details: string } | null = null
  /**
   * Breaches of the Ready contract seen at the instrument tap, whose effect on
   * the app is masked further up (LockMesh's hand-out check): a handle's
   * `granted` after that handle's `lost`/`released`/`failed` (docs/design.md,
   * "One handle's results keep their order"). At most RESULT_ORDER_MAX kept.
   */
  readonly resultOrder: string[] = []
  /** Handles (node:process:handle) whose attempt ended: `granted` may not follow. */
  private readonly endedHandles = new Set<string>()
  readonly stats: SimStats
  /** Frames counted for messages-per-acquire only inside this window. */
  countFrom = Infinity
  countUntil = Infinity
  windowFrames = 0
  /** A fence-store write takes 0..this ms (per seed: a fast SSD to a slow SD card). */
  diskWriteMsMax = 3
  /** Chance that one write hangs for 0.5–3 s (a stalling SD card; longer than some leases), before `diskStallUntil`. */
  diskStallP = 0
  diskStallUntil = 0

  private readonly idToIndex = new Map<string, number>()
  private readonly diskRng: Rng
  private readonly storeRng: Rng
  private events = 0
  /** Node or app code ran since the last microtask drain. */
  private dirty = false
  private timerSeq = 1
  // Live bookkeeping for "did this fault hit a holder or one of its voters".
  private readonly holds = new Map<string, { node: number, id: string }>()
  /** Attempt id of each granted handle, per node: the app's records name it. */
  readonly grantIds = new Map<string, string>()
  /** The app's handle of each lock it was handed (`node:process:meshHandle`): an extension moves that lock's validity at once. */
  readonly appHandles = new Map<string, number>()
  private readonly commitVoters = new Map<string, Set<number>>()
  /** Every lock granted so far (id, token): a recovered ceiling must be above those its voter committed. */
  private readonly grantedTokens: Array<{ id: string, key: string, token: bigint, t: number }> = []
  /** Ground-truth findings of the simulation itself (the checkers read the history). */
  readonly findings: Array<{ kind: 'fence-regression', t: number, details: string }> = []
  private readonly requestVoters = new Map<string, Set<number>>()
  private readonly votesHeld = new Map<string, { requester: number, voters: Set<number> }>()
  /** Tasks that are timer callbacks: a burst's thaw runs them before the rest (Node's timers phase). */
  private readonly timerTasks = new WeakSet<ProcessTask>()
  /** Fault aiming (recovery-faults.ts): sees every protocol frame as it is sent, before the network decides its fate. */
  frameTap: ((from: number, to: number, frame: Frame) => void) | null = null

  constructor (
    readonly ids: readonly string[],
    readonly network: Network,
    readonly observer: Observer,
    readonly trace: Trace,
    rng: Rng,
    private readonly meshOptions: MeshOptions,
    clocks: SimNode['clock'][],
    storeTwoMarks: boolean
  ) {
    this.diskRng = rng.fork('disk')
    this.storeRng = rng.fork('store')
    this.nodes = ids.map((id, i) => new SimNode(i, id, clocks[i]!))
    ids.forEach((id, i) => this.idToIndex.set(id, i))
    this.store = new FencedStore(storeTwoMarks)
    const faults = {} as Record<FaultKind, FaultStat>
    for (const k of FAULT_KINDS) faults[k] = { injected: 0, hitHolder: 0 }
    this.stats = { steps: 0, framesSent: 0, protocolFrames: 0, pingFrames: 0, attemptRestarts: 0, suspicionDrops: 0, suspicions: 0, modeChanges: 0, burstSuspicions: 0, faults }
  }

  // -- main loop --------------------------------------------------------------

  /** Run every event up to true time `until` (inclusive). */
  async runUntil (until: number): Promise<void> {
    await this.settle()
    for (;;) {
      if (this.aborted !== null) return
      const next = this.queue.peekTime()
      if (next === undefined || next > until) break
      const e = this.queue.pop()!
      this.t = e.t
      if (++this.events > EVENTS_MAX) {
        this.aborted = { kind: 'runaway', details: `more than ${EVENTS_MAX} events by ${this.t.toFixed(3)} ms` }
        return
      }
      this.dispatch(e.item)
      if (this.dirty) await this.settle()
    }
    this.t = Math.max(this.t, until)
  }

  /**
   * Let promise continuations of the code that just ran finish, at this
   * instant: the caller's `await` resumes MICROTASK_ROUNDS + 1 microtask hops
   * later. A chain of bare `then()`s costs about half of as many `await`s in
   * an async function (it runs ~11,000 times per seed) and takes the same hops.
   */
  private settle (): Promise<void> {
    this.dirty = false
    let p = RESOLVED
    for (let i = 0; i < MICROTASK_ROUNDS; i++) p = p.then()
    return p
  }

  at (t: number, fn: () => void): void {
    this.queue.push(Math.max(t, this.t), { k: 'call', fn: () => { this.dirty = true; fn() } })
  }

  private dispatch (e: Ev): void {
    switch (e.k) {
      case 'frame': this.onFrameArrives(e.from, e.to, e.frame); return
      case 'hs': this.onHandshakeArrives(e); return
      case 'timer': this.onTimer(e); return
      case 'task': {
        const n = this.nodes[e.node]!
        if (n.up && n.inc === e.inc) this.deliver(n, e.fn)
        return
      }
      case 'disk': this.onDiskWriteLands(e); return
      case 'call': e.fn(); return
    }
  }

  // -- processes --------------------------------------------------------------

  /** Hand a task to a node's process: now if it runs, later if it is frozen, never if it is down. */
  private deliver (n: SimNode, task: ProcessTask): void {
    if (!n.up) return
    if (n.frozen) { n.pending.push(task); return }
    this.run(task)
  }

  private run (task: ProcessTask): void {
    this.stats.steps++
    try {
      task()
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err)
      this.aborted = { kind: 'core-exception', details: `at ${this.t.toFixed(3)}: ${msg}` }
    }
  }

  private live (n: SimNode, inc: number): boolean { return n.up && n.inc === inc }

  armTimer (n: SimNode, inc: number, monoDue: number, fn: () => void): number {
    const id = this.timerSeq++
    if (!this.live(n, inc)) return id
    const entry: TimerEntry = { monoDue, fn, gen: 0 }
    n.timers.set(id, entry)
    this.pushTimer(n, id, entry)
    return id
  }

  private pushTimer (n: SimNode, id: number, entry: TimerEntry): void {
    entry.gen++
    let t = n.clock.trueTimeOfMono(this.t, entry.monoDue)
    if (!Number.isFinite(t)) return // host suspended: re-armed on resume
    // Late enough that the clock really reads monoDue despite rounding.
    for (let i = 0; i < 8 && n.clock.readMono(t) < entry.monoDue; i++) t += 0.001
    this.queue.push(t, { k: 'timer', node: n.index, inc: n.inc, id, gen: entry.gen })
  }

  /** The clock's rate changed or it resumed: every armed timer gets its new true time. */
  private rearmTimers (n: SimNode): void {
    for (const [id, entry] of n.timers) this.pushTimer(n, id, entry as TimerEntry)
  }

  private onTimer (e: Extract<Ev, { k: 'timer' }>): void {
    const n = this.nodes[e.node]!
    if (!this.live(n, e.inc)) return
    const entry = n.timers.get(e.id) as TimerEntry | undefined
    if (entry === undefined || entry.gen !== e.gen) return
    this.dirty = true
    const task: ProcessTask = () => {
      if (n.timers.get(e.id) !== entry) return
      n.timers.delete(e.id)
      entry.fn()
    }
    // Only a task that waits in a frozen process's queue needs marking (burstThaw orders them).
    if (n.frozen) this.timerTasks.add(task)
    this.deliver(n, task)
  }

  soon (n: SimNode, inc: number, fn: () => void): void {
    if (!this.live(n, inc)) return
    this.queue.push(this.t, { k: 'task', node: n.index, inc, fn: () => { this.dirty = true; fn() } })
  }

  /** An application timer inside the node's process (the workload's). */
  later (node: number, delayMs: number, fn: () => void): void {
    const n = this.nodes[node]!
    if (!n.up) return
    this.armTimer(n, n.inc, n.clock.readMono(this.t) + Math.max(0, delayMs), fn)
  }

  diskWrite (n: SimNode, inc: number, state: StoredState, done: () => void): void {
    if (!this.live(n, inc)) return
    // The start-up write (the new incarnation) is a fast one: a slow disk is a
    // fault of the running node, and the mode checker counts from the start.
    const slow = n.started
    const stall = slow && this.diskStallP > 0 && this.t < this.diskStallUntil && this.diskRng.chance(this.diskStallP) ? this.diskRng.range(500, 3000) : 0
    const hung = slow && n.diskHangUntil > this.t
    const at = Math.max(n.diskBusyUntil, this.t, hung ? n.diskHangUntil : 0) + this.diskRng.range(0, slow ? this.diskWriteMsMax : 3) + stall
    if (stall > 0 || hung) {
      // A hung write holds the node's mode events too (upgrades wait for the
      // persist gate): while it lasts the mode checker cannot judge the mesh.
      n.diskStalledUntil = Math.max(n.diskStalledUntil, at)
      this.recordTruth()
      this.at(at, () => { this.recordTruth() })
    }
    n.diskBusyUntil = at
    n.persistsInFlight++
    this.queue.push(at, { k: 'disk', node: n.index, inc, state: { ...state }, done })
    // While this write is pending the node's results wait behind it (a grant
    // among them, maybe): app cancels just before it lands race that grant.
    if (this.diskRng.chance(0.1)) {
      const when = Math.max(this.t, at - this.diskRng.range(0, 0.2))
      this.at(when, () => { if (this.live(n, inc) && n.running) this.workload.cancelWaiting(n.index) })
    }
  }

  /**
   * The node's disk hangs until `until` (true ms): every write it issues
   * before then lands then at the earliest, and the mode checker cannot judge
   * the mesh meanwhile (the node's mode events wait behind the write).
   */
  hangDisk (node: number, until: number): void {
    const n = this.nodes[node]!
    n.diskHangUntil = Math.max(n.diskHangUntil, until)
    n.diskStalledUntil = Math.max(n.diskStalledUntil, until)
    this.recordTruth()
    this.at(until, () => { this.recordTruth() })
  }

  private onDiskWriteLands (e: Extract<Ev, { k: 'disk' }>): void {
    const n = this.nodes[e.node]!
    if (!this.live(n, e.inc)) return // the process died first: the write is lost
    n.persistsInFlight--
    n.disk = e.state
    n.wiped = false
    this.dirty = true
    this.deliver(n, e.done)
  }

  // -- network (the transport contract on the simulated network) -------------

  join (n: SimNode, inc: number, hooks: MeshTransportHooks): void {
    if (!this.live(n, inc)) return
    n.hooks = hooks
    // The transport's handshake, both ways, over the (possibly faulty) network.
    for (const p of this.nodes) {
      if (p === n || p.hooks === null) continue
      this.sendHandshake(n.index, p.index)
      this.sendHandshake(p.index, n.index)
    }
  }

  rejoin (n: SimNode, inc: number): void {
    if (!this.live(n, inc) || n.hooks === null) return
    for (const p of this.nodes) if (p !== n && p.hooks !== null) this.sendHandshake(n.index, p.index)
  }

  leave (n: SimNode, inc: number): void {
    if (n.inc === inc) n.hooks = null
  }

  send (n: SimNode, inc: number, toId: NodeId, frame: Frame): void {
    if (!this.live(n, inc)) return
    const to = this.idToIndex.get(toId)
    if (to === undefined) return
    const b = frame.b
    const ping = b.t === 'PING' || b.t === 'PONG'
    this.stats.framesSent++
    if (to !== n.index) {
      if (ping) this.stats.pingFrames++
      else {
        this.stats.protocolFrames++
        if (this.t >= this.countFrom && this.t <= this.countUntil) this.windowFrames++
      }
    }
    if (!ping) this.noteSent(n.index, to, frame)
    if (!ping && this.frameTap !== null) this.frameTap(n.index, to, frame)
    this.trace.frame(this.t, n.id, toId, frame)
    const plan = this.network.plan(n.index, to, this.t)
    if (plan.lost) this.countFrameFault('loss', frame)
    if (plan.duplicated) this.countFrameFault('duplicate', frame)
    if (plan.reordered) this.countFrameFault('reorder', frame)
    for (const t of plan.deliveries) this.queue.push(t, { k: 'frame', from: n.index, to, frame })
  }

  private onFrameArrives (from: number, to: number, frame: Frame): void {
    if (this.network.blocked(from, to)) return
    const n = this.nodes[to]!
    const hooks = n.hooks
    if (!n.up || hooks === null) return
    const b = frame.b
    if (b.t === 'REQUEST') {
      this.observer.requestDelivered(this.t, from, to, requestInfo(b))
    } else if (b.t === 'GRANT') {
      const id = idStr(b.id)
      let v = this.votesHeld.get(id)
      if (v === undefined) this.votesHeld.set(id, v = { requester: to, voters: new Set() })
      v.voters.add(from)
    }
    const fromId = this.ids[from]!
    this.deliver(n, () => { if (n.hooks === hooks) hooks.onFrame(fromId, frame) })
  }

  private sendHandshake (from: number, to: number): void {
    const hooks = this.nodes[from]!.hooks
    if (hooks === null) return
    const { incarnation, clock, quietRemainingMs, bootId, recovering } = hooks.localHandshake()
    // The handshake opens a reliable stream: never lost to random loss, but a
    // cut drops it (the transport sends it again when it reconnects).
    if (this.network.blocked(from, to) || this.network.blocked(to, from)) return
    this.queue.push(this.t + this.network.delay(from, to), { k: 'hs', from, to, hs: { incarnation, clock, quietRemainingMs, ...(bootId !== undefined ? { bootId } : {}), ...(recovering !== undefined ? { recovering } : {}) } })
  }

  private onHandshakeArrives (e: Extract<Ev, { k: 'hs' }>): void {
    if (this.network.blocked(e.from, e.to) || this.network.blocked(e.to, e.from)) return
    const n = this.nodes[e.to]!
    const hooks = n.hooks
    if (hooks === null) return
    const peer = this.ids[e.from]!
    this.deliver(n, () => { if (n.hooks === hooks) hooks.onHandshake(peer, e.hs) })
  }

  private noteSent (from: number, to: number, frame: Frame): void {
    const b = frame.b
    switch (b.t) {
      case 'REQUEST': {
        const id = idStr(b.id)
        this.observer.requestSent(this.t, from, to, requestInfo(b))
        let s = this.requestVoters.get(id)
        if (s === undefined) this.requestVoters.set(id, s = new Set())
        s.add(to)
        return
      }
      case 'COMMIT': {
        const id = idStr(b.id)
        let s = this.commitVoters.get(id)
        if (s === undefined) this.commitVoters.set(id, s = new Set())
        s.add(to)
        return
      }
      case 'RELEASE': case 'YIELD': {
        const id = idStr(b.id)
        this.votesHeld.get(id)?.voters.delete(to)
        if (b.t === 'RELEASE') this.observer.releaseSent(this.t, from, to, id)
      }
    }
  }

  // -- what the core told the node (instrument taps: accounting and trace) ----

  private onCoreResult (n: SimNode, r: Result): void {
    this.dirty = true
    this.trace.add(`${fmtTime(this.t)} ${n.id} => ${describeResult(r)}`)
    const hk = `${n.index}:${n.inc}:${r.handle}`
    switch (r.type) {
      case 'granted': {
        if (this.endedHandles.has(hk) && this.resultOrder.length < RESULT_ORDER_MAX) {
          this.resultOrder.push(`at ${this.t.toFixed(3)} ms ${n.id} handle ${r.handle} (${r.key}): 'granted' reached the driver after the handle's attempt had ended`)
        }
        const id = idStr(r.id)
        this.grantIds.set(hk, id)
        this.holds.set(hk, { node: n.index, id })
        this.grantedTokens.push({ id, key: r.key, token: r.token, t: this.t })
        break
      }
      case 'lost': case 'released': this.holds.delete(hk); this.endedHandles.add(hk); break
      case 'failed': this.endedHandles.add(hk); break
      case 'extended': {
        // LockMesh sets the app's Lock.validUntil right now: the app's belief moves here.
        const app = this.appHandles.get(hk)
        if (app !== undefined) this.observer.extended(this.t, n.index, app, r.validUntil)
        break
      }
      default: break
    }
  }

  private onCoreEvent (n: SimNode, e: CoreEvent): void {
    this.dirty = true
    const t = this.t
    const o = this.observer
    switch (e.type) {
      case 'mode':
        if (n.modeSeen) this.stats.modeChanges++
        n.modeSeen = true
        o.mode(t, n.index, e.mode, e.sharedLocks)
        break
      case 'recovered':
        // From now on it votes: the truth counts it as up again.
        n.recovering = false
        this.recordTruth()
        this.checkRecoveredCeiling(n, e.ceiling)
        break
      case 'suspect':
        this.stats.suspicions++
        if (t <= n.burstUntil) this.stats.burstSuspicions++
        break
      case 'attempt-restart':
        this.stats.attemptRestarts++
        o.attemptRestart(t, n.index, e.key, e.why)
        break
      case 'suspicion-drop':
        this.stats.suspicionDrops++
        o.suspicionDrop(t, n.index, e.key, `peer ${e.peer}: ${e.grants} grants, ${e.queued} queued`)
        break
      default: break
    }
    if (e.type !== 'trust' && e.type !== 'suspect' && e.type !== 'rejected-frame') {
      this.trace.add(`${fmtTime(t)} ${n.id} !! ${describeEvent(e)}`)
    } else {
      this.trace.note(`${fmtTime(t)} ${n.id} !! ${describeEvent(e)}`)
    }
  }

  /**
   * Disk-loss recovery's promise (docs/design.md): the new ceiling is above
   * the token of every lock granted through a quorum the node was in — one
   * finding per key at most.
   */
  private checkRecoveredCeiling (n: SimNode, ceiling: bigint): void {
    const seen = new Set<string>()
    for (const g of this.grantedTokens) {
      if (g.token < ceiling || seen.has(g.key) || this.commitVoters.get(g.id)?.has(n.index) !== true) continue
      seen.add(g.key)
      this.findings.push({ kind: 'fence-regression', t: this.t, details: `${n.id} recovered with ceiling ${ceiling} at ${this.t.toFixed(3)} ms, but ${g.key} was granted with token ${g.token} at ${g.t.toFixed(3)} ms through a quorum it was in (${g.id})` })
    }
  }

  /** The application released handle `handle` of node `node` (fault aiming only). */
  holdEnded (node: number, handle: number): void {
    const n = this.nodes[node]!
    this.holds.delete(`${node}:${n.inc}:${handle}`)
  }

  // -- the fenced store (an external service, reached over a short hop) -------

  storeOp (node: number, handle: number, key: string, token: bigint, op: 'read' | 'write', value: number, done: (d: StoreDecision) => void): void {
    const n = this.nodes[node]!
    if (!n.up) return
    const inc = n.inc
    const there = this.t + this.storeRng.range(0.02, 1)
    this.at(there, () => {
      const d = op === 'read' ? this.store.read(this.t, key, token, node, handle) : this.store.write(this.t, key, token, value, node, handle)
      this.observer.storeDecision(d)
      this.trace.add(`${fmtTime(this.t)} store ${op} ${key} token=${token} by ${this.ids[node]} h${handle} ${d.accepted ? 'ok' : 'REJECTED'} value=${d.value}`)
      const back = this.t + this.storeRng.range(0.02, 1)
      this.queue.push(back, { k: 'task', node, inc, fn: () => { this.dirty = true; done(d) } })
    })
  }

  // -- node lifecycle ---------------------------------------------------------

  /** Start the node's process: a new LockMesh on this host's disk, clock, timers and network. */
  startNode (i: number): void {
    const n = this.nodes[i]!
    n.inc++
    const inc = n.inc
    n.up = true
    n.started = false
    n.paused = false
    n.burstFrozen = false
    n.modeSeen = false
    n.stopping = false
    n.pending = []
    n.timers.clear()
    n.persistsInFlight = 0
    n.hooks = null
    n.recovering = n.wiped
    this.dirty = true
    const mesh = new LockMesh({
      ...this.meshOptions(i),
      bootId: `${n.id}.${inc}`,
      store: simStore(this, n, inc),
      transport: simTransport(this, n, inc),
      clock: simClock(this, n),
      timers: simTimers(this, n, inc),
      instrument: {
        onResult: r => { if (this.live(n, inc)) this.onCoreResult(n, r) },
        onEvent: e => { if (this.live(n, inc)) this.onCoreEvent(n, e) }
      }
    })
    n.mesh = mesh
    this.observer.life(this.t, i, 'start')
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** start process ${inc} ceiling=${n.disk.ceiling} clean=${String(n.disk.cleanExit)}`)
    mesh.start().then(() => {
      if (!this.live(n, inc)) return
      this.dirty = true
      n.started = true
      this.recordTruth()
      this.workload.nodeUp(i)
    }, (err: unknown) => {
      if (!this.live(n, inc)) return
      this.aborted = { kind: 'core-exception', details: `n${i} failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}` }
    })
    this.recordTruth()
  }

  /** The host's disk is wiped (the node must be down): its next start finds no fence store. */
  wipeDisk (i: number): void {
    const n = this.nodes[i]!
    n.disk = { incarnation: 0, ceiling: 0n, cleanExit: false }
    n.wiped = true
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** disk wiped`)
  }

  crashNode (i: number, what: 'crash' | 'exit'): void {
    const n = this.nodes[i]!
    if (!n.up) return
    n.up = false
    n.started = false
    n.recovering = false
    n.mesh = null
    n.hooks = null
    n.pending = []
    n.timers.clear()
    n.paused = false
    n.burstFrozen = false
    n.stopping = false
    n.faultToken++
    for (const [h, hold] of this.holds) if (hold.node === i) this.holds.delete(h)
    this.observer.life(this.t, i, what)
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** ${what}`)
    this.recordTruth()
    this.workload.nodeDown(i)
  }

  /** `mesh.stop({ drainMs })`, then the process exits once it resolved (bounded wait). */
  cleanStop (i: number, then: () => void, drainMs?: number): void {
    const n = this.nodes[i]!
    const mesh = n.mesh
    if (!n.running || mesh === null) return
    n.stopping = true
    const inc = n.inc
    this.workload.nodeStopping(i)
    const exit = (): void => {
      if (!this.live(n, inc)) return
      this.crashNode(i, 'exit')
      then()
    }
    this.deliver(n, () => { mesh.stop(drainMs === undefined ? {} : { drainMs }).then(() => { this.dirty = true; exit() }, exit) })
    this.at(this.t + STOP_BOUND_MS, exit)
  }

  pause (i: number): void {
    const n = this.nodes[i]!
    n.paused = true
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** pause`)
    this.recordTruth()
  }

  suspend (i: number): void {
    const n = this.nodes[i]!
    n.suspended = true
    n.clock.suspend(this.t)
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** suspend`)
    this.recordTruth()
  }

  /** End a pause or a suspend: the process handles what queued up, in order. */
  thaw (i: number): void {
    const n = this.nodes[i]!
    if (!n.frozen) return
    n.paused = false
    if (n.suspended) {
      n.suspended = false
      n.clock.resume(this.t)
      this.rearmTimers(n)
    }
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** resume (${n.pending.length} queued)`)
    this.recordTruth()
    const tasks = n.pending
    n.pending = []
    this.dirty = true
    for (const task of tasks) {
      if (!n.up || n.frozen) { n.pending.push(task); continue }
      this.run(task)
    }
  }

  /**
   * One freeze of a `burst` fault: the process runs nothing (a blocked event
   * loop); what reaches it queues. Its clock runs on (not a host suspend).
   */
  burstFreeze (i: number): void {
    const n = this.nodes[i]!
    if (!n.up || n.burstFrozen) return
    n.burstFrozen = true
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** burst freeze`)
    this.recordTruth()
  }

  /**
   * End a burst's freeze the way a Node process resumes after a blocked turn:
   * the due timers run first, then everything else that queued, at once.
   */
  burstThaw (i: number): void {
    const n = this.nodes[i]!
    if (!n.burstFrozen) return
    n.burstFrozen = false
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** burst thaw (${n.pending.length} queued)`)
    this.recordTruth()
    if (n.frozen) return // a pause or suspend holds it still: its own thaw runs the queue
    const tasks = [...n.pending.filter(t => this.timerTasks.has(t)), ...n.pending.filter(t => !this.timerTasks.has(t))]
    n.pending = []
    this.dirty = true
    for (const task of tasks) {
      if (!n.up || n.frozen) { n.pending.push(task); continue }
      this.run(task)
    }
  }

  setRate (i: number, rate: number): void {
    const n = this.nodes[i]!
    n.clock.setRate(this.t, rate)
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** clock rate ${rate.toFixed(5)}`)
    if (n.up && !n.suspended) this.rearmTimers(n)
  }

  // -- ground truth and hit accounting ----------------------------------------

  recordTruth (): void {
    const n = this.nodes.length
    const blocked = new Uint8Array(n * n)
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (this.network.blocked(a, b)) blocked[a * n + b] = 1
    const r = this.network.rates
    const clean = r.lossP === 0 && r.dupP === 0 && r.reorderP === 0 && this.nodes.every(x => !x.up || x.diskStalledUntil <= this.t)
    // A recovering node answers nothing but RECOVER: to the mode oracle it is down.
    const running = this.nodes.map(x => x.running && !x.recovering)
    const last = this.observer.lastTruth
    if (last !== undefined) this.reconnect(last.blocked, blocked)
    this.observer.truth(this.t, running, blocked, clean)
  }

  /** A pair whose link came back both ways reconnects: the transport handshakes again. */
  private reconnect (before: Uint8Array, after: Uint8Array): void {
    const n = this.nodes.length
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const was = before[a * n + b] === 1 || before[b * n + a] === 1
        const is = after[a * n + b] === 1 || after[b * n + a] === 1
        if (!was || is || !this.nodes[a]!.up || !this.nodes[b]!.up) continue
        this.trace.add(`${fmtTime(this.t)} ${this.ids[a]} <-> ${this.ids[b]} reconnect`)
        this.sendHandshake(a, b)
        this.sendHandshake(b, a)
      }
    }
  }

  /** Nodes that hold a lock now, or hold a vote / committed lease for one. */
  involved (): { holders: Set<number>, voters: Set<number>, votePairs: Array<[number, number]> } {
    const holders = new Set<number>()
    const voters = new Set<number>()
    const votePairs: Array<[number, number]> = []
    for (const h of this.holds.values()) {
      holders.add(h.node)
      for (const v of this.commitVoters.get(h.id) ?? []) {
        voters.add(v)
        votePairs.push([h.node, v])
      }
    }
    for (const [id, vh] of this.votesHeld) {
      if (vh.voters.size === 0 || !this.nodes[vh.requester]!.up) continue
      holders.add(vh.requester)
      for (const v of this.requestVoters.get(id) ?? vh.voters) {
        voters.add(v)
        votePairs.push([vh.requester, v])
      }
    }
    return { holders, voters, votePairs }
  }

  countFault (kind: FaultKind, hit: boolean): void {
    const s = this.stats.faults[kind]
    s.injected++
    if (hit) s.hitHolder++
  }

  private countFrameFault (kind: FaultKind, frame: Frame): void {
    const b = frame.b
    let hit = false
    if (b.t !== 'PING' && b.t !== 'PONG' && b.t !== 'RECOVER' && b.t !== 'CEILING') {
      const id = idStr(b.id)
      for (const h of this.holds.values()) if (h.id === id) { hit = true; break }
      if (!hit) hit = (this.votesHeld.get(id)?.voters.size ?? 0) > 0
    }
    this.countFault(kind, hit)
  }
}

export function idStr (id: AttemptId): string {
  return `${id.peer}:${id.inc}.${id.seq}`
}

function requestInfo (b: Extract<Frame['b'], { t: 'REQUEST' }>): RequestInfo {
  return { key: b.key, id: idStr(b.id), peer: b.id.peer, inc: b.id.inc, seq: b.id.seq, ts: b.ts, mode: b.mode, noWait: b.noWait }
}

function describeResult (r: Result): string {
  switch (r.type) {
    case 'granted': return `granted h${r.handle} ${r.key} ${r.mode} token=${r.token} until=${r.validUntil.mono.toFixed(3)}/${r.validUntil.wall.toFixed(3)} ${idStr(r.id)}`
    case 'failed': return `failed h${r.handle} ${r.key} ${r.reason}: ${r.detail}`
    case 'lost': return `lost h${r.handle} ${r.key} ${r.reason}`
    case 'released': return `released h${r.handle} ${r.key}`
    case 'extended': return `extended h${r.handle} ${r.key} until=${r.validUntil.mono.toFixed(3)}/${r.validUntil.wall.toFixed(3)}`
    case 'extend-failed': return `extend-failed h${r.handle} ${r.key} ${r.reason}`
    case 'not-holder': return `not-holder h${r.handle} ${r.command}`
    case 'release-acked': return `release-acked h${r.handle} ${r.key}`
  }
}

function describeEvent (e: CoreEvent): string {
  switch (e.type) {
    case 'mode': return `mode ${e.mode} shared=${String(e.sharedLocks)} reach=[${e.reachable.join(',')}]${e.reason !== undefined ? ` (${e.reason})` : ''}`
    case 'contended': return `contended h${e.handle} ${e.key}`
    case 'attempt-restart': return `attempt-restart h${e.handle} ${e.key}: ${e.why}`
    case 'suspicion-drop': return `suspicion-drop ${e.peer} ${e.key} grants=${e.grants} queued=${e.queued}`
    case 'suspect': return `suspect ${e.peer}`
    case 'trust': return `trust ${e.peer}`
    case 'rejected-frame': return `rejected-frame from ${e.from}: ${e.why}`
    case 'drained': return 'drained'
    case 'recovered': return `recovered incarnation=${e.incarnation} ceiling=${e.ceiling} from [${e.reporters.join(',')}]`
  }
}
