/**
 * Acceptance (issue 4): an app with 5 lockmesh nodes in one process (real
 * libp2p on 127.0.0.1) and 8 workers incrementing one counter on one hot key
 * through a read-and-write-fenced store (DESIGN.md §4, fencing tokens):
 *
 *   read with token t:  accepted iff t ≥ maxWrite;  maxSeen := max(maxSeen, t)
 *   write with token t: accepted iff t ≥ maxSeen;   maxWrite := t, maxSeen := max(maxSeen, t)
 *
 * Each increment: acquire → read → yield to the event loop (a real app does
 * I/O here) → write value + 1 → release. It prints the lost updates (accepted
 * increments minus the final value: must be 0), whether exclusive tokens
 * strictly increased in grant order (and at the store), fenced operations the
 * store turned away (none while a lock is valid), increments/s and the acquire
 * latency p50/p99. Exits 1 on any violation.
 *
 *   npx tsx simulations/acceptance/counter-app.ts [--seconds 10] [--nodes 5] [--workers 8] [--timing lan|fast]
 */
import '../../src/polyfills.js'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { TimingPreset } from '../../src/runtime/presets.js'
import { LagMonitor, loadAverage, percentile, sleep, startMesh, type AppMesh } from './mesh.js'

/** The fenced resource: one counter per key and its two marks. */
export class FencedCounterStore {
  private readonly keys = new Map<string, { value: number, maxWrite: bigint, maxSeen: bigint }>()
  readonly rejected: Array<{ op: 'read' | 'write', key: string, token: bigint, maxWrite: bigint, maxSeen: bigint }> = []
  /** Tokens of accepted writes, in the order the store accepted them. */
  readonly writeTokens: bigint[] = []

  private state (key: string): { value: number, maxWrite: bigint, maxSeen: bigint } {
    let s = this.keys.get(key)
    if (s === undefined) {
      s = { value: 0, maxWrite: -1n, maxSeen: -1n }
      this.keys.set(key, s)
    }
    return s
  }

  /** The value, or null when the token is fenced off. */
  read (key: string, token: bigint): number | null {
    const s = this.state(key)
    if (token < s.maxWrite) {
      this.rejected.push({ op: 'read', key, token, maxWrite: s.maxWrite, maxSeen: s.maxSeen })
      return null
    }
    if (token > s.maxSeen) s.maxSeen = token
    return s.value
  }

  /** True when accepted. */
  write (key: string, token: bigint, value: number): boolean {
    const s = this.state(key)
    if (token < s.maxSeen) {
      this.rejected.push({ op: 'write', key, token, maxWrite: s.maxWrite, maxSeen: s.maxSeen })
      return false
    }
    s.value = value
    s.maxWrite = token
    if (token > s.maxSeen) s.maxSeen = token
    this.writeTokens.push(token)
    return true
  }

  value (key: string): number { return this.keys.get(key)?.value ?? 0 }
}

export interface CounterAppOptions {
  seconds: number
  nodes: number
  workers: number
  timing: TimingPreset
  /** Lease per increment (ms). */
  ttlMs: number
  log: (line: string) => void
}

export interface CounterAppResult {
  increments: number
  finalValue: number
  lostUpdates: number
  tokensIncreasing: boolean
  storeTokensIncreasing: boolean
  rejectedOps: number
  abandoned: number
  acquireErrors: Record<string, number>
  incrementsPerSec: number
  latencyMs: { p50: number, p99: number, max: number, count: number }
  startupMs: number
  violations: string[]
}

const HOT_KEY = 'counter'

function strictlyIncreasing (xs: bigint[]): boolean {
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!)
}

