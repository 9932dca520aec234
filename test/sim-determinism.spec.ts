/**
 * One seed derives everything: the same seed run twice gives the same trace
 * hash (with or without the readable transcript), another seed another hash.
 */
import { expect } from 'chai'
import { runSeed } from '../simulations/sim/run-seed.js'

describe('sim: determinism', () => {
  for (const seed of [3, 11]) {
    it(`seed ${seed} twice gives one trace hash`, () => {
      const a = runSeed({ seed, short: true })
      const b = runSeed({ seed, short: true, trace: true })
      expect(b.traceHash, `seed ${seed}`).to.equal(a.traceHash)
      expect(b.stats).to.deep.equal(a.stats)
      expect((b.trace ?? []).length).to.be.greaterThan(100)
    })
  }

  it('different seeds give different runs', () => {
    expect(runSeed({ seed: 1, short: true }).traceHash).to.not.equal(runSeed({ seed: 2, short: true }).traceHash)
  })
})
