/**
 * Quorum systems, computed identically on every node from the sorted roster.
 *
 * - `grid`: the roster in c = floor(sqrt(N)) columns (node i in column i mod c).
 *   Write quorum = one full column + one node from every column; read quorum =
 *   one node from every column (Cheung–Ammar–Ahamad). W∩W ≠ ∅ and R∩W ≠ ∅.
 * - `majority`: any floor(N/2)+1 nodes, reads and writes.
 * - `all`: every node (Ricart–Agrawala's permission set).
 * - `auto`: majority below 10 nodes, grid from 10.
 */
import type { NodeId, QuorumSystemName } from './types.js'

export type QuorumKind = 'read' | 'write'

export interface QuorumFigures {
  system: 'grid' | 'majority' | 'all'
  nodes: number
  /** Smallest read / write quorum. */
  readSize: number
  writeSize: number
  /** Worst-case crashes after which some read / write quorum still survives. */
  readFaultTolerance: number
  writeFaultTolerance: number
  /** Column sizes for the grid, [N] otherwise. */
  layout: number[]
}

export interface QuorumSystem {
  readonly name: 'grid' | 'majority' | 'all'
  readonly roster: readonly NodeId[]
  /** A stable description of the layout, part of the config hash. */
  readonly layout: string
  isReadQuorum (members: ReadonlySet<NodeId>): boolean
  isWriteQuorum (members: ReadonlySet<NodeId>): boolean
  isQuorum (kind: QuorumKind, members: ReadonlySet<NodeId>): boolean
  /**
   * The cheapest quorum inside `available`, containing `prefer` when possible;
   * `spread` (e.g. a hash of the key) rotates between equally cheap choices.
   * Returns null when `available` holds no quorum.
   */
  pick (kind: QuorumKind, available: ReadonlySet<NodeId>, prefer: NodeId, spread: number): NodeId[] | null
  /**
   * Disk-loss recovery (docs/design.md, "Disk loss"): whether `reporters`
   * (non-recovering peers; `self` in it is ignored) meets Q∖{self} for every
   * write quorum AND every read quorum Q that contains `self`. Two write
   * quorums, or a read and a write quorum, may meet only in `self`: only such
   * a set is sure to hold a copy of every fence `self` ever accepted.
   * `unsafeWriteOnly` (test-only mutation): write quorums only.
   */
  coversRecovery (self: NodeId, reporters: ReadonlySet<NodeId>, unsafeWriteOnly?: boolean): boolean
  figures (): QuorumFigures
}

export interface QuorumOptions {
  /** Test-only mutation: quorums that need not intersect. */
  unsafeNoIntersection?: boolean
}

/** The system `auto` resolves to for a roster of `n` nodes. */
export function resolveQuorumName (name: QuorumSystemName, n: number): 'grid' | 'majority' | 'all' {
  if (name === 'auto') return n >= 10 ? 'grid' : 'majority'
  return name
}

export function createQuorumSystem (name: QuorumSystemName, roster: readonly NodeId[], options: QuorumOptions = {}): QuorumSystem {
  const sorted = [...new Set(roster)].sort()
  if (sorted.length === 0) throw new RangeError('roster must not be empty')
  const resolved = resolveQuorumName(name, sorted.length)
  switch (resolved) {
    case 'grid': return new GridQuorum(sorted, options)
    case 'majority': return new MajorityQuorum(sorted, options)
    case 'all': return new AllQuorum(sorted, options)
  }
}

