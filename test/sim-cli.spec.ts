/** The simulator's command line: the documented flags exactly, hidden test flags, replay commands, --history. */
import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCheck } from '../simulations/check/cli-check.js'
import { parseArgs, replayCommand, UsageError } from '../simulations/sim/cli-args.js'
import { historyLine } from '../simulations/sim/observer.js'
import { runSeed, type RunOptions } from '../simulations/sim/run-seed.js'

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

  it('--history takes a file and one seed only', () => {
    expect(parseArgs(['--history', 'h.jsonl'])).to.include({ history: 'h.jsonl', seeds: 1 })
    expect(() => parseArgs(['--seeds', '2', '--history', 'h.jsonl'])).to.throw(UsageError, /one seed/)
    expect(() => parseArgs(['--history'])).to.throw(UsageError, /file name/)
  })
})

describe('sim: its history is a lockmesh check history', () => {
  let dir = ''
  before(() => { dir = mkdtempSync(join(tmpdir(), 'lockmesh-sim-history-')) })
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  /** Runs one seed, writes its history.jsonl, runs `lockmesh check --json` on it. */
  async function simAndCheck (options: RunOptions): Promise<{ simKinds: string[], code: number, checkKinds: string[] }> {
    const r = await runSeed({ ...options, keepHistory: true })
    const file = join(dir, `seed-${options.seed}.jsonl`)
    writeFileSync(file, (r.history ?? []).map(historyLine).join('\n') + '\n')
    const out: string[] = []
    const code = await runCheck([file, '--json'], { out: l => { out.push(l) }, err: l => { out.push(l) } })
    const summary = JSON.parse(out[out.length - 1]!) as { violationCounts: Record<string, number> }
    return { simKinds: [...new Set(r.violations.map(v => v.kind))].sort(), code, checkKinds: Object.keys(summary.violationCounts).sort() }
  }

  it('a clean seed passes lockmesh check', async () => {
    const r = await simAndCheck({ seed: 3, short: true })
    expect(r).to.deep.equal({ simKinds: [], code: 0, checkKinds: [] })
  })

  it('a mutated seed fails lockmesh check with the kinds npm run sim reported', async () => {
    // The first of seeds 1..10 where the mutation shows (the mutation suite's bound).
    let r = { simKinds: [] as string[], code: 0, checkKinds: [] as string[] }
    for (let seed = 1; seed <= 10 && !r.simKinds.includes('token-order'); seed++) {
      r = await simAndCheck({ seed, nodes: 3, quorum: 'majority', faults: ['crash-restart'], holdToExpiry: true, unsafe: ['fencePersistence'] })
    }
    expect(r.simKinds).to.include('token-order')
    expect(r.code).to.equal(1)
    expect(r.checkKinds).to.deep.equal(r.simKinds)
  })
})
