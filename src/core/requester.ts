/**
 * The requester half of a node: one state machine per acquire.
 *
 * requesting → (every GRANT of the quorum) → committing → (every COMMITTED of
 * one COMMIT round) → held → released / lost.
 *
 * Safety rules enforced here (DESIGN.md §4):
 * - Never YIELD after COMMIT; a FAILED from a voter whose newer GRANT we hold
 *   is stale and does not count.
 * - No partial re-pick: a quorum change releases every voter and starts a new
 *   attempt with the same ts and a fresh seq — only before the acquire resolved.
 * - Validity counts from the FIRST transmission of the COMMIT round every voter
 *   acknowledged: sentAt + ttl·(1−ρ)/(1+ρ) − margin, on both clocks.
 * - An extension only counts when every voter acknowledged it.
 *
 * One outstanding exclusive REQUEST per key per node (issue 10): while one
 * local exclusive acquire of a key is requesting, committing or held, later
 * local exclusive acquires of that key wait here ('waiting-local', no frames)
 * in timestamp order, each keeping its own Lamport timestamp; the next starts
 * its attempt when the one before ends. No protocol change — to the voters a
 * waiting acquire's REQUEST was merely slow — but a hot key no longer costs a
 * REQUEST and a FAILED per local waiter per voter. Shared acquires never wait
 * here; an exclusive tryAcquire behind a local one fails `busy` at once.
 */
import { keySpread, minTtlMs, validitySpanMs } from './config.js'
import { compareGrantNo, idKey, sameGrantNo, TOKEN_LIMIT } from './ids.js'
import type { ModeState } from './detector.js'
import type { QuorumSystem } from './quorum.js'
import type { StepContext } from './context.js'
import type { AcquireCommand, AcquireFailure, AttemptId, FrameBody, GrantNo, Handle, LockMode, NodeId, Now, Validity } from './types.js'

type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>

/**
 * COMMIT rounds of one attempt whose validity may end before every voter
 * acknowledged them. Each such round means the lease is shorter than a round
 * trip; past this many the acquire fails (`invalid`, the detail says why)
 * instead of starting round after round until its wait deadline (issue 9, item 2).
 */
export const EXPIRED_COMMIT_ROUNDS_MAX = 3

interface LeaseRound {
  round: number
  sentAt: Now
  ttlMs: number
  acked: Set<NodeId>
}

interface Attempt {
  id: AttemptId
  idk: string
  quorum: NodeId[]
  votes: Map<NodeId, { grantNo: GrantNo, fence: bigint }>
  /** Voters whose (non-stale) FAILED we hold. */
  failed: Set<NodeId>
  /** Voters we yielded to and that have not granted us again. */
  pendingYield: Map<NodeId, GrantNo>
  /** Highest grant number seen or yielded, per voter. */
  highest: Map<NodeId, GrantNo>
  /** INQUIREs we could not honour yet. */
  deferred: Map<NodeId, GrantNo>
  commit: (LeaseRound & { token: bigint }) | null
  /** COMMIT rounds of this attempt whose validity ended before every voter acknowledged. */
  expiredRounds: number
}

interface Acquire {
  handle: Handle
  key: string
  mode: LockMode
  ttlMs: number
  noWait: boolean
  deadline: number | null
  ts: bigint
  seq: number
  /** 'waiting-local': behind another local exclusive acquire of the key (no attempt yet). */
  phase: 'waiting-local' | 'requesting' | 'committing' | 'held'
  /** Unset while 'waiting-local'. */
  attempt: Attempt
  token: bigint
  validUntil: Validity
  leaseRounds: number
  extend: LeaseRound | null
  /** Retransmission pacing for the current phase. */
  lastSent: number
  retries: number
}

/** The local exclusive acquires of one key: the one with an attempt (or held), and those waiting behind it in timestamp order. */
interface LocalLine {
  active: Acquire | null
  waiting: Acquire[]
}

interface PendingRelease {
  voter: NodeId
  key: string
  id: AttemptId
  since: number
  lastSent: number
}

export interface RequesterDeps {
  quorum: QuorumSystem
  reachable: () => Set<NodeId>
  isQuiet: (voter: NodeId) => boolean
  mode: () => ModeState
  nextTs: () => bigint
  /** A voter said how long it stays quiet (our monotonic ms when it ends). */
  noteQuiet: (voter: NodeId, untilMono: number) => void
}

/** The window of the stray-RELEASE rate limit. */
const STRAY_WINDOW_MS = 1_000

/** A released lock whose voters have not all acknowledged the RELEASE yet. */
interface AckWait {
  handle: Handle
  key: string
  pending: Set<NodeId>
  since: number
}

