/**
 * Startup time of a fresh mesh (issue 12): N `lockmesh node` processes with
 * the `lan` preset, every one bootstrapped with every other's address, all
 * spawned at once. Per round it records, from the nodes' own JSON logs (one
 * machine, one clock):
 *
 * - lastStartMs → allReadWriteMs: from the moment the last node's mesh
 *   started (its `started` line) to the moment every node has reported
 *   read-write — the figure the issue bounds by one suspicion period + 0.5 s;
 * - firstModeMs: per node, `started` → its first `mode` line (the detector
 *   gives the first mode one suspicion period after start, never earlier).
 *
 * Detection is not shortened: the nodes run the `lan` preset unchanged.
 *
 * Nodes that come up before a write quorum exists start read-only; their
 * first upgrade to read-write no longer waits the stable period (issue 12,
 * docs/design.md §3), so the spread of the start times (printed) matters
 * only through the last node's own first mode.
 *
 *   npm run build && npx tsx simulations/startup/startup-bench.ts [--nodes 5] [--rounds 5] [--in-process] [--tsx] [--verbose] [--out file.md]
 */
import '../../src/polyfills.js'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { createNewMemberStore } from '../../src/cli/init.js'
import { createLockMesh, generatePrivateKey, peerIdOf, type OwnedLockMesh } from '../../src/create.js'
import { MemoryFenceStore } from '../../src/store/memory-fence-store.js'
import { TIMING_PRESETS } from '../../src/runtime/presets.js'

const ROOT = join(import.meta.dirname, '..', '..')
const MAIN_TS = join(ROOT, 'bin', 'lockmesh.ts')
/** The built CLI starts in a fraction of tsx's time, so the nodes start closer together: build first (npm run build). */
const MAIN_JS = join(ROOT, 'dist', 'bin', 'lockmesh.js')
/** A round that has not reached read-write everywhere by then is recorded as a failure. */
const ROUND_MS_MAX = 60_000
const NODES_MAX = 16
const ROUNDS_MAX = 50

interface Line { t: string, event: string, mode?: string }
export interface RoundResult { lastStartToAllReadWriteMs: number | null, firstModeMs: number[], spawnToLastStartMs: number, startSpreadMs: number }

