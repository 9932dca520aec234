/**
 * The core's contract: every type that crosses the boundary between the pure
 * protocol state machine (`LockCore`) and whatever drives it (the simulator,
 * the libp2p runtime, a hand-stepped test).
 *
 * The core never reads a clock, sets a timer, does I/O or draws a random
 * number. Time enters only as `now` on every input.
 */

/** A node's identity: its libp2p peer ID string (or `n0`, `n1`, … in the simulator). */
export type NodeId = string

/** Time as the driver read it right before the input. Both in milliseconds. */
export interface Now {
  /** Monotonic clock (stops while the host is suspended). */
  mono: number
  /** Wall clock elapsed time (keeps running while the host is suspended). */
  wall: number
}

export type LockMode = 'exclusive' | 'shared'
export type QuorumSystemName = 'grid' | 'majority' | 'all' | 'auto'

/**
 * Attempt identity. A requester starts a fresh `seq` for every attempt; a
 * voter never sees the same id twice for two different attempts.
 */
export interface AttemptId {
  peer: NodeId
  inc: number
  seq: number
}

/** A voter's grant number: (voter incarnation, counter). */
export interface GrantNo {
  inc: number
  n: number
}

/**
 * Safety rules that tests may switch off one at a time (mutation suite).
 * `lostOvertakesGranted` and `downgradeOvertakesUpgrade` name the bug they
 * re-introduce (setting them true breaks the persist-gate ordering rules:
 * a `lost` leaves before its own held `granted`; a mode downgrade leaves
 * before an older held upgrade).
 */
export type SafetyRule =
  | 'quorumIntersection'
  | 'quietPeriod'
  | 'fencePersistence'
  | 'driftFormula'
  | 'validityFromFirstTransmission'
  | 'extendMaxRule'
  | 'repeatedCommitMaxRule'
  | 'suspicionKeepsCommitted'
  | 'sharedRaisesFence'
  | 'failedOnOvertake'
  | 'noPartialRepick'
  | 'freshSeqPerAttempt'
  | 'cleanExitMarker'
  | 'wallClockCheck'
  | 'fenceCheck'
  | 'commitNeedsLiveGrant'
  | 'neverYieldAfterCommit'
  | 'lostOvertakesGranted'
  | 'downgradeOvertakesUpgrade'
  /** Disk-loss recovery asks for ceilings only after its quiet period (off: at once, like sampling them at handshake time). */
  | 'recoveryAfterQuiet'
  /** The reporting set must cover read quorums too (off: write quorums only). */
  | 'recoveryCoversReads'
  /** A recovered node takes an incarnation above every reported one (off: incarnation 1, as a first run). */
  | 'recoveredIncarnation'

export interface CoreConfig {
  /** This node. Must be in `roster`. */
  self: NodeId
  /** Voting members of the mesh (sorted internally). */
  roster: readonly NodeId[]
  /** Quorum system; `auto` = majority below 10 nodes, grid from 10. */
  quorum: QuorumSystemName
  /** Longest lease any node may request; also the quiet period after a restart. */
  ttlMsMax: number
  /** ρ: bound on each clock's rate error (0.01 = 1%). */
  driftRho: number
  /** Subtracted from every validity (ms). */
  marginMs: number
  /** Largest forward jump a frame may push the Lamport clock. */
  maxClockJump: bigint
  /** A PING goes to a peer when nothing was sent to it for this long. */
  pingIntervalMs: number
  /** A peer is suspected when it was not heard from, or did not acknowledge us, for this long. */
  suspicionTimeoutMs: number
  /** `now` beyond the last requested wake-up by more than this = the node itself was stalled. */
  stallThresholdMs: number
  /**
   * Cap on the local health multiplier (Lifeguard): evidence that this node
   * itself is slow multiplies the suspicion timeout by up to this. An integer
   * in 1..8; 1 switches it off. Default 8.
   */
  localHealthMax?: number
  /** An upgrade of the mode waits until the better mode held this long. */
  stableMs: number
  /** Interval for retransmitting REQUEST / COMMIT / EXTEND / RELEASE. */
  retransmitMs: number
  /** How long a finished attempt id is remembered by a voter. */
  tombstoneMs: number
  /**
   * How far the persisted fence ceiling is reserved ahead of the highest
   * fence (default 1024): one fence-store write per this many fences. The
   * simulator draws small steps so the persist gate is crossed often.
   */
  ceilingStep?: number
  /** Bounds (TigerBeetle style: a limit on everything). */
  limits: CoreLimits
  /** Protocol version, part of the config hash. */
  version: number
  /** Test-only: switch off safety rules. Never set in production. */
  unsafe?: Partial<Record<SafetyRule, boolean>>
}