export class Requester {
  private readonly acquires = new Map<Handle, Acquire>()
  /** Released locks waiting for every RELEASED, by attempt id (at most `limits.releasesMax`). */
  private readonly ackWaits = new Map<string, AckWait>()
  private readonly byAttempt = new Map<string, Acquire>()
  /** Local exclusive acquires per key (see the file comment); a key's entry goes once its line is empty. */
  private readonly lines = new Map<string, LocalLine>()
  private readonly releases = new Map<string, PendingRelease>()
  /** RELEASEs sent for strays, per voter, in the current one-second window (a rate limit; one entry per roster peer at most). */
  private readonly strayWindows = new Map<NodeId, { since: number, sent: number }>()
  private seqCounter = 0
  stopped = false
  /** Earliest retransmission due, as computed at the end of the last step. */
  private retransmitDueAt = -Infinity
  /** Earliest wall-clock deadline, as computed with it. */
  private wallDueAt = Infinity

  constructor (private readonly ctx: () => StepContext, private readonly deps: RequesterDeps) {}

  private get c (): StepContext { return this.ctx() }

  get size (): number { return this.acquires.size }

  // -------------------------------------------------------------------------
  // Commands

  acquire (cmd: AcquireCommand): void {
    const c = this.c
    const fail = (reason: AcquireFailure, detail: string): void => {
      c.result({ type: 'failed', handle: cmd.handle, key: cmd.key, reason, detail, reachable: [...this.deps.reachable()].sort() })
    }
    if (this.acquires.has(cmd.handle)) { fail('invalid', `handle ${cmd.handle} is already in use`); return }
    if (typeof cmd.key !== 'string' || cmd.key.length === 0 || cmd.key.length > c.config.limits.keyLengthMax) { fail('invalid', `key must be a string of 1..${c.config.limits.keyLengthMax} characters`); return }
    if (!Number.isFinite(cmd.ttlMs) || cmd.ttlMs <= 0 || cmd.ttlMs > c.config.ttlMsMax) { fail('invalid', `ttlMs must be in [${minTtlMs(c.config)}, ${c.config.ttlMsMax}]`); return }
    if (cmd.ttlMs < minTtlMs(c.config)) { fail('invalid', `ttlMs ${cmd.ttlMs} leaves no validity after marginMs ${c.config.marginMs} and driftRho ${c.config.driftRho}: the minimum is ${minTtlMs(c.config)}`); return }
    if (cmd.mode !== 'exclusive' && cmd.mode !== 'shared') { fail('invalid', "mode must be 'exclusive' or 'shared'"); return }
    if (cmd.waitMs !== null && !(cmd.waitMs >= 0)) { fail('invalid', 'waitMs must be >= 0 or null'); return }
    if (this.stopped) { fail('stopped', 'the node is stopping'); return }
    if (this.acquires.size >= c.config.limits.acquiresMax) { fail('too-many', `at most ${c.config.limits.acquiresMax} acquires at once`); return }
    const refusal = this.modeRefusal(cmd.mode)
    if (refusal !== null) { fail(refusal, this.modeDetail()); return }
    const line = cmd.mode === 'exclusive' ? this.lines.get(cmd.key) : undefined
    if (line !== undefined && cmd.noWait) { fail('busy', `held or wanted by another acquire on this node (handle ${line.active?.handle ?? '?'})`); return }
    const acq: Acquire = {
      handle: cmd.handle, key: cmd.key, mode: cmd.mode, ttlMs: cmd.ttlMs, noWait: cmd.noWait,
      deadline: cmd.waitMs === null ? null : c.now.mono + cmd.waitMs,
      ts: this.deps.nextTs(), seq: ++this.seqCounter, phase: 'requesting',
      attempt: undefined as unknown as Attempt, token: 0n, validUntil: { mono: 0, wall: 0 }, leaseRounds: 0, extend: null, lastSent: c.now.mono, retries: 0
    }
    this.acquires.set(acq.handle, acq)
    if (acq.mode === 'exclusive') {
      if (line !== undefined) {
        acq.phase = 'waiting-local'
        line.waiting.push(acq) // nextTs() only grows: appending keeps the line in timestamp order
        c.count('localWaits')
        return
      }
      this.lines.set(acq.key, { active: acq, waiting: [] })
    }
    this.startAttempt(acq)
  }

  /**
   * `acq` ended (or never started): take it out of its key's line; when it
   * was the active one, the next waiter starts its attempt with its own
   * timestamp (that start may fail at once, which starts the one after).
   */
  private leaveLine (acq: Acquire): void {
    if (acq.mode !== 'exclusive') return
    const line = this.lines.get(acq.key)
    if (line === undefined) return
    if (line.active === acq) {
      line.active = null
      const next = this.stopped ? undefined : line.waiting.shift()
      if (next !== undefined) {
        line.active = next
        this.startAttempt(next)
      }
    } else {
      const i = line.waiting.indexOf(acq)
      if (i >= 0) line.waiting.splice(i, 1)
    }
    if (line.active === null && line.waiting.length === 0 && this.lines.get(acq.key) === line) this.lines.delete(acq.key)
  }

