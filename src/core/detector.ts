/**
 * Failure detector and modes.
 *
 * Reachable(p) = a frame from p arrived on the direct stream within the
 * suspicion timeout AND p acknowledged (piggybacked `ack`) a frame we sent
 * within the suspicion timeout. A one-way link therefore never looks reachable.
 *
 * Local awareness (Lifeguard), two parts:
 * - the local health multiplier (local-health.ts): evidence that THIS node is
 *   slow (it woke late, frames waited in its own queue, most peers' answers
 *   came back slow) raises a score; every timeout here is the configured one
 *   × (1 + score), at most × `localHealthMax` (8). A node stalled by its own
 *   host waits longer before accusing peers instead of accusing them all.
 * - the stall re-probe: when `now` jumped past our own requested wake-up by
 *   more than the stall threshold, WE were blocked; peers that would lapse get
 *   a re-probe (a PING and one more, multiplied, timeout) before being
 *   accused. A re-probe's deadline is never deferred again.
 */
import { LocalHealth, type HealthEvidence } from './local-health.js'
import type { QuorumSystem } from './quorum.js'
import type { FrameHeader, Mode, NodeId } from './types.js'

/**
 * Our unacknowledged frames to one peer (frame number, send time), oldest
 * first, at most `max` (the oldest is forgotten). A head index instead of
 * Array.shift(): amortised O(1) per entry, where shift() moved the whole log
 * (up to sentLogMax entries) for every frame sent into a partition.
 */
class SentLog {
  private fns: number[] = []
  private ats: number[] = []
  /** Index of the oldest live entry; the dead prefix is cut when it grows long. */
  private head = 0

  constructor (private readonly max: number) {}

  push (fn: number, at: number): void {
    this.fns.push(fn)
    this.ats.push(at)
    if (this.fns.length - this.head > this.max) this.head++
    this.compact()
  }

  /** Drop every entry with a frame number <= `ack`; the send time of the last one dropped. */
  ackUpTo (ack: number): number | undefined {
    let at: number | undefined
    const fns = this.fns
    while (this.head < fns.length && fns[this.head]! <= ack) at = this.ats[this.head++]
    this.compact()
    return at
  }

  private compact (): void {
    if (this.head === this.fns.length) {
      if (this.head > 0) { this.fns.length = 0; this.ats.length = 0; this.head = 0 }
    } else if (this.head >= 64 && this.head * 2 >= this.fns.length) {
      this.fns = this.fns.slice(this.head)
      this.ats = this.ats.slice(this.head)
      this.head = 0
    }
  }
}

interface PeerLink {
  /** Newest incarnation seen (0 = none yet). */
  inc: number
  /** Highest frame number received from `inc`. */
  recvFn: number
  lastHeard: number
  /** Our frames to this peer: numbers and send times not yet acknowledged. */
  sentFn: number
  sentLog: SentLog
  ackedSentAt: number
  lastSentAt: number
  reprobeUntil: number | null
  trusted: boolean
  /** The peer's quiet period ends here (our monotonic ms). */
  quietUntil: number
  /** Last time one of its acknowledgements came back slower than `slowAckMs` (local-health evidence). */
  slowAckAt: number
}

export interface ModeState {
  mode: Mode
  sharedLocks: boolean
}

export interface DetectorOptions {
  self: NodeId
  selfInc: number
  roster: readonly NodeId[]
  pingIntervalMs: number
  suspicionTimeoutMs: number
  stableMs: number
  sentLogMax: number
  /** Cap on the local health multiplier (1 = off). */
  localHealthMax: number
  /** A wake-up or a queued frame later than this is evidence that this node is slow (ms). */
  lateMs: number
}

export type FrameVerdict = 'ok' | 'new-incarnation' | 'stale-incarnation'

const NEVER = -Infinity
/** See FailureDetector.lapseAt: far above float rounding, far below any timing. */
const LAPSE_SLACK_MS = 1e-3
const NONE: readonly NodeId[] = Object.freeze([])
const NO_CHANGE = Object.freeze({ suspected: NONE, trusted: NONE })