function arg (name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  if (i < 0) return fallback
  const v = Number(process.argv[i + 1])
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a positive integer`)
  return v
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => { resolve(typeof a === 'object' && a !== null ? a.port : 0) }) })
  })
}

async function round (n: number): Promise<RoundResult> {
  const dir = await mkdtemp(join(tmpdir(), 'lockmesh-startup-'))
  const keys = await Promise.all(Array.from({ length: n }, async () => await generatePrivateKey()))
  const ids = keys.map(peerIdOf)
  const ports = await Promise.all(keys.map(async () => await freePort()))
  const addr = (i: number): string => `/ip4/127.0.0.1/tcp/${ports[i]!}/p2p/${ids[i]!}`
  const logs: Line[][] = keys.map(() => [])
  const children = []
  try {
    for (let i = 0; i < n; i++) {
      await writeFile(join(dir, `k${i}`), Buffer.from(privateKeyToProtobuf(keys[i]!)).toString('hex'))
      await writeFile(join(dir, `c${i}.json`), JSON.stringify({
        keyFile: `k${i}`, roster: ids, listen: [`/ip4/127.0.0.1/tcp/${ports[i]!}`], bootstrap: ids.map((_x, j) => j).filter(j => j !== i).map(addr),
        dataDir: `d${i}`, timing: 'lan'
      }))
      // `lockmesh init`: brand-new members (a missing store would mean disk loss and recovery).
      await createNewMemberStore(join(dir, `d${i}`))
    }
    const spawnedAt = Date.now()
    for (let i = 0; i < n; i++) {
      const cli = process.argv.includes('--tsx') || !existsSync(MAIN_JS) ? ['--import', 'tsx', MAIN_TS] : [MAIN_JS]
      const child = spawn(process.execPath, [...cli, 'node', '--config', join(dir, `c${i}.json`)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
      let buf = ''
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        const parts = buf.split('\n')
        buf = parts.pop() ?? ''
        for (const l of parts) { try { logs[i]!.push(JSON.parse(l) as Line) } catch { /* not a log line */ } }
      })
      children.push(child)
    }
    const at = (l: Line): number => Date.parse(l.t)
    const started = (i: number): number | undefined => { const l = logs[i]!.find(x => x.event === 'started'); return l === undefined ? undefined : at(l) }
    const readWrite = (i: number): number | undefined => {
      const modes = logs[i]!.filter(x => x.event === 'mode')
      const last = modes[modes.length - 1]
      return last?.mode === 'read-write' ? at(modes.find((m, k) => m.mode === 'read-write' && modes.slice(k).every(x => x.mode === 'read-write'))!) : undefined
    }
    const deadline = Date.now() + ROUND_MS_MAX
    while (Date.now() < deadline && !logs.every((_l, i) => readWrite(i) !== undefined)) await new Promise(resolve => setTimeout(resolve, 100))
    // Let a late downgrade show itself before judging the round.
    await new Promise(resolve => setTimeout(resolve, 1_000))
    const starts = logs.map((_l, i) => started(i))
    if (process.argv.includes('--verbose')) {
      const t0 = Math.min(...starts.map(s => s ?? Infinity))
      for (const [i, l] of logs.entries()) console.log(`  node ${i}: ${l.map(x => `${at(x) - t0} ${x.event}${x.mode !== undefined ? ` ${x.mode} ${String((x as { reachable?: unknown[] }).reachable?.length)}` : ''}`).join('; ')}`)
    }
    const rws = logs.map((_l, i) => readWrite(i))
    const lastStart = Math.max(...starts.map(s => s ?? Infinity))
    const allRw = rws.every(r => r !== undefined) ? Math.max(...rws as number[]) : undefined
    return {
      lastStartToAllReadWriteMs: allRw === undefined || !Number.isFinite(lastStart) ? null : Math.max(0, allRw - lastStart),
      firstModeMs: logs.map((l, i) => { const m = l.find(x => x.event === 'mode'); const s = starts[i]; return m === undefined || s === undefined ? NaN : at(m) - s }),
      spawnToLastStartMs: lastStart - spawnedAt,
      startSpreadMs: lastStart - Math.min(...starts.map(s => s ?? Infinity))
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
    await Promise.all(children.map(async c => { if (c.exitCode === null) await new Promise(resolve => { const t = setTimeout(() => { c.kill('SIGKILL'); resolve(null) }, 5_000); c.once('exit', () => { clearTimeout(t); resolve(null) }) }) }))
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The same measurement with the N nodes in this process (createLockMesh,
 * `lan`, MemoryFenceStore), started together: no process start-up jitter, one
 * shared event loop. Times come from the nodes' own `mode` events.
 */
async function roundInProcess (n: number): Promise<RoundResult> {
  const keys = await Promise.all(Array.from({ length: n }, async () => await generatePrivateKey()))
  const ids = keys.map(peerIdOf)
  const ports = await Promise.all(keys.map(async () => await freePort()))
  const addr = (i: number): string => `/ip4/127.0.0.1/tcp/${ports[i]!}/p2p/${ids[i]!}`
  const meshes: OwnedLockMesh[] = []
  const starts: number[] = []
  const rw: Array<number | undefined> = []
  const firstMode: number[] = []
  const spawnedAt = performance.now()
  try {
    await Promise.all(keys.map(async (privateKey, i) => {
      const mesh = await createLockMesh({
        privateKey, roster: ids, listen: [`/ip4/127.0.0.1/tcp/${ports[i]!}`], bootstrap: ids.map((_x, j) => j).filter(j => j !== i).map(addr),
        store: new MemoryFenceStore(), timing: 'lan'
      })
      starts[i] = performance.now()
      meshes[i] = mesh
      mesh.addEventListener('mode', e => {
        const t = performance.now()
        if (firstMode[i] === undefined) firstMode[i] = t - starts[i]!
        rw[i] = e.detail.mode === 'read-write' ? (rw[i] ?? t) : undefined
      })
    }))
    const deadline = performance.now() + ROUND_MS_MAX
    while (performance.now() < deadline && !keys.every((_k, i) => rw[i] !== undefined)) await new Promise(resolve => setTimeout(resolve, 20))
    await new Promise(resolve => setTimeout(resolve, 1_000))
    const lastStart = Math.max(...starts)
    const all = rw.length === n && rw.every(r => r !== undefined) ? Math.max(...rw as number[]) : undefined
    return {
      lastStartToAllReadWriteMs: all === undefined ? null : Math.round(Math.max(0, all - lastStart)),
      firstModeMs: keys.map((_k, i) => Math.round(firstMode[i] ?? NaN)),
      spawnToLastStartMs: Math.round(lastStart - spawnedAt),
      startSpreadMs: Math.round(lastStart - Math.min(...starts))
    }
  } finally {
    await Promise.all(meshes.map(async m => { await m.stop().catch(() => {}) }))
  }
}

function stats (xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!
  return `min ${s[0]} / median ${q(0.5)} / max ${s[s.length - 1]} ms`
}

async function main (): Promise<void> {
  const n = Math.min(arg('--nodes', 5), NODES_MAX)
  const rounds = Math.min(arg('--rounds', 5), ROUNDS_MAX)
  const outIdx = process.argv.indexOf('--out')
  const out = outIdx >= 0 ? process.argv[outIdx + 1] : undefined
  const suspicion = TIMING_PRESETS.lan.suspicionTimeoutMs!
  const inProcess = process.argv.includes('--in-process')
  const results: RoundResult[] = []
  for (let r = 0; r < rounds; r++) {
    const res = inProcess ? await roundInProcess(n) : await round(n)
    results.push(res)
    console.log(`round ${r + 1}: last start → all read-write ${res.lastStartToAllReadWriteMs ?? 'NOT REACHED'} ms; first mode after start ${res.firstModeMs.join(', ')} ms; spawn → last start ${res.spawnToLastStartMs} ms; first → last start ${res.startSpreadMs} ms`)
  }
  const ok = results.map(r => r.lastStartToAllReadWriteMs).filter((x): x is number => x !== null)
  const firsts = results.flatMap(r => r.firstModeMs).filter(x => Number.isFinite(x))
  const lines = [
    `- nodes: ${n} ${inProcess ? 'in one process (createLockMesh, started together)' : 'processes (`lockmesh node`)'}, \`lan\` preset (suspicion ${suspicion} ms), full bootstrap lists, 127.0.0.1; ${rounds} rounds`,
    `- last node started → every node read-write: ${ok.length > 0 ? stats(ok) : 'never'}${ok.length < rounds ? ` (${rounds - ok.length} rounds never got there within ${ROUND_MS_MAX} ms)` : ''}; bound suspicion + 500 = ${suspicion + 500} ms: ${ok.filter(x => x <= suspicion + 500).length}/${rounds} rounds within`,
    `- a node's first mode after its start: ${firsts.length > 0 ? stats(firsts) : 'never'}`,
    `- per round (ms, last start → all read-write): ${results.map(r => r.lastStartToAllReadWriteMs ?? 'x').join(', ')}`,
    `- per round (ms, first → last node started): ${results.map(r => r.startSpreadMs).join(', ')}`
  ]
  console.log(lines.join('\n'))
  if (out !== undefined) await writeFile(out, lines.join('\n') + '\n')
}

await main()
