/**
 * `lockmesh simulate` (issue 5): the pure parts (options, chaos schedule,
 * fenced store, network fault composition) and real runs of the compiled
 * CLI — node processes on 127.0.0.1, every chaos kind, the history checked —
 * plus Ctrl-C reaping every child.
 *
 * The real runs use dist/ (the node processes are compiled JavaScript); it is
 * rebuilt first when a source is newer. LOCKMESH_QUICK=1 runs a shorter
 * smoke run (kill, pause, partition) instead of the full one.
 */
import { expect } from 'chai'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { planChaos } from '../simulations/cluster/chaos-plan.js'
import { FencedStore } from '../simulations/cluster/fenced-store.js'
import { IpcNetworkControl } from '../simulations/cluster/network.js'
import { CHAOS_KINDS, parseSimulateArgs, parseTime } from '../simulations/cluster/options.js'
import type { HistoryEvent, NetState } from '../simulations/cluster/protocol.js'
import { Rng } from '../simulations/cluster/rng.js'
import { runTimings } from '../simulations/cluster/timings.js'
import { ensureBuilt } from './helpers/ensure-built.js'

const QUICK = process.env.LOCKMESH_QUICK === '1'
const ROOT = join(import.meta.dirname, '..')
const CLI = join(ROOT, 'dist', 'bin', 'lockmesh.js')


interface RunResult { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

function runCli (args: string[], opts: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void, timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); opts.onStderr?.(stderr, child) })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`simulate did not finish within ${opts.timeoutMs} ms\n${stderr}`)) }, opts.timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }) })
  })
}

/** Processes whose command line mentions `dir` (the node processes' config files live there). */
function processesUsing (dir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out.split('\n').filter(l => l.includes(dir) && l.includes('child.js')).map(l => Number(l.trim().split(/\s+/)[0]))
}

describe('cluster: lockmesh simulate options and schedule', () => {
  it('parses the documented options', () => {
    const o = parseSimulateArgs(['--nodes', '9', '--duration', '2m', '--quorum', 'grid', '--chaos', 'kill,pause', '--seed', '7', '--keys', '4', '--workers', '3', '--ttl', '1500ms', '--out', 'x', '--json'])
    expect(o).to.deep.include({ nodes: 9, durationMs: 120_000, quorum: 'grid', chaos: ['kill', 'pause'], seed: 7, keys: 4, workers: 3, ttlMs: 1500, out: 'x', json: true })
    expect(parseSimulateArgs([])).to.deep.include({ nodes: 5, durationMs: 45_000, quorum: 'auto', chaos: [...CHAOS_KINDS], json: false })
    expect(parseSimulateArgs(['--chaos', 'none']).chaos).to.deep.equal([])
    expect(parseSimulateArgs(['--duration=30s']).durationMs).to.equal(30_000)
    expect(parseTime('--duration', '45')).to.equal(45_000)
  })

  it('refuses unknown options, chaos kinds and bad values', () => {
    expect(() => parseSimulateArgs(['--bogus'])).to.throw(/Invalid option/)
    expect(() => parseSimulateArgs(['--chaos', 'flood'])).to.throw(/partition, isolate, bridge, one-way, kill, pause, slow/)
    expect(() => parseSimulateArgs(['--nodes', '1'])).to.throw(/--nodes/)
    expect(() => parseSimulateArgs(['--duration', 'soon'])).to.throw(/45s, 2m or 1500ms/)
  })

  it('fits every chaos kind into the default 45 s (and the 35 s test run), bounded, deterministic per seed', () => {
    for (const durationMs of [35_000, 45_000]) {
      for (const seed of [1, 2, 3, 4, 5]) {
        const t = runTimings(2000)
        const windowMs = durationMs - 1000 - (t.detectionMs + t.stableMs + t.ttlMsMax + Math.max(3000, durationMs * 0.1))
        const opts = { windowMs, nodes: 5, ttlMs: 2000, maxDown: 2 }
        const plan = planChaos(CHAOS_KINDS, opts, new Rng(seed))
        expect(plan.dropped, `seed ${seed}, ${durationMs} ms`).to.deep.equal([])
        expect(new Set(plan.faults.map(f => f.kind))).to.have.lengthOf(CHAOS_KINDS.length)
        for (const f of plan.faults) expect(f.at + f.slotMs).to.be.at.most(windowMs)
        // Pauses outlast the lease.
        for (const f of plan.faults.filter(f => f.kind === 'pause')) expect(f.durationMs).to.be.above(2000)
        // Partitions and bridges run alone.
        for (const g of plan.faults.filter(f => f.kind === 'partition' || f.kind === 'bridge')) {
          const overlapping = plan.faults.filter(f => f !== g && f.at < g.at + g.slotMs && g.at < f.at + f.slotMs)
          expect(overlapping, `${g.kind} at ${g.at}`).to.deep.equal([])
        }
        expect(planChaos(CHAOS_KINDS, opts, new Rng(seed))).to.deep.equal(plan)
      }
    }
  })
})

