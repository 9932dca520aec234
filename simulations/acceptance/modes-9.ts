/**
 * Acceptance (issue 4): SCENARIOS.md story 6 on 9 real nodes (libp2p on
 * 127.0.0.1, one process), quorum `grid` forced — 3 columns of 3, column =
 * sorted roster index mod 3.
 *
 *   (a) one row {0,1,2} cut from the two others: both sides hold a read quorum
 *       and no full column → both read-only with shared locks;
 *   (b) column 0 {0,3,6} + one node of each other column {1,2} cut from
 *       {4,5,7,8}: the 5 keep a write quorum, the 4 have no read quorum
 *       (read-only, sharedLocks false).
 *
 * For each: every node must report the mode the quorum predicate gives
 * (classify over its side) within the detection bound — the time from the
 * partition to the last node's correct mode is measured (and, separately, to
 * the last node's exact reachable set); new exclusive acquires on downgraded
 * nodes must fail with ReadOnlyError in under 100 ms (measured per call), and
 * exclusive acquires already waiting there must fail at the downgrade
 * (measured from the node's mode event); shared acquires work where the
 * predicate allows them and fail with NoQuorumError elsewhere; after heal
 * every node must be read-write again (measured, and compared with detection +
 * stable period + reconnect; informative, since the reconnect costs Noise
 * handshakes that a loaded host delays). Prints the numbers; exits 1 if an
 * expectation fails.
 *
 *   npx tsx simulations/acceptance/modes-9.ts [--timing lan|fast] [--rounds 1]
 *
 * `lan` (the default, production timings) is the measurement. With `fast`
 * (600 ms suspicion, a PING every 100 ms per idle link) the nine nodes of one
 * process load their shared event loop enough that, on a busy host, it stalls
 * past the suspicion timeout and every node suspects every peer at once —
 * the script prints the event-loop lag and load average to read numbers by.
 *
 * Bounds (from the timing preset): detection = suspicionTimeoutMs +
 * pingIntervalMs (the simulator's modes checker uses the same base); heal =
 * detection + stableMs + 1000 ms for the reconnect (reported, not enforced).
 */
import '../../src/polyfills.js'
import { fileURLToPath } from 'node:url'
import { classify, type ModeState } from '../../src/core/detector.js'
import { createQuorumSystem } from '../../src/core/quorum.js'
import type { Mode } from '../../src/core/types.js'
import type { OwnedLockMesh } from '../../src/create.js'
import { TIMING_PRESETS, type TimingPreset } from '../../src/runtime/presets.js'
import { LagMonitor, loadAverage, sleep, startMesh, waitUntil, type AppMesh } from './mesh.js'

const READ_ONLY_ERROR_MAX_MS = 100

interface Scenario {
  name: string
  a: number[]
  b: number[]
  /** What SCENARIOS.md says each side reports. */
  claim: [ModeState, ModeState]
}

const SCENARIOS: Scenario[] = [
  {
    name: '(a) one row | two rows',
    a: [0, 1, 2],
    b: [3, 4, 5, 6, 7, 8],
    claim: [{ mode: 'read-only', sharedLocks: true }, { mode: 'read-only', sharedLocks: true }]
  },
  {
    name: '(b) column + one of each other column | the other 4',
    a: [0, 3, 6, 1, 2],
    b: [4, 5, 7, 8],
    claim: [{ mode: 'read-write', sharedLocks: true }, { mode: 'read-only', sharedLocks: false }]
  }
]

interface ModeEvent { node: number, t: number, mode: Mode, sharedLocks: boolean }

export interface ScenarioReport {
  name: string
  /** Partition call → last node reporting its predicted mode (0 for a node whose mode did not change). */
  detectionMs: number
  /** Partition call → last node whose reachable set is exactly its side. */
  reachableMs: number
  /** Partition applied (block + hang-up) in. */
  applyMs: number
  readOnlyErrorMs: { max: number, values: number[] }
  /** Node's downgrade event → its waiting exclusive acquire rejected. */
  inFlightFailMs: { max: number, values: number[] }
  sharedOk: number
  noQuorumOk: number
  healMs: number
  /** Mode events during the partition that contradict the prediction after the node had it. */
  flaps: number
  violations: string[]
}

async function rejection (p: Promise<unknown>): Promise<Error> {
  try { await p } catch (err) { return err as Error }
  throw new Error('expected a rejection')
}

