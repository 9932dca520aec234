/**
 * RSS of `lockmesh node` processes (issue 10): starts `--nodes` built nodes
 * on 127.0.0.1 (dist/bin/lockmesh.js: run `npm run build` first) plus one node
 * embedded in this process (the app), waits until every one is read-write,
 * lets them idle `--idle-seconds`, then prints each CLI process's VmRSS
 * (Linux /proc). With `--reps R` it then runs R rounds of load from the app
 * (`--load-seconds` of a hot key with 8 workers, then as long of 1,000 keys)
 * and prints the RSS `--settle-seconds` (default 2) after each — past the
 * voters' tombstone time (30 s with `lan` timing) what remains is not the
 * tombstones of the round's releases; with `--hold N` it then holds N keys at once
 * and prints it again. Each CLI node runs with `--trace-gc`: the heap left
 * live after its latest mark-compact is printed next to its RSS — garbage
 * goes at a mark-compact, growth stays. `--gc` makes each CLI node write a
 * heap snapshot (SIGUSR2, `--heapsnapshot-signal`; V8 collects everything
 * first) before every report, so the live-heap figures show what survives a
 * full GC. It stalls each node for seconds (its peers may suspect it) and the
 * snapshot's own memory stays in its RSS: read only the live heap then.
 *
 *   npx tsx simulations/bench/node-rss.ts [--nodes 3] [--idle-seconds 10] [--reps 0] [--load-seconds 10] [--settle-seconds 2] [--hold 0] [--gc] [--recommended-flags] [--flag <node flag>]…
 *
 * With `--gc`, `--flag --diagnostic-dir=<dir>` keeps the snapshots (else
 * they go to the temporary folder, removed at the end).
 *
 * `--recommended-flags` starts them with NODE_PROCESS_FLAGS (src/cli/node-flags.ts).
 */
import '../../src/polyfills.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { NODE_PROCESS_FLAGS } from '../../src/cli/node-flags.js'
import { createNewMemberStore } from '../../src/cli/init.js'
import { createLockMesh, generatePrivateKey, peerIdOf, type OwnedLockMesh } from '../../src/create.js'
import type { Lock } from '../../src/lock.js'
import { MemoryFenceStore } from '../../src/store/memory-fence-store.js'
import { freePort } from '../acceptance/mesh.js'

const ROOT = join(import.meta.dirname, '..', '..')
const BIN = join(ROOT, 'dist', 'bin', 'lockmesh.js')
const READY_MS_MAX = 60_000

interface Options { nodes: number, idleSeconds: number, reps: number, loadSeconds: number, settleSeconds: number, hold: number, gc: boolean, flags: string[] }

const INT_OPTIONS: Record<string, [keyof Options, number, number]> = {
  '--nodes': ['nodes', 1, 16],
  '--idle-seconds': ['idleSeconds', 1, 600],
  '--reps': ['reps', 0, 10],
  '--load-seconds': ['loadSeconds', 1, 600],
  '--settle-seconds': ['settleSeconds', 0, 600],
  '--hold': ['hold', 0, 100_000]
}

function parse (argv: string[]): Options {
  const o: Options = { nodes: 3, idleSeconds: 10, reps: 0, loadSeconds: 10, settleSeconds: 2, hold: 0, gc: false, flags: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--recommended-flags') { o.flags.push(...NODE_PROCESS_FLAGS); continue }
    if (a === '--gc') { o.gc = true; continue }
    const v = argv[++i]
    if (v === undefined) throw new Error(`${a} needs a value`)
    const spec = INT_OPTIONS[a ?? '']
    if (a === '--flag') o.flags.push(v)
    else if (spec !== undefined) {
      const n = Number(v)
      if (!Number.isInteger(n) || n < spec[1] || n > spec[2]) throw new Error(`${a} takes an integer ${spec[1]}..${spec[2]}`)
      ;(o as unknown as Record<string, number>)[spec[0]] = n
    } else throw new Error(`unknown option ${String(a)} (--nodes, --idle-seconds, --reps, --load-seconds, --settle-seconds, --hold, --gc, --recommended-flags, --flag)`)
  }
  return o
}

/** `--trace-gc` lines: "Mark-Compact 40.1 (52.3) -> 30.2 (53.1) MB" — the live heap after it is the figure after the arrow. */
const MARK_COMPACT = /Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/