describe('cluster: the fenced store and the network layer', () => {
  it('decides with two marks per key and logs each decision', () => {
    const log: HistoryEvent[] = []
    let t = 0
    const store = new FencedStore(e => { log.push(e) }, () => ++t)
    const a = { node: 'n1', worker: 'n1.w0#1' }
    const b = { node: 'n2', worker: 'n2.w0#1' }
    expect(store.read('k', 5n, a)).to.deep.equal({ accepted: true, value: 0 })
    expect(store.read('k', 6n, b)).to.deep.equal({ accepted: true, value: 0 })
    // The paused holder's write: token 5 < maxSeen 6.
    expect(store.write('k', 5n, a, 0, 1)).to.deep.equal({ accepted: false })
    expect(store.write('k', 6n, b, 0, 1)).to.deep.equal({ accepted: true })
    // A read needs token >= maxWrite.
    expect(store.read('k', 5n, a).accepted).to.equal(false)
    expect(store.read('k', 7n, a)).to.deep.equal({ accepted: true, value: 1 })
    expect(log.map(e => `${e.type}:${String(e.token)}:${String(e.accepted)}`)).to.deep.equal([
      'store-read:5:true', 'store-read:6:true', 'store-write:5:false', 'counter:5:false', 'store-write:6:true', 'counter:6:true', 'store-read:5:false', 'store-read:7:true'
    ])
    expect(log.find(e => e.type === 'counter' && e.accepted === true)).to.include({ before: 0, after: 1, key: 'k', worker: 'n2.w0#1' })
  })

  it('composes faults per node, and healing one leaves the others', async () => {
    const roster = ['n1', 'n2', 'n3', 'n4', 'n5']
    const sent = new Map<string, NetState>()
    const net = new IpcNetworkControl(roster, (n, s) => { sent.set(n, s) })
    const p = await net.partition([['n1', 'n2'], ['n3', 'n4', 'n5']])
    expect(p.links).to.have.lengthOf(12)
    expect(sent.get('n1')!.block).to.deep.equal(['n3', 'n4', 'n5'])
    expect(sent.get('n4')!.block).to.deep.equal(['n1', 'n2'])
    const iso = await net.isolate('n3')
    expect(sent.get('n4')!.block).to.deep.equal(['n1', 'n2', 'n3'])
    await net.heal(p)
    expect(sent.get('n1')!.block).to.deep.equal(['n3'])
    expect(sent.get('n3')!.block).to.deep.equal(['n1', 'n2', 'n4', 'n5'])
    await net.heal(iso)
    const ow = await net.oneWay(['n1'], ['n2'])
    expect(ow.links).to.deep.equal([['n1', 'n2']])
    expect(sent.get('n1')).to.deep.equal({ block: [], drop: ['n2'], delayMs: {} })
    expect(sent.get('n2')).to.deep.equal({ block: [], drop: [], delayMs: {} })
    const slow = await net.slow(['n5'], 80)
    expect(slow.links).to.deep.equal([])
    expect(sent.get('n5')!.delayMs).to.deep.equal({ n1: 80, n2: 80, n3: 80, n4: 80 })
    expect(sent.get('n2')!.delayMs).to.deep.equal({ n5: 80 })
    const b = await net.bridge(['n1', 'n2'], 'n3', ['n4', 'n5'])
    expect(b.links).to.have.lengthOf(8)
    expect(sent.get('n3')!.block).to.deep.equal([])
    await net.heal()
    for (const n of roster) expect(sent.get(n)).to.deep.equal({ block: [], drop: [], delayMs: {} })
  })
})

