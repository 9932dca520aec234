/**
 * The voter half of a node: per key, the granted votes (one exclusive or many
 * shared), a priority queue, the key's fence and tombstones of finished ids.
 *
 * Safety rules enforced here (DESIGN.md §4):
 * - COMMIT only for the live grant number, and for exclusive locks only with
 *   token > fence(k); fence(k) := max(fence(k), token) is durable before
 *   COMMITTED leaves (the core holds the frame until the persist completes).
 * - A repeated COMMIT / an EXTEND sets lease end := max(end, receipt + ttl).
 * - Suspicion frees uncommitted grants and queued requests only.
 * - Nothing is granted during the quiet period after a restart, nor while
 *   draining (a stopping node): then EXTENDs and repeated COMMITs are refused,
 *   so no lease it holds grows, and its votes run out by their lease ends.
 * - The persisted ceiling C is raised before any fence passes it.
 */
import { DeadlineHeap } from './deadline-heap.js'
import { comparePriority, idKey, sameId, TOKEN_LIMIT } from './ids.js'
import type { StepContext } from './context.js'
import type { AttemptId, FrameBody, GrantNo, LockMode, NodeId } from './types.js'

/** How far the ceiling is reserved ahead of the highest fence, unless `CoreConfig.ceilingStep` says otherwise. */
export const CEILING_STEP = 1024n

/*
 * Memory layout (issue 10: at most 1 KiB per held lock per voter). A held
 * lock costs this voter one KeyState, its one-element `votes` array and one
 * Vote, plus the key string and the attempt id. So: no hash table per key
 * (votes are a small array searched by id: a key has one exclusive vote or a
 * few shared ones, and every grant decision already scans them); tombstones
 * get their map only once a key has one; no id strings are kept (ids are
 * compared field by field, `idKey` is built only to look up a tombstone);
 * the grant number is two small integers, not an object; and an id whose
 * peer is the sender shares the sender's string instead of keeping the copy
 * each decoded frame carries.
 */

interface Request {
  id: AttemptId
  ts: bigint
  mode: LockMode
  ttlMs: number
  requester: NodeId
}

interface Vote extends Request {
  /** The grant number {inc, n}, kept as two small integers (see {@link grantNoOf}). */
  grantInc: number
  grantN: number
  fence: bigint
  committed: boolean
  token: bigint
  leaseEnd: number
  inquired: boolean
  contended: boolean
}

interface Waiting extends Request {
  failedSent: boolean
}

interface KeyState {
  /** The key itself (the map's own string), so a lease-end entry leads back to it. */
  key: string
  fence: bigint
  /** Granted votes, oldest grant first (one exclusive or several shared). */
  votes: Vote[]
  queue: Waiting[]
  /** Tombstones (id key → expiry), null while the key has none. */
  tombstones: Map<string, number> | null
}

/**
 * The queue of every key that has none: most keys (a held lock's) have no
 * waiter, and an array of their own would cost each ~60 bytes. Frozen, so a
 * write to it throws instead of reaching other keys; a key gets an array of
 * its own at its first waiter (see {@link Voter.enqueue}) and shares this one
 * again once its queue is empty.
 */
const NO_QUEUE: Waiting[] = Object.freeze([]) as unknown as Waiting[]

function grantNoOf (v: Vote): GrantNo { return { inc: v.grantInc, n: v.grantN } }

function isGrant (v: Vote, g: GrantNo): boolean { return v.grantInc === g.inc && v.grantN === g.n }

function findVote (k: KeyState | undefined, id: AttemptId): Vote | undefined {
  if (k === undefined) return undefined
  for (const v of k.votes) if (sameId(v.id, id)) return v
  return undefined
}

/** Removes `id`'s vote from `k`; whether there was one. */
function removeVote (k: KeyState, id: AttemptId): boolean {
  const i = k.votes.findIndex(v => sameId(v.id, id))
  if (i < 0) return false
  k.votes.splice(i, 1)
  return true
}

function hasTombstone (k: KeyState | undefined, idk: () => string): boolean {
  return k?.tombstones != null && k.tombstones.has(idk())
}

/** `id` with the sender's own peer string when it names the sender (a decoded frame carries a fresh copy). */
function sharedId (id: AttemptId, from: NodeId): AttemptId {
  return id.peer === from ? { peer: from, inc: id.inc, seq: id.seq } : id
}

type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>

