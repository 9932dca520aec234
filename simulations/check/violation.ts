/** A broken property found in a history, as every checker reports it. */
export type ViolationKind =
  | 'malformed-history'
  | 'mutual-exclusion'
  | 'token-order'
  | 'store-marks'
  | 'valid-op-rejected'
  | 'lost-update'
  | 'answered'
  | 'liveness'
  | 'modes'
  | 'late-loss'
  | 'fairness'
  | 'fault-free-restart'
  | 'id-reuse'
  | 'core-exception'
  | 'result-order'
  | 'runaway'

export interface Violation {
  kind: ViolationKind
  /** One sentence saying what broke, with the workers, keys and instants. */
  details: string
  /** When it broke: ns since the run's start (the history's scale); 0 if it has no instant. */
  t: number
  /** The history line the finding is about, when there is one. */
  line?: number
}

/** What each kind means, for the summary. */
export const VIOLATION_MEANING: Record<ViolationKind, string> = {
  'malformed-history': 'a history line could not be read, so the run cannot be fully checked',
  'mutual-exclusion': 'two holders believed they held the same key at the same instant (not both shared)',
  'token-order': 'an exclusive fencing token did not exceed the previous exclusive token of its key',
  'store-marks': "the fenced store's decision disagrees with the two-mark rule (read needs token ≥ maxWrite, write needs token ≥ maxSeen)",
  'valid-op-rejected': 'the store rejected an operation while its holder still validly believed it held the lock',
  'lost-update': 'a counter increment was lost or the counter does not equal the number of accepted increments',
  answered: 'an acquire was not answered exactly once, or a lock was re-acquired before the previous hold was closed',
  liveness: 'after the mesh healed and settled, an acquire did not succeed within the stated bound',
  modes: "a node's reported mode did not match what its true reachable set allows after detection + stable period",
  'late-loss': "a lease ran out on the holder's clocks but the app heard 'lost' only after the node had run on past the deadline (simulator)",
  fairness: 'a conflicting attempt was granted before an older one that had reached every common voter first (simulator)',
  'fault-free-restart': 'a run with no fault saw an attempt restart or a suspicion drop after every node reached its first mode (simulator)',
  'id-reuse': 'a requester sent REQUEST for an attempt id it had already RELEASEd at that voter (simulator)',
  'core-exception': 'the lock core threw (simulator)',
  'result-order': "the core handed a handle's `granted` to the driver after that handle's `lost`, `released` or `failed` (simulator, at the Ready tap)",
  runaway: 'a seed exceeded its event budget (simulator)'
}

export function violation (kind: ViolationKind, t: number, details: string, line?: number): Violation {
  const v: Violation = { kind, details, t: Number.isFinite(t) ? t : 0 }
  if (line !== undefined) v.line = line
  return v
}
