/**
 * A binary min-heap of (deadline, owner, item) entries, in three parallel arrays
 * (no object per entry: it sits beside every held lock, issue 10's 1 KiB budget).
 * The voter deletes lazily: an entry whose item has gone or moved stays until it
 * reaches the top, where the owner checks it against the item's true deadline.
 * Deterministic: ties pop in an order fixed by the sequence of pushes and pops.
 */
export class DeadlineHeap<O, T> {
  private at: number[] = []
  private owners: O[] = []
  private items: T[] = []

  /** Entries held, stale ones included. */
  get size (): number { return this.at.length }

  /** The earliest deadline held (Infinity when empty). */
  peekAt (): number { return this.at.length === 0 ? Infinity : this.at[0]! }
  peekOwner (): O | undefined { return this.owners[0] }
  peekItem (): T | undefined { return this.items[0] }

  push (at: number, owner: O, item: T): void {
    this.at.push(at)
    this.owners.push(owner)
    this.items.push(item)
    this.up(this.at.length - 1)
  }

  /** Removes the top entry (no-op when empty). */
  pop (): void {
    const last = this.at.length - 1
    if (last < 0) return
    this.swap(0, last)
    this.at.pop(); this.owners.pop(); this.items.pop()
    if (last > 0) this.down(0)
  }

  /**
   * Keeps only entries for which `keep(at, owner, item)` returns a deadline
   * (which replaces the entry's own), then restores heap order: O(size).
   */
  rebuild (keep: (at: number, owner: O, item: T) => number | null): void {
    const at: number[] = []; const owners: O[] = []; const items: T[] = []
    for (let i = 0; i < this.at.length; i++) {
      const next = keep(this.at[i]!, this.owners[i]!, this.items[i]!)
      if (next === null) continue
      at.push(next); owners.push(this.owners[i]!); items.push(this.items[i]!)
    }
    this.at = at; this.owners = owners; this.items = items
    for (let i = (at.length >> 1) - 1; i >= 0; i--) this.down(i)
  }

  private swap (i: number, j: number): void {
    const a = this.at[i]!; this.at[i] = this.at[j]!; this.at[j] = a
    const o = this.owners[i]!; this.owners[i] = this.owners[j]!; this.owners[j] = o
    const t = this.items[i]!; this.items[i] = this.items[j]!; this.items[j] = t
  }

  private up (i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.at[p]! <= this.at[i]!) return
      this.swap(i, p)
      i = p
    }
  }

  private down (i: number): void {
    const n = this.at.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) return
      const r = l + 1
      const m = r < n && this.at[r]! < this.at[l]! ? r : l
      if (this.at[i]! <= this.at[m]!) return
      this.swap(i, m)
      i = m
    }
  }
}