  private modeRefusal (mode: LockMode): AcquireFailure | null {
    const m = this.deps.mode()
    if (mode === 'exclusive' && m.mode !== 'read-write') return 'read-only'
    if (mode === 'shared' && !m.sharedLocks) return 'no-quorum'
    return null
  }

  private modeDetail (): string {
    const m = this.deps.mode()
    return m.mode === 'starting' ? 'the node has no mode yet (call ready() first)' : `mode is ${m.mode}${m.sharedLocks ? ' (shared locks available)' : ' without shared locks'}`
  }

  release (handle: Handle): void {
    const acq = this.acquires.get(handle)
    if (acq === undefined) { this.c.result({ type: 'not-holder', handle, command: 'release' }); return }
    if (acq.phase !== 'held') { this.finishFailed(acq, 'cancelled', 'released before it was granted'); return }
    this.awaitAcks(acq)
    this.end(acq)
    this.c.result({ type: 'released', handle, key: acq.key })
  }

  /**
   * Report `release-acked` once every voter of this held lock answered
   * RELEASED (or restarted, forgetting its votes). Untracked past
   * `limits.releasesMax` waits: the caller's own bound then says "not acknowledged".
   */
  private awaitAcks (acq: Acquire): void {
    if (this.ackWaits.size >= this.c.config.limits.releasesMax) return
    this.ackWaits.set(acq.attempt.idk, { handle: acq.handle, key: acq.key, pending: new Set(acq.attempt.quorum), since: this.c.now.mono })
  }

  private acked (idk: string, voter: NodeId): void {
    const w = this.ackWaits.get(idk)
    if (w === undefined || !w.pending.delete(voter) || w.pending.size > 0) return
    this.ackWaits.delete(idk)
    this.c.result({ type: 'release-acked', handle: w.handle, key: w.key })
  }

  cancel (handle: Handle): void {
    const acq = this.acquires.get(handle)
    if (acq === undefined) { this.c.result({ type: 'not-holder', handle, command: 'cancel' }); return }
    if (acq.phase === 'held') { this.release(handle); return }
    this.finishFailed(acq, 'cancelled', 'cancelled by the caller')
  }

  extend (handle: Handle, ttlMs: number): void {
    const c = this.c
    const acq = this.acquires.get(handle)
    if (acq === undefined) { c.result({ type: 'not-holder', handle, command: 'extend' }); return }
    if (acq.phase !== 'held') { c.result({ type: 'extend-failed', handle, key: acq.key, reason: 'not-held' }); return }
    if (!Number.isFinite(ttlMs) || ttlMs < minTtlMs(c.config) || ttlMs > c.config.ttlMsMax || acq.extend !== null) {
      c.result({ type: 'extend-failed', handle, key: acq.key, reason: 'invalid' })
      return
    }
    acq.extend = { round: ++acq.leaseRounds, sentAt: c.now, ttlMs, acked: new Set() }
    this.paced(acq)
    for (const v of acq.attempt.quorum) this.sendExtend(acq, v)
  }

  /** Stop: fail every acquire, lose every lock, release every vote we hold. */
  stop (): void {
    this.stopped = true
    for (const acq of [...this.acquires.values()]) {
      if (acq.phase === 'held') {
        this.awaitAcks(acq)
        this.end(acq)
        this.c.result({ type: 'lost', handle: acq.handle, key: acq.key, reason: 'stopped' })
      } else {
        this.finishFailed(acq, 'stopped', 'the node is stopping')
      }
    }
  }

  // -------------------------------------------------------------------------
  // Attempts

  private startAttempt (acq: Acquire): void {
    const c = this.c
    const kind = acq.mode === 'exclusive' ? 'write' : 'read'
    const reachable = this.deps.reachable()
    const nonQuiet = new Set([...reachable].filter(v => !this.deps.isQuiet(v)))
    const spread = keySpread(acq.key)
    const quorum = this.deps.quorum.pick(kind, nonQuiet, c.self, spread) ?? this.deps.quorum.pick(kind, reachable, c.self, spread)
    if (quorum === null) {
      this.finishFailed(acq, acq.mode === 'exclusive' ? 'read-only' : 'no-quorum', `no ${kind} quorum among reachable nodes`)
      return
    }
    const id: AttemptId = { peer: c.self, inc: c.incarnation, seq: acq.seq }
    acq.attempt = {
      id, idk: idKey(id), quorum, votes: new Map(), failed: new Set(), pendingYield: new Map(),
      highest: new Map(), deferred: new Map(), commit: null, expiredRounds: 0
    }
    acq.phase = 'requesting'
    this.paced(acq)
    this.byAttempt.set(acq.attempt.idk, acq)
    for (const v of quorum) this.sendRequest(acq, v)
  }

