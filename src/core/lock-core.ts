/**
 * LockCore: one node's pure lock protocol state machine (etcd-raft's RawNode).
 *
 *   const core = new LockCore(config, { incarnation, persisted })
 *   let ready = core.step({ type: 'start', now })
 *   ready = core.step({ type: 'frame', now, from, frame })   // and so on
 *
 * Each step first fires every due deadline (lease ends, validity ends,
 * suspicions — re-probes when the node itself was stalled; every suspicion
 * timeout × the local health multiplier, see local-health.ts), then handles the
 * input, then returns one Ready batch. The core holds back every frame
 * (except PING/PONG), result and event of a batch until that batch and every
 * earlier one is persisted — except results that grant nothing and mode
 * downgrades, under ordering rules (see finish()) — so a driver may release
 * what a Ready contains at once.
 */
import { validateCoreConfig } from './config.js'
import { FRAME_TYPES, PROTOCOL_FRAME_TYPES } from './frame-types.js'
import { FailureDetector } from './detector.js'
import { INT63_MAX } from './ids.js'
import { LOCAL_HEALTH_MAX_DEFAULT } from './local-health.js'
import { LamportClock } from './lamport.js'
import { createQuorumSystem, type QuorumSystem } from './quorum.js'
import { Requester } from './requester.js'
import { Voter } from './voter.js'
import type { StepContext } from './context.js'
import type { Boot, CoreConfig, CoreEvent, Frame, FrameBody, FrameType, Handle, Input, NodeId, Now, OutFrame, PersistedState, Ready, Result } from './types.js'

interface HeldBatch {
  /** Released once `persistedUpTo` reaches this batch. */
  batch: number
  frames: Array<{ to: NodeId, body: FrameBody }>
  results: Result[]
  events: CoreEvent[]
}

/**
 * Results that grant and extend nothing: they may leave before their batch is
 * persisted (issue 9 item 5; the argument is in docs/design.md, "Which results
 * bypass the persist gate and why that is safe") — unless an older result of
 * the same handle is still held: one handle's results keep their order.
 */
const BYPASS_RESULTS: ReadonlySet<Result['type']> = new Set(['lost', 'failed', 'released', 'not-holder', 'extend-failed', 'release-acked'])

/** Order of modes: a mode event below the previous one is a downgrade. */
function modeRank (e: Extract<CoreEvent, { type: 'mode' }>): number {
  const base = e.mode === 'read-write' ? 4 : e.mode === 'read-only' ? 2 : 0
  return base + (e.sharedLocks ? 1 : 0)
}

/** Counter names per frame type, built once (a template string per frame was a hot-path cost). */
const IN_COUNTER = Object.fromEntries(FRAME_TYPES.map(t => [t, `in.${t}`])) as Record<FrameType, string>
const OUT_COUNTER = Object.fromEntries(FRAME_TYPES.map(t => [t, `out.${t}`])) as Record<FrameType, string>

const REQUESTER_FRAMES = new Set<FrameType>(['QUEUED', 'GRANT', 'FAILED', 'INQUIRE', 'CONTENDED', 'COMMITTED', 'REFUSED', 'EXTENDED', 'RELEASED'])

export class LockCore {
  readonly config: CoreConfig
  readonly quorum: QuorumSystem
  readonly incarnation: number
  private readonly detector: FailureDetector
  private readonly voter: Voter
  private readonly requester: Requester
  private readonly clock: LamportClock
  private readonly counters = new Map<string, number>()
  private started = false
  private stopped = false
  /** A draining stop runs; `drainedReported` once its `drained` event went out. */
  private draining = false
  private drainedReported = false
  private now: Now = { mono: 0, wall: 0 }
  private requestedWake: number | null = null
  private cleanExit = false

