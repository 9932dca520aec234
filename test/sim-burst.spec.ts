/**
 * The simulator's `burst` fault (issue 11): a node whose steps arrive late in
 * bursts. It must bite — it is injected, and with the local health multiplier
 * off the bursting nodes accuse healthy peers more — and with the multiplier
 * on (the shipped node) every checker stays green.
 */
import { expect } from 'chai'
import { runSeed, type RunOptions } from '../simulations/sim/run-seed.js'

const SEEDS = [1, 2, 3, 4]

async function sweep (options: Omit<RunOptions, 'seed'>): Promise<{ injected: number, burstSuspicions: number, violations: string[] }> {
  let injected = 0
  let burstSuspicions = 0
  const violations: string[] = []
  for (const seed of SEEDS) {
    const r = await runSeed({ seed, faults: ['burst'], short: true, ...options })
    injected += r.stats.faults.burst.injected
    burstSuspicions += r.stats.burstSuspicions
    for (const v of r.violations) violations.push(`seed ${seed} ${v.kind}: ${v.details}`)
  }
  return { injected, burstSuspicions, violations }
}

describe('sim: the burst fault', function () {
  this.timeout(120_000)

  it(`bites: with the multiplier off the bursting nodes accuse more peers than with it on (seeds ${SEEDS.join(', ')}); no violation either way`, async function () {
    const on = await sweep({})
    const off = await sweep({ coreOverrides: { localHealthMax: 1 } })
    this.test!.title += ` (suspicions by bursting nodes: ${on.burstSuspicions} on, ${off.burstSuspicions} off; ${on.injected} bursts)`
    expect(on.injected, 'burst faults injected').to.be.greaterThan(0)
    expect(on.violations).to.deep.equal([])
    expect(off.violations).to.deep.equal([])
    expect(off.burstSuspicions, `replay: npm run sim -- --seeds ${SEEDS.length} --faults burst --local-health-max 1`).to.be.greaterThan(on.burstSuspicions)
  })
})
