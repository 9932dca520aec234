/**
 * `lockmesh simulate` (issue 5): a mesh of real node processes on 127.0.0.1
 * under a contended workload and a seeded chaos schedule; every event goes
 * to `<out>/history.jsonl`, which is then checked (`lockmesh check`).
 *
 * The run: set up identities and ports → config line → spawn the nodes →
 * wait until every node is read-write → start the workload (the `--duration`
 * clock starts here) → chaos in the window [1 s, duration − tail] → heal →
 * a fault-free tail long enough for the liveness phase (detection + stable
 * period + the quiet period of a restarted node + a few seconds) → stop every
 * node → check → summary. Ctrl-C (SIGINT/SIGTERM) ends the run early the same
 * way; a second one kills every child at once.
 *
 * History times: every `t` is ns since the parent started, from
 * process.hrtime.bigint(). Children stamp their own events (acquire-start,
 * acquired, released, lost, mode, node-start, …) with their hrtime minus the
 * parent's start (one host, one monotonic clock), so `t` is when the event
 * happened, not when the parent read it. The parent stamps its store's
 * decisions, faults, kills and run-end closings.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOCAL_HEALTH_MAX_DEFAULT } from '../../src/core/local-health.js'
import { resolveQuorumName } from '../../src/core/quorum.js'
import { InvalidOptionsError } from '../../src/errors.js'
import { planChaos } from './chaos-plan.js'
import { Chaos } from './chaos.js'
import { checkHistory, violationTotal } from '../check/check-history.js'
import { faultIntervals } from '../check/faults.js'
import { readHistoryFile } from '../check/history.js'
import { formatSummary, summaryJson } from '../check/summary.js'
import { Cluster } from './cluster.js'
import { FencedStore } from './fenced-store.js'
import { HistoryWriter } from './history-writer.js'
import { IpcNetworkControl, type NetworkControl } from './network.js'
import { NetnsSession } from './netns/index.js'
import { parseSimulateArgs, USAGE, type ChaosKind, type SimulateOptions } from './options.js'
import { Progress } from './progress.js'
import { reportLink, reportPathFor, writeReportFor } from './report/write-report.js'
import { Rng } from './rng.js'
import { runTimings, SIM_TIMING, STALL_MS } from './timings.js'

export interface SimulateIo {
  out: (line: string) => void
  err: (line: string) => void
}

const defaultIo: SimulateIo = {
  out: line => { process.stdout.write(line + '\n') },
  err: line => { process.stderr.write(line + '\n') }
}

/** The compiled child entry point (a TS loader would run the parent from source: use dist/). */
function childScript (): string {
  const here = import.meta.url
  const url = here.endsWith('.ts') ? new URL('../../dist/simulations/cluster/child.js', here) : new URL('./child.js', here)
  const path = fileURLToPath(url)
  if (!existsSync(path)) throw new InvalidOptionsError('simulate', 'a built dist/ (npm run build)', `${path} is missing`)
  return path
}

async function outDir (opts: SimulateOptions): Promise<string> {
  if (opts.out !== undefined) {
    const dir = resolve(opts.out)
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new InvalidOptionsError('--out', 'a new or empty directory', dir)
    mkdirSync(dir, { recursive: true })
    return dir
  }
  mkdirSync(resolve('out'), { recursive: true })
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')
  return await mkdtemp(resolve('out', `simulate-${stamp}-seed${opts.seed}-`))
}

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  if (ms <= 0 || signal?.aborted === true) return
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, ms)
    function done (): void { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
    signal?.addEventListener('abort', done, { once: true })
  })
}

