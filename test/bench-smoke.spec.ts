/**
 * `npm run bench` in its smallest configuration (3 nodes, one rep, ~1 s
 * scenarios, every layout, a failover): the output has the documented schema, no
 * configuration failed, no update was lost, the Markdown renders, and no
 * process is left behind. Children run from source under tsx here (no build
 * needed); nothing here asserts a speed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { failed, writeResults } from '../simulations/bench/results-io.js'
import { runningChildren } from '../simulations/bench/processes.js'
import { runBench, SCHEMA, type BenchResult } from '../simulations/bench/run-bench.js'
import { QUICK, type BenchSettings } from '../simulations/bench/settings.js'

const SMOKE: BenchSettings = {
  ...QUICK,
  label: 'custom',
  nodes: [3],
  // node 2 has no workers: it runs `lockmesh node` (the CLI) inside the spread layout.
  spread: { 3: [6, 2, 0] },
  uncontendedWarmup: 10,
  uncontendedCycles: 40,
  contentionMs: 500,
  manyKeys: 100,
  heldLocks: 100,
  partition: false,
  // A short lease keeps the failover (kill → the waiter's grant ≈ the lease) to about a second.
  ttlMs: 1_500,
  failoverNodes: 3,
  idleMs: 100,
  readyTimeoutMs: 20_000
}

describe('npm run bench (smoke: smallest configuration)', function () {
  this.timeout(60_000)
  let result: BenchResult
  const lines: string[] = []

  before(async () => {
    result = await runBench(SMOKE, line => { lines.push(line) })
    if (process.env.BENCH_SMOKE_VERBOSE === '1') console.log(lines.join('\n'))
  })

  it('runs every configuration without an error or a lost update', () => {
    expect(failed(result), lines.join('\n')).to.deep.equal([])
    expect(result.runs.map(r => `${r.kind}-${r.nodes}`)).to.deep.equal(['memory-3', 'baseline-3', 'embedded-3', 'spread-3'])
    expect(runningChildren()).to.equal(0)
  })

  it('records the documented schema: machine facts, settings, per-run scenarios, summary per metric', () => {
    expect(result.schema).to.equal(SCHEMA)
    expect(result.machine.cores).to.be.a('number').above(0)
    expect(result.machine.loadAverage).to.have.length(3)
    expect(result.machine.node).to.match(/^v\d+/)
    expect(result.settings.nodes).to.deep.equal([3])
    const [mem, base, emb, spr] = result.runs
    expect(mem!.scenarios.hotKey!.lostUpdates).to.equal(0)
    expect(mem!.scenarios.hotKey!.perWorker).to.have.length(SMOKE.memoryWorkers)
    expect(base!.scenarios.baseline!.twoRoundP50Ms).to.be.above(0)
    const u = emb!.scenarios.uncontended!
    expect(u.cycles).to.equal(SMOKE.uncontendedCycles)
    expect(u.acquireP99Ms).to.be.at.least(u.acquireP50Ms)
    expect(u.framesPerAcquire!.total).to.be.above(0)
    for (const sc of [emb!.scenarios.hotKey!, emb!.scenarios.manyKeys!, spr!.scenarios.hotKey!, spr!.scenarios.manyKeys!]) {
      expect(sc.sections).to.be.above(0)
      expect(sc.lostUpdates).to.equal(0)
      expect(sc.perWorker).to.have.length(SMOKE.workers)
    }
    expect(spr!.scenarios.hotKey!.workersPerNode).to.deep.equal(SMOKE.spread[3])
    expect(emb!.scenarios.shared!.sections).to.be.above(0)
    expect(emb!.scenarios.rssIdle!.node1).to.be.a('number').above(0)
    const held = spr!.scenarios.heldLocks!
    expect(held.held).to.equal(held.requested)
    // The CLI peer only votes: its votes are derived from the others' (held × quorum − reported).
    expect(held.perNode.node2!.kind).to.equal('cli')
    expect(held.perNode.node2!.votes).to.be.above(0)
    // The waiter is granted only after the kill (the bench throws if it was granted while the holder held the key).
    expect(spr!.scenarios.failover!.failoverMs).to.be.above(0)
    const sum = result.summary['embedded-3']!
    expect(sum['hotKey.opsPerSec']!.median).to.be.above(0)
    expect(sum['uncontended.acquireP50Ms']!.values).to.have.length(1)
  })

  it('writes the JSON and the Markdown report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'))
    try {
      const files = await writeResults(result, dir, 'smoke')
      const json = JSON.parse(await readFile(files.json, 'utf8')) as BenchResult
      expect(json.schema).to.equal(SCHEMA)
      const md = await readFile(files.md, 'utf8')
      expect(md).to.include('## Latency').and.include('## Throughput').and.include('## Memory').and.include('## The protocol alone').and.include("## Issue 10's criteria")
      expect(md).to.include('| 3 | embedded 8/0/0 |')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
