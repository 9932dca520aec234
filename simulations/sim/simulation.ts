/**
 * The simulated world: nodes, network, fenced store, workload and faults,
 * driven by one event queue in virtual time. Pure and synchronous: no
 * promises, timers, Date or Math.random; every loop is bounded.
 *
 * Drive contract (src/core/types.ts, Ready): the first input is `start`;
 * `persist` lands on the node's disk after 0–3 ms (a crash before that loses
 * it) and then `persisted` is fed; frames go through the network (frames to
 * self take a short, never-lost local hop); results and events go to the
 * node's clients and the observer; a tick is scheduled at `wakeAt`
 * (node-local monotonic ms mapped to true time through that node's clock).
 * A paused or suspended node processes nothing; its inputs wait.
 */
import type { AttemptId, CoreEvent, Frame, Input, Result } from '../../src/core/types.js'
import { EventQueue } from './event-queue.js'
import { FencedStore, type StoreDecision } from './fenced-store.js'
import type { FaultKind } from './fault-schedule.js'
import type { Network } from './network.js'
import type { Observer, RequestInfo } from './observer.js'
import type { Rng } from './rng.js'
import { type CoreFactory, type NodeInput, type PendingItem, SimNode } from './sim-node.js'
import { fmtTime, type Trace } from './trace.js'
import type { ClientCommand, Workload } from './workload.js'
import { FAULT_KINDS } from './fault-schedule.js'

type Ev =
  | { k: 'frame', from: number, to: number, frame: Frame }
  | { k: 'hs', from: number, to: number, inc: number, quiet: number, clock: bigint }
  | { k: 'tick', node: number, gen: number }
  | { k: 'persist', node: number, inc: number, batch: number, state: { ceiling: bigint, cleanExit: boolean } }
  | { k: 'node', node: number, inc: number, item: PendingItem }
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
  faults: Record<FaultKind, FaultStat>
}

/** Events in one seed at most (a runaway core is a violation, not a hang). */
export const EVENTS_MAX = 20_000_000

export class Simulation {
  t = 0
  readonly nodes: SimNode[]
  readonly queue = new EventQueue<Ev>()
  readonly store: FencedStore
  workload!: Workload
  aborted: { kind: 'core-exception' | 'runaway', details: string } | null = null
  readonly stats: SimStats
  /** Frames counted for messages-per-acquire only inside this window. */
  countFrom = Infinity
  countUntil = Infinity
  windowFrames = 0

  private readonly idToIndex = new Map<string, number>()
  private readonly diskRng: Rng
  private readonly storeRng: Rng
  private events = 0
  // Live bookkeeping for "did this fault hit a holder or one of its voters".
  private readonly holds = new Map<number, { node: number, id: string }>()
  private readonly commitVoters = new Map<string, Set<number>>()
  private readonly requestVoters = new Map<string, Set<number>>()
  private readonly votesHeld = new Map<string, { requester: number, voters: Set<number> }>()

  constructor (
    readonly ids: readonly string[],
    readonly network: Network,
    readonly observer: Observer,
    readonly trace: Trace,
    rng: Rng,
    private readonly createCore: CoreFactory,
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
    this.stats = { steps: 0, framesSent: 0, protocolFrames: 0, pingFrames: 0, attemptRestarts: 0, suspicionDrops: 0, faults }
  }

  // -- main loop --------------------------------------------------------------

