/**
 * One seed derives everything: the same seed run twice gives the same trace
 * hash (with or without the readable transcript), another seed another hash.
 */
import { expect } from 'chai'
import { runSeed } from '../simulations/sim/run-seed.js'

describe('sim: determinism', () => {
  for (const seed of [3, 11]) {
    it(`seed ${seed} twice gives one trace hash`, async () => {
      const a = await runSeed({ seed, short: true })
      const b = await runSeed({ seed, short: true, trace: true })
      expect(b.traceHash, `seed ${seed}`).to.equal(a.traceHash)
      expect(b.stats).to.deep.equal(a.stats)
      expect((b.trace ?? []).length).to.be.greaterThan(100)
    })
  }

  it('different seeds give different runs', async () => {
    expect((await runSeed({ seed: 1, short: true })).traceHash).to.not.equal((await runSeed({ seed: 2, short: true })).traceHash)
  })
})