function sameMode (m: OwnedLockMesh, want: ModeState): boolean {
  return m.mode === want.mode && m.sharedLocks === want.sharedLocks
}

function failed (name: string, why: string): ScenarioReport {
  return { name, detectionMs: NaN, reachableMs: NaN, applyMs: NaN, readOnlyErrorMs: { max: NaN, values: [] }, inFlightFailMs: { max: NaN, values: [] }, sharedOk: 0, noQuorumOk: 0, healMs: NaN, flaps: 0, violations: [why] }
}

export async function runScenario (app: AppMesh, sc: Scenario, timing: TimingPreset, round: number, events: ModeEvent[]): Promise<ScenarioReport> {
  const preset = TIMING_PRESETS[timing]
  const detectBound = preset.suspicionTimeoutMs! + preset.pingIntervalMs!
  const healBound = detectBound + preset.stableMs! + 1_000
  const { meshes, roster } = app
  const violations: string[] = []
  const qs = createQuorumSystem('grid', roster)
  const sides = [sc.a, sc.b]
  const predicted = sides.map(side => classify(qs, new Set(side.map(i => roster[i]!))))
  for (let s = 0; s < 2; s++) {
    if (predicted[s]!.mode !== sc.claim[s]!.mode || predicted[s]!.sharedLocks !== sc.claim[s]!.sharedLocks) {
      violations.push(`side ${s}: the predicate gives ${JSON.stringify(predicted[s])}, SCENARIOS.md says ${JSON.stringify(sc.claim[s])}`)
    }
  }
  const want = new Map<number, ModeState>()
  const sideIds = new Map<number, string[]>()
  sides.forEach((side, s) => { for (const i of side) { want.set(i, predicted[s]!); sideIds.set(i, side.map(j => roster[j]!).sort()) } })
  const downgraded = [...want].filter(([, m]) => m.mode !== 'read-write').map(([i]) => i)

  // Exclusive acquires already waiting on every node that will be downgraded,
  // for a key held (before the cut) by a node that keeps writing if any does.
  const key = `story6-${round}-${sc.name.slice(1, 2)}`
  const holderNode = [...want].find(([, m]) => m.mode === 'read-write')?.[0] ?? 0
  try {
    await waitUntil('every node read-write, reaching all 9, before the cut', () => meshes.every(m => m.mode === 'read-write' && m.status().reachable.length === 9), 60_000)
  } catch (err) {
    return failed(sc.name, `${(err as Error).message}: ${meshes.map((m, i) => `#${i} ${m.mode} reaches ${m.status().reachable.length}`).join(', ')}`)
  }
  let holder: Awaited<ReturnType<OwnedLockMesh['acquire']>>
  try {
    holder = await meshes[holderNode]!.acquire(key, { ttlMs: 5_000, waitMs: 10_000 })
  } catch (err) {
    return failed(sc.name, `the holder's acquire before the cut failed: ${(err as Error).name}: ${(err as Error).message}`)
  }
  const waiting = new Map<number, { settledAt: Promise<{ t: number, err: Error | null }> }>()
  for (const i of downgraded) {
    if (i === holderNode) continue
    const p = meshes[i]!.acquire(key, { waitMs: 60_000 })
    waiting.set(i, {
      settledAt: p.then(async l => { await l.release().catch(() => {}); return { t: performance.now(), err: null } }, (err: Error) => ({ t: performance.now(), err }))
    })
  }
  await sleep(300)

  const firstEvent = events.length
  const t0 = performance.now()
  await app.partition(sc.a, sc.b)
  const applyMs = performance.now() - t0
  const modeWaitMs = Math.max(30_000, 4 * detectBound)
  let reachableMs = NaN
  try {
    await waitUntil('every node on its predicted mode', () => [...want].every(([i, m]) => sameMode(meshes[i]!, m)), modeWaitMs)
    await waitUntil('every node reaching exactly its side', () => [...sideIds].every(([i, ids]) => {
      const r = meshes[i]!.status().reachable
      return r.length === ids.length && r.every((x, k) => x === ids[k])
    }), modeWaitMs)
    reachableMs = performance.now() - t0
  } catch (err) {
    violations.push((err as Error).message + ': ' + meshes.map((m, i) => `#${i} ${m.mode}/${String(m.sharedLocks)}`).join(' '))
  }
  // The time each node first reported its predicted mode (0 if it already had it).
  let detectionMs = 0
  let flaps = 0
  for (const [i, m] of want) {
    const mine = events.slice(firstEvent).filter(e => e.node === i)
    const hit = mine.findIndex(e => e.mode === m.mode && e.sharedLocks === m.sharedLocks)
    if (hit >= 0) detectionMs = Math.max(detectionMs, mine[hit]!.t - t0)
    flaps += mine.slice(hit + 1).filter(e => e.mode !== m.mode || e.sharedLocks !== m.sharedLocks).length
  }
  if (detectionMs > detectBound) violations.push(`detection ${detectionMs.toFixed(0)} ms > bound ${detectBound} ms`)
  if (flaps > 0) violations.push(`${flaps} mode events contradicting the prediction during the partition`)

  // New exclusive acquires on downgraded nodes: ReadOnlyError, at once.
  const roMs: number[] = []
  for (const i of downgraded) {
    const t = performance.now()
    const err = await rejection(meshes[i]!.acquire(`${key}-new`, { waitMs: 60_000 }))
    const ms = performance.now() - t
    roMs.push(ms)
    if (err.name !== 'ReadOnlyError') violations.push(`node ${i}: exclusive acquire failed with ${err.name}, expected ReadOnlyError`)
  }
  const roMax = Math.max(0, ...roMs)
  if (roMax >= READ_ONLY_ERROR_MAX_MS) violations.push(`ReadOnlyError took ${roMax.toFixed(1)} ms (must be < ${READ_ONLY_ERROR_MAX_MS})`)

  // Waiting exclusive acquires failed at the downgrade.
  const inFlight: number[] = []
  for (const [i, w] of waiting) {
    const r = await Promise.race([w.settledAt, sleep(10_000).then(() => null)])
    if (r === null) { violations.push(`node ${i}: its waiting exclusive acquire neither failed nor succeeded 10 s after the cut`); continue }
    if (r.err?.name !== 'ReadOnlyError') { violations.push(`node ${i}: its waiting exclusive acquire ended with ${r.err?.name ?? 'a grant'}, expected ReadOnlyError`); continue }
    const down = events.slice(firstEvent).find(e => e.node === i && e.mode === 'read-only')
    if (down !== undefined) inFlight.push(r.t - down.t)
  }
  const inFlightMax = Math.max(0, ...inFlight)
  if (inFlightMax >= READ_ONLY_ERROR_MAX_MS) violations.push(`a waiting exclusive acquire failed ${inFlightMax.toFixed(1)} ms after its node's downgrade (must be < ${READ_ONLY_ERROR_MAX_MS})`)

  // Shared locks where a read quorum is reachable (both sides at once in (a)), NoQuorumError elsewhere.
  let sharedOk = 0
  let noQuorumOk = 0
  const readers = await Promise.all([...want].map(async ([i, m]) => {
    if (m.sharedLocks) {
      try {
        const l = await meshes[i]!.acquire(`${key}-shared`, { mode: 'shared', waitMs: 10_000 })
        sharedOk++
        return l
      } catch (err) {
        violations.push(`node ${i}: shared acquire failed with ${(err as Error).name} although a read quorum is reachable`)
        return null
      }
    }
    const err = await rejection(meshes[i]!.acquire(`${key}-shared`, { mode: 'shared', waitMs: 10_000 }))
    if (err.name === 'NoQuorumError') noQuorumOk++
    else violations.push(`node ${i}: shared acquire failed with ${err.name}, expected NoQuorumError`)
    return null
  }))
  for (const r of readers) await r?.release().catch(() => {})
  // The side that can write still grants exclusive locks.
  for (const [i, m] of want) {
    if (m.mode !== 'read-write') continue
    try {
      const l = await meshes[i]!.acquire(`${key}-w`, { waitMs: 10_000 })
      await l.release()
    } catch (err) {
      violations.push(`node ${i}: exclusive acquire on the write side failed with ${(err as Error).name}`)
    }
  }
  await holder.release().catch(() => {})

  // Heal.
  const t1 = performance.now()
  const healEvents = events.length
  await app.heal()
  let healMs = NaN
  try {
    await waitUntil('every node read-write after heal', () => meshes.every(m => m.mode === 'read-write'), Math.max(30_000, 4 * healBound))
    const last = Math.max(0, ...meshes.map((_m, i) => {
      const up = events.slice(healEvents).filter(e => e.node === i && e.mode === 'read-write').at(0)
      return up === undefined ? 0 : up.t - t1
    }))
    healMs = last
    const after = await meshes[sc.b.at(-1)!]!.acquire(key, { waitMs: 10_000 })
    if (after.token <= holder.token) violations.push(`token after heal ${after.token} not above ${holder.token}`)
    await after.release()
  } catch (err) {
    violations.push((err as Error).message)
  }
  return {
    name: sc.name,
    detectionMs,
    reachableMs,
    applyMs,
    readOnlyErrorMs: { max: roMax, values: roMs },
    inFlightFailMs: { max: inFlightMax, values: inFlight },
    sharedOk,
    noQuorumOk,
    healMs,
    flaps,
    violations
  }
}

export async function runModes9 (options: { timing?: TimingPreset, rounds?: number, log?: (line: string) => void } = {}): Promise<ScenarioReport[]> {
  const timing = options.timing ?? 'lan'
  const log = options.log ?? ((line: string) => { console.log(line) })
  const preset = TIMING_PRESETS[timing]
  const detectBound = preset.suspicionTimeoutMs! + preset.pingIntervalMs!
  const lag = new LagMonitor().start()
  const app = await startMesh(9, { quorum: 'grid', timing, ttlMsMax: 10_000 }, 60_000)
  const events: ModeEvent[] = []
  app.meshes.forEach((m, node) => { m.addEventListener('mode', e => { events.push({ node, t: performance.now(), mode: e.detail.mode, sharedLocks: e.detail.sharedLocks }) }) })
  const reports: ScenarioReport[] = []
  try {
    log(`9 nodes, grid ${JSON.stringify(app.meshes[0]!.status().quorum)}, timing '${timing}' (suspicion ${preset.suspicionTimeoutMs} ms, ping ${preset.pingIntervalMs} ms, stable ${preset.stableMs} ms); read-write after ${app.startupMs.toFixed(0)} ms`)
    log(`load average ${loadAverage()} (2 cores); start-up ${lag.take()}`)
    log(`bounds: detection ${detectBound} ms; ReadOnlyError < ${READ_ONLY_ERROR_MAX_MS} ms; heal ${detectBound + preset.stableMs! + 1_000} ms`)
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      for (const sc of SCENARIOS) {
        const r = await runScenario(app, sc, timing, round, events)
        reports.push(r)
        log(`${sc.name}: partition applied in ${r.applyMs.toFixed(0)} ms; last node on its predicted mode after ${r.detectionMs.toFixed(0)} ms (exact reachable sets after ${r.reachableMs.toFixed(0)} ms)`)
        log(`  ReadOnlyError on ${r.readOnlyErrorMs.values.length} downgraded nodes: max ${r.readOnlyErrorMs.max.toFixed(2)} ms; waiting acquires failed ${r.inFlightFailMs.max.toFixed(2)} ms (max) after their node's downgrade (${r.inFlightFailMs.values.length})`)
        const healBound = detectBound + preset.stableMs! + 1_000
        log(`  shared locks granted on ${r.sharedOk} nodes, NoQuorumError on ${r.noQuorumOk}; flaps ${r.flaps}; every node read-write ${r.healMs.toFixed(0)} ms after heal (${r.healMs <= healBound ? 'within' : 'over'} ${healBound} ms)`)
        log(`  ${lag.take()}; load average ${loadAverage()}`)
        if (r.violations.length > 0) log(`  VIOLATIONS: ${r.violations.join('; ')}`)
      }
    }
  } finally {
    lag.stop()
    await app.stop()
  }
  log(reports.every(r => r.violations.length === 0) ? 'OK' : 'FAILED')
  return reports
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2)
  const opts: { timing?: TimingPreset, rounds?: number } = {}
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--timing' && (argv[i + 1] === 'lan' || argv[i + 1] === 'fast')) opts.timing = argv[i + 1] as TimingPreset
    else if (argv[i] === '--rounds' && Number(argv[i + 1]) > 0) opts.rounds = Number(argv[i + 1])
    else { console.error('usage: modes-9.ts [--timing lan|fast] [--rounds N]'); process.exit(2) }
  }
  runModes9(opts).then(reports => {
    process.exitCode = reports.every(r => r.violations.length === 0) ? 0 : 1
  }, (err: unknown) => {
    console.error(err)
    process.exitCode = 2
  })
}