  /** Run every event up to true time `until` (inclusive). */
  runUntil (until: number): void {
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
    }
    this.t = Math.max(this.t, until)
  }

  at (t: number, fn: () => void): void {
    this.queue.push(Math.max(t, this.t), { k: 'call', fn })
  }

  private dispatch (e: Ev): void {
    switch (e.k) {
      case 'frame': this.onFrameArrives(e.from, e.to, e.frame); return
      case 'hs': this.onHandshakeArrives(e); return
      case 'tick': {
        const n = this.nodes[e.node]!
        if (n.tickGen !== e.gen) return
        this.deliver(n, { k: 'tick', gen: e.gen })
        return
      }
      case 'persist': this.onPersistLands(e); return
      case 'node': {
        const n = this.nodes[e.node]!
        if (!n.up || n.inc !== e.inc) return
        this.deliver(n, e.item)
        return
      }
      case 'call': e.fn(); return
    }
  }

  // -- processes --------------------------------------------------------------

  /** Hand an item to a node's process: now if it runs, later if it is frozen, never if it is down. */
  private deliver (n: SimNode, item: PendingItem): void {
    if (!n.up) return
    if (n.frozen) { n.pending.push(item); return }
    this.run(n, item)
  }

  private run (n: SimNode, item: PendingItem): void {
    if (item.k === 'app') { item.fn(); return }
    if (item.k === 'tick') {
      if (item.gen !== n.tickGen) return
      this.step(n, { type: 'tick' })
      return
    }
    this.step(n, item.input)
  }

  /** Queue an input for the node at the current instant (behind whatever is already due). */
  input (node: number, input: NodeInput): void {
    const n = this.nodes[node]!
    if (!n.up) return
    this.queue.push(this.t, { k: 'node', node, inc: n.inc, item: { k: 'input', input } })
  }

  /** An application timer inside the node's process. */
  later (node: number, delayMs: number, fn: () => void): void {
    const n = this.nodes[node]!
    if (!n.up) return
    this.queue.push(this.t + Math.max(0, delayMs), { k: 'node', node, inc: n.inc, item: { k: 'app', fn } })
  }

  private step (n: SimNode, partial: NodeInput): void {
    if (n.core === null || this.aborted !== null) return
    const now = n.clock.read(this.t)
    const input = { ...partial, now } as Input
    this.stats.steps++
    if (partial.type === 'release') this.observer.releaseIssued(this.t, n.index, partial.handle)
    if (partial.type === 'release') this.holdEnded(partial.handle)
    if (this.trace.keepLines && partial.type !== 'frame' && partial.type !== 'tick' && partial.type !== 'persisted') {
      this.trace.note(`${fmtTime(this.t)} ${n.id} <- ${describeInput(partial)}`)
    }
    let ready
    try {
      ready = n.core.step(input)
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err)
      this.aborted = { kind: 'core-exception', details: `${n.id} on ${partial.type} at ${this.t.toFixed(3)}: ${msg}` }
      return
    }
    if (ready.persist !== null) {
      const done = Math.max(n.diskBusyUntil, this.t) + this.diskRng.range(0, 3)
      n.diskBusyUntil = done
      n.persistsInFlight++
      this.queue.push(done, { k: 'persist', node: n.index, inc: n.inc, batch: ready.persist.batch, state: ready.persist.state })
    }
    for (const f of ready.frames) this.send(n, f.to, f.frame)
    for (const r of ready.results) this.onResult(n, r)
    for (const e of ready.events) this.onEvent(n, e)
    n.wakeAt = ready.wakeAt
    this.scheduleTick(n)
  }

  scheduleTick (n: SimNode): void {
    n.tickGen++
    if (n.wakeAt === null || !n.up) return
    let t = n.clock.trueTimeOfMono(this.t, n.wakeAt)
    if (!Number.isFinite(t)) return // host suspended: rescheduled on resume
    // Never at the same instant (a core returning wakeAt = now would spin), and
    // late enough that the clock really reads wakeAt despite rounding.
    t = Math.max(t, this.t + 0.001)
    for (let i = 0; i < 8 && n.clock.read(t).mono < n.wakeAt; i++) t += 0.001
    this.queue.push(t, { k: 'tick', node: n.index, gen: n.tickGen })
  }

  /**
   * Wake-ups come on the monotonic clock only; a lock's wall-clock deadline
   * is the driver's to schedule (requester.ts: "the driver also checks them").
   */
  private wallTick (n: SimNode, wall: number): void {
    const now = n.clock.read(this.t).wall
    const t = this.t + Math.max(0, wall - now) / n.clock.rate + 0.001
    this.queue.push(t, { k: 'node', node: n.index, inc: n.inc, item: { k: 'input', input: { type: 'tick' } } })
  }

  private onPersistLands (e: Extract<Ev, { k: 'persist' }>): void {
    const n = this.nodes[e.node]!
    if (!n.up || n.inc !== e.inc) return // the process died first: the write is lost
    n.persistsInFlight--
    n.disk = { ceiling: e.state.ceiling, cleanExit: e.state.cleanExit }
    this.deliver(n, { k: 'input', input: { type: 'persisted', batch: e.batch } })
  }

  // -- network ----------------------------------------------------------------

  private send (n: SimNode, toId: string, frame: Frame): void {
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
    if (!n.up) return
    const b = frame.b
    if (b.t === 'REQUEST') {
      this.observer.requestDelivered(this.t, from, to, requestInfo(b))
    } else if (b.t === 'GRANT') {
      const id = idStr(b.id)
      let v = this.votesHeld.get(id)
      if (v === undefined) this.votesHeld.set(id, v = { requester: to, voters: new Set() })
      v.voters.add(from)
    }
    this.deliver(n, { k: 'input', input: { type: 'frame', from: this.ids[from]!, frame } })
  }

  private sendHandshake (from: number, to: number): void {
    const n = this.nodes[from]!
    if (n.core === null) return
    const quiet = n.core.quietRemainingMs?.() ?? 0
    const clock = n.core.lamport?.() ?? 0n
    // The handshake opens a reliable stream: never lost to random loss, but a
    // cut drops it (the transport sends it again when it reconnects).
    if (this.network.blocked(from, to) || this.network.blocked(to, from)) return
    this.queue.push(this.t + this.network.delay(from, to), { k: 'hs', from, to, inc: n.inc, quiet, clock })
  }

  private onHandshakeArrives (e: Extract<Ev, { k: 'hs' }>): void {
    if (this.network.blocked(e.from, e.to) || this.network.blocked(e.to, e.from)) return
    const n = this.nodes[e.to]!
    this.deliver(n, { k: 'input', input: { type: 'handshake', peer: this.ids[e.from]!, incarnation: e.inc, clock: e.clock, quietRemainingMs: e.quiet } })
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

  // -- results and events -----------------------------------------------------

  private onResult (n: SimNode, r: Result): void {
    const o = this.observer
    const t = this.t
    this.trace.add(`${fmtTime(t)} ${n.id} => ${describeResult(r)}`)
    switch (r.type) {
      case 'granted': {
        const id = idStr(r.id)
        o.acquired(t, n.index, r.handle, r.key, r.mode, r.token, r.validUntil, id)
        this.holds.set(r.handle, { node: n.index, id })
        this.wallTick(n, r.validUntil.wall)
        break
      }
      case 'extended':
        o.extended(t, n.index, r.handle, r.validUntil)
        this.wallTick(n, r.validUntil.wall)
        break
      case 'lost': o.lost(t, n.index, r.handle, r.reason); this.holdEnded(r.handle); break
      case 'failed': o.acquireFailed(t, n.index, r.handle, r.reason); break
      case 'released': this.holdEnded(r.handle); break
      default: break
    }
    this.workload.onResult(n.index, r)
  }

  private holdEnded (handle: number): void {
    this.holds.delete(handle)
  }

  private onEvent (n: SimNode, e: CoreEvent): void {
    const t = this.t
    const o = this.observer
    switch (e.type) {
      case 'mode': o.mode(t, n.index, e.mode, e.sharedLocks); break
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
      this.queue.push(back, { k: 'node', node, inc, item: { k: 'app', fn: () => done(d) } })
    })
  }

  command (node: number, cmd: ClientCommand): void {
    this.input(node, cmd as NodeInput)
  }

  // -- node lifecycle ---------------------------------------------------------

  startNode (i: number): void {
    const n = this.nodes[i]!
    n.diskInc++
    n.inc = n.diskInc
    n.up = true
    n.paused = false
    n.stopping = false
    n.pending = []
    n.persistsInFlight = 0
    n.wakeAt = null
    n.core = this.createCore(i, { incarnation: n.inc, persisted: { ...n.disk } })
    this.observer.life(this.t, i, 'start')
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** start incarnation ${n.inc} ceiling=${n.disk.ceiling} clean=${String(n.disk.cleanExit)}`)
    this.step(n, { type: 'start' })
    // The transport's handshake, both ways, over the (possibly faulty) network.
    for (const p of this.nodes) {
      if (p === n || !p.up) continue
      this.sendHandshake(i, p.index)
      this.sendHandshake(p.index, i)
    }
    this.recordTruth()
    this.workload.nodeUp(i)
  }

  crashNode (i: number, what: 'crash' | 'exit'): void {
    const n = this.nodes[i]!
    if (!n.up) return
    n.up = false
    n.core = null
    n.pending = []
    n.paused = false
    n.stopping = false
    n.tickGen++
    n.faultToken++
    for (const [h, hold] of this.holds) if (hold.node === i) this.holds.delete(h)
    this.observer.life(this.t, i, what)
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** ${what}`)
    this.recordTruth()
    this.workload.nodeDown(i)
  }

  /** `stop()`, then the process exits once its last writes landed (bounded wait). */
  cleanStop (i: number, then: () => void): void {
    const n = this.nodes[i]!
    if (!n.running) return
    n.stopping = true
    this.workload.nodeDown(i)
    this.step(n, { type: 'stop' })
    const inc = n.inc
    let tries = 0
    const check = (): void => {
      if (!n.up || n.inc !== inc) return
      if ((n.persistsInFlight > 0 || n.pending.length > 0) && tries++ < 100) { this.at(this.t + 1, check); return }
      this.crashNode(i, 'exit')
      then()
    }
    this.at(this.t + 0.5, check)
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
    }
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** resume (${n.pending.length} queued)`)
    this.recordTruth()
    const items = n.pending
    n.pending = []
    for (const item of items) {
      if (!n.up || n.frozen) { n.pending.push(item); continue }
      this.run(n, item)
    }
    if (n.up) this.scheduleTick(n)
  }

  setRate (i: number, rate: number): void {
    const n = this.nodes[i]!
    n.clock.setRate(this.t, rate)
    this.trace.add(`${fmtTime(this.t)} ${n.id} ** clock rate ${rate.toFixed(5)}`)
    if (n.up && !n.frozen) this.scheduleTick(n)
  }

  // -- ground truth and hit accounting ----------------------------------------

  recordTruth (): void {
    const n = this.nodes.length
    const blocked = new Uint8Array(n * n)
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (this.network.blocked(a, b)) blocked[a * n + b] = 1
    const r = this.network.rates
    const clean = r.lossP === 0 && r.dupP === 0 && r.reorderP === 0
    const running = this.nodes.map(x => x.running)
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
    if (b.t !== 'PING' && b.t !== 'PONG') {
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

function describeInput (i: NodeInput): string {
  switch (i.type) {
    case 'acquire': return `acquire h${i.cmd.handle} ${i.cmd.key} ${i.cmd.mode} ttl=${i.cmd.ttlMs}${i.cmd.noWait ? ' noWait' : ''} wait=${i.cmd.waitMs ?? '∞'}`
    case 'release': return `release h${i.handle}`
    case 'extend': return `extend h${i.handle} ttl=${i.ttlMs}`
    case 'cancel': return `cancel h${i.handle}`
    case 'handshake': return `handshake ${i.peer} inc=${i.incarnation} quiet=${i.quietRemainingMs.toFixed(1)}`
    default: return i.type
  }
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
  }
}

function describeEvent (e: CoreEvent): string {
  switch (e.type) {
    case 'mode': return `mode ${e.mode} shared=${String(e.sharedLocks)} reach=[${e.reachable.join(',')}]`
    case 'contended': return `contended h${e.handle} ${e.key}`
    case 'attempt-restart': return `attempt-restart h${e.handle} ${e.key}: ${e.why}`
    case 'suspicion-drop': return `suspicion-drop ${e.peer} ${e.key} grants=${e.grants} queued=${e.queued}`
    case 'suspect': return `suspect ${e.peer}`
    case 'trust': return `trust ${e.peer}`
    case 'rejected-frame': return `rejected-frame from ${e.from}: ${e.why}`
  }
}