  /** A phase just sent everything: the next retransmission waits a full interval. */
  private paced (acq: Acquire): void {
    acq.lastSent = this.c.now.mono
    acq.retries = 0
  }

  /** REQUESTs back off (up to 8 intervals: waiting is normal); COMMIT/EXTEND do not. */
  private retransmitDue (acq: Acquire): number {
    const factor = acq.phase === 'requesting' ? Math.min(8, 2 ** acq.retries) : 1
    return acq.lastSent + this.c.config.retransmitMs * factor
  }

  private sendRequest (acq: Acquire, voter: NodeId): void {
    this.c.send(voter, { t: 'REQUEST', key: acq.key, id: acq.attempt.id, ts: acq.ts, mode: acq.mode, ttlMs: acq.ttlMs, noWait: acq.noWait })
  }

  private sendCommit (acq: Acquire, voter: NodeId): void {
    const vote = acq.attempt.votes.get(voter)
    const commit = acq.attempt.commit
    if (vote === undefined || commit === null) return
    this.c.send(voter, { t: 'COMMIT', key: acq.key, id: acq.attempt.id, grantNo: vote.grantNo, attempt: commit.round, token: commit.token })
  }

  private sendExtend (acq: Acquire, voter: NodeId): void {
    const vote = acq.attempt.votes.get(voter)
    if (vote === undefined || acq.extend === null) return
    this.c.send(voter, { t: 'EXTEND', key: acq.key, id: acq.attempt.id, grantNo: vote.grantNo, attempt: acq.extend.round, ttlMs: acq.extend.ttlMs })
  }

  /** RELEASE every voter of the current attempt; retransmitted until RELEASED. */
  private releaseVoters (acq: Acquire): void {
    const a = acq.attempt
    this.byAttempt.delete(a.idk)
    for (const v of a.quorum) this.sendRelease(v, acq.key, a.id)
  }

  private sendRelease (voter: NodeId, key: string, id: AttemptId): void {
    const k = `${voter}|${idKey(id)}`
    if (!this.releases.has(k) && this.releases.size < this.c.config.limits.releasesMax) {
      this.releases.set(k, { voter, key, id, since: this.c.now.mono, lastSent: this.c.now.mono })
    }
    this.c.send(voter, { t: 'RELEASE', key, id })
  }

  /** No partial re-pick: release everything, new attempt, same ts, fresh seq. */
  private restart (acq: Acquire, why: string): void {
    const c = this.c
    c.count('attemptRestarts')
    c.event({ type: 'attempt-restart', handle: acq.handle, key: acq.key, why })
    if (c.off('noPartialRepick')) {
      // Mutation: keep the votes of voters still reachable under the same id.
      const a = acq.attempt
      const reachable = this.deps.reachable()
      const kept = new Map([...a.votes].filter(([v]) => reachable.has(v)))
      for (const v of a.quorum) if (!kept.has(v)) this.c.send(v, { t: 'RELEASE', key: acq.key, id: a.id })
      const quorum = this.deps.quorum.pick(acq.mode === 'exclusive' ? 'write' : 'read', reachable, c.self, keySpread(acq.key))
      if (quorum === null) { this.finishFailed(acq, acq.mode === 'exclusive' ? 'read-only' : 'no-quorum', 'no quorum'); return }
      a.quorum = quorum
      a.votes = new Map([...kept].filter(([v]) => quorum.includes(v)))
      a.commit = null
      acq.phase = 'requesting'
      for (const v of quorum) if (!a.votes.has(v)) this.sendRequest(acq, v)
      return
    }
    this.releaseVoters(acq)
    if (!c.off('freshSeqPerAttempt')) acq.seq = ++this.seqCounter
    this.startAttempt(acq)
  }

  private finishFailed (acq: Acquire, reason: AcquireFailure, detail: string): void {
    this.end(acq)
    this.c.result({ type: 'failed', handle: acq.handle, key: acq.key, reason, detail, reachable: [...this.deps.reachable()].sort() })
  }

  private end (acq: Acquire): void {
    if (acq.attempt !== undefined) this.releaseVoters(acq)
    this.acquires.delete(acq.handle)
    this.leaveLine(acq)
  }

  private validity (round: LeaseRound, now: Now): Validity {
    const c = this.c
    const span = validitySpanMs(c.config, round.ttlMs, !c.off('driftFormula'))
    // The FIRST transmission of the round: the voters' leases start later.
    const from = c.off('validityFromFirstTransmission') ? now : round.sentAt
    return { mono: from.mono + span, wall: from.wall + span }
  }