export class FailureDetector {
  private readonly links = new Map<NodeId, PeerLink>()
  private modeState: ModeState = { mode: 'starting', sharedLocks: false }
  private candidate: { state: ModeState, since: number } | null = null
  private firstModeAt = Infinity
  /**
   * This process was never read-write yet: its first upgrade to read-write
   * applies at once (a node that came up before its peers were started need
   * not wait the stable period once they are — docs/design.md, §3). Once per
   * process: every later upgrade waits `stableMs`.
   */
  private neverReadWrite = true
  /** Set by evaluate() when some peer's trust flipped: the mode must be recomputed. */
  private trustChanged = false
  /**
   * evaluate() runs twice per step; it may skip its loop while no trust can
   * flip: no untrusted peer became reachable (`trustDirty`) and no trusted
   * peer's reachability can have lapsed (`now` before `lapseAt`, the earliest
   * lapse over trusted peers, minus LAPSE_SLACK_MS so float rounding of
   * `now - t0 < timeout` versus `now < t0 + timeout` never matters).
   */
  private trustDirty = true
  private lapseAt = -Infinity
  /** Lifeguard's local health: scales every timeout below. */
  readonly health: LocalHealth
  /** An acknowledgement slower than this counts toward "most peers answer slowly" (ms). */
  private readonly slowAckMs: number

  constructor (private readonly opts: DetectorOptions, private readonly quorum: QuorumSystem) {
    for (const peer of opts.roster) {
      if (peer === opts.self) continue
      this.links.set(peer, {
        inc: 0, recvFn: 0, lastHeard: NEVER, sentFn: 0, sentLog: new SentLog(opts.sentLogMax), ackedSentAt: NEVER,
        lastSentAt: NEVER, reprobeUntil: null, trusted: false, quietUntil: NEVER, slowAckAt: NEVER
      })
    }
    this.health = new LocalHealth({ multiplierMax: opts.localHealthMax, raiseEveryMs: opts.pingIntervalMs, decayMs: opts.suspicionTimeoutMs })
    // Halfway to a suspicion, plus the ping interval an unprompted ack may wait for.
    this.slowAckMs = (opts.suspicionTimeoutMs + opts.pingIntervalMs) / 2
  }

  /** The suspicion timeout in force: the configured one × the local health multiplier. */
  get timeoutMs (): number { return this.opts.suspicionTimeoutMs * this.health.multiplier }

  /**
   * The ping interval in force, scaled like the timeout (memberlist scales its
   * probe interval too): a node too slow to keep up with its own PING/PONG
   * traffic sends less of it, instead of feeding the backlog that makes it
   * slow. At most half the configured timeout: a healthy peer (multiplier 1)
   * still hears from it twice per suspicion timeout when nothing else flows.
   */
  get pingEveryMs (): number {
    const p = this.opts.pingIntervalMs
    return Math.min(p * this.health.multiplier, Math.max(p, this.opts.suspicionTimeoutMs / 2))
  }

  /**
   * Every step, before anything else: `lateByMs` = how far `now` is past the
   * wake-up the last step asked for (negative when early). Late = evidence.
   */
  noteStep (now: number, lateByMs: number): void {
    if (lateByMs > this.opts.lateMs) this.raise(now, 'late-wake')
  }

  /** A frame waited `ageMs` in our own inbound queue before its turn. */
  noteFrameAge (now: number, ageMs: number): void {
    if (ageMs > this.opts.lateMs) this.raise(now, 'late-frames')
  }

  private raise (now: number, kind: HealthEvidence): void {
    // A longer timeout can only move lapses later, but evaluate() must recompute them.
    if (this.health.raise(now, kind)) this.trustDirty = true
  }

  /**
   * An acknowledgement from `link` took `rttMs`. Slow answers from most of the
   * peers we trust at once point at us (a slow peer or link slows only its
   * own); no answer at all (a partition) is not evidence.
   */
  private noteAck (link: PeerLink, rttMs: number, now: number): void {
    if (rttMs <= this.slowAckMs) {
      // A timely answer: the one evidence that forgives (shorter timeouts: lapses move earlier).
      if (this.health.healthy(now)) this.trustDirty = true
      return
    }
    link.slowAckAt = now
    let trusted = 0
    let slow = 0
    const since = now - this.opts.suspicionTimeoutMs
    for (const l of this.links.values()) {
      if (!l.trusted) continue
      trusted++
      if (l.slowAckAt >= since) slow++
    }
    if (slow >= 2 && slow * 2 > trusted) this.raise(now, 'slow-acks')
  }

  start (now: number): void {
    this.firstModeAt = now + this.opts.suspicionTimeoutMs
  }

  get mode (): ModeState { return this.modeState }
  get peers (): NodeId[] { return [...this.links.keys()] }

  isPeer (peer: NodeId): boolean { return this.links.has(peer) }
  incarnationOf (peer: NodeId): number { return this.links.get(peer)?.inc ?? 0 }