interface Tomb {
  key: string
  idk: string
  /** Monotonic ms it expires at. */
  expiry: number
  /** Forgotten (expired, evicted or refreshed): {@link Voter.tombQueue} skips it. */
  gone: boolean
  /** The requester it counts against. */
  peer: NodeId
  bytes: number
}

/** Bookkeeping per tombstone beyond its strings (map entries, the record): an estimate, not a measurement. */
const TOMBSTONE_OVERHEAD_BYTES = 200
/** The lease heap is never compacted below this many entries (a rebuild costs O(entries)). */
const LEASES_COMPACT_MIN = 1024
/** status() lists at most this many keys in `perKey` (the counts cover every key). */
const STATUS_KEYS_MAX = 100

/** Estimated heap bytes of one tombstone: its key and id twice (key map + order), UTF-16, plus overhead. */
function tombstoneBytes (key: string, idk: string): number {
  return 2 * 2 * (key.length + idk.length) + TOMBSTONE_OVERHEAD_BYTES
}

function conflicts (a: LockMode, b: LockMode): boolean {
  return a === 'exclusive' || b === 'exclusive'
}

/** A vote of `k` conflicts with `mode` (a plain loop: this runs on every grant attempt). */
function anyConflict (k: KeyState, mode: LockMode): boolean {
  for (const v of k.votes) if (conflicts(v.mode, mode)) return true
  return false
}

export interface VoterDeps {
  isSuspected: (peer: NodeId) => boolean
}

export class Voter {
  private readonly keys = new Map<string, KeyState>()
  private grantCounter = 0
  private tombstoneCount = 0
  /** Every tombstone as `key\0idk`, oldest first (bounded eviction in O(1)). */
  private readonly tombOrder = new Map<string, Tomb>()
  /**
   * Each requester's tombstones, oldest first, and their estimated bytes:
   * RELEASEs for ids never seen must stay allowed (a REQUEST may arrive after
   * its RELEASE), so one peer's flood of them evicts that peer's own oldest
   * tombstones instead of growing the heap (issue 11: +130–200 MiB).
   */
  private readonly peerTombs = new Map<NodeId, { refs: Set<string>, bytes: number }>()
  /** Persisted ceiling C and the highest fence set in this run. */
  ceiling: bigint
  highWater: bigint
  /** Set when the ceiling moved and must be persisted in this step's batch. */
  ceilingDirty = false
  quietUntil: number
  stopped = false
  /** A draining stop runs (see startDrain): nothing is granted or extended any more. */
  draining = false
  /** Monotonic ms the drain ends at the latest (announced to peers as quiet time). */
  private drainUntil = -Infinity
  /**
   * Lease ends of committed votes, earliest first, so tick() visits only the
   * keys that are due (issue 11: a walk over every key per deadline was 40% of
   * a flooded voter's CPU). Lazy: a released or extended vote's entry stays
   * until it reaches the top (see {@link settleLeases}). Invariant: every
   * committed vote still held has an entry at or before its lease end.
   * Tombstones need no heap: {@link tombOrder} is already expiry order.
   */
  private readonly leases = new DeadlineHeap<KeyState, Vote>()
  /** Rebuild {@link leases} without its stale entries once it grows past this. */
  private leasesCompactAt = LEASES_COMPACT_MIN
  /**
   * Every tombstone in creation (= expiry) order, forgotten ones skipped from
   * {@link tombHead} on. Not tombOrder's first entry: a Map deleted at its
   * front keeps holes that each peek walks over (~9 µs with 8,000 of them, and
   * nextDeadline() runs every step).
   */
  private tombQueue: Tomb[] = []
  private tombHead = 0
  private quietHandled = false
  /** Test hook: keys tick() has reconsidered so far (its work is proportional to it, not to the key count). */
  tickVisits = 0

  constructor (private readonly ctx: () => StepContext, private readonly deps: VoterDeps, persistedCeiling: bigint, quietUntil: number) {
    this.ceiling = persistedCeiling
    this.highWater = persistedCeiling
    this.quietUntil = quietUntil
  }

  private get c (): StepContext { return this.ctx() }

  /** In the quiet period after a restart (not draining: that is {@link draining}). */
  isQuiet (now: number): boolean { return now < this.quietUntil }

