/**
 * Failure detector and modes.
 *
 * Reachable(p) = a frame from p arrived on the direct stream within the
 * suspicion timeout AND p acknowledged (piggybacked `ack`) a frame we sent
 * within the suspicion timeout. A one-way link therefore never looks reachable.
 *
 * Local awareness (Lifeguard): when `now` jumped past our own requested
 * wake-up by more than the stall threshold, WE were blocked; peers that would
 * lapse get a re-probe (a PING and one more timeout) before being accused. A
 * re-probe's deadline is never deferred again.
 */
import type { QuorumSystem } from './quorum.js'
import type { FrameHeader, Mode, NodeId } from './types.js'

interface PeerLink {
  /** Newest incarnation seen (0 = none yet). */
  inc: number
  /** Highest frame number received from `inc`. */
  recvFn: number
  lastHeard: number
  /** Our frames to this peer: numbers and send times not yet acknowledged. */
  sentFn: number
  sentLog: Array<[fn: number, at: number]>
  ackedSentAt: number
  lastSentAt: number
  reprobeUntil: number | null
  trusted: boolean
  /** The peer's quiet period ends here (our monotonic ms). */
  quietUntil: number
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
}

export type FrameVerdict = 'ok' | 'new-incarnation' | 'stale-incarnation'

const NEVER = -Infinity

export class FailureDetector {
  private readonly links = new Map<NodeId, PeerLink>()
  private modeState: ModeState = { mode: 'starting', sharedLocks: false }
  private candidate: { state: ModeState, since: number } | null = null
  private firstModeAt = Infinity
  /** Set by evaluate() when some peer's trust flipped: the mode must be recomputed. */
  private trustChanged = false

  constructor (private readonly opts: DetectorOptions, private readonly quorum: QuorumSystem) {
    for (const peer of opts.roster) {
      if (peer === opts.self) continue
      this.links.set(peer, {
        inc: 0, recvFn: 0, lastHeard: NEVER, sentFn: 0, sentLog: [], ackedSentAt: NEVER,
        lastSentAt: NEVER, reprobeUntil: null, trusted: false, quietUntil: NEVER
      })
    }
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
    link.sentLog.push([link.sentFn, now])
    if (link.sentLog.length > this.opts.sentLogMax) link.sentLog.shift()
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
    if (heardAt > link.lastHeard) link.lastHeard = heardAt
    if (h.ackInc === this.opts.selfInc && h.ack > 0) {
      let ackedAt: number | undefined
      while (link.sentLog.length > 0 && link.sentLog[0]![0] <= h.ack) ackedAt = link.sentLog.shift()![1]
      if (ackedAt !== undefined && ackedAt > link.ackedSentAt) link.ackedSentAt = ackedAt
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
    const t = this.opts.suspicionTimeoutMs
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
    const probe: NodeId[] = []
    for (const [peer, link] of this.links) {
      if (!link.trusted || this.reachableByFrames(link, now)) continue
      if (link.reprobeUntil === null) link.reprobeUntil = now + this.opts.suspicionTimeoutMs
      probe.push(peer)
    }
    return probe
  }

  /** Update trust; returns the peers newly suspected and newly trusted. */
  evaluate (now: number): { suspected: NodeId[], trusted: NodeId[] } {
    const suspected: NodeId[] = []
    const trusted: NodeId[] = []
    for (const [peer, link] of this.links) {
      const ok = this.reachable(link, now)
      if (ok && !link.trusted) { link.trusted = true; trusted.push(peer); this.trustChanged = true }
      if (!ok && link.trusted) { link.trusted = false; link.reprobeUntil = null; suspected.push(peer); this.trustChanged = true }
    }
    return { suspected, trusted }
  }

  /** Peers that need a PING now (nothing sent to them for a ping interval). */
  pingsDue (now: number): NodeId[] {
    const due: NodeId[] = []
    for (const [peer, link] of this.links) if (now - link.lastSentAt >= this.opts.pingIntervalMs) due.push(peer)
    return due
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
    if (diff > 0 && current.mode !== 'starting') {
      if (this.candidate === null || rank(this.candidate.state) !== rank(target)) this.candidate = { state: target, since: now }
      if (now - this.candidate.since < this.opts.stableMs) return null
    }
    this.modeState = target
    this.candidate = null
    return { ...target, reachable: [...reachable].sort() }
  }

  /** The next instant something here may change. */
  nextDeadline (now: number): number {
    let next = Infinity
    if (this.modeState.mode === 'starting') next = Math.min(next, this.firstModeAt)
    if (this.candidate !== null) next = Math.min(next, this.candidate.since + this.opts.stableMs)
    const t = this.opts.suspicionTimeoutMs
    for (const link of this.links.values()) {
      next = Math.min(next, link.lastSentAt + this.opts.pingIntervalMs)
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