  // Batching and durability.
  private batchNo = 0
  private persistedUpTo = 0
  private held: HeldBatch[] = []
  /** Results still held, per handle (a bypassing result must not overtake them). */
  private readonly heldByHandle = new Map<Handle, number>()
  /** Mode events still held (a downgrade leaves early only when there are none). */
  private heldModeEvents = 0
  /** Rank of the last mode event the core emitted (held or not). */
  private lastModeRank = 0
  private step$: { frames: Array<{ to: NodeId, body: FrameBody }>, results: Result[], events: CoreEvent[], persist: boolean } | null = null

  constructor (config: CoreConfig, private readonly boot: Boot) {
    validateCoreConfig(config)
    this.config = config
    this.incarnation = boot.incarnation
    this.quorum = createQuorumSystem(config.quorum, config.roster, { unsafeNoIntersection: config.unsafe?.quorumIntersection === true })
    this.clock = new LamportClock(0n, config.maxClockJump)
    this.detector = new FailureDetector({
      self: config.self,
      selfInc: boot.incarnation,
      roster: this.quorum.roster,
      pingIntervalMs: config.pingIntervalMs,
      suspicionTimeoutMs: config.suspicionTimeoutMs,
      stableMs: config.stableMs,
      sentLogMax: 4096,
      localHealthMax: config.localHealthMax ?? LOCAL_HEALTH_MAX_DEFAULT,
      // Late by a whole ping interval (or a stall) = this node is not keeping its probing duties.
      lateMs: Math.min(config.pingIntervalMs, config.stallThresholdMs)
    }, this.quorum)
    const ctx = (): StepContext => this.context
    this.voter = new Voter(ctx, { isSuspected: peer => !this.detector.isReachable(peer, this.now.mono) }, boot.persisted.ceiling, Infinity)
    this.requester = new Requester(ctx, {
      quorum: this.quorum,
      reachable: () => this.detector.reachableSet(this.now.mono),
      isQuiet: v => v === config.self ? this.voter.isQuiet(this.now.mono) : this.detector.isQuiet(v, this.now.mono),
      mode: () => this.detector.mode,
      nextTs: () => this.clock.tick(),
      noteQuiet: (voter, until) => { this.detector.setQuiet(voter, until) }
    })
  }

  private readonly context: StepContext = makeContext(this)

  /** Feed one input; get one output batch. */
  step (input: Input): Ready {
    if (this.step$ !== null) throw new Error('LockCore.step is not reentrant')
    if (!this.started && input.type !== 'start') throw new Error(`the first input must be 'start', got '${input.type}'`)
    this.step$ = { frames: [], results: [], events: [], persist: false }
    // Time never runs backwards inside the core, whatever the driver passes.
    this.now = { mono: Math.max(this.now.mono, input.now.mono), wall: Math.max(this.now.wall, input.now.wall) }
    try {
      if (input.type === 'start') this.onStart()
      else this.fireDeadlines()
      this.handle(input)
      this.housekeeping()
      return this.finish()
    } finally {
      this.step$ = null
    }
  }

  private onStart (): void {
    if (this.started) return
    this.started = true
    const now = this.now.mono
    // The clean-exit marker is deleted durably before any vote (this batch).
    // A recovered node waited out its quiet period while recovering (src/core/recovery.ts).
    const skipQuiet = this.boot.persisted.cleanExit || this.boot.recovered === true || this.context.off('quietPeriod')
    this.voter.quietUntil = skipQuiet ? now : now + this.config.ttlMsMax
    this.detector.start(now)
    this.step$!.persist = true
  }

  private fireDeadlines (): void {
    const now = this.now.mono
    // Local health first: how late this step is decides how patient the detector is now.
    this.detector.noteStep(now, this.requestedWake === null ? 0 : now - this.requestedWake)
    if (this.requestedWake !== null && now > this.requestedWake + this.config.stallThresholdMs) {
      // We were stalled (paused, suspended, event loop blocked): re-probe before accusing anyone.
      this.count('stalls')
      for (const peer of this.detector.stalled(now)) this.context.send(peer, { t: 'PING' })
    }
    this.requester.tick()
    // Suspicions first: dropPeer reports what suspicion frees.
    this.housekeeping()
    this.voter.tick()
  }