  /** How long peers should leave this voter out of their quorums: the restart quiet period or the drain, whichever ends later. */
  quietRemainingMs (now: number): number {
    // Draining, never less than a suspicion timeout: a drain that ends at once
    // still stops the node, and peers must not pick it again until they suspect it
    // (a FAILED(quiet) saying 0 would be re-picked: a livelock).
    const drain = this.draining ? Math.max(this.drainUntil - now, this.c.config.suspicionTimeoutMs) : 0
    return Math.max(0, this.quietUntil - now, drain)
  }

  /** Grants nothing now: quiet after a restart, draining or stopped. */
  private refusing (now: number): boolean { return this.stopped || this.draining || this.isQuiet(now) }

  /** The latest lease end among committed votes (-Infinity when none). */
  longestLeaseEnd (): number {
    let end = -Infinity
    for (const k of this.keys.values()) for (const v of k.votes) if (v.committed && v.leaseEnd > end) end = v.leaseEnd
    return end
  }

  /**
   * A draining stop: grant nothing more; drop every uncommitted grant and
   * queued request (as suspicion would: nobody holds a lock through them)
   * and tell each requester FAILED(quiet), so it re-picks around us at once.
   * Committed votes stay until released or expired; EXTEND and repeated COMMIT
   * are refused from now on, so their lease ends no longer move.
   */
  startDrain (untilMono: number): void {
    if (this.draining) return
    this.draining = true
    this.drainUntil = untilMono
    for (const [key, k] of [...this.keys]) {
      for (const v of [...k.votes]) {
        if (v.committed) continue
        removeVote(k, v.id)
        this.bump(v.requester, -1)
        this.failed(v.requester, key, v.id, 'quiet')
      }
      for (const w of k.queue) {
        this.bump(w.requester, -1)
        this.failed(w.requester, key, w.id, 'quiet')
      }
      k.queue = NO_QUEUE
      this.maybeEvict(key, k)
    }
  }

  /** Any vote (granted or committed) held for anyone: blocks the clean-exit marker. */
  holdsVotes (): boolean {
    for (const k of this.keys.values()) if (k.votes.length > 0) return true
    return false
  }

  private latestGrantNo (): GrantNo { return { inc: this.c.incarnation, n: this.grantCounter } }

  private key (key: string, create: boolean): KeyState | undefined {
    let k = this.keys.get(key)
    if (k === undefined && create) {
      // Unknown key: its fence starts at the high-water mark (>= every token
      // this voter ever accepted, across restarts thanks to the ceiling).
      k = { key, fence: this.highWater, votes: [], queue: NO_QUEUE, tombstones: null }
      this.keys.set(key, k)
    }
    return k
  }

  private maybeEvict (key: string, k: KeyState): void {
    if (k.votes.length === 0 && k.queue.length === 0 && (k.tombstones === null || k.tombstones.size === 0)) this.keys.delete(key)
  }

  private raiseFence (k: KeyState, token: bigint): void {
    if (token > k.fence) k.fence = token
    if (token > this.highWater) this.highWater = token
    if (token >= this.ceiling && !this.c.off('fencePersistence')) {
      this.ceiling = (token > this.ceiling ? token : this.ceiling) + (this.c.config.ceilingStep !== undefined ? BigInt(this.c.config.ceilingStep) : CEILING_STEP)
      this.ceilingDirty = true
    }
  }

  private tombstone (k: KeyState, idk: string, key: string, peer: NodeId): void {
    const ref = `${key}\u0000${idk}`
    // A refresh moves the tombstone to the young end of both orders.
    if (k.tombstones === null) k.tombstones = new Map()
    else if (k.tombstones.has(idk)) this.forgetTomb(ref, false)
    const expiry = this.c.now.mono + this.c.config.tombstoneMs
    k.tombstones.set(idk, expiry)
    this.tombstoneCount++
    // Expiries only grow, so insertion order is expiry order: the first entry is the oldest.
    const bytes = tombstoneBytes(key, idk)
    const tomb: Tomb = { key, idk, expiry, peer, bytes, gone: false }
    this.tombOrder.set(ref, tomb)
    this.tombQueue.push(tomb)
    // Forgotten tombstones behind a live front one would pile up (a flood's evictions): drop them when they are most of the queue.
    if (this.tombQueue.length - this.tombHead > 2 * this.tombstoneCount + LEASES_COMPACT_MIN) {
      this.tombQueue = this.tombQueue.slice(this.tombHead).filter(t => !t.gone)
      this.tombHead = 0
    }
    let mine = this.peerTombs.get(peer)
    if (mine === undefined) { mine = { refs: new Set(), bytes: 0 }; this.peerTombs.set(peer, mine) }
    mine.refs.add(ref)
    mine.bytes += bytes
    const limits = this.c.config.limits
    while (mine.refs.size > 1 && (mine.refs.size > limits.tombstonesPerPeerMax || mine.bytes > limits.tombstoneBytesPerPeerMax)) {
      this.evictTomb(mine.refs.values().next().value as string)
      this.c.count('tombstonesEvictedPerPeer')
    }
    if (this.tombstoneCount > limits.tombstonesMax) this.evictTomb(this.tombOrder.keys().next().value as string)
  }

