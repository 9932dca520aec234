/**
 * Entry of `npm run sim`, which first compiles the simulator and what it
 * imports to dist/ (tsconfig.sim.json, incremental: a no-op when nothing
 * changed) and runs the compiled JS: plain tsc output runs faster than tsx's
 * on-the-fly transform (no name-keeping wrappers, no source-mapped stacks).
 * Seeds run in child processes (one per core) because
 * each seed is a pure synchronous computation; the simulation itself never
 * sees a promise or a timer. With --json the last stdout line is one JSON
 * object and nothing goes to stderr. Exit code 1 on any violation.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { fmtMs } from '../check/history.js'
import { parseArgs, replayCommand, UsageError, USAGE, type CliOptions } from './cli-args.js'
import { FAULT_KINDS, type FaultKind } from './fault-schedule.js'
import { historyLine } from './observer.js'
import { runSeed, type RunOptions, type SeedResult } from './run-seed.js'
import type { WorkloadKind } from './workload.js'

interface Job { id: number, seed: number, workload: WorkloadKind }
interface JobResult { id: number, result: Omit<SeedResult, 'trace'> | null, error?: string }

function runOptions (o: CliOptions, seed: number, workload: WorkloadKind, trace = false): RunOptions {
  return {
    seed,
    nodes: o.nodes,
    quorum: o.quorum,
    unsafe: o.unsafe,
    meshUnsafe: o.meshUnsafe,
    storeTwoMarks: o.storeTwoMarks,
    trace,
    workload,
    ...(o.faults !== undefined ? { faults: o.faults } : {}),
    ...(o.faultFree ? { faultFree: true } : {}),
    ...(o.fullBudget !== undefined ? { fullBudget: o.fullBudget } : {}),
    ...(o.clockScale !== undefined ? { clockScale: o.clockScale } : {}),
    holdToExpiry: o.holdToExpiry,
    liveContention: o.liveContention,
    ...(o.localHealthMax !== undefined ? { coreOverrides: { localHealthMax: o.localHealthMax } } : {}),
    timings: {
      ...(o.pingMs !== undefined ? { pingIntervalMs: o.pingMs } : {}),
      ...(o.suspicionMs !== undefined ? { suspicionTimeoutMs: o.suspicionMs } : {}),
      ...(o.retransmitMs !== undefined ? { retransmitMs: o.retransmitMs } : {})
    }
  }
}

async function runJob (o: CliOptions, job: Job): Promise<JobResult> {
  try {
    const { trace: _t, ...result } = await runSeed(runOptions(o, job.seed, job.workload))
    return { id: job.id, result }
  } catch (err) {
    return { id: job.id, result: null, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }
  }
}

/** Worker mode: run jobs sent over IPC, answer each with its result. */
function worker (o: CliOptions): void {
  // The workload's failed acquires create errors by the thousand; nobody reads their stacks here.
  Error.stackTraceLimit = 0
  process.on('message', (job: Job) => {
    void runJob(o, job).then(r => process.send!(JSON.parse(JSON.stringify(r, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v))))
  })
}