describe('cluster: lockmesh simulate with real processes', function () {
  let dir: string
  before(function () {
    this.timeout(300_000)
    ensureBuilt()
    dir = mkdtempSync(join(tmpdir(), 'lockmesh-simulate-'))
  })
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  it(QUICK ? 'a short run with kill, pause and partition has no violations' : 'a 5-node run with every chaos kind: no violations, no lost update, every kind injected', async function () {
    this.timeout(400_000)
    const out = join(dir, 'run')
    const chaos = QUICK ? 'kill,pause,partition' : 'all'
    const duration = QUICK ? '28s' : '35s'
    const r = await runCli(['simulate', '--nodes', '5', '--duration', duration, '--chaos', chaos, '--seed', '11', '--out', out, '--json'], { timeoutMs: 360_000 })
    const lines = r.stdout.trim().split('\n')
    const summary = JSON.parse(lines.at(-1)!) as {
      violations: Array<{ kind: string, details: string }>, lostUpdates: number, acquired: number, acquiredExclusive: number,
      faults: Record<string, { injected: number, hitHolder: number }>, crashes: string[], notInjected: string[], history: string
    }
    const explain = `${r.stdout}\n${r.stderr.split('\n').slice(-30).join('\n')}`
    expect(summary.violations, explain).to.deep.equal([])
    expect(r.code, explain).to.equal(0)
    expect(summary.lostUpdates).to.equal(0)
    expect(summary.crashes).to.deep.equal([])
    expect(summary.acquired).to.be.above(20)
    expect(summary.acquiredExclusive).to.be.above(10)
    const kinds = QUICK ? ['kill', 'pause', 'partition'] : [...CHAOS_KINDS]
    for (const k of kinds) expect(summary.faults[k]?.injected ?? 0, `${k} injected`).to.be.at.least(1)
    expect(summary.notInjected).to.deep.equal([])
    // The history: the config first, kills closed by the harness, a final heal.
    const history = readFileSync(summary.history, 'utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
    expect(history[0]).to.include({ type: 'config', quorum: 'majority' }).and.to.include.keys('roster', 'ttlMs', 'ttlMsMax', 'detectionMs', 'stableMs', 'drift', 'livenessBoundMs')
    expect(history.some(e => e.type === 'heal')).to.equal(true)
    expect(history.some(e => e.type === 'node-start' && e.incarnation === 2), 'a killed node restarted').to.equal(true)
    expect(history.some(e => e.type === 'fault-start' && e.fault === 'kill')).to.equal(true)
    // Each node's metrics at its final stop: a history record per node, its .prom file, the report's per-node latency table.
    const metrics = history.filter(e => e.type === 'metrics') as Array<{ node: string, incarnation: number, acquire: Record<string, { count: number }> }>
    const roster = (history[0] as { roster: string[] }).roster
    expect([...new Set(metrics.map(m => m.node))].sort(), 'every node recorded its metrics').to.have.length(roster.length)
    expect(metrics.reduce((n, m) => n + m.acquire.exclusive!.count + m.acquire.shared!.count, 0)).to.be.above(10)
    const report = readFileSync(join(dirname(summary.history), 'report.html'), 'utf8')
    expect(report).to.include('Acquire latency per node')
    expect(report).to.match(/<table class="node-latency">.*<td class="num">\d+(\.\d+)? ms<\/td>/s)
    expect(processesUsing(out)).to.deep.equal([])
  })

  it('Ctrl-C stops the run, reaps every node process and still checks the history', async function () {
    this.timeout(200_000)
    const out = join(dir, 'interrupted')
    let sent = false
    const r = await runCli(['simulate', '--nodes', '3', '--duration', '60s', '--chaos', 'pause,kill', '--seed', '3', '--out', out], {
      timeoutMs: 180_000,
      onStderr: (text, child) => {
        // Once a fault is in force (a paused or killed node too must be reaped).
        if (!sent && /chaos: (pause|kill)/.test(text)) { sent = true; child.kill('SIGINT') }
      }
    })
    expect(sent, r.stderr).to.equal(true)
    expect(r.code, r.stderr).to.equal(130)
    expect(r.stdout).to.include('(interrupted)').and.include('violations: none')
    expect(processesUsing(out)).to.deep.equal([])
  })
})