  private expired (v: Validity, now: Now): 'expired' | 'wall-clock' | null {
    if (now.mono >= v.mono) return 'expired'
    if (now.wall >= v.wall && !this.c.off('wallClockCheck')) return 'wall-clock'
    return null
  }

  private beginCommit (acq: Acquire): void {
    const a = acq.attempt
    let max = 0n
    for (const { fence } of a.votes.values()) if (fence > max) max = fence
    const token = max + 1n
    if (token > TOKEN_LIMIT) { this.finishFailed(acq, 'token-exhausted', `fencing token ${token} is too close to 2^63`); return }
    acq.phase = 'committing'
    a.deferred.clear()
    this.newCommitRound(acq, token)
  }

  private newCommitRound (acq: Acquire, token: bigint): void {
    const a = acq.attempt
    a.commit = { round: ++acq.leaseRounds, sentAt: this.c.now, ttlMs: acq.ttlMs, acked: new Set(), token }
    this.paced(acq)
    for (const v of a.quorum) this.sendCommit(acq, v)
  }

  /** A COMMIT round ran out before it completed: start another, at most EXPIRED_COMMIT_ROUNDS_MAX times per attempt. */
  private commitRoundExpired (acq: Acquire, token: bigint): void {
    const a = acq.attempt
    this.c.count('expiredCommitRounds')
    if (++a.expiredRounds >= EXPIRED_COMMIT_ROUNDS_MAX) {
      this.finishFailed(acq, 'invalid', `ttlMs ${acq.ttlMs} ran out before its COMMIT round completed ${a.expiredRounds} times: the lease is shorter than a round trip to the quorum (use a longer ttlMs)`)
      return
    }
    this.newCommitRound(acq, token)
  }

  private resolveIfCommitted (acq: Acquire): void {
    const commit = acq.attempt.commit
    if (acq.phase !== 'committing' || commit === null || commit.acked.size < acq.attempt.quorum.length) return
    const now = this.c.now
    const validUntil = this.validity(commit, now)
    if (this.expired(validUntil, now) !== null) {
      // Every voter acknowledged too late to leave any validity: a new round (bounded).
      this.commitRoundExpired(acq, commit.token)
      return
    }
    acq.phase = 'held'
    acq.token = commit.token
    acq.validUntil = validUntil
    this.c.result({ type: 'granted', handle: acq.handle, key: acq.key, mode: acq.mode, token: commit.token, validUntil, id: acq.attempt.id })
  }

  private canYield (a: Attempt): boolean {
    return a.failed.size > 0 || a.pendingYield.size > 0
  }

  private doYield (acq: Acquire, voter: NodeId, grantNo: GrantNo): void {
    const a = acq.attempt
    a.votes.delete(voter)
    a.deferred.delete(voter)
    a.pendingYield.set(voter, grantNo)
    this.c.send(voter, { t: 'YIELD', key: acq.key, id: a.id, grantNo })
  }

  private processDeferred (acq: Acquire): void {
    const a = acq.attempt
    if (acq.phase !== 'requesting' || !this.canYield(a)) return
    for (const [voter, grantNo] of [...a.deferred]) {
      const vote = a.votes.get(voter)
      if (vote !== undefined && sameGrantNo(vote.grantNo, grantNo)) this.doYield(acq, voter, grantNo)
    }
  }

  // -------------------------------------------------------------------------
  // Frames for our attempts

  private running (from: NodeId, id: AttemptId): Acquire | undefined {
    const acq = this.byAttempt.get(idKey(id))
    if (acq === undefined || !acq.attempt.quorum.includes(from)) return undefined
    return acq
  }

  /**
   * A vote for an attempt we no longer run: hand it back with ONE RELEASE per
   * arriving stray — never a pending retransmission (a voter that still holds
   * the vote re-sends its GRANT/INQUIRE, and each repeat is answered again).
   * Nothing goes to a suspected voter, and at most `limits.strayReleasesPerSecMax`
   * per voter per second: a peer flooding strays cannot turn us into an
   * amplifier (issue 11: 16–20k strays once made ~500k retransmitted RELEASEs).
   */
  private stray (from: NodeId, key: string, id: AttemptId): void {
    const c = this.c
    c.count('strayAnswers')
    if (from !== c.self && !this.deps.reachable().has(from)) { c.count('strayReleasesSuppressed'); return }
    const now = c.now.mono
    let w = this.strayWindows.get(from)
    if (w === undefined || now - w.since >= STRAY_WINDOW_MS) {
      w = { since: now, sent: 0 }
      this.strayWindows.set(from, w)
    }
    if (w.sent >= c.config.limits.strayReleasesPerSecMax) { c.count('strayReleasesSuppressed'); return }
    w.sent++
    c.send(from, { t: 'RELEASE', key, id })
  }