export async function runCounterApp (opts: Partial<CounterAppOptions> = {}): Promise<CounterAppResult> {
  const o: CounterAppOptions = { seconds: 10, nodes: 5, workers: 8, timing: 'lan', ttlMs: 2_000, log: line => { console.log(line) }, ...opts }
  let app: (AppMesh & { startupMs: number }) | undefined
  const store = new FencedCounterStore()
  const grantTokens: bigint[] = []
  const latencies: number[] = []
  const acquireErrors: Record<string, number> = {}
  let increments = 0
  let abandoned = 0
  const lag = new LagMonitor().start()
  try {
    app = await startMesh(o.nodes, { timing: o.timing, ttlMsMax: 10_000 })
    const { meshes, startupMs } = app
    o.log(`${o.nodes} nodes read-write after ${startupMs.toFixed(0)} ms (quorum ${JSON.stringify(meshes[0]!.status().quorum)}); load average ${loadAverage()} (2 cores); ${lag.take()}`)

    const start = performance.now()
    const end = start + o.seconds * 1_000
    await Promise.all(Array.from({ length: o.workers }, async (_, w) => {
      const mesh = meshes[w % meshes.length]!
      while (performance.now() < end) {
        const a0 = performance.now()
        let lock
        try {
          lock = await mesh.acquire(HOT_KEY, { ttlMs: o.ttlMs, waitMs: Math.max(1_000, end - a0 + 5_000) })
        } catch (err) {
          const name = (err as Error).name
          acquireErrors[name] = (acquireErrors[name] ?? 0) + 1
          // Read-only: wait for the mode to come back (bounded) instead of retrying hot.
          if (name === 'ReadOnlyError' || name === 'NoQuorumError') await Promise.race([once(mesh, 'mode'), sleep(1_000)])
          else await sleep(10)
          continue
        }
        latencies.push(performance.now() - a0)
        grantTokens.push(lock.token)
        try {
          const value = store.read(HOT_KEY, lock.token)
          if (value === null) continue
          // A real app does I/O between the read and the write.
          await new Promise(resolve => setImmediate(resolve))
          if (lock.signal.aborted) { abandoned++; continue }
          if (store.write(HOT_KEY, lock.token, value + 1)) increments++
        } finally {
          if (!lock.released && !lock.signal.aborted) await lock.release().catch(() => {})
        }
      }
    }))
    const elapsed = (performance.now() - start) / 1_000

    const finalValue = store.value(HOT_KEY)
    const sorted = [...latencies].sort((a, b) => a - b)
    const result: CounterAppResult = {
      increments,
      finalValue,
      lostUpdates: increments - finalValue,
      tokensIncreasing: strictlyIncreasing(grantTokens),
      storeTokensIncreasing: strictlyIncreasing(store.writeTokens),
      rejectedOps: store.rejected.length,
      abandoned,
      acquireErrors,
      incrementsPerSec: increments / elapsed,
      latencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? NaN, count: sorted.length },
      startupMs,
      violations: []
    }
    if (result.lostUpdates !== 0) result.violations.push(`${result.lostUpdates} lost updates`)
    if (!result.tokensIncreasing) result.violations.push('exclusive tokens did not strictly increase in grant order')
    if (!result.storeTokensIncreasing) result.violations.push('accepted writes did not carry strictly increasing tokens')
    if (result.rejectedOps !== 0) result.violations.push(`${result.rejectedOps} fenced operations rejected while their lock was held: ${JSON.stringify(store.rejected.slice(0, 3), (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)}`)
    if (increments === 0) result.violations.push('no increment at all')
    const restarts = meshes.reduce((sum, m) => sum + (m.status().core?.counters.attemptRestarts ?? 0), 0)
    o.log(`workers ${o.workers} on ${o.nodes} nodes, one hot key, ${elapsed.toFixed(1)} s`)
    o.log(`increments ${increments}, final counter ${finalValue}, lost updates ${result.lostUpdates}`)
    o.log(`tokens strictly increasing: grant order ${String(result.tokensIncreasing)}, store writes ${String(result.storeTokensIncreasing)} (first ${grantTokens[0] ?? '-'}, last ${grantTokens.at(-1) ?? '-'})`)
    o.log(`fenced ops rejected ${result.rejectedOps}; abandoned (lease lost before the write) ${abandoned}; acquire errors ${JSON.stringify(acquireErrors)}${restarts > 0 ? `; attempt restarts ${restarts}` : ''}`)
    o.log(`throughput ${result.incrementsPerSec.toFixed(1)} increments/s`)
    o.log(`acquire latency p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, max ${result.latencyMs.max.toFixed(2)} ms (${result.latencyMs.count} acquires)`)
    o.log(`during the run: ${lag.take()}; load average ${loadAverage()}`)
    o.log(result.violations.length === 0 ? 'OK' : `VIOLATIONS: ${result.violations.join('; ')}`)
    return result
  } finally {
    lag.stop()
    await app?.stop()
  }
}

function parseArgs (argv: string[]): Partial<CounterAppOptions> {
  const out: Partial<CounterAppOptions> = {}
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]]
    const num = Number(value)
    switch (flag) {
      case '--seconds': out.seconds = num; break
      case '--nodes': out.nodes = num; break
      case '--workers': out.workers = num; break
      case '--ttl-ms': out.ttlMs = num; break
      case '--timing': out.timing = value as TimingPreset; break
      default: throw new Error(`unknown option ${String(flag)} (--seconds, --nodes, --workers, --ttl-ms, --timing lan|fast)`)
    }
    if (flag !== '--timing' && !(num > 0)) throw new Error(`${flag} needs a positive number, got ${String(value)}`)
  }
  return out
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCounterApp(parseArgs(process.argv.slice(2))).then(r => {
    process.exitCode = r.violations.length === 0 ? 0 : 1
  }, (err: unknown) => {
    console.error(err)
    process.exitCode = 2
  })
}