  /** Trust, suspicion and mode; pings. */
  private housekeeping (): void {
    const now = this.now.mono
    const { suspected, trusted } = this.detector.evaluate(now)
    for (const peer of trusted) this.context.event({ type: 'trust', peer })
    for (const peer of suspected) {
      this.context.event({ type: 'suspect', peer })
      this.voter.dropPeer(peer, null)
      this.requester.voterLost(peer, false)
    }
    const mode = this.detector.updateMode(now)
    if (mode !== null) {
      this.context.event({ type: 'mode', mode: mode.mode, sharedLocks: mode.sharedLocks, reachable: mode.reachable })
      this.requester.modeChanged()
    }
    if (this.draining && !this.drainedReported && !this.stopped && !this.voter.holdsVotes()) {
      this.drainedReported = true
      this.context.event({ type: 'drained' })
    }
  }

  private handle (input: Input): void {
    switch (input.type) {
      case 'start':
      case 'tick':
        return
      case 'persisted':
        if (input.batch > this.persistedUpTo) this.persistedUpTo = Math.min(input.batch, this.batchNo)
        return
      case 'frame':
        this.onFrame(input.from, input.frame, input.ageMs)
        return
      case 'handshake': {
        const verdict = this.detector.handshake(input.peer, input.incarnation, input.quietRemainingMs, this.now.mono)
        if (verdict === 'stale-incarnation') { this.count('staleHandshakes'); return }
        if (typeof input.clock === 'bigint') this.clock.adopt(input.clock)
        if (verdict === 'new-incarnation') this.peerRestarted(input.peer, input.incarnation)
        return
      }
      case 'acquire':
        if (this.stopped || this.draining) { this.context.result({ type: 'failed', handle: input.cmd.handle, key: input.cmd.key, reason: 'stopped', detail: 'the node is stopped', reachable: [] }); return }
        this.requester.acquire(input.cmd)
        return
      case 'release': this.requester.release(input.handle); return
      case 'cancel': this.requester.cancel(input.handle); return
      case 'extend': this.requester.extend(input.handle, input.ttlMs); return
      case 'drain': this.onDrain(input.drainMs); return
      case 'stop': this.onStop(); return
    }
  }

  /**
   * Begin a draining stop: our own acquires fail and our locks are released
   * (RELEASE to every voter), the voter grants nothing more. The drain lasts
   * at most until the longest lease we granted ends, or `drainMs`.
   */
  private onDrain (drainMs: number | null): void {
    if (this.stopped || this.draining) return
    this.draining = true
    this.requester.stop()
    const now = this.now.mono
    const leasesEnd = Math.max(now, this.voter.longestLeaseEnd())
    this.voter.startDrain(Math.min(leasesEnd, drainMs === null ? Infinity : now + Math.max(0, drainMs)))
  }

  private peerRestarted (peer: NodeId, inc: number): void {
    this.voter.dropPeer(peer, inc)
    this.requester.voterLost(peer, true)
  }

  private onStop (): void {
    if (this.stopped) return
    this.stopped = true
    this.voter.stopped = true
    this.requester.stop()
    // Clean-exit marker only past our own quiet period and holding no vote.
    const clean = this.context.off('cleanExitMarker') || (!this.voter.isQuiet(this.now.mono) && !this.voter.holdsVotes())
    if (clean) {
      this.cleanExit = true
      this.step$!.persist = true
    }
  }

  private reject (from: NodeId, why: string): void {
    this.count('rejectedFrames')
    this.context.event({ type: 'rejected-frame', from, why })
  }

