/**
 * Idle RSS of `lockmesh node` processes (issue 10): starts `--nodes` built
 * nodes on 127.0.0.1 (dist/bin/lockmesh.js: run `npm run build` first), waits
 * until every one logged read-write, lets them idle `--idle-seconds`, then
 * prints each process's VmRSS (Linux /proc) and stops them.
 *
 *   npx tsx simulations/bench/node-rss.ts [--nodes 3] [--idle-seconds 10] [--recommended-flags] [--flag <node flag>]…
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
import { generatePrivateKey, peerIdOf } from '../../src/create.js'
import { freePort } from '../acceptance/mesh.js'

const ROOT = join(import.meta.dirname, '..', '..')
const BIN = join(ROOT, 'dist', 'bin', 'lockmesh.js')
const READY_MS_MAX = 60_000

function parse (argv: string[]): { nodes: number, idleSeconds: number, flags: string[] } {
  const o = { nodes: 3, idleSeconds: 10, flags: [] as string[] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--recommended-flags') { o.flags.push(...NODE_PROCESS_FLAGS); continue }
    const v = argv[++i]
    if (v === undefined) throw new Error(`${a} needs a value`)
    if (a === '--flag') o.flags.push(v)
    else if (a === '--nodes' || a === '--idle-seconds') {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`${a} takes an integer 1..16`)
      if (a === '--nodes') o.nodes = n
      else o.idleSeconds = n
    } else throw new Error(`unknown option ${a} (--nodes, --idle-seconds, --recommended-flags, --flag)`)
  }
  return o
}

function rssMiB (pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith('VmRSS:'))
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024
}

const o = parse(process.argv.slice(2))
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`)
const dir = await mkdtemp(join(tmpdir(), 'lockmesh-rss-'))
const children: ChildProcess[] = []
try {
  const keys = await Promise.all(Array.from({ length: o.nodes }, async () => await generatePrivateKey()))
  const ids = keys.map(peerIdOf)
  const ports: number[] = []
  for (let i = 0; i < o.nodes; i++) ports.push(await freePort())
  const readWrite = new Set<number>()
  for (let i = 0; i < o.nodes; i++) {
    await writeFile(join(dir, `k${i}`), Buffer.from(privateKeyToProtobuf(keys[i]!)).toString('hex'))
    await writeFile(join(dir, `c${i}.json`), JSON.stringify({
      keyFile: `k${i}`, roster: ids, listen: [`/ip4/127.0.0.1/tcp/${ports[i]!}`], timing: 'lan', dataDir: `d${i}`,
      bootstrap: ids.flatMap((id, j) => j === i ? [] : [`/ip4/127.0.0.1/tcp/${ports[j]!}/p2p/${id}`])
    }))
  }
  for (let i = 0; i < o.nodes; i++) {
    const child = spawn(process.execPath, [...o.flags, BIN, 'node', '--config', join(dir, `c${i}.json`)], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
    let buf = ''
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const l of lines) {
        try {
          const j = JSON.parse(l) as { event?: string, mode?: string }
          if (j.event === 'mode') { if (j.mode === 'read-write') readWrite.add(i); else readWrite.delete(i) }
        } catch { /* not a log line */ }
      }
    })
    children.push(child)
  }
  const deadline = Date.now() + READY_MS_MAX
  while (readWrite.size < o.nodes) {
    if (Date.now() > deadline) throw new Error(`not every node read-write within ${READY_MS_MAX} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await new Promise(resolve => setTimeout(resolve, o.idleSeconds * 1_000))
  const rss = children.map(c => rssMiB(c.pid!))
  console.log(`${new Date().toISOString()} node ${process.version}, load ${loadavg().map(x => x.toFixed(2)).join(' ')}; ${o.nodes} idle lockmesh node processes, flags [${o.flags.join(' ')}], ${o.idleSeconds} s after all read-write`)
  console.log(`VmRSS MiB: ${rss.map(x => x.toFixed(1)).join(' ')} (max ${Math.max(...rss).toFixed(1)})`)
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
  await Promise.all(children.map(async c => {
    if (c.exitCode !== null) return
    await new Promise(resolve => { const t = setTimeout(() => { c.kill('SIGKILL'); resolve(null) }, 5_000); c.once('exit', () => { clearTimeout(t); resolve(null) }) })
  }))
  await rm(dir, { recursive: true, force: true })
}
