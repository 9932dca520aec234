/**
 * The modes checker's oracle (simulations/check/quorum-oracle.ts) builds the
 * quorum sets from their definitions. Here it is held against the
 * properties those definitions promise (every two write quorums intersect,
 * every read quorum meets every write quorum, counts from combinatorics) and,
 * as a cross-check only, against the core's own predicates on every subset of
 * small rosters — the checker itself never calls them.
 */
import { expect } from 'chai'
import { QuorumOracle } from '../simulations/check/quorum-oracle.js'
import { Rng } from '../simulations/sim/rng.js'
import { createQuorumSystem } from '../src/core/quorum.js'

const roster = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}`)

function binomial (n: number, k: number): number {
  let r = 1
  for (let i = 1; i <= k; i++) r = r * (n - k + i) / i
  return Math.round(r)
}

function intersects (a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a)
  return b.some(x => s.has(x))
}

describe('check: the quorum oracle', () => {
  it('enumerates the sets the definitions give (counts)', () => {
    expect([...new QuorumOracle('majority', roster(9)).quorumsWithin('write')]).to.have.length(binomial(9, 5))
    expect([...new QuorumOracle('all', roster(5)).quorumsWithin('write')]).to.deep.equal([roster(5)])
    // 3×3 grid: reads = 3^3 covers; writes = 3 full columns × 3^2 covers of the other two.
    const grid = new QuorumOracle('grid', roster(9))
    expect([...grid.quorumsWithin('read')]).to.have.length(27)
    expect([...grid.quorumsWithin('write')]).to.have.length(27)
    expect(new QuorumOracle('auto', roster(9)).name).to.equal('majority')
    expect(new QuorumOracle('auto', roster(10)).name).to.equal('grid')
  })

  for (const [name, n] of [['majority', 7], ['majority', 8], ['grid', 9], ['grid', 12], ['all', 4]] as const) {
    it(`${name} over ${n} nodes: write∩write and read∩write are never empty`, () => {
      const o = new QuorumOracle(name, roster(n))
      const writes = [...o.quorumsWithin('write')]
      const reads = [...o.quorumsWithin('read')]
      for (const w of writes) {
        for (const v of writes) expect(intersects(w, v), `${w.join(',')} / ${v.join(',')}`).to.equal(true)
        for (const r of reads) expect(intersects(w, r), `${w.join(',')} / ${r.join(',')}`).to.equal(true)
      }
    })
  }

  it('the intersection mutation yields write quorums that can miss each other', () => {
    const o = new QuorumOracle('majority', roster(6), true)
    const writes = [...o.quorumsWithin('write')]
    expect(writes.some(w => writes.some(v => !intersects(w, v)))).to.equal(true)
  })

  for (const [name, n, unsafe] of [['majority', 9, false], ['grid', 9, false], ['grid', 11, false], ['all', 6, false], ['grid', 10, true], ['majority', 7, true]] as const) {
    it(`agrees with the core on every subset: ${name}, ${n} nodes${unsafe ? ', intersection off' : ''}`, () => {
      const ids = roster(n)
      const o = new QuorumOracle(name, ids, unsafe)
      const core = createQuorumSystem(name, ids, { unsafeNoIntersection: unsafe })
      for (let mask = 0; mask < 1 << n; mask++) {
        const reach = new Set(ids.filter((_, i) => (mask & (1 << i)) !== 0))
        const want = core.isWriteQuorum(reach) ? { mode: 'read-write', sharedLocks: true } : { mode: 'read-only', sharedLocks: core.isReadQuorum(reach) }
        expect(o.expectedMode(reach), [...reach].join(',')).to.deep.equal(want)
      }
    })
  }

  it('stays fast on big rosters (the search stops at the first quorum or the first empty column)', () => {
    const seed = 20261206
    const rng = new Rng(seed)
    const started = performance.now()
    for (const [name, n] of [['grid', 100], ['majority', 25], ['grid', 25]] as const) {
      const ids = roster(n)
      const o = new QuorumOracle(name, ids)
      const core = createQuorumSystem(name, ids)
      for (let i = 0; i < 200; i++) {
        const keep = rng.range(0.5, 1)
        const reach = new Set(ids.filter(() => rng.chance(keep)))
        const want = core.isWriteQuorum(reach) ? 'read-write' : 'read-only'
        expect(o.expectedMode(reach).mode, `seed ${seed}, ${name} ${n}, set ${i}`).to.equal(want)
      }
    }
    // Generous: 600 searches take milliseconds; an enumeration of C(25,13) would take minutes.
    expect(performance.now() - started).to.be.below(5000)
  })
})
