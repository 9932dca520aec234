/**
 * Everything the checkers may read: what the nodes told their applications
 * (results, events), what the applications issued, what the fenced store
 * decided, which REQUESTs the network delivered, and the ground truth of the
 * simulated world (clock histories, who could reach whom). Never core state.
 *
 * Times are true (simulation) times in ms.
 */
import type { AcquireFailure, LockMode, Mode, Validity } from '../../src/core/types.js'
import type { StoreDecision } from './fenced-store.js'

export interface GrantedRec { t: number, node: number, handle: number, key: string, mode: LockMode, token: bigint, validUntil: Validity, id: string }
export interface ExtendedRec { t: number, node: number, handle: number, validUntil: Validity }
export interface HandleRec { t: number, node: number, handle: number }
export interface FailedRec { t: number, node: number, handle: number, reason: AcquireFailure }
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
export interface LifeRec { t: number, node: number, what: 'start' | 'crash' | 'exit' }
export interface RequestRec { t: number, from: number, to: number, key: string, id: string, peer: string, inc: number, seq: number, ts: bigint, mode: LockMode, noWait: boolean }
export interface ReleaseSendRec { t: number, from: number, id: string }
/** A REQUEST sent to a voter for an attempt id the requester had already RELEASEd there. */
export interface IdReuseRec { t: number, from: number, to: number, id: string, releasedAt: number }
export interface ModeRec { t: number, node: number, mode: Mode, sharedLocks: boolean }
export interface CountedEventRec { t: number, node: number, key: string, why: string }

/**
 * Ground truth at one instant: which processes run (up, not paused, host not
 * suspended) and which directed links are cut; `clean` = no loss, duplication
 * or reordering is active. Recorded at every change.
 */
export interface TruthRec { t: number, running: boolean[], blocked: Uint8Array, clean: boolean }

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
  /** Failure detection bound in true time (suspicion + probe + delays + slack). */
  detectMs: number
  stableMs: number
  healAt: number
  liveAt: number
  endAt: number
  /** True time by which every node reached its first mode after the initial start (fault-free check). */
  settledAt: number
}

export class Observer {
  readonly granted: GrantedRec[] = []
  readonly extended: ExtendedRec[] = []
  readonly lost: HandleRec[] = []
  readonly releaseIssued: HandleRec[] = []
  readonly acquires: AcquireRec[] = []
  readonly failed: FailedRec[] = []
  readonly life: LifeRec[] = []
  store: StoreDecision[] = []
  /** First delivery of each REQUEST id at each voter. */
  readonly requestDeliveries: RequestRec[] = []
  /** Every REQUEST transmission, first per (id, voter). */
  readonly requestSends: RequestRec[] = []
  /** First RELEASE each requester sent for an id. */
  readonly releaseSends: ReleaseSendRec[] = []
  readonly idReuses: IdReuseRec[] = []
  readonly modes: ModeRec[] = []
  readonly attemptRestarts: CountedEventRec[] = []
  readonly suspicionDrops: CountedEventRec[] = []
  readonly truth: TruthRec[] = []

  constructor (readonly meta: RunMeta, readonly clocks: ClockView) {}
}