/** User + system CPU seconds of `pid` so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function rssMiB (pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith('VmRSS:'))
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024
}

const o = parse(process.argv.slice(2))
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`)
const dir = await mkdtemp(join(tmpdir(), 'lockmesh-rss-'))
const children: ChildProcess[] = []
const liveAfterGc: Array<number | null> = []
let app: OwnedLockMesh | null = null
try {
  // keys[o.nodes] is the app's embedded node.
  const keys = await Promise.all(Array.from({ length: o.nodes + 1 }, async () => await generatePrivateKey()))
  const ids = keys.map(peerIdOf)
  const ports: number[] = []
  for (let i = 0; i <= o.nodes; i++) ports.push(await freePort())
  const readWrite = new Set<number>()
  for (let i = 0; i < o.nodes; i++) {
    await writeFile(join(dir, `k${i}`), Buffer.from(privateKeyToProtobuf(keys[i]!)).toString('hex'))
    await writeFile(join(dir, `c${i}.json`), JSON.stringify({
      keyFile: `k${i}`, roster: ids, listen: [`/ip4/127.0.0.1/tcp/${ports[i]!}`], timing: 'lan', dataDir: `d${i}`,
      bootstrap: ids.flatMap((id, j) => j === i ? [] : [`/ip4/127.0.0.1/tcp/${ports[j]!}/p2p/${id}`])
    }))
    // `lockmesh init`: brand-new members (a missing store would mean disk loss and recovery).
    await createNewMemberStore(join(dir, `d${i}`))
  }
  for (let i = 0; i < o.nodes; i++) {
    const child = spawn(process.execPath, [...o.flags, '--trace-gc', ...(o.gc ? ['--heapsnapshot-signal=SIGUSR2'] : []), BIN, 'node', '--config', join(dir, `c${i}.json`)], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
    liveAfterGc.push(null)
    let buf = ''
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const l of lines) {
        const gc = MARK_COMPACT.exec(l)
        if (gc !== null) { liveAfterGc[i] = Number(gc[1]); continue }
        try {
          const j = JSON.parse(l) as { event?: string, mode?: string }
          if (j.event === 'mode') { if (j.mode === 'read-write') readWrite.add(i); else readWrite.delete(i) }
        } catch { /* not a log line */ }
      }
    })
    children.push(child)
  }
  app = await createLockMesh({
    privateKey: keys[o.nodes]!, roster: ids, store: new MemoryFenceStore(), timing: 'lan', listen: [`/ip4/127.0.0.1/tcp/${ports[o.nodes]!}`],
    bootstrap: ids.flatMap((id, j) => j === o.nodes ? [] : [`/ip4/127.0.0.1/tcp/${ports[j]!}/p2p/${id}`])
  })
  const untilReadWrite = async (): Promise<void> => {
    const deadline = Date.now() + READY_MS_MAX
    while (readWrite.size < o.nodes || app!.mode !== 'read-write') {
      if (Date.now() > deadline) throw new Error(`not every node read-write within ${READY_MS_MAX} ms`)
      await sleep(100)
    }
  }
  await untilReadWrite()
  console.log(`${new Date().toISOString()} node ${process.version}, load ${loadavg().map(x => x.toFixed(2)).join(' ')}; ${o.nodes} lockmesh node processes + 1 embedded in this app, flags [${o.flags.join(' ')}]`)
  const report = async (what: string): Promise<void> => {
    if (o.gc) {
      for (const c of children) c.kill('SIGUSR2')
      await sleep(5_000) // the snapshot is written synchronously: the node is back once it is done
    }
    const rss = children.map(c => rssMiB(c.pid!))
    const live = liveAfterGc.map(x => x === null ? '–' : x.toFixed(1)).join(' ')
    const cpu = children.map(c => cpuSeconds(c.pid!).toFixed(1)).join(' ')
    console.log(`${what}: VmRSS MiB ${rss.map(x => x.toFixed(1)).join(' ')} (max ${Math.max(...rss).toFixed(1)}); live heap after the latest mark-compact MB ${live}; CPU s so far ${cpu}; load ${loadavg()[0]!.toFixed(2)}`)
  }
  await sleep(o.idleSeconds * 1_000)
  await report(`idle ${o.idleSeconds} s after all read-write`)
  for (let r = 1; r <= o.reps; r++) {
    // A node stalled by a snapshot (--gc) may have left read-write: start each round from read-write.
    await untilReadWrite()
    const hot = await load(app, o.loadSeconds, 8, () => 'hot')
    let n = 0
    const many = await load(app, o.loadSeconds, 8, () => `k${n++ % 1_000}`)
    await sleep(o.settleSeconds * 1_000)
    await report(`${o.settleSeconds} s after load round ${r} (hot key ${hot} acquires, 1,000 keys ${many} acquires)`)
  }
  if (o.hold > 0) {
    // 64 at a time, each for the longest lease the mesh allows.
    const held: Lock[] = []
    let next = 0
    let failed = 0
    const t0 = Date.now()
    await Promise.all(Array.from({ length: 64 }, async () => {
      for (let i = next++; i < o.hold; i = next++) {
        try { held.push(await app!.acquire(`held-${i}`, { ttlMs: app!.config.ttlMsMax, waitMs: 30_000 })) } catch { failed++ }
      }
    }))
    const tookMs = Date.now() - t0
    const lapsed = held.filter(l => !l.valid).length
    await report(`holding ${held.length - lapsed} of ${o.hold} locks (taken in ${tookMs} ms, ttl ${app.config.ttlMsMax} ms; ${failed} acquires failed, ${lapsed} lapsed already)`)
    await Promise.all(held.map(async l => { await l.release().catch(() => {}) }))
  }
} finally {
  await app?.stop().catch(() => {})
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
  await Promise.all(children.map(async c => {
    if (c.exitCode !== null) return
    await new Promise(resolve => { const t = setTimeout(() => { c.kill('SIGKILL'); resolve(null) }, 5_000); c.once('exit', () => { clearTimeout(t); resolve(null) }) })
  }))
  await rm(dir, { recursive: true, force: true })
}

async function sleep (ms: number): Promise<void> { await new Promise(resolve => setTimeout(resolve, ms)) }

/** `workers` loops of acquire → release on `key()` for `seconds`; the number of acquires. */
async function load (mesh: OwnedLockMesh, seconds: number, workers: number, key: () => string): Promise<number> {
  const end = Date.now() + seconds * 1_000
  let count = 0
  await Promise.all(Array.from({ length: workers }, async () => {
    while (Date.now() < end) {
      try {
        const lock = await mesh.acquire(key(), { ttlMs: 5_000, waitMs: 10_000 })
        count++
        await lock.release()
      } catch { await sleep(10) }
    }
  }))
  return count
}