  private onFrame (from: NodeId, frame: Frame, ageMs?: number): void {
    const why = frameProblem(frame)
    if (why !== null) { this.reject(from, why); return }
    if (from !== this.config.self && !this.detector.isPeer(from)) { this.reject(from, 'sender is not on the roster'); return }
    const b = frame.b
    if (b.t === 'RECOVER' || b.t === 'CEILING') {
      // Disk-loss recovery: the asker has no incarnation yet (its header says 0),
      // so the failure detector never judges these frames.
      this.count(IN_COUNTER[b.t])
      if (b.t === 'RECOVER' && from !== this.config.self && !this.stopped) this.answerRecovery(from, b.round)
      return
    }
    this.count(IN_COUNTER[b.t])
    if (from !== this.config.self) {
      // Heard when its bytes were read, not when its turn came (never in the future, never older than a suspicion timeout).
      const age = typeof ageMs === 'number' && ageMs > 0 ? Math.min(ageMs, this.config.suspicionTimeoutMs) : 0
      // A frame that waited in our own queue is evidence that WE are slow (local health).
      if (age > 0) this.detector.noteFrameAge(this.now.mono, age)
      const verdict = this.detector.received(from, frame.h, this.now.mono, this.now.mono - age)
      if (verdict === 'stale-incarnation') { this.count('staleFrames'); return }
      if (verdict === 'new-incarnation') this.peerRestarted(from, frame.h.inc)
    } else if (frame.h.inc !== this.incarnation) {
      return // a loopback frame of an earlier run of ours
    }
    this.clock.observe(frame.h.clock)
    if (b.t === 'PING') { this.context.send(from, { t: 'PONG' }); return }
    if (b.t === 'PONG') return
    if (b.key.length > this.config.limits.keyLengthMax) { this.reject(from, 'key too long'); return }
    if (REQUESTER_FRAMES.has(b.t)) {
      if (b.id.peer !== this.config.self || b.id.inc !== this.incarnation) { this.count('foreignAnswers'); return }
    } else if (b.id.peer !== from || b.id.inc !== frame.h.inc) {
      // Voters accept a request's frames only from the peer that owns it.
      this.reject(from, `${b.t} names attempt of ${b.id.peer}:${b.id.inc}, sent by ${from}:${frame.h.inc}`)
      return
    }
    const r = this.requester
    const v = this.voter
    switch (b.t) {
      case 'REQUEST': v.onRequest(from, b); break
      case 'YIELD': v.onYield(from, b); break
      case 'COMMIT': v.onCommit(from, b); break
      case 'EXTEND': v.onExtend(from, b); break
      case 'RELEASE': v.onRelease(from, b); break
      case 'QUEUED': break
      case 'GRANT': r.onGrant(from, b); break
      case 'FAILED': r.onFailed(from, b); break
      case 'INQUIRE': r.onInquire(from, b); break
      case 'CONTENDED': r.onContended(from, b); break
      case 'COMMITTED': r.onCommitted(from, b); break
      case 'REFUSED': r.onRefused(from, b); break
      case 'EXTENDED': r.onExtended(from, b); break
      case 'RELEASED': r.onReleased(from, b); break
    }
  }

  /**
   * A peer that lost its store asks: our persisted ceiling (one number for
   * every key: no fence here is above it) and the newest incarnation we saw of
   * it. The answer is gated like every frame: it leaves only once the batch
   * holding the ceiling (and every COMMITTED sent before) is durable.
   */
  private answerRecovery (from: NodeId, round: number): void {
    this.count('recoveryAnswers')
    this.context.send(from, { t: 'CEILING', round, ceiling: this.voter.ceiling, seenIncarnation: this.detector.incarnationOf(from), recovering: false })
  }