async function runPool (o: CliOptions, jobs: Job[], workers: number, argv: string[]): Promise<JobResult[]> {
  if (workers <= 1 || jobs.length <= 1) {
    const out: JobResult[] = []
    for (const j of jobs) out.push(await runJob(o, j))
    return out
  }
  const results: JobResult[] = []
  const self = fileURLToPath(import.meta.url)
  let next = 0
  return await new Promise((resolve) => {
    let alive = 0
    const feed = (child: ChildProcess): void => {
      if (next >= jobs.length) { child.kill(); return }
      child.send(jobs[next++]!)
    }
    for (let w = 0; w < Math.min(workers, jobs.length); w++) {
      const child = fork(self, [...argv, '--worker'], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
      alive++
      let inFlight: number | null = null
      let stderr = ''
      child.stderr?.on('data', (d: Buffer) => { if (stderr.length < 10_000) stderr += d.toString() })
      const origSend = child.send.bind(child)
      child.send = ((msg: Job) => { inFlight = msg.id; return origSend(msg) }) as typeof child.send
      child.on('message', (r: JobResult) => {
        inFlight = null
        results.push(r)
        feed(child)
      })
      child.on('exit', (code) => {
        if (inFlight !== null) results.push({ id: inFlight, result: null, error: `worker exited with ${String(code)}: ${stderr.slice(0, 2000)}` })
        if (--alive === 0) resolve(results)
      })
      feed(child)
    }
  })
}

function emptyFaults (): Record<FaultKind, { injected: number, hitHolder: number }> {
  const f = {} as Record<FaultKind, { injected: number, hitHolder: number }>
  for (const k of FAULT_KINDS) f[k] = { injected: 0, hitHolder: 0 }
  return f
}

async function main (): Promise<number> {
  const argv = process.argv.slice(2)
  let o: CliOptions
  try {
    o = parseArgs(argv)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`)
      return 2
    }
    throw err
  }
  if (o.worker) { worker(o); return -1 }

  const seeds = Array.from({ length: o.seeds }, (_, i) => o.seed + i)
  if (o.history !== undefined) {
    // One seed in-process; its history goes to the file for `lockmesh check` / `lockmesh report`.
    const r = await runSeed({ ...runOptions(o, o.seed, 'swarm', o.trace), keepHistory: true })
    for (const line of r.trace ?? []) process.stdout.write(`${line}\n`)
    const records = r.history ?? []
    writeFileSync(o.history, records.map(historyLine).join('\n') + '\n')
    for (const v of r.violations) process.stdout.write(`VIOLATION seed ${o.seed} ${v.kind} at ${fmtMs(v.t)}: ${v.details}\n`)
    process.stdout.write(`seed ${o.seed}: ${r.violations.length} violations; history (${records.length} records) in ${o.history} — lockmesh check ${o.history}\n`)
    return r.violations.length > 0 ? 1 : 0
  }
  if (o.trace) {
    // Readable transcripts: in-process, seed by seed.
    let bad = 0
    for (const seed of seeds) {
      const r = await runSeed(runOptions(o, seed, 'swarm', true))
      for (const line of r.trace ?? []) process.stdout.write(`${line}\n`)
      for (const v of r.violations) process.stdout.write(`VIOLATION seed ${seed} ${v.kind} at ${fmtMs(v.t)}: ${v.details}\n`)
      process.stdout.write(`seed ${seed}: trace hash ${r.traceHash}, ${r.violations.length} violations\n`)
      bad += r.violations.length
    }
    return bad > 0 ? 1 : 0
  }

  const workers = o.workers ?? Math.max(1, Math.min(availableParallelism(), 8))
  // As in the workers: nobody reads the stacks of the workload's failed acquires (--trace keeps them).
  Error.stackTraceLimit = 0
  const jobs: Job[] = seeds.map((seed, id) => ({ id, seed, workload: 'swarm' }))
  const t0 = performance.now()
  const results = await runPool(o, jobs, workers, argv)
  const seconds = (performance.now() - t0) / 1000

  let light = 0
  let heavy = 0
  if (o.measure) {
    const runs = o.nodes > 25 ? 1 : 2
    const mJobs: Job[] = []
    for (let i = 0; i < runs; i++) {
      mJobs.push({ id: mJobs.length, seed: o.seed + i, workload: 'light' })
      mJobs.push({ id: mJobs.length, seed: o.seed + i, workload: 'heavy' })
    }
    const m = await runPool(o, mJobs, workers, argv)
    const sum = { light: { f: 0, a: 0 }, heavy: { f: 0, a: 0 } }
    for (const r of m) {
      const job = mJobs[r.id]!
      if (r.result === null) continue
      const s = sum[job.workload as 'light' | 'heavy']
      s.f += r.result.stats.windowFrames
      s.a += r.result.stats.windowAcquires
    }
    light = sum.light.a > 0 ? sum.light.f / sum.light.a : 0
    heavy = sum.heavy.a > 0 ? sum.heavy.f / sum.heavy.a : 0
  }

  const violations: Array<{ seed: number, kind: string, details: string, replay: string }> = []
  const faults = emptyFaults()
  const restarts = { attempt: 0, drop: 0, faultFree: { seeds: 0, attempt: 0, drop: 0 } }
  let acquired = 0
  let sharedAcquired = 0
  let fullBudget = 0
  let virtualMs = 0
  let steps = 0
  const detector = { suspicions: 0, modeChanges: 0, burstSuspicions: 0 }
  for (const r of results.sort((a, b) => a.id - b.id)) {
    const seed = jobs[r.id]!.seed
    if (r.result === null) {
      violations.push({ seed, kind: 'harness-error', details: r.error ?? 'unknown', replay: replayCommand(o, seed) })
      continue
    }
    const s = r.result.stats
    for (const v of r.result.violations) violations.push({ seed, kind: v.kind, details: v.details, replay: replayCommand(o, seed) })
    acquired += s.acquired
    sharedAcquired += s.sharedAcquired
    for (const k of FAULT_KINDS) {
      faults[k].injected += s.faults[k].injected
      faults[k].hitHolder += s.faults[k].hitHolder
    }
    restarts.attempt += s.restarts.attempt
    restarts.drop += s.restarts.drop
    if (s.faultFree) {
      restarts.faultFree.seeds++
      restarts.faultFree.attempt += s.restarts.attempt
      restarts.faultFree.drop += s.restarts.drop
    }
    if (s.fullBudget) fullBudget++
    virtualMs += s.virtualMs
    steps += s.steps
    detector.suspicions += s.suspicions
    detector.modeChanges += s.modeChanges
    detector.burstSuspicions += s.burstSuspicions
  }
  let faultsInjected = 0
  for (const k of FAULT_KINDS) faultsInjected += faults[k].injected
  const summary = {
    seeds: seeds.length,
    nodes: o.nodes,
    quorum: o.quorum,
    violations,
    acquired,
    sharedAcquired,
    messagesPerAcquire: { light: round(light), heavy: round(heavy) },
    faults,
    restarts,
    detector,
    seedsPerSecond: round(seeds.length / Math.max(seconds, 1e-9)),
    seconds: round(seconds),
    perSeed: {
      acquisitions: round(acquired / seeds.length),
      virtualSeconds: round(virtualMs / 1000 / seeds.length),
      faultsInjected: round(faultsInjected / seeds.length)
    },
    fullBudgetSeeds: fullBudget,
    virtualSeconds: round(virtualMs / 1000),
    steps,
    workers
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`)
  } else {
    for (const v of violations) process.stdout.write(`VIOLATION seed ${v.seed} ${v.kind}: ${v.details}\n  replay: ${v.replay}\n`)
    process.stdout.write(`${seeds.length} seeds (${o.nodes} nodes, quorum ${o.quorum}) in ${seconds.toFixed(1)} s = ${summary.seedsPerSecond} seeds/s on ${workers} workers\n`)
    process.stdout.write(`per seed: ${summary.perSeed.acquisitions} acquisitions, ${summary.perSeed.virtualSeconds} virtual seconds, ${summary.perSeed.faultsInjected} faults injected\n`)
    process.stdout.write(`violations: ${violations.length}; acquisitions (exclusive grants): ${acquired}; shared grants: ${sharedAcquired}; virtual seconds: ${summary.virtualSeconds}; faults injected: ${faultsInjected}; messages per acquire: light ${summary.messagesPerAcquire.light}, heavy ${summary.messagesPerAcquire.heavy}\n`)
    process.stdout.write(`restarts: attempt ${restarts.attempt}, drop ${restarts.drop} (fault-free seeds ${restarts.faultFree.seeds}: ${restarts.faultFree.attempt} / ${restarts.faultFree.drop}); full-budget seeds ${fullBudget}\n`)
    process.stdout.write(`detector: ${detector.suspicions} suspicions (${detector.burstSuspicions} by nodes during their own burst fault), ${detector.modeChanges} mode changes (all nodes)\n`)
    for (const k of FAULT_KINDS) process.stdout.write(`  ${k.padEnd(17)} injected ${String(faults[k].injected).padStart(8)}  hit holder ${String(faults[k].hitHolder).padStart(8)}\n`)
  }
  return violations.length > 0 ? 1 : 0
}

function round (x: number): number {
  return Math.round(x * 100) / 100
}

main().then(code => { if (code >= 0) process.exitCode = code }, (err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`)
  process.exitCode = 3
})