export interface CoreLimits {
  /** Queued requests per key at one voter. */
  queuePerKeyMax: number
  /** Queued + granted requests of one peer at one voter. */
  requestsPerPeerMax: number
  /** Keys a voter tracks at once. */
  keysMax: number
  /** Tombstones one voter keeps. */
  tombstonesMax: number
  /** Acquires (in flight or held) one node runs at once. */
  acquiresMax: number
  /** Pending RELEASE retransmissions. */
  releasesMax: number
  /** Bytes in a key (UTF-16 code units are counted). */
  keyLengthMax: number
  /** RELEASEs answering stray GRANT/INQUIRE/COMMITTED, per voter per second (more are dropped, counted). */
  strayReleasesPerSecMax: number
  /** Tombstones one voter keeps for one requester (its oldest are evicted first). */
  tombstonesPerPeerMax: number
  /** Estimated bytes (keys, ids, bookkeeping) of one requester's tombstones at one voter. */
  tombstoneBytesPerPeerMax: number
}

/** What the driver must keep across restarts (the fence store). */
export interface PersistedState {
  /** Reserved fence ceiling C. */
  ceiling: bigint
  /** Clean-exit marker: previous run stopped cleanly, past its quiet period, holding no vote. */
  cleanExit: boolean
}

export interface Boot {
  /** Persisted counter, strictly increasing at every start. */
  incarnation: number
  persisted: PersistedState
  /**
   * This start follows a disk-loss recovery (src/core/recovery.ts) that
   * already waited out the quiet period: the node grants at once.
   */
  recovered?: boolean
}

// ---------------------------------------------------------------------------
// Frames

export type FailedReason =
  | 'priority'
  | 'quiet'
  | 'queue-full'
  | 'busy'
  | 'invalid'

export type RefusedReason = 'no-grant' | 'fence' | 'expired' | 'invalid' | 'stopped'

export type FrameBody =
  | { t: 'REQUEST'; key: string; id: AttemptId; ts: bigint; mode: LockMode; ttlMs: number; noWait: boolean }
  | { t: 'QUEUED'; key: string; id: AttemptId }
  | { t: 'GRANT'; key: string; id: AttemptId; grantNo: GrantNo; fence: bigint }
  | { t: 'FAILED'; key: string; id: AttemptId; reason: FailedReason; supersedes?: GrantNo; quietRemainingMs?: number }
  | { t: 'INQUIRE'; key: string; id: AttemptId; grantNo: GrantNo }
  | { t: 'YIELD'; key: string; id: AttemptId; grantNo: GrantNo }
  | { t: 'CONTENDED'; key: string; id: AttemptId }
  | { t: 'COMMIT'; key: string; id: AttemptId; grantNo: GrantNo; attempt: number; token: bigint }
  | { t: 'COMMITTED'; key: string; id: AttemptId; attempt: number }
  | { t: 'REFUSED'; key: string; id: AttemptId; phase: 'commit' | 'extend'; attempt: number; reason: RefusedReason }
  | { t: 'EXTEND'; key: string; id: AttemptId; grantNo: GrantNo; attempt: number; ttlMs: number }
  | { t: 'EXTENDED'; key: string; id: AttemptId; attempt: number }
  | { t: 'RELEASE'; key: string; id: AttemptId }
  | { t: 'RELEASED'; key: string; id: AttemptId }
  | { t: 'PING' }
  | { t: 'PONG' }
  /** Disk-loss recovery: a node that lost its store asks for every peer's persisted ceiling (round: which query this is). */
  | { t: 'RECOVER'; round: number }
  /**
   * The answer: this peer's persisted fence ceiling (covering every key), the
   * newest incarnation it saw of the asker, and whether it is recovering
   * itself (then its figures count for nothing).
   */
  | { t: 'CEILING'; round: number; ceiling: bigint; seenIncarnation: number; recovering: boolean }

export type FrameType = FrameBody['t']

/** Every frame carries this header, stamped when the frame is released. */
export interface FrameHeader {
  /** Sender's Lamport clock. */
  clock: bigint
  /** Sender's incarnation. */
  inc: number
  /** Per-link frame number (sender → this receiver), starting at 1 each incarnation. */
  fn: number
  /** Highest frame number the sender received from the receiver… */
  ack: number
  /** …in this incarnation of the receiver (0 = none yet). */
  ackInc: number
}

export interface Frame {
  h: FrameHeader
  b: FrameBody
}

export interface OutFrame {
  to: NodeId
  frame: Frame
}

// ---------------------------------------------------------------------------
// Inputs

/** A caller-chosen number naming one acquire (and the lock it becomes). */
export type Handle = number

export interface AcquireCommand {
  handle: Handle
  key: string
  mode: LockMode
  ttlMs: number
  /** tryAcquire: fail with `busy` instead of waiting. */
  noWait: boolean
  /** Give up (reason `timeout`) after this long; null = wait forever. */
  waitMs: number | null
}