  private finish (): Ready {
    const s = this.step$!
    const now = this.now.mono
    if (!this.stopped) for (const peer of this.detector.pingsDue(now)) s.frames.push({ to: peer, body: { t: 'PING' } })
    let persist: Ready['persist'] = null
    if (s.persist || this.voter.ceilingDirty) {
      this.voter.ceilingDirty = false
      persist = { batch: ++this.batchNo, state: this.persistedState() }
    }
    // Frames are never un-gated (safety). Results and events bypass the gate
    // only while this batch is not yet persisted, and only as bypass() allows.
    const open = this.batchNo <= this.persistedUpTo
    if (open && this.held.length === 0) return this.finishOpen(persist)
    const immediate: Array<{ to: NodeId, body: FrameBody }> = []
    const gated = s.frames.filter(f => {
      if (f.body.t === 'PING' || f.body.t === 'PONG') { immediate.push(f); return false }
      return true
    })
    const early: { results: Result[], events: CoreEvent[] } = { results: [], events: [] }
    const heldResults: Result[] = []
    const heldEvents: CoreEvent[] = []
    // In order, counting each held one at once: a later result of the same
    // handle (or a later mode event) in this very batch stays behind it.
    for (const r of s.results) {
      if (!open && this.bypassResult(r)) { early.results.push(r); continue }
      heldResults.push(r)
      this.heldByHandle.set(r.handle, (this.heldByHandle.get(r.handle) ?? 0) + 1)
    }
    for (const e of s.events) {
      const bypass = !open && this.bypassEvent(e)
      if (e.type === 'mode') this.lastModeRank = modeRank(e)
      if (bypass) { early.events.push(e); continue }
      heldEvents.push(e)
      if (e.type === 'mode') this.heldModeEvents++
    }
    if (gated.length + heldResults.length + heldEvents.length > 0) {
      this.held.push({ batch: this.batchNo, frames: gated, results: heldResults, events: heldEvents })
    }
    const frames: OutFrame[] = immediate.map(f => this.stamp(f.to, f.body))
    const results: Result[] = []
    const events: CoreEvent[] = []
    while (this.held.length > 0 && this.held[0]!.batch <= this.persistedUpTo) {
      const h = this.held.shift()!
      for (const f of h.frames) frames.push(this.stamp(f.to, f.body))
      for (const r of h.results) {
        results.push(r)
        const n = (this.heldByHandle.get(r.handle) ?? 1) - 1
        if (n <= 0) this.heldByHandle.delete(r.handle)
        else this.heldByHandle.set(r.handle, n)
      }
      for (const e of h.events) {
        events.push(e)
        if (e.type === 'mode') this.heldModeEvents--
      }
    }
    // Older (just released) batches first, then what bypassed this batch's gate.
    results.push(...early.results)
    events.push(...early.events)
    return this.ready(persist, frames, results, events)
  }

  /**
   * finish() when every batch is persisted and nothing is held (the usual
   * step): the same output as the general path — PING/PONG first, then the
   * other frames in order, every result and event — without its bookkeeping.
   */
  private finishOpen (persist: Ready['persist']): Ready {
    const s = this.step$!
    const frames: OutFrame[] = []
    let others = false
    for (const f of s.frames) {
      if (f.body.t === 'PING' || f.body.t === 'PONG') frames.push(this.stamp(f.to, f.body))
      else others = true
    }
    if (others) for (const f of s.frames) if (f.body.t !== 'PING' && f.body.t !== 'PONG') frames.push(this.stamp(f.to, f.body))
    for (const e of s.events) if (e.type === 'mode') this.lastModeRank = modeRank(e)
    return this.ready(persist, frames, s.results, s.events)
  }

  private ready (persist: Ready['persist'], frames: OutFrame[], results: Result[], events: CoreEvent[]): Ready {
    const wake = this.nextWake()
    this.requestedWake = wake
    return { persist, frames, results, events, wakeAt: wake, wakeAtWall: this.nextWallWake() }
  }

  /**
   * Whether result `r` of an unpersisted batch may leave now: it grants and
   * extends nothing, and no older result of its handle is held. Test-only
   * `lostOvertakesGranted` lets a `lost` overtake them.
   */
  private bypassResult (r: Result): boolean {
    if (!BYPASS_RESULTS.has(r.type)) return false
    if ((this.heldByHandle.get(r.handle) ?? 0) === 0) return true
    return r.type === 'lost' && this.config.unsafe?.lostOvertakesGranted === true
  }