export async function runSimulate (argv: string[], io: SimulateIo = defaultIo): Promise<number> {
  const opts = parseSimulateArgs(argv)
  if (opts.help) { io.out(USAGE); return 0 }
  // --net netns: refused (exit 2) before anything is made when root, `ip netns` or a packet filter is missing.
  const netnsCheck = opts.net === 'netns' ? await NetnsSession.check().catch((err: unknown) => err as Error) : null
  if (netnsCheck instanceof Error) { io.err(`lockmesh simulate: ${netnsCheck.message}`); return 2 }
  const netns = netnsCheck
  const startNs = process.hrtime.bigint()
  const startMs = Date.now()
  const script = childScript()
  const dir = await outDir(opts)
  const historyPath = join(dir, 'history.jsonl')
  const quorum = resolveQuorumName(opts.quorum, opts.nodes)
  const timings = runTimings(opts.ttlMs)
  const rng = new Rng(opts.seed)
  const history = new HistoryWriter(historyPath, startNs)
  const store = new FencedStore(e => { history.event(e) }, () => history.now())
  const abort = new AbortController()
  let phase = 'setup'
  const crashes: string[] = []
  const keys = Array.from({ length: opts.keys }, (_x, i) => `k${i}`)
  const hotKeys = keys.slice(0, Math.min(3, keys.length))

  let progress: Progress | null = null
  const log = (line: string): void => { if (progress !== null) progress.log(line); else io.err(line) }

  const cluster: Cluster = new Cluster({
    nodes: opts.nodes,
    dir,
    childScript: script,
    quorum,
    ttlMsMax: timings.ttlMsMax,
    seed: opts.seed,
    history,
    store,
    placement: netns === null ? undefined : i => netns.placement(i),
    workload: {
      workers: opts.workers,
      keys,
      hotKeys,
      hotShare: 0.6,
      sharedShare: 0.3,
      tryShare: 0.15,
      extendShare: 0.1,
      // Paced so the mesh's CPU stays well below two cores at 9 nodes.
      thinkMs: [50 * Math.max(1, opts.nodes / 5), 300 * Math.max(1, opts.nodes / 5)],
      waitMs: timings.waitMs,
      ttlMs: opts.ttlMs
    },
    onCrash: (node, code, signal) => {
      const t = history.now()
      crashes.push(`${node.name} (${signal ?? `exit ${String(code)}`} at ${(t / 1e9).toFixed(1)} s; see ${join(dir, 'nodes', node.name, 'output.log')})`)
      history.event({ t, type: 'node-exit', node: node.name, reason: 'crashed' })
      log(`lockmesh simulate: ${node.name} crashed (${signal ?? `exit ${String(code)}`})`)
      if ((phase === 'chaos' || phase === 'tail') && !abort.signal.aborted) {
        void sleep(500).then(async () => { await node.spawn() }).catch(err => { log(`lockmesh simulate: restarting ${node.name} failed: ${(err as Error).message}`) })
      }
    }
  })

  // Every way out reaps the children.
  let interrupts = 0
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++
    if (interrupts === 1) {
      log(`lockmesh simulate: ${sig}: stopping the run (again to kill every node at once)`)
      abort.abort()
    } else {
      cluster.killAllNow()
      process.exit(130)
    }
  }
  const onExit = (): void => { cluster.killAllNow() }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('exit', onExit)

  let chaos: Chaos | null = null
  let dropped: ChaosKind[] = []
  let planned: Array<{ kind: ChaosKind }> = []
  let harnessError: Error | null = null
  let reachedWorkload = false
  try {
    await cluster.setup()
    const roster = cluster.roster
    await netns?.setup(roster, log)
    history.config({
      roster,
      quorum,
      ttlMs: opts.ttlMs,
      ttlMsMax: timings.ttlMsMax,
      detectionMs: timings.detectionMs,
      // The nodes run the shipped local health multiplier: detection may take × its cap.
      detectionCap: LOCAL_HEALTH_MAX_DEFAULT,
      stableMs: timings.stableMs,
      drift: timings.drift,
      livenessBoundMs: timings.livenessBoundMs,
      waitMs: timings.waitMs,
      seed: opts.seed,
      nodes: opts.nodes,
      durationMs: opts.durationMs,
      keys,
      hotKeys,
      workers: opts.workers,
      chaos: opts.chaos,
      timing: SIM_TIMING,
      peers: Object.fromEntries(cluster.ids.map(i => [i.name, i.peerId])),
      ports: Object.fromEntries(cluster.ids.map(i => [i.name, i.port])),
      startedAt: new Date(startMs).toISOString(),
      net: opts.net,
      ...(netns === null ? {} : { netns: netns.describe() })
    })
    const ipc = new IpcNetworkControl(roster, (n, state) => { cluster.nodes.get(n)!.setNet(state) })
    const net: NetworkControl = netns?.network(ipc) ?? ipc
    chaos = new Chaos({
      nodes: cluster.nodes,
      roster,
      quorum,
      hotKeys,
      net,
      history,
      rng: rng.fork('targets'),
      signal: abort.signal,
      restart: async node => {
        await node.spawn()
        await net.restarted(node.name)
      },
      log
    })
    const activeChaos = chaos
    progress = new Progress({
      elapsedMs: () => Date.now() - startMs,
      phase: () => phase,
      nodes: () => [...cluster.nodes.values()],
      faults: () => [...activeChaos.active.values()]
    })
    history.onEvent(e => { if (e.type === 'acquired') progress?.grant() })
    progress.start()

    phase = 'starting'
    log(`lockmesh simulate: ${opts.nodes} nodes (${quorum}), ${(opts.durationMs / 1000).toFixed(0)} s, chaos ${opts.chaos.length === 0 ? 'none' : opts.chaos.join(',')}, seed ${opts.seed}, out ${dir}`)
    await cluster.spawnAll(abort.signal)
    await cluster.waitForMesh(180_000, abort.signal)

    phase = 'chaos'
    reachedWorkload = true
    const workloadStart = Date.now()
    for (const n of cluster.nodes.values()) n.startWorkload()
    const settle = timings.detectionMs + timings.stableMs
    const tailMs = settle + (opts.chaos.includes('kill') ? timings.ttlMsMax : 0) + Math.max(3000, opts.durationMs * 0.1)
    const windowMs = opts.durationMs - 1000 - tailMs
    const maxDown = Math.max(1, Math.min(2, Math.floor((opts.nodes - 1) / 2)))
    const plan = planChaos(opts.chaos, { windowMs, nodes: opts.nodes, ttlMs: opts.ttlMs, maxDown }, rng.fork('plan'))
    planned = plan.faults
    dropped = plan.dropped
    if (dropped.length > 0) log(`lockmesh simulate: no room for ${dropped.join(', ')} in a ${opts.durationMs} ms run (try a longer --duration)`)
    await chaos.run(plan.faults, workloadStart + 1000, workloadStart + 1000 + windowMs, maxDown)
    await net.heal()
    history.event({ t: history.now(), type: 'heal' })
    phase = 'tail'
    await sleep(workloadStart + opts.durationMs - Date.now(), abort.signal)
  } catch (err) {
    harnessError = err as Error
  } finally {
    phase = 'stopping'
    const t = history.now()
    for (const n of cluster.nodes.values()) if (n.running) history.event({ t, type: 'node-exit', node: n.name, reason: 'run-end' })
    await cluster.stopAll(8000).catch(() => { cluster.killAllNow() })
    await netns?.teardown().catch((err: unknown) => { io.err(`lockmesh simulate: removing the network namespaces failed: ${(err as Error).message}`) })
    progress?.stop()
    await history.close()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('exit', onExit)
  }

  if (harnessError !== null && !reachedWorkload) {
    io.err(`lockmesh simulate: ${harnessError.message === 'interrupted' ? 'interrupted before the mesh came up' : harnessError.message}`)
    io.err(`  (out: ${dir})`)
    return abort.signal.aborted ? 130 : 2
  }
  if (harnessError !== null) io.err(`lockmesh simulate: the run ended early: ${harnessError.stack ?? harnessError.message}`)

  const records = await readHistoryFile(historyPath)
  const result = checkHistory(records)
  const summary = summaryJson(result, historyPath)
  io.out(`lockmesh simulate: ${opts.nodes} nodes (${quorum}), seed ${opts.seed}, chaos ${opts.chaos.length === 0 ? 'none' : opts.chaos.join(',')}${abort.signal.aborted ? ' (interrupted)' : ''}`)
  io.out(formatSummary(result, historyPath))
  const plannedKinds = new Set(planned.map(p => p.kind))
  const missing = opts.chaos.filter(k => (summary.faults[k]?.injected ?? 0) === 0)
  if (missing.length > 0) io.out(`  not injected: ${missing.map(k => `${k}${plannedKinds.has(k) ? ' (no target)' : ' (no room in the schedule)'}`).join(', ')}`)
  const stalls = faultIntervals(records).filter(f => f.kind === 'stall')
  if (stalls.length > 0) {
    const longest = Math.max(...stalls.map(f => f.end - f.start)) / 1e6
    io.out(`  host stalls: ${stalls.length} times a node process could not run for ≥ ${STALL_MS} ms (longest ${longest.toFixed(0)} ms): a busy host; reachability is unknown while they last`)
  }
  if (crashes.length > 0) io.out(`  ✗ node crashes: ${crashes.join('; ')}`)
  try {
    io.out(`  ${reportLink(await writeReportFor(records, result, reportPathFor(historyPath), historyPath))}`)
  } catch (err) {
    io.err(`lockmesh simulate: writing the report failed: ${(err as Error).message}`)
  }
  io.out(`  rerun: lockmesh simulate --nodes ${opts.nodes} --duration ${opts.durationMs}ms --quorum ${opts.quorum} --chaos ${opts.chaos.length === 0 ? 'none' : opts.chaos.join(',')} --seed ${opts.seed} --keys ${opts.keys} --workers ${opts.workers} --ttl ${opts.ttlMs}ms${opts.net === 'netns' ? ' --net netns' : ''}`)
  if (opts.json) {
    io.out(JSON.stringify({ ...summary, seed: opts.seed, quorum, out: dir, notInjected: missing, crashes, interrupted: abort.signal.aborted }))
  }
  if (abort.signal.aborted) return 130
  return violationTotal(result) > 0 || crashes.length > 0 || harnessError !== null ? 1 : 0
}