  /** Drops tombstone `ref` from the bookkeeping (not from its key) and returns it. */
  private forgetTomb (ref: string, dropKeyEntry: boolean): Tomb | undefined {
    const t = this.tombOrder.get(ref)
    if (t === undefined) return undefined
    this.tombOrder.delete(ref)
    t.gone = true
    this.tombstoneCount--
    const mine = this.peerTombs.get(t.peer)
    if (mine !== undefined) {
      mine.refs.delete(ref)
      mine.bytes -= t.bytes
      if (mine.refs.size === 0) this.peerTombs.delete(t.peer)
    }
    if (dropKeyEntry) {
      const k = this.keys.get(t.key)
      if (k !== undefined) { k.tombstones?.delete(t.idk); this.maybeEvict(t.key, k) }
    }
    return t
  }

  private evictTomb (ref: string): void {
    this.forgetTomb(ref, true)
  }

  /** Queued + granted requests per peer (bounded by requestsPerPeerMax). */
  private readonly entries = new Map<NodeId, number>()

  private requestsOf (peer: NodeId): number { return this.entries.get(peer) ?? 0 }

  private bump (peer: NodeId, delta: number): void {
    const n = (this.entries.get(peer) ?? 0) + delta
    if (n <= 0) this.entries.delete(peer)
    else this.entries.set(peer, n)
  }

  private failed (to: NodeId, key: string, id: AttemptId, reason: Body<'FAILED'>['reason']): void {
    const body: Body<'FAILED'> = { t: 'FAILED', key, id, reason, supersedes: this.latestGrantNo() }
    // Whole ms, rounded up (conservative): the wire carries a uint32, and a
    // fractional figure (real monotonic clocks) failed the codec's check, so
    // every FAILED(quiet) was dropped before it left and requesters never
    // re-picked around a quiet voter.
    if (reason === 'quiet') body.quietRemainingMs = Math.ceil(this.quietRemainingMs(this.c.now.mono))
    this.c.send(to, body)
  }

  /** A higher-priority conflicting vote or queued request stands before `w`. */
  private behindHigher (k: KeyState, w: Request): boolean {
    for (const v of k.votes) if (conflicts(v.mode, w.mode) && comparePriority(v, w) < 0) return true
    for (const q of k.queue) {
      if (q === w || sameId(q.id, w.id)) continue
      if (conflicts(q.mode, w.mode) && comparePriority(q, w) < 0) return true
    }
    return false
  }

