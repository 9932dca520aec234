/**
 * What the checkers may know about one simulated run, recorded as it happens
 * and turned into the history format of `lockmesh simulate`
 * (simulations/check/history.ts) at the end, so `npm run sim` and
 * `lockmesh check` judge runs with the same checker modules.
 *
 * Recorded: what the applications saw (acquire answers, extensions, losses —
 * belief windows begin when the acquire resolves to the app and end at the
 * first of its lock signal aborting, its release being issued, or
 * validUntil), what they issued, what the fenced store decided, which
 * REQUESTs and RELEASEs the wire carried, the core's restart notes, and the
 * ground truth of the simulated world (who runs, which links are cut, the
 * clock histories). Never core state.
 *
 * Method arguments are true (simulation) times in ms and node indexes; the
 * history is in ns and node names. `validUntil` arrives as the node-local
 * {mono, wall} pair and is mapped to true time only at the end, with the
 * clocks' full history (a later drift or suspend moves when a deadline falls).
 */
import type { LockMode, Mode, Validity } from '../../src/core/types.js'
import {
  msToNs, type AcquiredRecord, type ConfigRecord, type CounterRecord, type EventRecord, type ExtendedRecord, type HistoryRecord, type RequestRecord,
  type StoreOpRecord
} from '../check/history.js'
import type { StoreDecision } from './fenced-store.js'

/** Maps node-local clock readings back to true time (the simulator's clocks). */
export interface ClockView {
  monoToTrue: (node: number, mono: number, from: number) => number
  wallToTrue: (node: number, wall: number, from: number) => number
}

export interface RunMeta {
  roster: string[]
  quorum: 'grid' | 'majority' | 'all'
  unsafeNoIntersection: boolean
  /** No fault of any kind in this seed. */
  faultFree: boolean
  ttlMsMax: number
  /** ρ, the clock rate error bound the cores were configured with. */
  rho: number
  /** Failure detection bound in true time (suspicion + probe + delays + slack). */
  detectMs: number
  /** The cores' local health multiplier cap (detection may take detectMs × this). */
  detectionCap: number
  /** Stable period allowance in true time (the configured period with room for clock rate). */
  stableMs: number
  /** The wait bound every liveness-phase acquire carries (ms). */
  liveBoundMs: number
  healAt: number
  /** Start of the liveness phase (Infinity when the run has none). */
  liveAt: number
  endAt: number
}

/** An acquire as the workload issued it (times true ms). */
export interface AcquireRec {
  t: number
  node: number
  handle: number
  key: string
  mode: LockMode
  noWait: boolean
  waitMs: number | null
  /** Issued in the liveness phase: must end granted (or busy) within `waitMs`. */
  live: boolean
}

/** The REQUEST fields the fairness and id-reuse checkers read (a request record without its route). */
export type RequestInfo = Pick<RequestRecord, 'key' | 'id' | 'peer' | 'inc' | 'seq' | 'ts' | 'mode' | 'noWait'>

/** One ground-truth snapshot as the simulator keeps it. */
export interface TruthSnapshot { t: number, running: boolean[], blocked: Uint8Array, clean: boolean }

interface HandleInfo {
  node: number
  handle: number
  worker: string
  key: string
  state: 'pending' | 'held' | 'done'
}

type Fixup = { rec: AcquiredRecord | ExtendedRecord, node: number, vu: Validity, from: number }

export class Observer {
  private readonly recs: EventRecord[] = []
  private readonly fixups: Fixup[] = []
  /** Per node: handle → what the observer knows of it. */
  private readonly handles: Array<Map<number, HandleInfo>>
  /** Handles pending or held, per node: what a crash ends. */
  private readonly openByNode: Array<Set<HandleInfo>>
  private readonly incarnation: number[]
  private readonly firstSent = new Set<string>()
  private readonly reuseSeen = new Set<string>()
  private readonly firstDelivered = new Set<string>()
  private readonly released = new Set<string>()
  private last: TruthSnapshot | undefined
  private finished: HistoryRecord[] | undefined

  constructor (readonly meta: RunMeta, readonly clocks: ClockView) {
    this.handles = meta.roster.map(() => new Map())
    this.openByNode = meta.roster.map(() => new Set())
    this.incarnation = meta.roster.map(() => 0)
  }

  /** The last ground-truth snapshot (the simulator compares links before and after a change). */
  get lastTruth (): TruthSnapshot | undefined { return this.last }

  private name (node: number): string { return this.meta.roster[node] ?? `n${node}` }

  /** The line the next record gets (the config is line 1). */
  private get next (): number { return this.recs.length + 2 }

  private push<R extends EventRecord = EventRecord> (rec: R): R {
    this.recs.push(rec)
    return rec
  }

