/**
 * Every Prometheus series lockmesh exports, with its help text: the one list
 * the registration code, the README table and the tests read. No label is
 * ever a lock key (unbounded cardinality): per-key detail is in `/status`.
 */
export const METRIC = {
  acquireExclusiveSeconds: 'lockmesh_acquire_exclusive_duration_seconds',
  acquireSharedSeconds: 'lockmesh_acquire_shared_duration_seconds',
  acquires: 'lockmesh_acquires_total',
  acquiresFailed: 'lockmesh_acquires_failed_total',
  locksHeld: 'lockmesh_locks_held',
  locksLost: 'lockmesh_locks_lost_total',
  acquiresInFlight: 'lockmesh_acquires_in_flight',
  queueDepth: 'lockmesh_voter_queue_depth',
  votesHeld: 'lockmesh_voter_votes_held',
  framesSent: 'lockmesh_frames_sent_total',
  framesReceived: 'lockmesh_frames_received_total',
  framesRejected: 'lockmesh_frames_rejected_total',
  handshakeRefusals: 'lockmesh_handshake_refusals_total',
  attemptRestarts: 'lockmesh_attempt_restarts_total',
  suspicions: 'lockmesh_suspicions_total',
  mode: 'lockmesh_mode',
  modeChanges: 'lockmesh_mode_changes_total',
  readOnlySeconds: 'lockmesh_read_only_seconds_total',
  quietRemainingSeconds: 'lockmesh_quiet_remaining_seconds',
  fenceStoreWriteSeconds: 'lockmesh_fence_store_write_duration_seconds',
  eventLoopStallSeconds: 'lockmesh_event_loop_stall_seconds_total',
  localHealthMultiplier: 'lockmesh_local_health_multiplier',
  peers: 'lockmesh_peers',
  incarnation: 'lockmesh_incarnation'
} as const

export const HELP: Record<keyof typeof METRIC, string> = {
  acquireExclusiveSeconds: 'Time from acquire() to its outcome, exclusive locks, by outcome (granted or the failure reason)',
  acquireSharedSeconds: 'Time from acquire() to its outcome, shared locks, by outcome (granted or the failure reason)',
  acquires: 'Acquires (acquire, tryAcquire, using) settled, both lock modes, by outcome (granted or the failure reason)',
  acquiresFailed: 'Acquires that did not grant, by reason',
  locksHeld: 'Locks this node holds now, by lock mode',
  locksLost: 'Locks lost before release, by reason (expired, wall-clock, stopped)',
  acquiresInFlight: 'Acquires of this node still waiting for a quorum',
  queueDepth: 'Requests queued at this node as a voter (all keys)',
  votesHeld: 'Votes this node has granted and not yet had released (all keys)',
  framesSent: 'Protocol frames handed to a stream, by frame type',
  framesReceived: 'Protocol frames received from peers, by frame type',
  framesRejected: 'Frames refused or dropped, by reason (malformed, rejected by the core, stale incarnation, no stream, queue full)',
  handshakeRefusals: 'Streams refused during their handshake, by reason',
  attemptRestarts: 'Acquire attempts that released their votes and started again',
  suspicions: 'Times a peer became suspected (unreachable)',
  mode: '1 for the current mode (starting, read-write, read-only), 0 for the others',
  modeChanges: 'Mode changes of this node',
  readOnlySeconds: 'Time spent in read-only mode',
  quietRemainingSeconds: 'Quiet period left after a restart (this node grants no vote until 0)',
  fenceStoreWriteSeconds: 'Durable fence-store writes, from save() to its completion',
  eventLoopStallSeconds: 'Time the event loop was blocked beyond the stall threshold (timers late)',
  localHealthMultiplier: 'Local health multiplier (Lifeguard): the suspicion timeout in force is the configured one times this (1 = healthy, at most 8)',
  peers: 'Roster peers (this node excluded) by state: reachable, unreachable, quiet',
  incarnation: 'This node\'s incarnation (rises at every start)'
}

/** Acquire outcomes (label `outcome`): `granted` or a failure reason. Bounded set. */
export const OUTCOMES = ['granted', 'timeout', 'busy', 'read-only', 'no-quorum', 'queue-full', 'aborted', 'lost', 'invalid', 'other'] as const
export type AcquireOutcome = typeof OUTCOMES[number]

/** Seconds: from a local grant (~1 ms) to a long wait (waitMs 30 s and beyond). */
export const ACQUIRE_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
export const STORE_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

/** The outcome label of an acquire's error (typed errors carry a static name). */
export function outcomeOf (error: Error | undefined): AcquireOutcome {
  if (error === undefined) return 'granted'
  switch (error.name) {
    case 'LockTimeoutError': return 'timeout'
    case 'LockBusyError': return 'busy'
    case 'ReadOnlyError': return 'read-only'
    case 'NoQuorumError': return 'no-quorum'
    case 'QueueFullError': return 'queue-full'
    case 'AbortError': return 'aborted'
    case 'LockLostError': return 'lost'
    case 'InvalidOptionsError': return 'invalid'
    default: return 'other'
  }
}