  /** Header for a frame released to `peer` now. */
  stamp (peer: NodeId, clock: bigint, now: number): FrameHeader {
    const link = this.links.get(peer)
    if (link === undefined) return { clock, inc: this.opts.selfInc, fn: 0, ack: 0, ackInc: 0 }
    link.sentFn++
    link.sentLog.push(link.sentFn, now)
    link.lastSentAt = now
    return { clock, inc: this.opts.selfInc, fn: link.sentFn, ack: link.recvFn, ackInc: link.inc }
  }

  /** Record a frame's header (`heardAt`: when its bytes were read). Frames of an older incarnation are to be dropped. */
  received (peer: NodeId, h: FrameHeader, now: number, heardAt = now): FrameVerdict {
    const link = this.links.get(peer)
    if (link === undefined) return 'ok'
    let verdict: FrameVerdict = 'ok'
    if (h.inc < link.inc) return 'stale-incarnation'
    if (h.inc > link.inc) {
      verdict = link.inc === 0 ? 'ok' : 'new-incarnation'
      link.inc = h.inc
      link.recvFn = 0
    }
    if (h.fn > link.recvFn) link.recvFn = h.fn
    // Only an untrusted peer can become trusted here, and clearing a re-probe
    // can bring a lapse forward; anything else only moves lapses later.
    if (!link.trusted || link.reprobeUntil !== null) this.trustDirty = true
    if (heardAt > link.lastHeard) link.lastHeard = heardAt
    if (h.ackInc === this.opts.selfInc && h.ack > 0) {
      const ackedAt = link.sentLog.ackUpTo(h.ack)
      if (ackedAt !== undefined && ackedAt > link.ackedSentAt) link.ackedSentAt = ackedAt
      if (ackedAt !== undefined) this.noteAck(link, now - ackedAt, now)
    }
    if (this.reachableByFrames(link, now)) link.reprobeUntil = null
    return verdict
  }

  /** A handshake names the peer's incarnation directly. */
  handshake (peer: NodeId, incarnation: number, quietRemainingMs: number, now: number): FrameVerdict {
    const link = this.links.get(peer)
    if (link === undefined) return 'ok'
    if (incarnation < link.inc) return 'stale-incarnation'
    let verdict: FrameVerdict = 'ok'
    this.trustDirty = true
    if (incarnation > link.inc) {
      verdict = link.inc === 0 ? 'ok' : 'new-incarnation'
      link.inc = incarnation
      link.recvFn = 0
    }
    this.setQuiet(peer, now + Math.max(0, quietRemainingMs))
    return verdict
  }

  setQuiet (peer: NodeId, until: number): void {
    const link = this.links.get(peer)
    if (link !== undefined) link.quietUntil = until
  }

  isQuiet (peer: NodeId, now: number): boolean {
    const link = this.links.get(peer)
    return link !== undefined && now < link.quietUntil
  }

  private reachableByFrames (link: PeerLink, now: number): boolean {
    const t = this.timeoutMs
    return now - link.lastHeard < t && now - link.ackedSentAt < t
  }

  private reachable (link: PeerLink, now: number): boolean {
    if (this.reachableByFrames(link, now)) return true
    return link.trusted && link.reprobeUntil !== null && now < link.reprobeUntil
  }

  isReachable (peer: NodeId, now: number): boolean {
    if (peer === this.opts.self) return true
    const link = this.links.get(peer)
    return link !== undefined && this.reachable(link, now)
  }

  reachableSet (now: number): Set<NodeId> {
    const set = new Set<NodeId>([this.opts.self])
    for (const [peer, link] of this.links) if (this.reachable(link, now)) set.add(peer)
    return set
  }

  /** We were stalled: give every trusted peer one re-probe before accusing it. */
  stalled (now: number): NodeId[] {
    this.trustDirty = true
    const probe: NodeId[] = []
    for (const [peer, link] of this.links) {
      if (!link.trusted || this.reachableByFrames(link, now)) continue
      if (link.reprobeUntil === null) link.reprobeUntil = now + this.timeoutMs
      probe.push(peer)
    }
    return probe
  }

  /**
   * Update trust; returns the peers newly suspected and newly trusted (run
   * twice per step: nothing is allocated when no trust flips, the usual case).
   */
  evaluate (now: number): { suspected: readonly NodeId[], trusted: readonly NodeId[] } {
    if (!this.trustDirty && now < this.lapseAt - LAPSE_SLACK_MS) return NO_CHANGE
    let suspected: NodeId[] | null = null
    let trusted: NodeId[] | null = null
    let lapseAt = Infinity
    const t = this.timeoutMs
    for (const [peer, link] of this.links) {
      const ok = this.reachable(link, now)
      if (ok && !link.trusted) { link.trusted = true; (trusted ??= []).push(peer); this.trustChanged = true }
      if (!ok && link.trusted) { link.trusted = false; link.reprobeUntil = null; (suspected ??= []).push(peer); this.trustChanged = true }
      if (link.trusted) {
        const lapse = Math.min(link.lastHeard, link.ackedSentAt) + t
        const until = link.reprobeUntil !== null && link.reprobeUntil > lapse ? link.reprobeUntil : lapse
        if (until < lapseAt) lapseAt = until
      }
    }
    this.trustDirty = false
    this.lapseAt = lapseAt
    return suspected === null && trusted === null ? NO_CHANGE : { suspected: suspected ?? NONE, trusted: trusted ?? NONE }
  }

