/**
 * Quorum systems (DESIGN.md §2), property-tested against brute force in the
 * manner of etcd-io/raft's quorum/quick_test.go:
 *
 * - intersection: for every subset S of a roster with N ≤ 20, never
 *   isWrite(S) ∧ isWrite(V∖S) and never isRead(S) ∧ isWrite(V∖S); seeded
 *   random subsets up to N = 40 (set LOCKMESH_SEED to replay a failure);
 * - sizes and fault tolerance: DESIGN.md's table, and `figures()` equal to
 *   the brute-force minimum quorum size / worst-case crash count;
 * - `pick()`: a cheapest quorum inside `available`, containing `prefer` when
 *   possible, null exactly when `available` holds no quorum;
 * - `auto`; and the `unsafeNoIntersection` mutation really breaks intersection.
 *
 * Subsets are bitmasks over the sorted roster (bit i = `q.roster[i]`), fed to
 * the real predicates through a reusable mask-backed `ReadonlySet`.
 */
import { expect } from 'chai'
import {
  createQuorumSystem,
  resolveQuorumName,
  type QuorumKind,
  type QuorumOptions,
  type QuorumSystem
} from '../src/core/quorum.js'
import type { QuorumSystemName } from '../src/core/types.js'

const QUICK = process.env.LOCKMESH_QUICK === '1'
const SYSTEMS = ['grid', 'majority', 'all'] as const
type System = typeof SYSTEMS[number]

