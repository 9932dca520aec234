/**
 * The fence store: what a node keeps across restarts (DESIGN.md §4,
 * "Durability and restarts").
 *
 * - `incarnation`: a counter, strictly increasing at every start
 *   ({@link bumpIncarnation}); part of every attempt id and grant number.
 * - `ceiling`: the reserved fence ceiling C. Before any fence f passes C the
 *   core persists C := max(C, f) + 1024; after a restart every key starts at
 *   C, so **fences never go backwards** (safety).
 * - `cleanExit`: the previous run stopped cleanly, after its quiet period,
 *   holding no vote — the only case in which a restarted voter may skip the
 *   quiet period. It is deleted durably at start, before any vote.
 *
 * A store never resets itself: an unreadable store is an error
 * ({@link FenceStoreCorruptError}), and a save that would move the ceiling or
 * the incarnation backwards is refused ({@link FenceStoreRegressionError}).
 */

/** The durable state of one node. */
export interface StoredState {
  /** Persisted counter, strictly increasing at every start. */
  incarnation: number
  /** Reserved fence ceiling C (64-bit, never decreases). */
  ceiling: bigint
  /** Clean-exit marker. */
  cleanExit: boolean
}

/**
 * Where a node keeps its {@link StoredState}. `save` resolves only once the
 * state is durable; the core's "persisted up to batch n" input is fed after it.
 * One store belongs to one node process at a time.
 */
export interface FenceStore {
  /** The last saved state, or {@link freshState} if nothing was ever saved. */
  load (): Promise<StoredState>
  /** Durably replace the state. Never moves `ceiling` or `incarnation` backwards. */
  save (state: StoredState): Promise<void>
  /** Wait for pending saves and release resources; later calls fail. */
  close? (): Promise<void>
  /**
   * False when the store is missing: nothing was ever saved here (disk loss,
   * or a brand-new member before its first start). A node whose store is
   * missing recovers (docs/design.md, "Disk loss") unless it is started as a
   * new member. A store without this method always exists.
   */
  exists? (): Promise<boolean>
}

/** The state of a node that never ran: incarnation 0, ceiling 0, no clean exit. */
export function freshState (): StoredState {
  return { incarnation: 0, ceiling: 0n, cleanExit: false }
}

/** The store's content could not be read back as a valid state. Never reset it by hand unless every fence it issued is known to be gone. */
export class FenceStoreCorruptError extends Error {
  override readonly name = 'FenceStoreCorruptError'
  constructor (readonly location: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`Fence store ${location} is corrupt: ${reason}. Refusing to start from a fresh state, because fences must never go backwards; restore the file from a backup or investigate.`, options)
  }
}

/**
 * The store is missing (disk loss) and this roster can never recover it from
 * peers: some read or write quorum containing this node has no other member
 * (a one-node mesh, a grid of one column). Restore the store from a backup;
 * only if every fence this node ever issued is known to be gone, create a new
 * one with `lockmesh init` (or `newMember: true`).
 */
export class FenceStoreMissingError extends Error {
  override readonly name = 'FenceStoreMissingError'
  constructor (readonly self: string, readonly quorum: string) {
    super(`The fence store of ${self} is missing and cannot be recovered: in this roster (${quorum}) a quorum containing ${self} has no other member, so no peer holds a copy of its fences. Restore the store from a backup; only if every fence it issued is known to be gone, run \`lockmesh init\` (or start it once with newMember: true).`)
  }
}

/** A save would have moved the ceiling or the incarnation backwards (a bug in the caller). */
export class FenceStoreRegressionError extends Error {
  override readonly name = 'FenceStoreRegressionError'
  constructor (readonly field: 'ceiling' | 'incarnation', readonly stored: bigint | number, readonly attempted: bigint | number) {
    super(`Fence store refuses to move ${field} backwards: stored ${String(stored)}, attempted ${String(attempted)}`)
  }
}

/** The store was used after `close()`. */
export class FenceStoreClosedError extends Error {
  override readonly name = 'FenceStoreClosedError'
  constructor () {
    super('Fence store is closed')
  }
}

/** Throws a TypeError / RangeError unless `state` is a well-formed {@link StoredState}. */
export function assertValidState (state: StoredState): void {
  if (typeof state !== 'object' || state === null) throw new TypeError(`Fence store state: expected an object, received ${String(state)}`)
  if (!Number.isSafeInteger(state.incarnation) || state.incarnation < 0) {
    throw new RangeError(`Fence store state: expected incarnation to be a non-negative safe integer, received ${String(state.incarnation)}`)
  }
  if (typeof state.ceiling !== 'bigint' || state.ceiling < 0n) {
    throw new RangeError(`Fence store state: expected ceiling to be a non-negative bigint, received ${typeof state.ceiling === 'bigint' ? `${state.ceiling}n` : String(state.ceiling)}`)
  }
  if (typeof state.cleanExit !== 'boolean') {
    throw new TypeError(`Fence store state: expected cleanExit to be a boolean, received ${String(state.cleanExit)}`)
  }
}

/** Throws {@link FenceStoreRegressionError} if going from `stored` to `next` moves a counter backwards. */
export function assertNoRegression (stored: StoredState, next: StoredState): void {
  if (next.ceiling < stored.ceiling) throw new FenceStoreRegressionError('ceiling', stored.ceiling, next.ceiling)
  if (next.incarnation < stored.incarnation) throw new FenceStoreRegressionError('incarnation', stored.incarnation, next.incarnation)
}

export function copyState (state: StoredState): StoredState {
  return { incarnation: state.incarnation, ceiling: state.ceiling, cleanExit: state.cleanExit }
}

/**
 * Start a new run: load the state, increment the incarnation, save it durably
 * and return the new incarnation. `ceiling` and `cleanExit` are kept as
 * loaded — read them with `load()` before or after; deleting the clean-exit
 * marker (before any vote) is the caller's next persist.
 */
export async function bumpIncarnation (store: FenceStore): Promise<number> {
  const state = await store.load()
  if (state.incarnation >= Number.MAX_SAFE_INTEGER) throw new RangeError('Fence store: incarnation counter exhausted')
  const next = { ...state, incarnation: state.incarnation + 1 }
  await store.save(next)
  return next.incarnation
}