  onGrant (from: NodeId, b: Body<'GRANT'>): void {
    const acq = this.running(from, b.id)
    if (acq === undefined) { this.stray(from, b.key, b.id); return }
    const a = acq.attempt
    const highest = a.highest.get(from)
    // At or below a grant we saw or yielded: stale (never used).
    if (highest !== undefined && compareGrantNo(b.grantNo, highest) <= 0) {
      // The very grant we yielded, again: the voter still holds it, so our YIELD
      // may have been lost — say it again (a voter ignores a YIELD for a grant
      // it no longer holds; one GRANT makes at most one YIELD: no loop).
      const yielded = a.pendingYield.get(from)
      if (yielded !== undefined && sameGrantNo(yielded, b.grantNo)) {
        this.c.count('yieldsRepeated')
        this.c.send(from, { t: 'YIELD', key: acq.key, id: a.id, grantNo: b.grantNo })
      }
      return
    }
    a.highest.set(from, b.grantNo)
    if (acq.phase !== 'requesting') return
    a.votes.set(from, { grantNo: b.grantNo, fence: b.fence })
    a.failed.delete(from)
    a.pendingYield.delete(from)
    if (acq.noWait === false) this.processDeferred(acq)
    if (a.votes.size === a.quorum.length) this.beginCommit(acq)
  }

  onFailed (from: NodeId, b: Body<'FAILED'>): void {
    const acq = this.running(from, b.id)
    if (acq === undefined) return
    const a = acq.attempt
    // Once every vote is in (committing or held) no FAILED can undo the grant: a late or
    // reordered one (even busy/queue-full from a voter that then granted us) is stale.
    if (acq.phase !== 'requesting') return
    const held = a.votes.get(from)
    // Issued before the grant we hold from this voter: stale.
    if (held !== undefined && (b.supersedes === undefined || compareGrantNo(held.grantNo, b.supersedes) > 0)) return
    switch (b.reason) {
      case 'queue-full': this.finishFailed(acq, 'queue-full', `voter ${from}'s queue is full`); return
      case 'busy': this.finishFailed(acq, 'busy', `held or wanted by another (voter ${from})`); return
      case 'invalid': this.finishFailed(acq, 'invalid', `voter ${from} refused the request as invalid`); return
      default: break
    }
    // Issued after the grant we hold: that grant is gone.
    if (held !== undefined) a.votes.delete(from)
    a.failed.add(from)
    if (b.reason === 'quiet' && b.quietRemainingMs !== undefined && this.onQuietVoter(acq, from, b.quietRemainingMs)) return
    if (b.reason === 'quiet' && acq.noWait) {
      // tryAcquire does not wait out a quiet period: say why it failed.
      this.finishFailed(acq, 'busy', this.quietDetail(acq) || `voter ${from} is quiet`)
      return
    }
    if (this.acquires.has(acq.handle)) this.processDeferred(acq)
  }

  /**
   * A quiet voter while a non-quiet quorum is reachable: re-pick (whole
   * attempt). True when the attempt restarted.
   */
  private onQuietVoter (acq: Acquire, voter: NodeId, remainingMs: number): boolean {
    if (voter === this.c.self) return false
    // Its own word beats the handshake's estimate (its clock may have stopped
    // meanwhile): without it we would pick it again and again (a re-pick livelock).
    this.deps.noteQuiet(voter, this.c.now.mono + Math.max(0, remainingMs))
    const kind = acq.mode === 'exclusive' ? 'write' : 'read'
    const nonQuiet = new Set([...this.deps.reachable()].filter(v => !this.deps.isQuiet(v)))
    if (this.deps.quorum.pick(kind, nonQuiet, this.c.self, keySpread(acq.key)) === null) return false
    this.restart(acq, `voter ${voter} is quiet`)
    return true
  }

  /** Which voters of the attempt are quiet (restarted or draining), for failure messages ('' when none). */
  private quietDetail (acq: Acquire): string {
    const quiet = acq.attempt?.quorum.filter(v => this.deps.isQuiet(v)) ?? []
    if (quiet.length === 0) return ''
    return `only quorums with quiet voters are reachable (${quiet.join(', ')} restarted or draining: they grant nothing until their quiet period ends)`
  }

