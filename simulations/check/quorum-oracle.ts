/**
 * The modes checker's oracle, computed from first principles and never with
 * the detector's `classify` or src/core/quorum.ts's predicates: a checker that
 * shares the code it judges cannot catch that code's bug.
 *
 * The quorum systems, as DESIGN.md §3 / docs/design.md define them over the
 * sorted roster of N nodes:
 * - `grid`: c = ⌊√N⌋ columns, node i in column i mod c. A read quorum is one
 *   node from every column; a write quorum is one full column plus one node
 *   from every other column.
 * - `majority`: every set of ⌊N/2⌋+1 nodes, for reads and writes.
 * - `all`: the whole roster.
 * - `auto`: majority below 10 nodes, grid from 10.
 * With the test-only `unsafeNoIntersection` mutation the nodes run smaller
 * quorums (grid writes = one node per column; majority and all = ⌊N/2⌋
 * nodes), and the oracle follows, so the mode checker judges the detector and
 * mutual exclusion judges the mutation.
 *
 * `quorumsWithin` enumerates those sets, restricted to members of a given
 * set: a reachable set allows a mode iff some quorum of that kind lies inside
 * it. The enumeration picks only reachable members, so it stops at the first
 * quorum found or fails as soon as a column (or the count) runs out, and the
 * answer is cached per reachable set.
 */
export type QuorumName = 'grid' | 'majority' | 'all'
export type QuorumKind = 'read' | 'write'

/** What a node that truly reaches a set must report (DESIGN.md §3). */
export interface ExpectedMode {
  mode: 'read-write' | 'read-only'
  /** read-only: whether shared locks are still served (a read quorum is reachable). */
  sharedLocks: boolean
}

/** Reachable sets cached per oracle before the cache is cleared (bounds memory on long histories). */
export const ORACLE_CACHE_MAX = 4096

export class QuorumOracle {
  readonly roster: readonly string[]
  readonly name: QuorumName
  private readonly columns: string[][] = []
  private readonly cache = new Map<string, ExpectedMode>()

  constructor (name: 'grid' | 'majority' | 'all' | 'auto', roster: readonly string[], readonly unsafeNoIntersection = false) {
    this.roster = [...new Set(roster)].sort()
    const n = this.roster.length
    if (n === 0) throw new RangeError('roster must not be empty')
    this.name = name === 'auto' ? (n >= 10 ? 'grid' : 'majority') : name
    if (this.name === 'grid') {
      const c = Math.max(1, Math.floor(Math.sqrt(n)))
      for (let i = 0; i < c; i++) this.columns.push([])
      this.roster.forEach((id, i) => this.columns[i % c]!.push(id))
    }
  }

  /** Size of every majority-style quorum (majority, and `all` under the mutation). */
  private countSize (): number {
    const n = this.roster.length
    if (this.unsafeNoIntersection) return Math.max(1, Math.floor(n / 2))
    return this.name === 'all' ? n : Math.floor(n / 2) + 1
  }

  /**
   * Every `kind` quorum whose members all lie in `within` (every quorum when
   * `within` is omitted), each as a sorted list. Duplicates are possible for
   * grid writes (the same set from two full columns); callers only test for
   * existence or intersection.
   */
  * quorumsWithin (kind: QuorumKind, within?: ReadonlySet<string>): Generator<string[]> {
    const ok = (id: string): boolean => within === undefined || within.has(id)
    if (this.name !== 'grid') {
      yield * combinations(this.roster.filter(ok), this.countSize())
      return
    }
    // One reachable member from every column but `skip`.
    const cover = (skip: number): string[][] => this.columns.filter((_, i) => i !== skip).map(col => col.filter(ok))
    if (kind === 'read' || this.unsafeNoIntersection) {
      yield * product(cover(-1))
      return
    }
    for (let full = 0; full < this.columns.length; full++) {
      const col = this.columns[full]!
      if (!col.every(ok)) continue
      for (const rest of product(cover(full))) yield [...col, ...rest].sort()
    }
  }

  hasQuorum (kind: QuorumKind, within: ReadonlySet<string>): boolean {
    return !this.quorumsWithin(kind, within).next().done
  }

  /** The mode a node reaching exactly `reach` (itself included) must report. */
  expectedMode (reach: ReadonlySet<string>): ExpectedMode {
    const key = this.roster.filter(id => reach.has(id)).join('\u0000')
    let m = this.cache.get(key)
    if (m === undefined) {
      if (this.cache.size >= ORACLE_CACHE_MAX) this.cache.clear()
      m = this.hasQuorum('write', reach) ? { mode: 'read-write', sharedLocks: true } : { mode: 'read-only', sharedLocks: this.hasQuorum('read', reach) }
      this.cache.set(key, m)
    }
    return m
  }
}

/** k-subsets of `items` in lexicographic order; none when there are fewer than k items. */
function * combinations (items: readonly string[], k: number): Generator<string[]> {
  if (k > items.length) return
  const pick: number[] = []
  function * rec (from: number): Generator<string[]> {
    if (pick.length === k) { yield pick.map(i => items[i]!); return }
    // Stop when too few items remain to complete the set.
    for (let i = from; i <= items.length - (k - pick.length); i++) {
      pick.push(i)
      yield * rec(i + 1)
      pick.pop()
    }
  }
  yield * rec(0)
}

/** Every way to take one member from each column; none when a column is empty. */
function * product (columns: readonly string[][]): Generator<string[]> {
  if (columns.some(c => c.length === 0)) return
  const chosen: string[] = []
  function * rec (j: number): Generator<string[]> {
    if (j === columns.length) { yield [...chosen].sort(); return }
    for (const id of columns[j]!) {
      chosen.push(id)
      yield * rec(j + 1)
      chosen.pop()
    }
  }
  yield * rec(0)
}
