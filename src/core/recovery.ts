/**
 * RecoveryCore: what a node runs instead of a LockCore when its fence store
 * is gone (disk loss) — pure and deterministic, stepped like LockCore
 * (`step(input): Ready`). docs/design.md, "Disk loss is never a first run",
 * has the argument; in short:
 *
 * 1. It grants nothing and votes in nothing: it sends no protocol frame at
 *    all, so no peer ever counts it as reachable, and its own acquires fail
 *    read-only with the reason.
 * 2. It waits out the quiet period (`ttlMsMax` widened for drift ρ): every
 *    COMMIT round its old run took part in has then ended — completed (every
 *    voter of that quorum persisted the token) or failed (the lock was never
 *    granted). Figures sampled earlier (the handshake's) may predate a COMMIT
 *    its old run accepted.
 * 3. Only then it asks every peer (RECOVER) for its persisted ceiling and the
 *    newest incarnation it saw of us (CEILING), retrying every `retransmitMs`.
 * 4. It is done when the non-recovering peers that answered form a set S
 *    meeting Q∖{self} for every write AND read quorum Q ∋ self
 *    (QuorumSystem.coversRecovery): then some member of every quorum we were
 *    in holds every token that quorum granted. It takes a ceiling above every
 *    reported one and an incarnation above every reported one, and says so
 *    with a `recovered` event; the driver persists both and boots a LockCore.
 *    The incarnation is also at least the wall clock in ms: peers that
 *    restarted since forgot what they saw of us (docs/design.md).
 *
 * Until S is complete it stays read-only and non-voting and says why (mode
 * event `reason`, status()).
 */
import { createQuorumSystem, type QuorumSystem } from './quorum.js'
import { TOKEN_LIMIT } from './ids.js'
import { LamportClock } from './lamport.js'
import type { CoreConfig, CoreEvent, Frame, FrameBody, Input, NodeId, Now, OutFrame, Ready, Result } from './types.js'

/** Incarnations taken from the wall clock stay far below 2^53 (the counter must still grow for ages). */
const INCARNATION_CLOCK_MAX = 2 ** 51

/** The quiet period a recovering node waits out: `ttlMsMax` on the slowest clock a peer may have, seen on ours. */
export function recoveryQuietMs (config: Pick<CoreConfig, 'ttlMsMax' | 'driftRho'>): number {
  return Math.ceil(config.ttlMsMax * (1 + config.driftRho) / (1 - config.driftRho))
}

/** What one peer answered (the newest answer counts). */
interface Answer {
  ceiling: bigint
  seenIncarnation: number
  recovering: boolean
}

export type RecoveryPhase = 'quiet' | 'asking' | 'recovered' | 'stopped'

export interface RecoveryStatus {
  phase: RecoveryPhase
  /** Why the node is not voting yet, in words (also the mode event's `reason`). */
  reason: string
  /** Ms left of the quiet period before the first query. */
  quietRemainingMs: number
  /** Queries sent so far. */
  rounds: number
  /** Peers whose answer counts (not recovering themselves). */
  answered: NodeId[]
  /** Peers that answered they are recovering too. */
  recoveringPeers: NodeId[]
}

/** Whether a lost store can ever be recovered in this roster: every peer answering would meet every quorum containing `self`. */
export function recoverable (config: Pick<CoreConfig, 'self' | 'roster' | 'quorum'>): boolean {
  return createQuorumSystem(config.quorum, config.roster).coversRecovery(config.self, new Set(config.roster))
}

export class RecoveryCore {
  readonly config: CoreConfig
  readonly quorum: QuorumSystem
  /** A recovering node has no incarnation yet: 0 until the driver boots the recovered LockCore. */
  readonly incarnation = 0
  private readonly clock: LamportClock
  private readonly answers = new Map<NodeId, Answer>()
  private phase: RecoveryPhase = 'quiet'
  private now: Now = { mono: 0, wall: 0 }
  private started = false
  private askAt = Infinity
  /** It votes in nothing before this (monotonic ms): the quiet period, whatever the mutation does to askAt. */
  private quietUntil = Infinity
  private nextQueryAt = Infinity
  private round = 0
  private lastReason = ''
  private readonly counters = new Map<string, number>()
  private out: { frames: OutFrame[], results: Result[], events: CoreEvent[] } | null = null

  constructor (config: CoreConfig) {
    this.config = config
    this.quorum = createQuorumSystem(config.quorum, config.roster, { unsafeNoIntersection: config.unsafe?.quorumIntersection === true })
    this.clock = new LamportClock(0n, config.maxClockJump)
  }