  /**
   * Whether event `e` of an unpersisted batch may leave now: only a mode
   * downgrade, and only when no older mode event is held (mode events keep
   * their order: a downgrade never overtakes an older held upgrade). Other
   * events stay gated. Test-only `downgradeOvertakesUpgrade` drops the order rule.
   */
  private bypassEvent (e: CoreEvent): boolean {
    if (e.type !== 'mode' || modeRank(e) >= this.lastModeRank) return false
    return this.heldModeEvents === 0 || this.config.unsafe?.downgradeOvertakesUpgrade === true
  }

  private stamp (to: NodeId, body: FrameBody): OutFrame {
    this.count(OUT_COUNTER[body.t])
    return { to, frame: { h: this.detector.stamp(to, this.clock.now, this.now.mono), b: body } }
  }

  private persistedState (): PersistedState {
    return { ceiling: this.voter.ceiling, cleanExit: this.cleanExit }
  }

  private nextWake (): number | null {
    if (this.stopped) return null
    const next = Math.min(this.detector.nextDeadline(this.now.mono), this.voter.nextDeadline(), this.requester.nextDeadline())
    return Number.isFinite(next) ? Math.max(next, this.now.mono) : null
  }

  /** The earliest wall-clock deadline (held lock validity, COMMIT round validity), not before now. */
  private nextWallWake (): number | null {
    if (this.stopped) return null
    // nextWake() just ran requester.nextDeadline(), which computed it in the same pass.
    const next = this.requester.wallDeadline
    return Number.isFinite(next) ? Math.max(next, this.now.wall) : null
  }

  private count (counter: string, by = 1): void { this.context.count(counter, by) }

  /** A snapshot for status() pages and tests. */
  status (): LockCoreStatus {
    const now = this.now.mono
    const mode = this.detector.mode
    return {
      self: this.config.self,
      incarnation: this.incarnation,
      mode: mode.mode,
      sharedLocks: mode.sharedLocks,
      quorum: this.quorum.figures(),
      quietRemainingMs: Math.max(0, this.voter.quietUntil - now),
      draining: this.draining,
      clock: this.clock.now.toString(),
      peers: this.detector.status(now),
      localHealth: this.detector.healthStatus(),
      voter: this.voter.status(),
      acquires: this.requester.status(),
      pendingReleases: this.requester.pendingReleases(),
      persistedUpTo: this.persistedUpTo,
      heldBatches: this.held.length,
      counters: Object.fromEntries(this.counters)
    }
  }

  /**
   * How long peers should leave us out of their quorums (the handshake's
   * figure): the quiet period after a restart or the drain, whichever ends
   * later. `mono`: the driver's fresh monotonic reading (default: the last step's).
   */
  quietRemainingMs (mono = this.now.mono): number { return this.voter.quietRemainingMs(Math.max(mono, this.now.mono)) }
  /** The quiet period after a restart alone (no grants until it ends), at `mono`. */
  restartQuietRemainingMs (mono = this.now.mono): number { return Math.max(0, this.voter.quietUntil - Math.max(mono, this.now.mono)) }
  /** The Lamport clock, for the handshake. */
  lamport (): bigint { return this.clock.now }
  /** Test hook: a key's fence at this voter. */
  fenceOf (key: string): bigint | undefined { return this.voter.fenceOf(key) }
}

export type LockCoreStatus = ReturnType<typeof statusShape>
declare function statusShape (): {
  self: NodeId
  incarnation: number
  mode: string
  sharedLocks: boolean
  quorum: ReturnType<QuorumSystem['figures']>
  quietRemainingMs: number
  draining: boolean
  clock: string
  peers: ReturnType<FailureDetector['status']>
  /** Lifeguard's local health multiplier: score, multiplier (≤ cap), the suspicion timeout in force, evidence counts. */
  localHealth: ReturnType<FailureDetector['healthStatus']>
  voter: ReturnType<Voter['status']>
  acquires: ReturnType<Requester['status']>
  pendingReleases: number
  persistedUpTo: number
  heldBatches: number
  counters: Record<string, number>
}

