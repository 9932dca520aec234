/** The simulator's command line: the documented flags exactly, hidden test flags, replay commands. */
import { expect } from 'chai'
import { parseArgs, replayCommand, UsageError } from '../simulations/sim/cli-args.js'

describe('sim: command line', () => {
  it('parses the documented flags', () => {
    const o = parseArgs(['--seeds', '20', '--seed', '7', '--nodes', '25', '--quorum', 'grid', '--json', '--trace'])
    expect(o).to.include({ seeds: 20, seed: 7, nodes: 25, quorum: 'grid', json: true, trace: true })
  })

  it('defaults: 1 seed from 1, 9 nodes, the core\'s auto quorum', () => {
    expect(parseArgs([])).to.include({ seeds: 1, seed: 1, nodes: 9, quorum: 'auto', json: false, trace: false, storeTwoMarks: true })
  })

  it('takes the hidden mutation flags', () => {
    const o = parseArgs(['--unsafe', 'driftFormula', '--unsafe', 'quietPeriod', '--store-one-mark', '--faults', 'pause,suspend', '--clock-scale', '1.5'])
    expect(o.unsafe).to.deep.equal(['driftFormula', 'quietPeriod'])
    expect(o.storeTwoMarks).to.equal(false)
    expect(o.faults).to.deep.equal(['pause', 'suspend'])
    expect(o.clockScale).to.equal(1.5)
  })

  it('refuses what it does not know, saying what it expected', () => {
    expect(() => parseArgs(['--seeds', 'x'])).to.throw(UsageError, /--seeds expects an integer/)
    expect(() => parseArgs(['--quorum', 'ring'])).to.throw(UsageError, /grid, majority or all/)
    expect(() => parseArgs(['--unsafe', 'nope'])).to.throw(UsageError, /quorumIntersection/)
    expect(() => parseArgs(['--bogus'])).to.throw(UsageError, /unknown argument/)
  })

  it('builds a replay command with the same settings', () => {
    const o = parseArgs(['--seeds', '100', '--nodes', '5', '--quorum', 'majority', '--unsafe', 'quietPeriod'])
    expect(replayCommand(o, 42)).to.equal('npm run sim -- --seeds 1 --seed 42 --nodes 5 --quorum majority --unsafe quietPeriod --trace')
  })
})