  onRequest (from: NodeId, b: Body<'REQUEST'>): void {
    const c = this.c
    if (b.ttlMs <= 0 || b.ttlMs > c.config.ttlMsMax || !Number.isFinite(b.ttlMs)) {
      this.failed(from, b.key, b.id, 'invalid')
      return
    }
    if (this.stopped || this.deps.isSuspected(from)) return
    const existing = this.keys.get(b.key)
    if (hasTombstone(existing, () => idKey(b.id))) return
    const vote = findVote(existing, b.id)
    if (vote !== undefined) {
      // A retransmission: the current answer is the grant.
      c.send(from, { t: 'GRANT', key: b.key, id: b.id, grantNo: grantNoOf(vote), fence: vote.fence })
      return
    }
    if (this.draining) {
      // Never queued: this node stops when its votes run out; the requester re-picks around it.
      this.failed(from, b.key, b.id, 'quiet')
      return
    }
    const queued = existing?.queue.find(w => sameId(w.id, b.id))
    if (queued !== undefined && existing !== undefined) {
      if (this.isQuiet(c.now.mono)) this.failed(from, b.key, b.id, 'quiet')
      else if (this.behindHigher(existing, queued)) this.failed(from, b.key, b.id, 'priority')
      else c.send(from, { t: 'QUEUED', key: b.key, id: b.id })
      // The head's retransmission also recovers a lost INQUIRE.
      this.inquireForHead(b.key, existing, true)
      return
    }
    if (existing === undefined && this.keys.size >= c.config.limits.keysMax) { this.failed(from, b.key, b.id, 'queue-full'); return }
    const k = this.key(b.key, true)!
    if (k.queue.length >= c.config.limits.queuePerKeyMax || this.requestsOf(from) >= c.config.limits.requestsPerPeerMax) {
      this.failed(from, b.key, b.id, 'queue-full')
      this.maybeEvict(b.key, k)
      return
    }
    const w: Waiting = { id: sharedId(b.id, from), ts: b.ts, mode: b.mode, ttlMs: b.ttlMs, requester: from, failedSent: false }
    if (b.noWait) {
      // Quiet says so (the requester re-picks around us, or fails saying why).
      const reason = this.isQuiet(c.now.mono) ? 'quiet' : this.behindHigher(k, w) || anyConflict(k, w.mode) ? 'busy' : null
      if (reason !== null) {
        this.failed(from, b.key, b.id, reason)
        this.maybeEvict(b.key, k)
        return
      }
      this.bump(from, 1)
      this.grant(b.key, k, w)
      return
    }
    this.bump(from, 1)
    this.enqueue(k, w)
    if (this.isQuiet(c.now.mono)) {
      // One FAILED each, so the requester may yield elsewhere (the yield rule).
      this.failed(from, b.key, b.id, 'quiet')
      w.failedSent = true
      return
    }
    if (this.behindHigher(k, w)) {
      this.failed(from, b.key, b.id, 'priority')
      w.failedSent = true
    } else {
      this.tryGrant(b.key, k)
      if (findVote(k, w.id) === undefined) c.send(from, { t: 'QUEUED', key: b.key, id: b.id })
    }
    if (findVote(k, w.id) === undefined && !c.off('failedOnOvertake')) {
      // FAILED once to every queued request this one overtook.
      for (const q of k.queue) {
        if (q === w || q.failedSent || !conflicts(q.mode, w.mode) || comparePriority(w, q) > 0) continue
        this.failed(q.requester, b.key, q.id, 'priority')
        q.failedSent = true
      }
    }
    this.inquireForHead(b.key, k, false)
  }

  private enqueue (k: KeyState, w: Waiting): void {
    if (k.queue.length === 0) { k.queue = [w]; return }
    let i = k.queue.length
    while (i > 0 && comparePriority(k.queue[i - 1]!, w) > 0) i--
    k.queue.splice(i, 0, w)
  }

  private grant (key: string, k: KeyState, w: Request): void {
    this.grantCounter++
    const vote: Vote = {
      id: w.id, ts: w.ts, mode: w.mode, ttlMs: w.ttlMs, requester: w.requester,
      grantInc: this.c.incarnation, grantN: this.grantCounter, fence: k.fence, committed: false, token: 0n, leaseEnd: 0, inquired: false, contended: false
    }
    // A literal when it is the first: an array grown by push reserves room for 17.
    if (k.votes.length === 0) k.votes = [vote]
    else k.votes.push(vote)
    this.c.send(w.requester, { t: 'GRANT', key, id: w.id, grantNo: grantNoOf(vote), fence: vote.fence })
  }

  /** Grant queued requests in priority order while they fit; stop at the first that conflicts. */
  private tryGrant (key: string, k: KeyState): void {
    if (this.refusing(this.c.now.mono)) return
    while (k.queue.length > 0) {
      const head = k.queue[0]!
      if (this.deps.isSuspected(head.requester)) {
        // Normally dropPeer got it first; this catches a peer never trusted.
        this.dropHead(k)
        this.bump(head.requester, -1)
        this.c.count('suspicionDrops')
        this.c.event({ type: 'suspicion-drop', peer: head.requester, key, grants: 0, queued: 1 })
        continue
      }
      if (anyConflict(k, head.mode)) break
      this.dropHead(k)
      this.grant(key, k, head)
    }
  }

  private dropHead (k: KeyState): void {
    if (k.queue.length === 1) k.queue = NO_QUEUE
    else k.queue.shift()
  }