function makeContext (core: LockCore): StepContext {
  const internals = core as unknown as { now: Now, step$: { frames: Array<{ to: NodeId, body: FrameBody }>, results: Result[], events: CoreEvent[] }, counters: Map<string, number> }
  return {
    get config () { return core.config },
    get self () { return core.config.self },
    get incarnation () { return core.incarnation },
    get now () { return internals.now },
    send: (to, body) => { internals.step$.frames.push({ to, body }) },
    result: r => { internals.step$.results.push(r) },
    event: e => { internals.step$.events.push(e) },
    count: (counter, by = 1) => { internals.counters.set(counter, (internals.counters.get(counter) ?? 0) + by) },
    off: rule => core.config.unsafe?.[rule] === true
  }
}

/** Shape checks on a decoded frame: a hostile peer must not crash the node. */
export function frameProblem (frame: Frame): string | null {
  if (typeof frame !== 'object' || frame === null) return 'not an object'
  const h = frame.h
  const b = frame.b as FrameBody | undefined
  if (typeof h !== 'object' || h === null || typeof b !== 'object' || b === null) return 'missing header or body'
  if (typeof h.clock !== 'bigint' || h.clock < 0n || h.clock > INT63_MAX) return 'bad clock'
  for (const f of ['inc', 'fn', 'ack', 'ackInc'] as const) {
    if (!Number.isSafeInteger(h[f]) || h[f] < 0) return `bad header field ${f}`
  }
  if (b.t === 'PING' || b.t === 'PONG') return null
  if (b.t === 'RECOVER') return Number.isSafeInteger(b.round) && b.round >= 0 ? null : 'bad RECOVER'
  if (b.t === 'CEILING') {
    return Number.isSafeInteger(b.round) && b.round >= 0 && typeof b.ceiling === 'bigint' && b.ceiling >= 0n && b.ceiling <= INT63_MAX &&
      Number.isSafeInteger(b.seenIncarnation) && b.seenIncarnation >= 0 && typeof b.recovering === 'boolean'
      ? null
      : 'bad CEILING'
  }
  if (typeof b.t !== 'string' || !(PROTOCOL_FRAME_TYPES as readonly string[]).includes(b.t)) return 'unknown frame type'
  if (typeof b.key !== 'string' || b.key.length === 0) return 'bad key'
  const id = b.id as unknown
  if (typeof id !== 'object' || id === null) return 'bad attempt id'
  const { peer, inc, seq } = id as Record<string, unknown>
  if (typeof peer !== 'string' || !Number.isSafeInteger(inc) || !Number.isSafeInteger(seq)) return 'bad attempt id'
  const grantNo = (b as { grantNo?: unknown }).grantNo
  if (grantNo !== undefined) {
    const g = grantNo as Record<string, unknown>
    if (typeof g !== 'object' || g === null || !Number.isSafeInteger(g.inc) || !Number.isSafeInteger(g.n)) return 'bad grant number'
  }
  switch (b.t) {
    case 'REQUEST':
      if (typeof b.ts !== 'bigint' || (b.mode !== 'exclusive' && b.mode !== 'shared') || typeof b.ttlMs !== 'number' || typeof b.noWait !== 'boolean') return 'bad REQUEST'
      break
    case 'GRANT': if (typeof b.fence !== 'bigint' || b.grantNo === undefined) return 'bad GRANT'; break
    case 'COMMIT': if (typeof b.token !== 'bigint' || !Number.isSafeInteger(b.attempt) || b.grantNo === undefined) return 'bad COMMIT'; break
    case 'EXTEND': if (typeof b.ttlMs !== 'number' || !Number.isSafeInteger(b.attempt) || b.grantNo === undefined) return 'bad EXTEND'; break
    case 'INQUIRE': case 'YIELD': if (b.grantNo === undefined) return `bad ${b.t}`; break
    case 'COMMITTED': case 'EXTENDED': case 'REFUSED': if (!Number.isSafeInteger(b.attempt)) return `bad ${b.t}`; break
    case 'FAILED': if (typeof b.reason !== 'string') return 'bad FAILED'; break
    default: break
  }
  return null
}
