/**
 * Every process the bench starts goes through here, so that every one is
 * stopped when the bench ends: normally (stopAll), on an error, on Ctrl-C /
 * SIGTERM / SIGHUP, and on exit (SIGKILL as a last resort). Children also stop
 * themselves when the bench vanishes (orphan-guard.ts for `lockmesh node`,
 * the IPC channel's disconnect for agents).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Compiled (dist/simulations/bench/*.js, `npm run bench`) or from source under tsx (tests). */
const HERE = fileURLToPath(new URL('.', import.meta.url))
export const FROM_DIST = import.meta.url.endsWith('.js')
const EXT = FROM_DIST ? '.js' : '.ts'
/** The repository root (the source tree, also when running from dist/). */
export const ROOT = join(HERE, FROM_DIST ? '../../..' : '../..')
/** tsx by absolute URL: children run with cwd in a temp dir, where a bare `tsx` does not resolve. */
const TSX = FROM_DIST ? [] : ['--import', import.meta.resolve('tsx')]
/** A SIGTERMed child gets this long to drain and exit before SIGKILL. */
const STOP_GRACE_MS = 8_000

/** The `lockmesh` CLI script: the built binary when running from dist (npm run build), else bin/lockmesh.ts under tsx. */
function lockmeshScript (): string {
  if (!FROM_DIST) return join(ROOT, 'bin', 'lockmesh.ts')
  const bin = join(ROOT, 'dist', 'bin', 'lockmesh.js')
  if (!existsSync(bin)) throw new Error(`${bin} missing: npm run build`)
  return bin
}

/** Node arguments of `lockmesh node --config <file>` with the orphan guard preloaded and `nodeFlags` (Node/V8 flags) first. */
export function lockmeshNodeArgs (configPath: string, nodeFlags: readonly string[] = []): string[] {
  const guard = pathToFileURL(join(HERE, 'orphan-guard' + EXT)).href
  return [...nodeFlags, ...TSX, '--import', guard, lockmeshScript(), 'node', '--config', configPath]
}

export interface Child { name: string, proc: ChildProcess, tail: string[] }

const children = new Set<Child>()
let hooked = false

function killAllNow (): void {
  for (const c of children) if (alive(c.proc)) { try { c.proc.kill('SIGCONT'); c.proc.kill('SIGKILL') } catch { /* gone */ } }
}

function installHooks (): void {
  if (hooked) return
  hooked = true
  process.on('exit', killAllNow)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`bench: ${sig}: stopping ${children.size} child processes\n`)
      killAllNow()
      process.exit(130)
    })
  }
}

export function alive (p: ChildProcess): boolean { return p.exitCode === null && p.signalCode === null }

function track (name: string, proc: ChildProcess, log: (line: string) => void): Child {
  installHooks()
  const c: Child = { name, proc, tail: [] }
  children.add(c)
  const keep = (line: string): void => { c.tail.push(line); if (c.tail.length > 30) c.tail.shift() }
  for (const s of [proc.stdout, proc.stderr]) {
    let buf = ''
    s?.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const l of lines) { keep(l); log(l) }
    })
  }
  proc.once('exit', () => { children.delete(c) })
  return c
}

/** `node <args>` with stdin a pipe (the orphan guard watches it) and line-wise output to `onLine`. */
export function spawnNode (name: string, args: string[], cwd: string, onLine: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Child {
  const proc = spawn(process.execPath, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env })
  proc.stdin?.on('error', () => { /* EPIPE once it died */ })
  return track(name, proc, onLine)
}

/** A bench script with an IPC channel (agents, baseline peers). */
export function forkScript (name: string, script: string, args: string[], onLine: (line: string) => void): Child {
  const proc = fork(join(HERE, script + EXT), args, { execArgv: TSX, stdio: ['pipe', 'pipe', 'pipe', 'ipc'] })
  return track(name, proc, onLine)
}

/** SIGTERM (SIGCONT first: a stopped process cannot drain), SIGKILL after the grace period. */
export async function stopChild (c: Child, graceMs = STOP_GRACE_MS): Promise<void> {
  if (!alive(c.proc)) return
  const exited = new Promise<void>(resolve => { c.proc.once('exit', () => { resolve() }) })
  try { c.proc.kill('SIGCONT'); c.proc.kill('SIGTERM') } catch { /* gone */ }
  const t = setTimeout(() => { try { c.proc.kill('SIGKILL') } catch { /* gone */ } }, graceMs)
  await exited
  clearTimeout(t)
}

export async function stopAll (): Promise<void> {
  await Promise.all([...children].map(stopChild))
}

/** Children still running (a test asserts none is left). */
export function runningChildren (): number { return [...children].filter(c => alive(c.proc)).length }

/** VmRSS and VmHWM of a process, KiB (null when it is gone). */
export function rssKiB (pid: number | undefined): { rssKiB: number, hwmKiB: number } | null {
  if (pid === undefined) return null
  try {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (f: string): number => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(st)?.[1] ?? NaN)
    return { rssKiB: kb('VmRSS'), hwmKiB: kb('VmHWM') }
  } catch {
    return null
  }
}