  onInquire (from: NodeId, b: Body<'INQUIRE'>): void {
    const acq = this.running(from, b.id)
    if (acq === undefined) { this.stray(from, b.key, b.id); return }
    const a = acq.attempt
    if (acq.phase === 'committing' && this.c.off('neverYieldAfterCommit')) {
      // Mutation: hand the vote back although COMMIT went out.
      const vote = a.votes.get(from)
      if (vote !== undefined && sameGrantNo(vote.grantNo, b.grantNo)) this.c.send(from, { t: 'YIELD', key: acq.key, id: a.id, grantNo: b.grantNo })
      return
    }
    if (acq.phase !== 'requesting') return // never yield after COMMIT
    const yielded = a.pendingYield.get(from)
    if (yielded !== undefined && sameGrantNo(yielded, b.grantNo)) {
      this.c.send(from, { t: 'YIELD', key: acq.key, id: a.id, grantNo: b.grantNo })
      return
    }
    const vote = a.votes.get(from)
    if (vote !== undefined && sameGrantNo(vote.grantNo, b.grantNo)) {
      if (acq.noWait) { this.doYield(acq, from, b.grantNo); this.finishFailed(acq, 'busy', 'a higher-priority request wants the key'); return }
      if (this.canYield(a)) { this.doYield(acq, from, b.grantNo); return }
      a.deferred.set(from, b.grantNo)
      return
    }
    // An INQUIRE that overtook its GRANT: remember it for when the GRANT comes.
    const highest = a.highest.get(from)
    if (highest === undefined || compareGrantNo(b.grantNo, highest) > 0) a.deferred.set(from, b.grantNo)
  }

  onContended (from: NodeId, b: Body<'CONTENDED'>): void {
    const acq = this.running(from, b.id)
    if (acq !== undefined && acq.phase === 'held') this.c.event({ type: 'contended', handle: acq.handle, key: acq.key })
  }

  onCommitted (from: NodeId, b: Body<'COMMITTED'>): void {
    const acq = this.running(from, b.id)
    if (acq === undefined) { this.stray(from, b.key, b.id); return }
    const commit = acq.attempt.commit
    if (acq.phase !== 'committing' || commit === null || commit.round !== b.attempt) return
    commit.acked.add(from)
    this.resolveIfCommitted(acq)
  }

  onRefused (from: NodeId, b: Body<'REFUSED'>): void {
    const acq = this.running(from, b.id)
    if (acq === undefined) return
    if (b.phase === 'commit') {
      // After the acquire resolved a late REFUSED is ignored.
      if (acq.phase === 'committing' && acq.attempt.commit?.round === b.attempt) this.restart(acq, `voter ${from} refused the commit (${b.reason})`)
      return
    }
    if (acq.extend !== null && acq.extend.round === b.attempt) {
      acq.extend = null
      this.c.result({ type: 'extend-failed', handle: acq.handle, key: acq.key, reason: 'refused' })
    }
  }

  onExtended (from: NodeId, b: Body<'EXTENDED'>): void {
    const acq = this.running(from, b.id)
    if (acq === undefined || acq.phase !== 'held' || acq.extend === null || acq.extend.round !== b.attempt) return
    acq.extend.acked.add(from)
    if (acq.extend.acked.size < acq.attempt.quorum.length) return
    const now = this.c.now
    const next = this.validity(acq.extend, now)
    acq.extend = null
    if (next.mono > acq.validUntil.mono) acq.validUntil = { mono: next.mono, wall: Math.max(next.wall, acq.validUntil.wall) }
    this.c.result({ type: 'extended', handle: acq.handle, key: acq.key, validUntil: acq.validUntil })
  }

  onReleased (from: NodeId, b: Body<'RELEASED'>): void {
    const idk = idKey(b.id)
    this.releases.delete(`${from}|${idk}`)
    this.acked(idk, from)
  }

  // -------------------------------------------------------------------------
  // Peers and time

  /** A voter is suspected or restarted: attempts that count on it start over. */
  voterLost (voter: NodeId, restarted: boolean): void {
    if (restarted) {
      for (const [k, r] of [...this.releases]) if (r.voter === voter) this.releases.delete(k)
      // A restarted voter forgot every vote it held: that counts as acknowledged.
      for (const idk of [...this.ackWaits.keys()]) this.acked(idk, voter)
    }
    for (const acq of [...this.acquires.values()]) {
      if (acq.phase === 'held' || acq.phase === 'waiting-local' || !acq.attempt.quorum.includes(voter)) continue
      this.restart(acq, restarted ? `voter ${voter} restarted` : `voter ${voter} is suspected`)
    }
  }

  /** Mode went down: fail in-flight acquires the new mode does not allow. */
  modeChanged (): void {
    for (const acq of [...this.acquires.values()]) {
      if (acq.phase === 'held') continue
      const refusal = this.modeRefusal(acq.mode)
      if (refusal !== null) this.finishFailed(acq, refusal, this.modeDetail())
    }
  }