  private off (rule: 'recoveryAfterQuiet' | 'recoveryCoversReads' | 'recoveredIncarnation'): boolean {
    return this.config.unsafe?.[rule] === true
  }

  step (input: Input): Ready {
    if (this.out !== null) throw new Error('RecoveryCore.step is not reentrant')
    if (!this.started && input.type !== 'start') throw new Error(`the first input must be 'start', got '${input.type}'`)
    this.now = { mono: Math.max(this.now.mono, input.now.mono), wall: Math.max(this.now.wall, input.now.wall) }
    this.out = { frames: [], results: [], events: [] }
    try {
      this.handle(input)
      this.maybeAsk()
      this.reportMode()
      const out = this.out
      const wake = this.phase === 'quiet' ? this.askAt : this.phase === 'asking' ? (this.now.mono < this.quietUntil ? Math.min(this.nextQueryAt, this.quietUntil) : this.nextQueryAt) : null
      return { persist: null, frames: out.frames, results: out.results, events: out.events, wakeAt: wake === null ? null : Math.max(wake, this.now.mono), wakeAtWall: null }
    } finally {
      this.out = null
    }
  }

  private handle (input: Input): void {
    switch (input.type) {
      case 'start':
        if (this.started) return
        this.started = true
        this.quietUntil = this.now.mono + recoveryQuietMs(this.config)
        // Mutation `recoveryAfterQuiet`: ask at once, as a handshake-time sample
        // would (it still votes only after the quiet period).
        this.askAt = this.off('recoveryAfterQuiet') ? this.now.mono : this.quietUntil
        return
      case 'tick': case 'persisted': return
      case 'handshake':
        // The handshake's figures are never used for recovery (they may predate a COMMIT); only its clock.
        if (typeof input.clock === 'bigint') this.clock.adopt(input.clock)
        return
      case 'frame': this.onFrame(input.from, input.frame); return
      case 'acquire':
        this.out!.results.push({
          type: 'failed',
          handle: input.cmd.handle,
          key: input.cmd.key,
          reason: this.phase === 'stopped' ? 'stopped' : 'read-only',
          detail: this.phase === 'stopped' ? 'the node is stopped' : this.reason(),
          reachable: [this.config.self]
        })
        return
      case 'release': this.out!.results.push({ type: 'not-holder', handle: input.handle, command: 'release' }); return
      case 'extend': this.out!.results.push({ type: 'not-holder', handle: input.handle, command: 'extend' }); return
      case 'cancel': this.out!.results.push({ type: 'not-holder', handle: input.handle, command: 'cancel' }); return
      case 'drain':
        // Nothing is held here: drained at once.
        if (this.phase !== 'recovered' && this.phase !== 'stopped') this.phase = 'stopped'
        this.out!.events.push({ type: 'drained' })
        return
      case 'stop':
        if (this.phase !== 'recovered') this.phase = 'stopped'
    }
  }

  private onFrame (from: NodeId, frame: Frame): void {
    if (from === this.config.self || !this.quorum.roster.includes(from)) return
    const b = frame.b as FrameBody | undefined
    if (typeof frame.h?.clock === 'bigint') this.clock.observe(frame.h.clock)
    if (b?.t === 'RECOVER') {
      // Another node recovering: our figures count for nothing, say so.
      if (this.phase !== 'stopped' && Number.isSafeInteger(b.round) && b.round >= 0) {
        this.send(from, { t: 'CEILING', round: b.round, ceiling: 0n, seenIncarnation: 0, recovering: true })
      }
      return
    }
    if (b?.t !== 'CEILING') { this.count('framesWhileRecovering'); return }
    if (this.phase === 'quiet') { this.count('staleCeilings'); return }
    if (this.phase !== 'asking') return
    // Only answers to a query this run sent (all of them after the quiet period).
    if (!Number.isSafeInteger(b.round) || b.round < 1 || b.round > this.round) { this.count('staleCeilings'); return }
    // Figures no honest peer can hold (they would exhaust tokens or the incarnation counter) are dropped, counted.
    if (typeof b.ceiling !== 'bigint' || b.ceiling < 0n || b.ceiling >= TOKEN_LIMIT || !Number.isSafeInteger(b.seenIncarnation) || b.seenIncarnation < 0 ||
      b.seenIncarnation >= INCARNATION_CLOCK_MAX || typeof b.recovering !== 'boolean') {
      this.count('badCeilings')
      return
    }
    this.answers.set(from, { ceiling: b.ceiling, seenIncarnation: b.seenIncarnation, recovering: b.recovering })
    this.maybeFinish()
  }

  /** The non-recovering peers that answered. */
  private reporters (): Set<NodeId> {
    const s = new Set<NodeId>()
    for (const [peer, a] of this.answers) if (!a.recovering) s.add(peer)
    return s
  }