  /** Peers that need a PING now (nothing sent to them for a ping interval); runs every step. */
  pingsDue (now: number): readonly NodeId[] {
    let due: NodeId[] | null = null
    const every = this.pingEveryMs
    for (const [peer, link] of this.links) if (now - link.lastSentAt >= every) (due ??= []).push(peer)
    return due ?? NONE
  }

  /**
   * Recompute the mode from the reachable set. Downgrades apply at once,
   * upgrades after `stableMs`. Returns the new mode when it changed.
   */
  updateMode (now: number): (ModeState & { reachable: NodeId[] }) | null {
    if (now < this.firstModeAt) return null
    const current = this.modeState
    // Nothing can change unless trust changed, an upgrade is pending, or this is the first mode.
    if (!this.trustChanged && this.candidate === null && current.mode !== 'starting') return null
    this.trustChanged = false
    const reachable = this.reachableSet(now)
    const target = classify(this.quorum, reachable)
    const diff = rank(target) - rank(current)
    if (diff === 0) { this.candidate = null; return null }
    const firstReadWrite = this.neverReadWrite && target.mode === 'read-write'
    if (diff > 0 && current.mode !== 'starting' && !firstReadWrite) {
      if (this.candidate === null || rank(this.candidate.state) !== rank(target)) this.candidate = { state: target, since: now }
      if (now - this.candidate.since < this.opts.stableMs) return null
    }
    this.modeState = target
    if (target.mode === 'read-write') this.neverReadWrite = false
    this.candidate = null
    return { ...target, reachable: [...reachable].sort() }
  }

  /** The next instant something here may change. */
  nextDeadline (now: number): number {
    let next = Infinity
    if (this.modeState.mode === 'starting') next = Math.min(next, this.firstModeAt)
    if (this.candidate !== null) next = Math.min(next, this.candidate.since + this.opts.stableMs)
    const t = this.timeoutMs
    for (const link of this.links.values()) {
      next = Math.min(next, link.lastSentAt + this.pingEveryMs)
      if (link.trusted) {
        const lapse = Math.min(link.lastHeard, link.ackedSentAt) + t
        next = Math.min(next, link.reprobeUntil !== null && link.reprobeUntil > lapse ? link.reprobeUntil : lapse)
      } else if (this.reachable(link, now)) {
        next = Math.min(next, now)
      }
      if (link.quietUntil > now) next = Math.min(next, link.quietUntil)
    }
    return next
  }

  /** The local health multiplier and the evidence behind it (status pages, metrics). */
  healthStatus (): { score: number, multiplier: number, multiplierMax: number, suspicionTimeoutMs: number, pingIntervalMs: number, evidence: Record<HealthEvidence, number> } {
    const h = this.health
    return { score: h.score, multiplier: h.multiplier, multiplierMax: h.multiplierMax, suspicionTimeoutMs: this.timeoutMs, pingIntervalMs: this.pingEveryMs, evidence: { ...h.evidence } }
  }

  status (now: number): Array<{ peer: NodeId, incarnation: number, reachable: boolean, trusted: boolean, quiet: boolean, lastHeardMsAgo: number | null }> {
    return [...this.links].map(([peer, link]) => ({
      peer,
      incarnation: link.inc,
      reachable: this.reachable(link, now),
      trusted: link.trusted,
      quiet: now < link.quietUntil,
      lastHeardMsAgo: Number.isFinite(link.lastHeard) ? now - link.lastHeard : null
    }))
  }
}

/** The mode a reachable set allows: the quorum predicates decide. */
export function classify (quorum: QuorumSystem, reachable: ReadonlySet<NodeId>): ModeState {
  if (quorum.isWriteQuorum(reachable)) return { mode: 'read-write', sharedLocks: true }
  return { mode: 'read-only', sharedLocks: quorum.isReadQuorum(reachable) }
}

function rank (m: ModeState): number {
  if (m.mode === 'read-write') return 2
  if (m.mode === 'starting') return -1
  return m.sharedLocks ? 1 : 0
}