  /** Lease validity, wait deadlines, commit rounds that ran out, retransmissions. */
  tick (): void {
    const c = this.c
    const now = c.now
    // Direct iteration (runs every step): the loop only deletes the entry it
    // is on (end()), which a Map iteration tolerates; it adds none.
    for (const acq of this.acquires.values()) {
      if (acq.phase === 'held') {
        const why = this.expired(acq.validUntil, now)
        if (why !== null) {
          this.end(acq)
          c.result({ type: 'lost', handle: acq.handle, key: acq.key, reason: why })
        }
        continue
      }
      if (acq.deadline !== null && now.mono >= acq.deadline) {
        const quiet = this.quietDetail(acq)
        this.finishFailed(acq, 'timeout', `not granted within the wait time (${acq.phase})${quiet === '' ? '' : `: ${quiet}`}`)
        continue
      }
      if (acq.phase !== 'committing') continue
      const commit = acq.attempt.commit
      if (commit !== null && this.expired(this.validity(commit, commit.sentAt), now) !== null) {
        this.commitRoundExpired(acq, commit.token)
      }
    }
    this.retransmit()
  }

  private retransmit (): void {
    const now = this.c.now.mono
    // nextDeadline() ran at the end of the previous step, after every change.
    if (now < this.retransmitDueAt) return
    for (const acq of this.acquires.values()) {
      const a = acq.attempt
      if ((acq.phase === 'held' && acq.extend === null) || acq.phase === 'waiting-local') continue
      if (now < this.retransmitDue(acq)) continue
      acq.lastSent = now
      acq.retries++
      if (acq.phase === 'requesting') {
        for (const v of a.quorum) if (!a.votes.has(v)) this.sendRequest(acq, v)
      } else if (acq.phase === 'committing' && a.commit !== null) {
        for (const v of a.quorum) if (!a.commit.acked.has(v)) this.sendCommit(acq, v)
      } else if (acq.extend !== null) {
        for (const v of a.quorum) if (!acq.extend.acked.has(v)) this.sendExtend(acq, v)
      }
    }
    const giveUpMs = this.c.config.ttlMsMax + this.c.config.tombstoneMs
    // Lease ends freed whatever was not acknowledged by now: forget the wait.
    for (const [k, w] of this.ackWaits) if (now - w.since > giveUpMs) this.ackWaits.delete(k)
    for (const [k, r] of [...this.releases]) {
      if (now - r.since > giveUpMs) { this.releases.delete(k); continue }
      if (now - r.lastSent < this.c.config.retransmitMs) continue
      r.lastSent = now
      this.c.send(r.voter, { t: 'RELEASE', key: r.key, id: r.id })
    }
  }

  nextDeadline (): number {
    let next = Infinity
    let wall = Infinity
    let retransmit = Infinity
    for (const acq of this.acquires.values()) {
      if (acq.phase === 'held') {
        next = Math.min(next, acq.validUntil.mono)
        wall = Math.min(wall, acq.validUntil.wall)
        if (acq.extend !== null) retransmit = Math.min(retransmit, this.retransmitDue(acq))
        continue
      }
      if (acq.deadline !== null) next = Math.min(next, acq.deadline)
      if (acq.phase === 'waiting-local') continue
      retransmit = Math.min(retransmit, this.retransmitDue(acq))
      const commit = acq.attempt?.commit
      if (acq.phase === 'committing' && commit !== null && commit !== undefined) {
        const v = this.validity(commit, commit.sentAt)
        next = Math.min(next, v.mono)
        wall = Math.min(wall, v.wall)
      }
    }
    for (const r of this.releases.values()) retransmit = Math.min(retransmit, r.lastSent + this.c.config.retransmitMs)
    this.retransmitDueAt = retransmit
    this.wallDueAt = this.c.off('wallClockCheck') ? Infinity : wall
    return Math.min(next, retransmit)
  }

  /** nextWallDeadline() as of the last nextDeadline() (one pass computes both at the end of a step). */
  get wallDeadline (): number { return this.wallDueAt }

  /**
   * The earliest wall-clock deadline `tick` acts on: a held lock's validity
   * (lost with reason `wall-clock`) or a COMMIT round's validity (a new round).
   * A suspended host stops the monotonic clock, not the wall clock, so these
   * cannot be scheduled on the monotonic clock (Ready.wakeAtWall).
   */
  nextWallDeadline (): number {
    if (this.c.off('wallClockCheck')) return Infinity
    let next = Infinity
    for (const acq of this.acquires.values()) {
      if (acq.phase === 'held') next = Math.min(next, acq.validUntil.wall)
      else if (acq.phase === 'committing' && acq.attempt.commit !== null) next = Math.min(next, this.validity(acq.attempt.commit, acq.attempt.commit.sentAt).wall)
    }
    return next
  }

  status (): Array<{ handle: Handle, key: string, mode: LockMode, phase: string, token: string | null, quorum: NodeId[], votes: number }> {
    return [...this.acquires.values()].map(a => ({
      handle: a.handle, key: a.key, mode: a.mode, phase: a.phase,
      token: a.phase === 'held' ? a.token.toString() : null,
      quorum: a.attempt?.quorum ?? [], votes: a.attempt?.votes.size ?? 0
    }))
  }

  pendingReleases (): number { return this.releases.size }
}
