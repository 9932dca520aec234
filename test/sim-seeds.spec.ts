/**
 * The simulator across the fault mix: hundreds of short seeds (swarm testing:
 * each seed picks its own faults), zero violations. Every failure names its
 * seed and the command that replays it.
 * LOCKMESH_QUICK=1 runs a sample.
 */
import { expect } from 'chai'
import { FAULT_KINDS, type FaultKind } from '../simulations/sim/fault-schedule.js'
import { runSeed, type RunOptions } from '../simulations/sim/run-seed.js'

const QUICK = process.env.LOCKMESH_QUICK === '1'

interface Sweep { name: string, seeds: number, options: Omit<RunOptions, 'seed'>, flags: string }

const SWEEPS: Sweep[] = [
  { name: '9 nodes, majority (auto)', seeds: QUICK ? 40 : 200, options: { nodes: 9 }, flags: '--nodes 9' },
  { name: '9 nodes, grid', seeds: QUICK ? 20 : 80, options: { nodes: 9, quorum: 'grid' }, flags: '--nodes 9 --quorum grid' },
  { name: '5 nodes, majority', seeds: QUICK ? 10 : 40, options: { nodes: 5 }, flags: '--nodes 5' },
  // Full-length safety phases: a mode flap needs ~6 s of it and never fits a short seed.
  { name: '9 nodes, every fault kind at once, full-length phases', seeds: QUICK ? 3 : 8, options: { nodes: 9, faults: [...FAULT_KINDS], short: false }, flags: `--nodes 9 --faults ${FAULT_KINDS.join(',')}` }
]

describe('sim: seeds across the fault mix', () => {
  const injected = new Map<FaultKind, number>()
  let faultFree = 0
  let total = 0
  for (const sweep of SWEEPS) {
    it(`${sweep.name}: ${sweep.seeds} seeds, 0 violations`, async () => {
      const failures: string[] = []
      for (let seed = 1; seed <= sweep.seeds; seed++) {
        const r = await runSeed({ seed, short: true, ...sweep.options })
        total++
        if (r.stats.faultFree) faultFree++
        for (const k of FAULT_KINDS) injected.set(k, (injected.get(k) ?? 0) + r.stats.faults[k].injected)
        if (r.stats.faultFree) expect(r.stats.restarts, `seed ${seed}: restarts in a fault-free run`).to.deep.equal({ attempt: 0, drop: 0 })
        for (const v of r.violations) {
          failures.push(`seed ${seed} ${v.kind}: ${v.details}\n    replay: npm run sim -- --seeds 1 --seed ${seed} ${sweep.flags} --trace`)
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([])
    })
  }

  it('injected every fault kind and ran fault-free seeds', function () {
    if (total === 0) this.skip()
    for (const k of FAULT_KINDS) expect(injected.get(k) ?? 0, k).to.be.greaterThan(0)
    expect(faultFree).to.be.greaterThan(0)
  })
})