  /** Ask lower-priority uncommitted holders to yield to the queue's head; tell committed ones they are contended. */
  private inquireForHead (key: string, k: KeyState, resend: boolean): void {
    const head = k.queue[0]
    if (head === undefined) return
    for (const v of k.votes) {
      if (!conflicts(v.mode, head.mode)) continue
      if (comparePriority(head, v) > 0) {
        // A waiter's retransmission: re-send an uncommitted vote's GRANT, so
        // a holder that no longer wants it (its GRANT was lost) answers RELEASE.
        if (resend && !v.committed) this.c.send(v.requester, { t: 'GRANT', key, id: v.id, grantNo: grantNoOf(v), fence: v.fence })
        continue
      }
      if (!v.committed && (!v.inquired || resend)) {
        v.inquired = true
        this.c.send(v.requester, { t: 'INQUIRE', key, id: v.id, grantNo: grantNoOf(v) })
      } else if (v.committed && !v.contended) {
        v.contended = true
        this.c.send(v.requester, { t: 'CONTENDED', key, id: v.id })
      }
    }
  }

  /** After any change to a key: grant what fits, inquire for the head, evict if empty. */
  private reconsider (key: string, k: KeyState): void {
    this.tryGrant(key, k)
    this.inquireForHead(key, k, false)
    this.maybeEvict(key, k)
  }

  onYield (from: NodeId, b: Body<'YIELD'>): void {
    const k = this.keys.get(b.key)
    const vote = findVote(k, b.id)
    // Only the holder, only for that grant number, never for a committed vote.
    if (k === undefined || vote === undefined || vote.requester !== from || !isGrant(vote, b.grantNo) || vote.committed) {
      this.c.count('ignoredYields')
      return
    }
    removeVote(k, vote.id)
    this.enqueue(k, { id: vote.id, ts: vote.ts, mode: vote.mode, ttlMs: vote.ttlMs, requester: vote.requester, failedSent: true })
    this.reconsider(b.key, k)
  }

  onCommit (from: NodeId, b: Body<'COMMIT'>): void {
    const c = this.c
    const k = this.keys.get(b.key)
    const vote = findVote(k, b.id)
    const refuse = (reason: Body<'REFUSED'>['reason']): void => {
      c.send(from, { t: 'REFUSED', key: b.key, id: b.id, phase: 'commit', attempt: b.attempt, reason })
    }
    if (k === undefined || vote === undefined || vote.requester !== from || !isGrant(vote, b.grantNo)) {
      if (c.off('commitNeedsLiveGrant') && k !== undefined && vote === undefined) {
        // Mutation: commit a vote that is no longer (or never was) granted here.
        const ghost: Vote = { id: b.id, ts: 0n, mode: 'exclusive', ttlMs: c.config.ttlMsMax, requester: from, grantInc: b.grantNo.inc, grantN: b.grantNo.n, fence: k.fence, committed: false, token: 0n, leaseEnd: 0, inquired: false, contended: false }
        k.votes.push(ghost)
        this.onCommit(from, b)
        return
      }
      refuse('no-grant')
      return
    }
    if (vote.committed) {
      if (vote.token !== b.token) { refuse('fence'); return }
      // Draining: the max rule below would lengthen the lease; a new round is refused instead.
      if (this.draining) { refuse('stopped'); return }
      // Repeated COMMIT of our own committed vote: no fence check, max rule.
      if (!c.off('repeatedCommitMaxRule')) vote.leaseEnd = Math.max(vote.leaseEnd, c.now.mono + vote.ttlMs)
      c.send(from, { t: 'COMMITTED', key: b.key, id: b.id, attempt: b.attempt })
      return
    }
    if (this.stopped) { refuse('stopped'); return }
    if (b.token <= 0n || b.token > TOKEN_LIMIT) { refuse('invalid'); return }
    if (vote.mode === 'exclusive' && b.token <= k.fence && !c.off('fenceCheck')) { refuse('fence'); return }
    if (vote.mode === 'exclusive' || !c.off('sharedRaisesFence')) this.raiseFence(k, b.token)
    vote.committed = true
    vote.token = b.token
    vote.leaseEnd = c.now.mono + vote.ttlMs
    this.pushLease(k, vote)
    c.send(from, { t: 'COMMITTED', key: b.key, id: b.id, attempt: b.attempt })
    this.inquireForHead(b.key, k, false)
  }