/** Rotate `items` by `spread` so equally good choices share the load. */
function rotate<T> (items: readonly T[], spread: number): T[] {
  if (items.length === 0) return []
  const k = ((spread % items.length) + items.length) % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

abstract class BaseQuorum implements QuorumSystem {
  abstract readonly name: 'grid' | 'majority' | 'all'
  abstract readonly layout: string
  constructor (readonly roster: readonly NodeId[], protected readonly options: QuorumOptions) {}
  abstract isReadQuorum (members: ReadonlySet<NodeId>): boolean
  abstract isWriteQuorum (members: ReadonlySet<NodeId>): boolean
  abstract pick (kind: QuorumKind, available: ReadonlySet<NodeId>, prefer: NodeId, spread: number): NodeId[] | null
  abstract figures (): QuorumFigures
  isQuorum (kind: QuorumKind, members: ReadonlySet<NodeId>): boolean {
    return kind === 'read' ? this.isReadQuorum(members) : this.isWriteQuorum(members)
  }

  coversRecovery (self: NodeId, reporters: ReadonlySet<NodeId>, unsafeWriteOnly = false): boolean {
    if (!this.roster.includes(self)) return false
    // Quorums are upward closed, so some quorum Q ∋ self misses S on Q∖{self}
    // exactly when everything outside S (self included) is itself a quorum.
    const outside = new Set(this.roster.filter(id => id === self || !reporters.has(id)))
    if (this.isWriteQuorum(outside)) return false
    return unsafeWriteOnly || !this.isReadQuorum(outside)
  }

  protected countIn (members: ReadonlySet<NodeId>): number {
    let n = 0
    for (const id of this.roster) if (members.has(id)) n++
    return n
  }
}

class MajorityQuorum extends BaseQuorum {
  readonly name = 'majority' as const
  readonly layout: string
  private readonly size: number
  constructor (roster: readonly NodeId[], options: QuorumOptions) {
    super(roster, options)
    const n = roster.length
    this.size = options.unsafeNoIntersection === true ? Math.max(1, Math.floor(n / 2)) : Math.floor(n / 2) + 1
    this.layout = `majority:${n}`
  }

  isReadQuorum (members: ReadonlySet<NodeId>): boolean { return this.countIn(members) >= this.size }
  isWriteQuorum (members: ReadonlySet<NodeId>): boolean { return this.countIn(members) >= this.size }

  pick (_kind: QuorumKind, available: ReadonlySet<NodeId>, prefer: NodeId, spread: number): NodeId[] | null {
    const others = rotate(this.roster.filter(id => id !== prefer && available.has(id)), spread)
    const chosen = available.has(prefer) && this.roster.includes(prefer) ? [prefer] : []
    for (const id of others) {
      if (chosen.length >= this.size) break
      chosen.push(id)
    }
    return chosen.length >= this.size ? chosen.sort() : null
  }

  figures (): QuorumFigures {
    const n = this.roster.length
    return { system: 'majority', nodes: n, readSize: this.size, writeSize: this.size, readFaultTolerance: n - this.size, writeFaultTolerance: n - this.size, layout: [n] }
  }
}

class AllQuorum extends BaseQuorum {
  readonly name = 'all' as const
  readonly layout: string
  constructor (roster: readonly NodeId[], options: QuorumOptions) {
    super(roster, options)
    this.layout = `all:${roster.length}`
  }

  private isAll (members: ReadonlySet<NodeId>): boolean {
    if (this.options.unsafeNoIntersection === true) return this.countIn(members) >= Math.max(1, Math.floor(this.roster.length / 2))
    return this.countIn(members) === this.roster.length
  }

  isReadQuorum (members: ReadonlySet<NodeId>): boolean { return this.isAll(members) }
  isWriteQuorum (members: ReadonlySet<NodeId>): boolean { return this.isAll(members) }

  pick (_kind: QuorumKind, available: ReadonlySet<NodeId>, prefer: NodeId, spread: number): NodeId[] | null {
    if (this.options.unsafeNoIntersection === true) {
      const size = Math.max(1, Math.floor(this.roster.length / 2))
      const chosen = available.has(prefer) ? [prefer] : []
      for (const id of rotate(this.roster.filter(x => x !== prefer && available.has(x)), spread)) {
        if (chosen.length >= size) break
        chosen.push(id)
      }
      return chosen.length >= size ? chosen.sort() : null
    }
    return this.isAll(available) ? [...this.roster] : null
  }

  figures (): QuorumFigures {
    const n = this.roster.length
    return { system: 'all', nodes: n, readSize: n, writeSize: n, readFaultTolerance: 0, writeFaultTolerance: 0, layout: [n] }
  }
}

class GridQuorum extends BaseQuorum {
  readonly name = 'grid' as const
  readonly layout: string
  /** columns[c] = the members of column c, in roster order. */
  readonly columns: NodeId[][]
  private readonly columnOf = new Map<NodeId, number>()

  constructor (roster: readonly NodeId[], options: QuorumOptions) {
    super(roster, options)
    const c = Math.max(1, Math.floor(Math.sqrt(roster.length)))
    this.columns = Array.from({ length: c }, () => [])
    roster.forEach((id, i) => {
      this.columns[i % c]!.push(id)
      this.columnOf.set(id, i % c)
    })
    this.layout = `grid:${this.columns.map(col => col.length).join('+')}`
  }

  private coversEveryColumn (members: ReadonlySet<NodeId>): boolean {
    return this.columns.every(col => col.some(id => members.has(id)))
  }

  private hasFullColumn (members: ReadonlySet<NodeId>): boolean {
    return this.columns.some(col => col.every(id => members.has(id)))
  }

  isReadQuorum (members: ReadonlySet<NodeId>): boolean { return this.coversEveryColumn(members) }

  isWriteQuorum (members: ReadonlySet<NodeId>): boolean {
    if (this.options.unsafeNoIntersection === true) return this.coversEveryColumn(members)
    return this.coversEveryColumn(members) && this.hasFullColumn(members)
  }

  /** One available node from every column, `prefer` where it can. */
  private pickCover (available: ReadonlySet<NodeId>, prefer: NodeId, spread: number, skip: number): NodeId[] | null {
    const chosen: NodeId[] = []
    for (let c = 0; c < this.columns.length; c++) {
      if (c === skip) continue
      const col = this.columns[c]!
      if (available.has(prefer) && this.columnOf.get(prefer) === c) { chosen.push(prefer); continue }
      const candidate = rotate(col.filter(id => available.has(id)), spread)[0]
      if (candidate === undefined) return null
      chosen.push(candidate)
    }
    return chosen
  }

  pick (kind: QuorumKind, available: ReadonlySet<NodeId>, prefer: NodeId, spread: number): NodeId[] | null {
    if (kind === 'read' || this.options.unsafeNoIntersection === true) {
      const cover = this.pickCover(available, prefer, spread, -1)
      return cover === null ? null : cover.sort()
    }
    // Full columns available, cheapest first; among equals the one holding
    // `prefer`, then rotated by `spread`.
    const full = rotate(this.columns.map((col, i) => ({ col, i })).filter(({ col }) => col.every(id => available.has(id))), spread)
    if (full.length === 0) return null
    full.sort((a, b) => a.col.length - b.col.length ||
      Number(b.col.includes(prefer)) - Number(a.col.includes(prefer)))
    const best = full[0]!
    const cover = this.pickCover(available, prefer, spread, best.i)
    if (cover === null) return null
    return [...best.col, ...cover].sort()
  }

  figures (): QuorumFigures {
    const sizes = this.columns.map(col => col.length)
    const minCol = Math.min(...sizes)
    const c = this.columns.length
    return {
      system: 'grid',
      nodes: this.roster.length,
      readSize: c,
      writeSize: minCol + c - 1,
      // Reads die when one whole column dies; writes also die when every column lost a node.
      readFaultTolerance: minCol - 1,
      writeFaultTolerance: Math.min(minCol, c) - 1,
      layout: sizes
    }
  }
}