  private info (node: number, handle: number, key = ''): HandleInfo {
    const byHandle = this.handles[node]!
    let h = byHandle.get(handle)
    if (h === undefined) {
      h = { node, handle, worker: `${this.name(node)}#${this.incarnation[node] ?? 0}/h${handle}`, key, state: 'done' }
      byHandle.set(handle, h)
    }
    return h
  }

  private setState (h: HandleInfo, state: HandleInfo['state']): void {
    h.state = state
    const open = this.openByNode[h.node]!
    if (state === 'done') open.delete(h)
    else open.add(h)
  }

  // -- what the applications issued and saw ------------------------------------

  acquireStart (t: number, node: number, handle: number, key: string, mode: LockMode, noWait: boolean, waitMs: number | null, live: boolean): void {
    const h = this.info(node, handle, key)
    this.setState(h, 'pending')
    this.push({ line: this.next, type: 'acquire-start', t: msToNs(t), node: this.name(node), worker: h.worker, key, mode, noWait, live, ...(waitMs !== null ? { waitMs } : {}) })
  }

  acquired (t: number, node: number, handle: number, key: string, mode: LockMode, token: bigint, validUntil: Validity, id: string): void {
    const h = this.info(node, handle, key)
    this.setState(h, 'held')
    const rec = this.push<AcquiredRecord>({ line: this.next, type: 'acquired', t: msToNs(t), node: this.name(node), worker: h.worker, key, mode, token, validUntil: msToNs(t), id })
    this.fixups.push({ rec, node, vu: validUntil, from: t })
  }

  acquireFailed (t: number, node: number, handle: number, reason: string): void {
    const h = this.info(node, handle)
    this.setState(h, 'done')
    this.push({ line: this.next, type: 'acquire-failed', t: msToNs(t), node: this.name(node), worker: h.worker, key: h.key, reason })
  }

  extended (t: number, node: number, handle: number, validUntil: Validity): void {
    const h = this.info(node, handle)
    const rec = this.push<ExtendedRecord>({ line: this.next, type: 'extended', t: msToNs(t), node: this.name(node), worker: h.worker, key: h.key, validUntil: msToNs(t) })
    this.fixups.push({ rec, node, vu: validUntil, from: t })
  }

  /** The app's lock signal aborted. */
  lost (t: number, node: number, handle: number, reason?: string): void {
    const h = this.info(node, handle)
    this.setState(h, 'done')
    this.push({ line: this.next, type: 'lost', t: msToNs(t), node: this.name(node), worker: h.worker, key: h.key, ...(reason !== undefined ? { reason } : {}) })
  }

  /** The app issued release (before any RELEASE frame leaves). */
  releaseIssued (t: number, node: number, handle: number): void {
    const h = this.info(node, handle)
    this.setState(h, 'done')
    this.push({ line: this.next, type: 'released', t: msToNs(t), node: this.name(node), worker: h.worker, key: h.key })
  }

  mode (t: number, node: number, mode: Mode, sharedLocks: boolean): void {
    this.push({ line: this.next, type: 'mode', t: msToNs(t), node: this.name(node), mode, sharedLocks })
  }

  /**
   * A process starts, crashes or exits. What it still had open ends with it,
   * written as the cluster harness writes a killed process: pending acquires
   * fail and holds are lost with reason `killed` (crash) or `exit`.
   */
  life (t: number, node: number, what: 'start' | 'crash' | 'exit'): void {
    const ns = msToNs(t)
    if (what === 'start') {
      this.incarnation[node] = (this.incarnation[node] ?? 0) + 1
      this.push({ line: this.next, type: 'node-start', t: ns, node: this.name(node) })
      return
    }
    const reason = what === 'crash' ? 'killed' : 'exit'
    for (const h of [...this.openByNode[node]!]) {
      if (h.state === 'pending') this.acquireFailed(t, node, h.handle, reason)
      else this.lost(t, node, h.handle, reason)
    }
    this.push({ line: this.next, type: 'node-exit', t: ns, node: this.name(node), how: what })
  }

  /**
   * A fenced-store decision. The workload's only write is read + 1, so every
   * write is also a counter increment from value − 1 (the lost-update chain).
   */
  storeDecision (d: StoreDecision): void {
    const h = this.info(d.node, d.handle)
    const t = msToNs(d.t)
    const node = this.name(d.node)
    this.push<StoreOpRecord>({ line: this.next, type: d.op === 'read' ? 'store-read' : 'store-write', t, node, worker: h.worker, key: d.key, token: d.token, accepted: d.accepted, value: d.value })
    if (d.op === 'write') this.push<CounterRecord>({ line: this.next, type: 'counter', t, node, worker: h.worker, key: d.key, before: d.value - 1, after: d.value, accepted: d.accepted })
  }