  onExtend (from: NodeId, b: Body<'EXTEND'>): void {
    const c = this.c
    const k = this.keys.get(b.key)
    const vote = findVote(k, b.id)
    const refuse = (reason: Body<'REFUSED'>['reason']): void => {
      c.send(from, { t: 'REFUSED', key: b.key, id: b.id, phase: 'extend', attempt: b.attempt, reason })
    }
    if (vote === undefined || vote.requester !== from || !isGrant(vote, b.grantNo) || !vote.committed) { refuse('no-grant'); return }
    if (b.ttlMs <= 0 || b.ttlMs > c.config.ttlMsMax || !Number.isFinite(b.ttlMs)) { refuse('invalid'); return }
    if (c.now.mono >= vote.leaseEnd) { refuse('expired'); return }
    // Draining: the holder keeps its current validity, no more.
    if (this.draining) { refuse('stopped'); return }
    const before = vote.leaseEnd
    vote.leaseEnd = c.off('extendMaxRule') ? c.now.mono + b.ttlMs : Math.max(vote.leaseEnd, c.now.mono + b.ttlMs)
    // A later end needs no entry (the heap re-files it when the old one comes up); an earlier one (mutation only) does.
    if (vote.leaseEnd < before) this.pushLease(k!, vote)
    c.send(from, { t: 'EXTENDED', key: b.key, id: b.id, attempt: b.attempt })
  }

  onRelease (from: NodeId, b: Body<'RELEASE'>): void {
    if (!this.keys.has(b.key) && this.keys.size >= this.c.config.limits.keysMax) {
      // No room to remember it: acknowledge, so the requester stops retransmitting.
      this.c.send(from, { t: 'RELEASED', key: b.key, id: b.id })
      return
    }
    const k = this.key(b.key, true)!
    const idk = idKey(b.id)
    if (removeVote(k, b.id)) this.bump(from, -1)
    const i = k.queue.findIndex(w => sameId(w.id, b.id))
    if (i >= 0) {
      if (k.queue.length === 1) k.queue = NO_QUEUE
      else k.queue.splice(i, 1)
      this.bump(from, -1)
    }
    // The tombstone outlives retransmissions of this id still in flight.
    this.tombstone(k, idk, b.key, from)
    this.c.send(from, { t: 'RELEASED', key: b.key, id: b.id })
    this.reconsider(b.key, k)
  }

  /**
   * `peer` is suspected (or `belowInc` set: a newer incarnation connected):
   * drop its uncommitted grants and queued requests. Committed votes stay
   * until RELEASE or lease end.
   */
  dropPeer (peer: NodeId, belowInc: number | null): void {
    const c = this.c
    for (const [key, k] of [...this.keys]) {
      let grants = 0
      let queued = 0
      const matches = (r: Request): boolean => r.requester === peer && (belowInc === null || r.id.inc < belowInc)
      for (const v of [...k.votes]) {
        if (!matches(v)) continue
        if (v.committed && !c.off('suspicionKeepsCommitted')) continue
        removeVote(k, v.id)
        grants++
      }
      const before = k.queue.length
      const kept = k.queue.filter(w => !matches(w))
      k.queue = kept.length === 0 ? NO_QUEUE : kept
      queued = before - k.queue.length
      this.bump(peer, -(grants + queued))
      if (grants + queued > 0) {
        c.count('suspicionDrops', grants + queued)
        c.event({ type: 'suspicion-drop', peer, key, grants, queued })
        this.reconsider(key, k)
      }
    }
  }

  /** Files `v`'s lease end; rebuilds the heap without stale entries when it has doubled since the last rebuild. */
  private pushLease (k: KeyState, v: Vote): void {
    this.leases.push(v.leaseEnd, k, v)
    if (this.leases.size <= this.leasesCompactAt) return
    this.leases.rebuild((at, owner, vote) => {
      const end = this.leaseEndOf(owner, vote)
      // An end before `at` has an entry of its own (the invariant): this one is a duplicate.
      return end !== null && end >= at ? end : null
    })
    this.leasesCompactAt = Math.max(LEASES_COMPACT_MIN, 2 * this.leases.size)
  }

  /** `v`'s lease end while it is a committed vote of the live key `k`, else null (its heap entry is stale). */
  private leaseEndOf (k: KeyState, v: Vote): number | null {
    if (!v.committed || this.keys.get(k.key) !== k || !k.votes.includes(v)) return null
    return v.leaseEnd
  }