  private maybeFinish (): void {
    if (this.now.mono < this.quietUntil) return
    const s = this.reporters()
    if (!this.quorum.coversRecovery(this.config.self, s, this.off('recoveryCoversReads'))) return
    let ceiling = 0n
    let seen = 0
    for (const [peer, a] of this.answers) {
      // Every answer's incarnation counts (a recovering peer reports 0).
      if (a.seenIncarnation > seen) seen = a.seenIncarnation
      if (s.has(peer) && a.ceiling > ceiling) ceiling = a.ceiling
    }
    this.phase = 'recovered'
    // Above every reported incarnation — and above the wall clock in ms: a
    // peer that restarted since forgot what it saw of us, one that did not
    // answer may remember more. Old incarnations are start counters (or an
    // earlier recovery's clock reading): far below any later clock reading.
    const incarnation = this.off('recoveredIncarnation') ? 1 : Math.max(seen + 1, Math.min(INCARNATION_CLOCK_MAX, Math.floor(this.now.wall)))
    this.out!.events.push({ type: 'recovered', incarnation, ceiling: ceiling + 1n, reporters: [...s].sort() })
  }

  private maybeAsk (): void {
    const now = this.now.mono
    if (this.phase === 'quiet' && now >= this.askAt) {
      this.phase = 'asking'
      this.nextQueryAt = now
    }
    // Answers that came while the (mutated) quiet period ran count once it ends.
    if (this.phase === 'asking' && now >= this.quietUntil) this.maybeFinish()
    if (this.phase !== 'asking' || now < this.nextQueryAt) return
    this.round++
    // Everyone whose answer does not count yet (no answer, or recovering itself): bounded by the roster, once per retransmitMs.
    for (const peer of this.quorum.roster) {
      if (peer === this.config.self || this.answers.get(peer)?.recovering === false) continue
      this.send(peer, { t: 'RECOVER', round: this.round })
    }
    this.nextQueryAt = now + Math.max(1, this.config.retransmitMs)
  }

  private send (to: NodeId, body: FrameBody): void {
    this.count(`out.${body.t}`)
    this.out!.frames.push({ to, frame: { h: { clock: this.clock.now, inc: 0, fn: 0, ack: 0, ackInc: 0 }, b: body } })
  }

  private count (counter: string): void { this.counters.set(counter, (this.counters.get(counter) ?? 0) + 1) }

  /** Why this node is not voting, in words. */
  reason (): string {
    switch (this.phase) {
      case 'quiet': return `recovering a lost fence store: waiting out the quiet period (${Math.ceil(Math.max(0, this.askAt - this.now.mono))} ms left) before asking peers for their ceilings`
      case 'asking': {
        const s = this.reporters()
        const recovering = [...this.answers].filter(([, a]) => a.recovering).map(([p]) => p)
        return `recovering a lost fence store: the peers that answered (${[...s].sort().join(', ') || 'none'}) do not yet meet every read and write quorum containing this node` +
          (recovering.length > 0 ? `; recovering themselves: ${recovering.sort().join(', ')}` : '') + '; asking again'
      }
      case 'recovered': return 'recovery finished: the node votes once its new incarnation and ceiling are durable'
      case 'stopped': return 'stopped while recovering a lost fence store'
    }
  }

  /** A mode event whenever the reason changes (the first one at start: ready() resolves read-only with it). */
  private reportMode (): void {
    if (this.phase === 'recovered' || this.phase === 'stopped') return
    // The quiet countdown is not a change of reason.
    const reason = this.phase === 'quiet' ? 'quiet' : this.reason()
    if (reason === this.lastReason) return
    this.lastReason = reason
    this.out!.events.push({ type: 'mode', mode: 'read-only', sharedLocks: false, reachable: [this.config.self], reason: this.reason() })
  }

  /** The handshake's quiet figure: a recovering node grants nothing for at least a lease. */
  quietRemainingMs (): number { return this.config.ttlMsMax }
  lamport (): bigint { return this.clock.now }

  status (): RecoveryStatus & { counters: Record<string, number> } {
    const answered: NodeId[] = []
    const recoveringPeers: NodeId[] = []
    for (const [peer, a] of this.answers) (a.recovering ? recoveringPeers : answered).push(peer)
    return {
      phase: this.phase,
      reason: this.reason(),
      quietRemainingMs: this.phase === 'quiet' ? Math.max(0, this.askAt - this.now.mono) : 0,
      rounds: this.round,
      answered: answered.sort(),
      recoveringPeers: recoveringPeers.sort(),
      counters: Object.fromEntries(this.counters)
    }
  }
}