export type Input =
  | { type: 'start'; now: Now }
  | { type: 'tick'; now: Now }
  /** `ageMs`: how long before `now` the frame's bytes were read (it waited in the transport's fair queue); last-heard is then. */
  | { type: 'frame'; now: Now; from: NodeId; frame: Frame; ageMs?: number }
  | { type: 'handshake'; now: Now; peer: NodeId; incarnation: number; clock: bigint; quietRemainingMs: number }
  | { type: 'acquire'; now: Now; cmd: AcquireCommand }
  | { type: 'release'; now: Now; handle: Handle }
  | { type: 'extend'; now: Now; handle: Handle; ttlMs: number }
  | { type: 'cancel'; now: Now; handle: Handle }
  | { type: 'persisted'; now: Now; batch: number }
  /**
   * A draining stop begins: the node's own acquires fail and its locks are
   * released, its voter grants nothing more, refuses EXTENDs and answers
   * REQUESTs with FAILED(quiet) until its votes run out (`drained` event).
   * `drainMs`: how long it will wait at most (null = the longest lease it granted).
   */
  | { type: 'drain'; now: Now; drainMs: number | null }
  | { type: 'stop'; now: Now }

// ---------------------------------------------------------------------------
// Outputs

/** Local deadlines of a lock's validity: lost when EITHER clock reaches its bound. */
export interface Validity {
  mono: number
  wall: number
}

export type AcquireFailure =
  | 'timeout'
  | 'cancelled'
  | 'read-only'
  | 'no-quorum'
  | 'busy'
  | 'queue-full'
  | 'stopped'
  | 'invalid'
  | 'too-many'
  | 'token-exhausted'

export type LossReason = 'expired' | 'wall-clock' | 'stopped'

export type Result =
  | { type: 'granted'; handle: Handle; key: string; mode: LockMode; token: bigint; validUntil: Validity; id: AttemptId }
  | { type: 'failed'; handle: Handle; key: string; reason: AcquireFailure; detail: string; reachable: NodeId[] }
  | { type: 'lost'; handle: Handle; key: string; reason: LossReason }
  | { type: 'released'; handle: Handle; key: string }
  | { type: 'extended'; handle: Handle; key: string; validUntil: Validity }
  | { type: 'extend-failed'; handle: Handle; key: string; reason: 'refused' | 'not-held' | 'invalid' | 'timeout' }
  | { type: 'not-holder'; handle: Handle; command: 'release' | 'extend' | 'cancel' }
  /** Every voter of a released (or stop-lost) lock acknowledged its RELEASE (or restarted since): nobody holds a vote for it any more. */
  | { type: 'release-acked'; handle: Handle; key: string }

export type Mode = 'starting' | 'read-write' | 'read-only'

export type CoreEvent =
  /** `reason`: why the node is read-only when its reachable set does not say it (disk-loss recovery). */
  | { type: 'mode'; mode: Mode; sharedLocks: boolean; reachable: NodeId[]; reason?: string }
  | { type: 'contended'; handle: Handle; key: string }
  /** A requester released all its votes and started a new attempt (counted by the simulator). */
  | { type: 'attempt-restart'; handle: Handle; key: string; why: string }
  /** A voter dropped an uncommitted grant or queued request of a suspected or re-incarnated peer. */
  | { type: 'suspicion-drop'; peer: NodeId; key: string; grants: number; queued: number }
  | { type: 'suspect'; peer: NodeId }
  | { type: 'trust'; peer: NodeId }
  | { type: 'rejected-frame'; from: NodeId; why: string }
  /** Draining: the voter holds no vote any more (released or expired); the node may stop cleanly. */
  | { type: 'drained' }
  /**
   * Disk-loss recovery finished: persist `incarnation` and `ceiling`, then
   * run a LockCore booted with them (`recovered: true`). `reporters`: the set S.
   */
  | { type: 'recovered'; incarnation: number; ceiling: bigint; reporters: NodeId[] }

/**
 * One output batch (raft's Ready). The driver must:
 * 1. durably write `persist.state` (if present) and then feed
 *    `{type:'persisted', batch: persist.batch}`;
 * 2. send `frames` (frames to `self` are fed back as input);
 * 3. deliver `results` and `events`;
 * 4. call `tick` when EITHER clock reaches its wake-up — the monotonic clock
 *    `wakeAt` or the wall clock `wakeAtWall` — if no other input came first.
 *    Each Ready replaces both wake-ups of the previous one (null = none).
 *
 * The core itself holds back every frame (except PING/PONG) and every other
 * result and event of a batch until that batch and all earlier ones are
 * persisted, so whatever a Ready contains may be released at once. Results
 * that grant and extend nothing (`lost`, `failed`, `released`, `not-holder`,
 * `extend-failed`) leave at once unless an older result of the same handle is
 * still held; a mode downgrade leaves at once unless an older mode event is
 * still held (docs/design.md: which results bypass the persist gate and why
 * that is safe).
 */
export interface Ready {
  persist: { batch: number; state: PersistedState } | null
  frames: OutFrame[]
  results: Result[]
  events: CoreEvent[]
  /** Monotonic ms of the next deadline (pings, suspicions, retransmissions, lease and validity ends). */
  wakeAt: number | null
  /**
   * Wall-clock ms of the earliest wall deadline the core must act on: a held
   * lock's validity (lost with reason `wall-clock`) or a COMMIT round's. The
   * monotonic clock stops while the host is suspended, the wall clock does
   * not: after a suspend this is what reports a lost lease without waiting
   * for a frame. Voters' leases are monotonic only and never appear here.
   */
  wakeAtWall: number | null
}