  /** Drops stale entries off the heap's top (re-filing moved lease ends), so its top is a true lease end. */
  private settleLeases (): void {
    for (;;) {
      const v = this.leases.peekItem()
      if (v === undefined) return
      const at = this.leases.peekAt()
      const k = this.leases.peekOwner()!
      const end = this.leaseEndOf(k, v)
      if (end === at) return
      this.leases.pop()
      if (end !== null && end > at) this.leases.push(end, k, v)
    }
  }

  /** The oldest tombstone still kept (forgotten ones are dropped off the queue's front). */
  private firstTomb (): Tomb | undefined {
    const q = this.tombQueue
    while (this.tombHead < q.length && q[this.tombHead]!.gone) this.tombHead++
    if (this.tombHead > LEASES_COMPACT_MIN && 2 * this.tombHead > q.length) {
      this.tombQueue = q.slice(this.tombHead)
      this.tombHead = 0
    }
    return this.tombQueue[this.tombHead]
  }

  /** The earliest lease end or tombstone expiry (Infinity when none). */
  private earliestDue (): number {
    this.settleLeases()
    return Math.min(this.leases.peekAt(), this.firstTomb()?.expiry ?? Infinity)
  }

  /**
   * Fire lease ends and tombstone expiries; grant when the quiet period ends.
   * Visits only the keys that are due (plus, once, every key with a queue when
   * the quiet period ends). Due keys are handled lease ends first (earliest
   * first), then tombstones (oldest first); a key may be reconsidered twice.
   */
  tick (): void {
    const now = this.c.now.mono
    const quietEnded = !this.quietHandled && now >= this.quietUntil
    if (now < this.earliestDue() && !quietEnded) return
    this.quietHandled = now >= this.quietUntil
    if (quietEnded) {
      for (const [key, k] of [...this.keys]) {
        if (k.queue.length === 0) continue
        this.tickVisits++
        this.reconsider(key, k)
      }
    }
    for (;;) {
      this.settleLeases()
      if (this.leases.peekAt() > now) break
      const k = this.leases.peekOwner()!
      this.leases.pop()
      // Every vote of the key that is due goes now; their other entries turn stale.
      for (let i = 0; i < k.votes.length;) {
        const v = k.votes[i]!
        if (!v.committed || now < v.leaseEnd) { i++; continue }
        k.votes.splice(i, 1)
        this.bump(v.requester, -1)
        this.tombstone(k, idKey(v.id), k.key, v.requester)
      }
      this.tickVisits++
      this.reconsider(k.key, k)
    }
    for (;;) {
      const t = this.firstTomb()
      if (t === undefined || t.expiry > now) break
      this.forgetTomb(`${t.key}\u0000${t.idk}`, false)
      const k = this.keys.get(t.key)
      if (k === undefined) continue
      k.tombstones?.delete(t.idk)
      this.tickVisits++
      this.reconsider(t.key, k)
    }
  }

  /** The next lease end, tombstone expiry or quiet end: exact (the heap's stale top entries are dropped first). */
  nextDeadline (): number {
    const due = this.earliestDue()
    return this.quietHandled ? due : Math.min(due, this.quietUntil)
  }

  status (): { keys: number, votes: number, committed: number, queued: number, tombstones: number, tombstoneBytes: number, tracked: number, perKey: Record<string, { fence: string, votes: number, committed: number, queued: number }> } {
    let votes = 0; let committed = 0; let queued = 0
    const perKey: Record<string, { fence: string, votes: number, committed: number, queued: number }> = {}
    // O(keys) and allocation-free per key: /status is polled, and a flood can leave tens of thousands of keys.
    let listed = 0
    for (const [key, k] of this.keys) {
      let com = 0
      for (const v of k.votes) if (v.committed) com++
      votes += k.votes.length; committed += com; queued += k.queue.length
      if (listed < STATUS_KEYS_MAX) { perKey[key] = { fence: k.fence.toString(), votes: k.votes.length, committed: com, queued: k.queue.length }; listed++ }
    }
    let tracked = 0
    for (const n of this.entries.values()) tracked += n
    let tombstoneBytes = 0
    for (const t of this.peerTombs.values()) tombstoneBytes += t.bytes
    return { keys: this.keys.size, votes, committed, queued, tombstones: this.tombstoneCount, tombstoneBytes, tracked, perKey }
  }

  /** Test hook: the fence a key has here (undefined for unknown keys). */
  fenceOf (key: string): bigint | undefined { return this.keys.get(key)?.fence }}