/** n0 … n(n-1), zero-padded so that sorted order = index order. */
function roster (n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${String(i).padStart(2, '0')}`)
}

/** A `ReadonlySet` view of a bitmask over `ids`; `mask` is mutable so one instance serves a whole sweep. */
class MaskSet implements ReadonlySet<string> {
  mask = 0
  private readonly bit = new Map<string, number>()
  constructor (private readonly ids: readonly string[]) {
    if (ids.length > 30) throw new RangeError('MaskSet holds at most 30 ids')
    ids.forEach((id, i) => this.bit.set(id, i))
  }

  has (id: string): boolean {
    const b = this.bit.get(id)
    return b !== undefined && ((this.mask >>> b) & 1) === 1
  }

  get size (): number { return popcount(this.mask) }
  * values (): SetIterator<string> {
    for (let i = 0; i < this.ids.length; i++) if (((this.mask >>> i) & 1) === 1) yield this.ids[i]!
  }

  keys (): SetIterator<string> { return this.values() }
  * entries (): SetIterator<[string, string]> { for (const v of this.values()) yield [v, v] }
  [Symbol.iterator] (): SetIterator<string> { return this.values() }
  forEach (fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const v of this.values()) fn.call(thisArg, v, v, this)
  }
}

function popcount (x: number): number {
  let n = 0
  while (x !== 0) { x &= x - 1; n++ }
  return n
}

function maskToIds (ids: readonly string[], mask: number): string[] {
  return ids.filter((_, i) => ((mask >>> i) & 1) === 1)
}

/** Seeded PRNG (mulberry32): the whole random sweep derives from one 32-bit seed. */
function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = process.env.LOCKMESH_SEED !== undefined
  ? Number(process.env.LOCKMESH_SEED) >>> 0
  : (Math.random() * 2 ** 32) >>> 0
const replay = `(seed ${SEED}; replay with LOCKMESH_SEED=${SEED})`

/**
 * An independent model of the predicates, from DESIGN.md §2 and the layout
 * documented in quorum.ts (sorted roster, node i in column i mod c).
 */
function model (system: System, n: number): { isRead: (m: number) => boolean, isWrite: (m: number) => boolean } {
  if (system === 'majority') {
    const size = Math.floor(n / 2) + 1
    return { isRead: m => popcount(m) >= size, isWrite: m => popcount(m) >= size }
  }
  if (system === 'all') {
    const full = n === 32 ? 0xFFFFFFFF : (1 << n) - 1
    return { isRead: m => m === full, isWrite: m => m === full }
  }
  const c = Math.max(1, Math.floor(Math.sqrt(n)))
  const cols = new Array<number>(c).fill(0)
  for (let i = 0; i < n; i++) cols[i % c]! |= 1 << i
  const covers = (m: number): boolean => cols.every(col => (m & col) !== 0)
  return { isRead: covers, isWrite: m => covers(m) && cols.some(col => (m & col) === col) }
}

interface Sweep {
  isRead: Uint8Array
  isWrite: Uint8Array
}

/** The real predicates over every subset of the roster (N ≤ 20). */
function sweep (q: QuorumSystem): Sweep {
  const n = q.roster.length
  const set = new MaskSet(q.roster)
  const isRead = new Uint8Array(1 << n)
  const isWrite = new Uint8Array(1 << n)
  for (let m = 0; m < 1 << n; m++) {
    set.mask = m
    isRead[m] = q.isReadQuorum(set) ? 1 : 0
    isWrite[m] = q.isWriteQuorum(set) ? 1 : 0
  }
  return { isRead, isWrite }
}

/** First intersection violation over all subsets, or null. */
function exhaustiveViolation (q: QuorumSystem, s: Sweep): string | null {
  const n = q.roster.length
  const full = (1 << n) - 1
  for (let m = 0; m <= full; m++) {
    const comp = full ^ m
    if (s.isWrite[comp] === 0) continue
    if (s.isWrite[m] === 1) return `write ${JSON.stringify(maskToIds(q.roster, m))} and write ${JSON.stringify(maskToIds(q.roster, comp))} are disjoint`
    if (s.isRead[m] === 1) return `read ${JSON.stringify(maskToIds(q.roster, m))} and write ${JSON.stringify(maskToIds(q.roster, comp))} are disjoint`
  }
  return null
}

/**
 * Random subsets S of a roster of any size, each checked against V∖S (and a
 * random part T ⊆ V∖S). S is drawn three ways so that quorums actually occur:
 * uniform at a random density, a `pick()` result from a random available set
 * plus random extras, and a random full grid-like block plus one node per stripe.
 */
function randomViolation (q: QuorumSystem, rand: () => number, samples: number): { violation: string | null, writeHits: number, readHits: number } {
  const ids = q.roster
  const n = ids.length
  let writeHits = 0
  let readHits = 0
  for (let k = 0; k < samples; k++) {
    const s = new Set<string>()
    const how = k % 3
    if (how === 0) {
      const p = rand()
      for (const id of ids) if (rand() < p) s.add(id)
    } else if (how === 1) {
      const avail = new Set<string>()
      const p = 0.5 + rand() / 2
      for (const id of ids) if (rand() < p) avail.add(id)
      const kind: QuorumKind = rand() < 0.5 ? 'read' : 'write'
      const picked = q.pick(kind, avail, ids[Math.floor(rand() * n)]!, Math.floor(rand() * 1000))
      for (const id of picked ?? []) s.add(id)
      const extra = rand() / 4
      for (const id of ids) if (rand() < extra) s.add(id)
    } else {
      // A random stripe i ≡ r (mod c) plus one node of every other stripe.
      const c = Math.max(1, Math.floor(Math.sqrt(n)))
      const r = Math.floor(rand() * c)
      for (let i = 0; i < n; i++) if (i % c === r) s.add(ids[i]!)
      for (let j = 0; j < c; j++) {
        const members = ids.filter((_, i) => i % c === j)
        s.add(members[Math.floor(rand() * members.length)]!)
      }
    }
    const comp = new Set(ids.filter(id => !s.has(id)))
    const t = new Set([...comp].filter(() => rand() < 0.8))
    const sWrite = q.isWriteQuorum(s)
    const sRead = q.isReadQuorum(s)
    if (sWrite) writeHits++
    if (sRead) readHits++
    for (const other of [comp, t]) {
      if (!q.isWriteQuorum(other)) continue
      if (sWrite) return { violation: `N=${n}: write ${JSON.stringify([...s])} and write ${JSON.stringify([...other])} are disjoint ${replay}`, writeHits, readHits }
      if (sRead) return { violation: `N=${n}: read ${JSON.stringify([...s])} and write ${JSON.stringify([...other])} are disjoint ${replay}`, writeHits, readHits }
    }
  }
  return { violation: null, writeHits, readHits }
}

describe('quorum systems', function () {
  // Sweeps are cached: each (system, N ≤ 20) is computed once.
  const sweeps = new Map<string, { q: QuorumSystem, s: Sweep }>()
  function swept (system: System, n: number): { q: QuorumSystem, s: Sweep } {
    const key = `${system}:${n}`
    let hit = sweeps.get(key)
    if (hit === undefined) {
      const q = createQuorumSystem(system, roster(n))
      hit = { q, s: sweep(q) }
      sweeps.set(key, hit)
    }
    return hit
  }

  describe('intersection (DESIGN.md §2: W∩W ≠ ∅, R∩W ≠ ∅)', function () {
    for (const system of SYSTEMS) {
      it(`${system}: no subset S with isWrite(S) ∧ isWrite(V∖S) or isRead(S) ∧ isWrite(V∖S), every S, N = 1…20`, function () {
        this.timeout(120_000)
        for (let n = 1; n <= 20; n++) {
          const { q, s } = swept(system, n)
          expect(exhaustiveViolation(q, s), `${system} N=${n}`).to.equal(null)
        }
      })

      it(`${system}: predicates equal the brute-force model and are monotone, N = 1…20`, function () {
        this.timeout(120_000)
        for (let n = 1; n <= 20; n++) {
          const { q, s } = swept(system, n)
          const mdl = model(system, n)
          let bad: string | null = null
          outer: for (let m = 0; m < 1 << n; m++) {
            if ((s.isRead[m] === 1) !== mdl.isRead(m)) { bad = `isRead(${JSON.stringify(maskToIds(q.roster, m))})`; break }
            if ((s.isWrite[m] === 1) !== mdl.isWrite(m)) { bad = `isWrite(${JSON.stringify(maskToIds(q.roster, m))})`; break }
            // Every write quorum is a read quorum; adding a node keeps a quorum a quorum.
            if (s.isWrite[m] === 1 && s.isRead[m] === 0) { bad = `write but not read: ${JSON.stringify(maskToIds(q.roster, m))}`; break }
            for (let i = 0; i < n; i++) {
              const up = m | (1 << i)
              if ((s.isRead[m]! > s.isRead[up]!) || (s.isWrite[m]! > s.isWrite[up]!)) {
                bad = `not monotone at ${JSON.stringify(maskToIds(q.roster, m))} + ${q.roster[i]!}`
                break outer
              }
            }
          }
          expect(bad, `${system} N=${n}`).to.equal(null)
        }
      })

      it(`${system}: seeded random subsets, N = 21…40`, function () {
        this.timeout(120_000)
        const rand = mulberry32(SEED)
        const samples = QUICK ? 300 : 3000
        for (let n = 21; n <= 40; n++) {
          const q = createQuorumSystem(system, roster(n))
          const r = randomViolation(q, rand, samples)
          expect(r.violation, `${system} N=${n} ${replay}`).to.equal(null)
          // The sampler must actually produce quorums, or it proves nothing.
          expect(r.writeHits, `${system} N=${n}: write quorums sampled ${replay}`).to.be.greaterThan(0)
          expect(r.readHits, `${system} N=${n}: read quorums sampled ${replay}`).to.be.greaterThan(0)
        }
      })
    }
  })

  describe('the unsafeNoIntersection mutation is real', function () {
    const unsafe: QuorumOptions = { unsafeNoIntersection: true }
    for (const system of SYSTEMS) {
      it(`${system}: exhaustive search finds disjoint quorums for every N = 2…16`, function () {
        for (let n = 2; n <= 16; n++) {
          const q = createQuorumSystem(system, roster(n), unsafe)
          expect(exhaustiveViolation(q, sweep(q)), `${system} N=${n}`).to.be.a('string')
        }
      })

      it(`${system}: the seeded random sampler finds disjoint quorums, N = 21…40`, function () {
        const rand = mulberry32(SEED)
        for (let n = 21; n <= 40; n++) {
          const q = createQuorumSystem(system, roster(n), unsafe)
          expect(randomViolation(q, rand, 3000).violation, `${system} N=${n} ${replay}`).to.be.a('string')
        }
      })
    }
  })

  describe('sizes and fault tolerance (figures)', function () {
    // DESIGN.md §2's table.
    const table = [
      { n: 9, gridWrite: 5, gridFw: 2, gridFr: 2, majSize: 5, majF: 4 },
      { n: 16, gridWrite: 7, gridFw: 3, gridFr: 3, majSize: 9, majF: 7 },
      { n: 25, gridWrite: 9, gridFw: 4, gridFr: 4, majSize: 13, majF: 12 },
      { n: 100, gridWrite: 19, gridFw: 9, gridFr: 9, majSize: 51, majF: 49 }
    ]
    for (const row of table) {
      it(`N=${row.n}: grid write size ${row.gridWrite}, f_w ${row.gridFw}, f_r ${row.gridFr}; majority size ${row.majSize}, f ${row.majF}`, function () {
        const grid = createQuorumSystem('grid', roster(row.n)).figures()
        expect(grid.system).to.equal('grid')
        expect(grid.nodes).to.equal(row.n)
        expect(grid.writeSize).to.equal(row.gridWrite)
        expect(grid.writeFaultTolerance).to.equal(row.gridFw)
        expect(grid.readFaultTolerance).to.equal(row.gridFr)
        expect(grid.readSize).to.equal(Math.floor(Math.sqrt(row.n)))
        const maj = createQuorumSystem('majority', roster(row.n)).figures()
        expect(maj.system).to.equal('majority')
        expect(maj.writeSize).to.equal(row.majSize)
        expect(maj.readSize).to.equal(row.majSize)
        expect(maj.writeFaultTolerance).to.equal(row.majF)
        expect(maj.readFaultTolerance).to.equal(row.majF)
      })
    }

    it('figures() equal the brute-force smallest quorum and worst-case crash count, every system, N = 1…20', function () {
      this.timeout(120_000)
      for (const system of SYSTEMS) {
        for (let n = 1; n <= 20; n++) {
          const { q, s } = swept(system, n)
          // Smallest quorum; largest non-quorum S (crashing V∖S kills every quorum).
          let minRead = Infinity; let minWrite = Infinity; let maxNonRead = -1; let maxNonWrite = -1
          for (let m = 0; m < 1 << n; m++) {
            const size = popcount(m)
            if (s.isRead[m] === 1) minRead = Math.min(minRead, size); else maxNonRead = Math.max(maxNonRead, size)
            if (s.isWrite[m] === 1) minWrite = Math.min(minWrite, size); else maxNonWrite = Math.max(maxNonWrite, size)
          }
          const f = q.figures()
          const label = `${system} N=${n}`
          expect(f.system, label).to.equal(system)
          expect(f.nodes, label).to.equal(n)
          expect(f.readSize, `${label} readSize`).to.equal(minRead)
          expect(f.writeSize, `${label} writeSize`).to.equal(minWrite)
          // Tolerate f crashes = (fewest crashes that kill every quorum) − 1.
          expect(f.readFaultTolerance, `${label} f_r`).to.equal(n - maxNonRead - 1)
          expect(f.writeFaultTolerance, `${label} f_w`).to.equal(n - maxNonWrite - 1)
          expect(f.layout.reduce((a, b) => a + b, 0), `${label} layout`).to.equal(n)
        }
      }
    })

    it('grid layout: c = floor(sqrt N) columns, never a one-node column (N ≥ 2), stable layout string', function () {
      for (let n = 1; n <= 100; n++) {
        const q = createQuorumSystem('grid', roster(n))
        const f = q.figures()
        expect(f.layout.length, `N=${n}`).to.equal(Math.floor(Math.sqrt(n)))
        if (n >= 2) expect(Math.min(...f.layout), `N=${n}`).to.be.at.least(2)
        expect(Math.max(...f.layout) - Math.min(...f.layout), `N=${n}: balanced`).to.be.at.most(1)
        expect(q.layout).to.equal(`grid:${f.layout.join('+')}`)
      }
      expect(createQuorumSystem('grid', roster(10)).layout).to.equal('grid:4+3+3')
      expect(createQuorumSystem('majority', roster(7)).layout).to.equal('majority:7')
      expect(createQuorumSystem('all', roster(3)).layout).to.equal('all:3')
    })
  })

  describe('auto', function () {
    it('is majority below 10 nodes and grid from 10 up (N = 1…40)', function () {
      for (let n = 1; n <= 40; n++) {
        const expected = n < 10 ? 'majority' : 'grid'
        expect(resolveQuorumName('auto', n), `N=${n}`).to.equal(expected)
        expect(createQuorumSystem('auto', roster(n)).name, `N=${n}`).to.equal(expected)
      }
      for (const name of SYSTEMS) expect(resolveQuorumName(name, 25)).to.equal(name)
    })
  })

  describe('computed identically on every node', function () {
    it('roster order and duplicates do not matter', function () {
      const ids = roster(16)
      const shuffled = [...ids].reverse().concat(ids.slice(0, 3))
      for (const name of ['grid', 'majority', 'all', 'auto'] as QuorumSystemName[]) {
        const a = createQuorumSystem(name, ids)
        const b = createQuorumSystem(name, shuffled)
        expect(b.roster).to.deep.equal(a.roster)
        expect(b.layout).to.equal(a.layout)
        const avail = new Set(ids.filter((_, i) => i % 5 !== 1))
        for (let spread = 0; spread < 8; spread++) {
          for (const kind of ['read', 'write'] as QuorumKind[]) {
            expect(b.pick(kind, avail, 'n04', spread)).to.deep.equal(a.pick(kind, avail, 'n04', spread))
          }
        }
      }
    })

    it('an empty roster is refused', function () {
      expect(() => createQuorumSystem('grid', [])).to.throw(RangeError)
    })
  })

  describe('pick()', function () {
    /**
     * Brute force over every available set (N ≤ 12): the smallest quorum inside
     * it, and the smallest one that also contains node p.
     */
    function bruteMin (isQ: Uint8Array, n: number): { min: Int32Array, minWith: Int32Array[] } {
      const INF = 1 << 20
      const size = 1 << n
      const min = new Int32Array(size).fill(INF)
      const minWith = Array.from({ length: n }, () => new Int32Array(size).fill(INF))
      for (let m = 0; m < size; m++) {
        let best = isQ[m] === 1 ? popcount(m) : INF
        for (let i = 0; i < n; i++) if (((m >>> i) & 1) === 1) best = Math.min(best, min[m ^ (1 << i)]!)
        min[m] = best
        for (let p = 0; p < n; p++) {
          if (((m >>> p) & 1) === 0) continue
          let bp = isQ[m] === 1 ? popcount(m) : INF
          for (let i = 0; i < n; i++) if (i !== p && ((m >>> i) & 1) === 1) bp = Math.min(bp, minWith[p]![m ^ (1 << i)]!)
          minWith[p]![m] = bp
        }
      }
      return { min, minWith }
    }

    for (const system of SYSTEMS) {
      it(`${system}: a cheapest quorum inside available, with prefer when possible, null exactly when none (every available set, N = 1…12)`, function () {
        this.timeout(120_000)
        for (let n = 1; n <= 12; n++) {
          const { q, s } = swept(system, n)
          const ids = q.roster
          const set = new MaskSet(ids)
          for (const kind of ['read', 'write'] as QuorumKind[]) {
            const isQ = kind === 'read' ? s.isRead : s.isWrite
            const { min, minWith } = bruteMin(isQ, n)
            for (let m = 0; m < 1 << n; m++) {
              const avail = new Set(maskToIds(ids, m))
              for (let p = -1; p < n; p++) {
                const prefer = p < 0 ? 'outsider' : ids[p]!
                const spread = (m * 7 + p * 3) % 11
                const got = q.pick(kind, avail, prefer, spread)
                const label = (): string => `${system} N=${n} ${kind} available=${JSON.stringify([...avail])} prefer=${prefer} spread=${spread}`
                // Plain checks in this hot loop (chai per call is slow); chai reports the first failure.
                const fail = (why: string): never => { expect.fail(`${label()}: ${why}; got ${JSON.stringify(got)}`) }
                if (min[m]! >= 1 << 20) {
                  if (got !== null) fail('expected null (no quorum available)')
                  continue
                }
                if (got === null) { fail('expected a quorum'); continue }
                if (new Set(got).size !== got.length) fail('duplicates')
                let mask = 0
                for (const id of got) {
                  if (!avail.has(id)) fail(`${id} not available`)
                  mask |= 1 << ids.indexOf(id)
                }
                set.mask = mask
                if (!q.isQuorum(kind, set)) fail(`not a ${kind} quorum`)
                if (got.length !== min[m]) fail(`not cheapest (${min[m]!} nodes suffice)`)
                if (p >= 0 && minWith[p]![m]! < 1 << 20) {
                  if (!got.includes(prefer)) fail('prefer missing although a quorum containing it exists')
                  if (got.length !== minWith[p]![m]) fail('more nodes than the cheapest quorum containing prefer')
                }
                // Deterministic: every node computes the same answer.
                if (JSON.stringify(q.pick(kind, avail, prefer, spread)) !== JSON.stringify(got)) fail('not deterministic')
              }
            }
          }
        }
      })
    }

    it('spread rotates between equally cheap quorums (grid and majority, N = 16)', function () {
      for (const system of ['grid', 'majority'] as const) {
        const q = createQuorumSystem(system, roster(16))
        const all = new Set(q.roster)
        for (const kind of ['read', 'write'] as QuorumKind[]) {
          const seen = new Set<string>()
          for (let spread = 0; spread < 16; spread++) seen.add(JSON.stringify(q.pick(kind, all, 'n00', spread)))
          expect(seen.size, `${system} ${kind}`).to.be.greaterThan(1)
        }
      }
    })
  })
})

describe('coversRecovery (disk-loss recovery: S meets Q∖{self} for every read and write quorum Q ∋ self)', function () {
  /** Brute force from the model: every quorum mask containing `self`, checked against S. */
  function oracle (system: System, n: number, self: number, s: number, writeOnly: boolean): boolean {
    const mdl = model(system, n)
    const selfBit = 1 << self
    for (let q = 0; q < 1 << n; q++) {
      if ((q & selfBit) === 0) continue
      const counts = mdl.isWrite(q) || (!writeOnly && mdl.isRead(q))
      if (counts && (q & ~selfBit & s) === 0) return false
    }
    return true
  }

  function check (system: System, n: number, self: number, s: number, writeOnly: boolean): string | null {
    const q = createQuorumSystem(system, roster(n))
    const set = new MaskSet(q.roster)
    set.mask = s
    const got = q.coversRecovery(q.roster[self]!, set, writeOnly)
    const want = oracle(system, n, self, s & ~(1 << self), writeOnly)
    return got === want ? null : `${system} N=${n} self=${q.roster[self]!} S=${JSON.stringify(maskToIds(q.roster, s))} writeOnly=${String(writeOnly)}: got ${String(got)}, oracle ${String(want)}`
  }

  for (const system of SYSTEMS) {
    it(`${system}: equals the brute-force oracle for every S and every self, N = 1…9`, function () {
      this.timeout(60_000)
      for (let n = 1; n <= 9; n++) {
        for (let self = 0; self < n; self++) {
          for (let s = 0; s < 1 << n; s++) {
            for (const writeOnly of [false, true]) {
              const bad = check(system, n, self, s, writeOnly)
              expect(bad).to.equal(null)
            }
          }
        }
      }
    })
  }

  it('grid and majority: seeded random S equal the oracle, N = 10, 12, 16', function () {
    this.timeout(60_000)
    const rand = mulberry32(SEED)
    for (const system of ['grid', 'majority'] as const) {
      for (const n of [10, 12, 16]) {
        for (let k = 0; k < 40; k++) {
          const self = Math.floor(rand() * n)
          const p = rand()
          let s = 0
          for (let i = 0; i < n; i++) if (rand() < p) s |= 1 << i
          for (const writeOnly of [false, true]) expect(check(system, n, self, s, writeOnly), replay).to.equal(null)
        }
      }
    }
  })

  it('grid 9: one peer per column covers every write quorum but not every read quorum (why reads count)', function () {
    const q = createQuorumSystem('grid', roster(9))
    // Columns: {n00,n03,n06} {n01,n04,n07} {n02,n05,n08}; self = n00.
    const s = new Set(['n03', 'n04', 'n05'])
    expect(q.coversRecovery('n00', s, true)).to.equal(true)
    // The read quorum {n00, n01, n02} meets S nowhere but in n00's absence.
    expect(q.coversRecovery('n00', s)).to.equal(false)
    expect(q.coversRecovery('n00', new Set(['n01', 'n04', 'n07']))).to.equal(true)
  })

  it('a lone node can never recover; all: any one peer suffices', function () {
    expect(createQuorumSystem('majority', roster(1)).coversRecovery('n00', new Set())).to.equal(false)
    const all = createQuorumSystem('all', roster(5))
    expect(all.coversRecovery('n00', new Set(['n03']))).to.equal(true)
    expect(all.coversRecovery('n00', new Set(['n00']))).to.equal(false)
  })
})