  // -- the wire -------------------------------------------------------------------

  /** Every REQUEST transmission; recorded the first time per (id, voter), and again once if the id was already RELEASEd there. */
  requestSent (t: number, from: number, to: number, req: RequestInfo): void {
    const k = `${req.id}>${to}`
    const first = !this.firstSent.has(k)
    const reuse = this.released.has(k) && !this.reuseSeen.has(k)
    if (!first && !reuse) return
    this.firstSent.add(k)
    if (reuse) this.reuseSeen.add(k)
    this.pushRequest('request-sent', t, from, to, req)
  }

  /** Every REQUEST delivery; recorded the first time per (id, voter). */
  requestDelivered (t: number, from: number, to: number, req: RequestInfo): void {
    const k = `${req.id}>${to}`
    if (this.firstDelivered.has(k)) return
    this.firstDelivered.add(k)
    this.pushRequest('request-delivered', t, from, to, req)
  }

  /** Every RELEASE transmission; recorded the first time per (id, voter). */
  releaseSent (t: number, from: number, to: number, id: string): void {
    const k = `${id}>${to}`
    if (this.released.has(k)) return
    this.released.add(k)
    this.push({ line: this.next, type: 'release-sent', t: msToNs(t), from: this.name(from), to: this.name(to), id })
  }

  private pushRequest (type: RequestRecord['type'], t: number, from: number, to: number, req: RequestInfo): void {
    this.push<RequestRecord>({
      line: this.next, type, t: msToNs(t), from: this.name(from), to: this.name(to),
      key: req.key, id: req.id, peer: req.peer, inc: req.inc, seq: req.seq, ts: req.ts, mode: req.mode, noWait: req.noWait
    })
  }

  // -- the core's notes and the ground truth ----------------------------------------

  attemptRestart (t: number, node: number, key: string, why: string): void {
    this.push({ line: this.next, type: 'attempt-restart', t: msToNs(t), node: this.name(node), key, why })
  }

  suspicionDrop (t: number, node: number, key: string, why: string): void {
    this.push({ line: this.next, type: 'suspicion-drop', t: msToNs(t), node: this.name(node), key, why })
  }

  /** Ground truth from `t` on (a later snapshot at the same instant wins). */
  truth (t: number, running: boolean[], blocked: Uint8Array, clean: boolean): void {
    this.last = { t, running, blocked, clean }
    const n = this.meta.roster.length
    const cut: Array<[string, string]> = []
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (blocked[a * n + b] === 1) cut.push([this.name(a), this.name(b)])
    this.push({ line: this.next, type: 'truth', t: msToNs(t), running: this.meta.roster.filter((_, i) => running[i] === true), cut, clean })
  }

  // -- the end ------------------------------------------------------------------------

  /**
   * The run's history: config first, then every event in the order it
   * happened. The first call closes the run at `meta.endAt`: acquires still
   * pending fail with `run-end`, and the last truth is restated there so the
   * history reaches the run's end.
   */
  history (): HistoryRecord[] {
    if (this.finished !== undefined) return this.finished
    const end = this.meta.endAt
    for (const open of this.openByNode) {
      for (const h of [...open]) {
        if (h.state === 'pending') this.acquireFailed(end, h.node, h.handle, 'run-end')
      }
    }
    if (this.last !== undefined) this.truth(end, this.last.running, this.last.blocked, this.last.clean)
    for (const f of this.fixups) {
      const trueEnd = Math.min(this.clocks.monoToTrue(f.node, f.vu.mono, f.from), this.clocks.wallToTrue(f.node, f.vu.wall, f.from))
      f.rec.validUntil = msToNs(Math.max(f.from, trueEnd))
    }
    const m = this.meta
    const config: ConfigRecord = {
      type: 'config',
      line: 1,
      roster: [...m.roster],
      quorum: m.quorum,
      ttlMs: m.ttlMsMax,
      ttlMsMax: m.ttlMsMax,
      detectionMs: m.detectMs,
      detectionCap: m.detectionCap,
      // Simulated processes run late only while frozen (the truth records say when).
      healthyUnlessFrozen: true,
      stableMs: m.stableMs,
      drift: m.rho,
      livenessBoundMs: m.liveBoundMs,
      faultFree: m.faultFree,
      ...(Number.isFinite(m.liveAt) ? { livenessFromMs: m.liveAt } : {}),
      ...(m.unsafeNoIntersection ? { unsafeNoIntersection: true } : {})
    }
    this.finished = [config, ...this.recs]
    return this.finished
  }
}

/** One history record as a history.jsonl line (tokens and timestamps as decimal strings). */
export function historyLine (r: HistoryRecord): string {
  const { line: _line, ...rest } = r as HistoryRecord & { line: number }
  return JSON.stringify(rest, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
}
