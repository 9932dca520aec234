/**
 * An in-memory {@link FenceStore}.
 *
 * **For tests and the simulator only.** Nothing survives the process, so a
 * node that restarts with a new `MemoryFenceStore` forgets its ceiling and can
 * hand out fences that go backwards. Real nodes use `FileFenceStore`.
 */
import {
  assertNoRegression,
  assertValidState,
  copyState,
  bumpIncarnation,
  FenceStoreClosedError,
  freshState,
  type FenceStore,
  type StoredState
} from './fence-store.js'

/** In-memory fence store — tests only (see the module note). */
export class MemoryFenceStore implements FenceStore {
  private state: StoredState | null
  private closed = false
  private missing = false
  /** Completed saves (tests assert on it). */
  saves = 0

  /** `initial` stands for what a previous run left "on disk"; omitted = a brand-new member's new store. */
  constructor (initial?: StoredState) {
    if (initial !== undefined) assertValidState(initial)
    this.state = initial === undefined ? null : copyState(initial)
  }

  /** A store that was lost (disk loss): `exists()` is false until the first save. */
  static lost (): MemoryFenceStore {
    const store = new MemoryFenceStore()
    store.missing = true
    return store
  }

  async exists (): Promise<boolean> {
    return !this.missing || this.state !== null
  }

  async load (): Promise<StoredState> {
    if (this.closed) throw new FenceStoreClosedError()
    return this.state === null ? freshState() : copyState(this.state)
  }

  async save (state: StoredState): Promise<void> {
    if (this.closed) throw new FenceStoreClosedError()
    assertValidState(state)
    if (this.state !== null) assertNoRegression(this.state, state)
    this.state = copyState(state)
    this.saves++
  }

  /** Load, increment the incarnation, save; returns the new incarnation. */
  async bumpIncarnation (): Promise<number> {
    return await bumpIncarnation(this)
  }

  async close (): Promise<void> {
    this.closed = true
  }

  /** Synchronous view of the saved state (null = never saved); tests only. */
  peek (): StoredState | null {
    return this.state === null ? null : copyState(this.state)
  }
}
