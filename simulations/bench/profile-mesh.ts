/**
 * Dev script for profiling (issue 10): a mesh of lockmesh nodes in this one
 * process over real libp2p on 127.0.0.1, then two timed phases on node 0:
 *
 * - uncontended: one worker, acquire → release of one key, back to back
 *   (latency p50/p99);
 * - hot key: `--workers` workers on node 0, one key, acquire → release
 *   (ops/s, per-worker counts).
 *
 * Prints CPU per acquire (user+system of the whole process — every node is in
 * it — divided by the acquires) for each phase. Not a benchmark of record
 * (`npm run bench` is): all nodes share one event loop here. For a profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx simulations/bench/profile-mesh.ts [--nodes 5] [--workers 8] [--seconds 5]
 */
import '../../src/polyfills.js'
import { cpus, loadavg } from 'node:os'
import { percentile, startMesh } from '../acceptance/mesh.js'
import type { OwnedLockMesh } from '../../src/create.js'

interface Options { nodes: number, workers: number, seconds: number }

function parseArgs (argv: string[]): Options {
  const o: Options = { nodes: 5, workers: 8, seconds: 5 }
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!
    const n = Number(argv[i + 1])
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`${flag} needs a positive integer, got ${String(argv[i + 1])}`)
    if (flag === '--nodes') o.nodes = n
    else if (flag === '--workers') o.workers = n
    else if (flag === '--seconds') o.seconds = n
    else throw new Error(`unknown option ${flag} (--nodes, --workers, --seconds)`)
  }
  return o
}

function cpuMs (): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1_000
}

async function uncontended (mesh: OwnedLockMesh, seconds: number): Promise<string> {
  const latencies: number[] = []
  const cpu0 = cpuMs()
  const end = performance.now() + seconds * 1_000
  while (performance.now() < end) {
    const t0 = performance.now()
    const lock = await mesh.acquire('uncontended', { ttlMs: 5_000 })
    latencies.push(performance.now() - t0)
    await lock.release()
  }
  const cpu = cpuMs() - cpu0
  latencies.sort((a, b) => a - b)
  return `uncontended: ${latencies.length} acquires, p50 ${percentile(latencies, 0.5).toFixed(3)} ms, p99 ${percentile(latencies, 0.99).toFixed(3)} ms, CPU ${(cpu * 1_000 / latencies.length).toFixed(0)} µs/acquire`
}

async function hotKey (mesh: OwnedLockMesh, workers: number, seconds: number): Promise<string> {
  const counts = new Array<number>(workers).fill(0)
  const cpu0 = cpuMs()
  const start = performance.now()
  const end = start + seconds * 1_000
  await Promise.all(counts.map(async (_, w) => {
    while (performance.now() < end) {
      const lock = await mesh.acquire('hot', { ttlMs: 5_000, waitMs: 30_000 })
      counts[w]!++
      await lock.release()
    }
  }))
  const elapsed = (performance.now() - start) / 1_000
  const cpu = cpuMs() - cpu0
  const total = counts.reduce((a, b) => a + b, 0)
  return `hot key: ${workers} workers, ${total} acquires, ${(total / elapsed).toFixed(0)} ops/s, CPU ${(cpu * 1_000 / total).toFixed(0)} µs/acquire, per worker ${counts.join('/')}`
}

const o = parseArgs(process.argv.slice(2))
const app = await startMesh(o.nodes, { timing: 'lan', ttlMsMax: 10_000 })
try {
  const mesh = app.meshes[0]!
  console.log(`${new Date().toISOString()} node ${process.version}, ${cpus().length} cores, load ${loadavg().map(x => x.toFixed(2)).join(' ')}; ${o.nodes} nodes in one process, quorum ${JSON.stringify(mesh.status().quorum)}`)
  await uncontended(mesh, 1) // warm-up
  console.log(await uncontended(mesh, o.seconds))
  console.log(await hotKey(mesh, o.workers, o.seconds))
  console.log(`RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (all nodes)`)
} finally {
  await app.stop()
}
