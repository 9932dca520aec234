/**
 * Helpers of the observability specs: `lockmesh node` processes with
 * `--metrics`, a real HTTP scrape parsed by a Prometheus text-format parser
 * (a library), bounded polling.
 */
import { createNewMemberStore } from '../../src/cli/init.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format'
import { CLI } from './ensure-built.js'

export async function scrape (url: string, token?: string): Promise<PromFamily[]> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000), ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}) })
  if (res.status !== 200) throw new Error(`scrape ${url}: HTTP ${res.status}`)
  return parsePrometheusTextFormat(await res.text())
}

/** A counter / gauge sample's value (0 when the series is absent). */
export function value (families: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const f = families.find(x => x.name === name)
  const m = f?.metrics.find(s => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))
  return m?.value === undefined ? 0 : Number(m.value)
}

/** A histogram series' observation count (0 when absent). */
export function histogramCount (families: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const f = families.find(x => x.name === name)
  const m = f?.metrics.find(s => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))
  return m?.count === undefined ? 0 : Number(m.count)
}

/** Poll `check` every 100 ms until it returns true; bounded by `timeoutMs`. */
export async function until (what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < Math.ceil(timeoutMs / 100) + 1; i++) {
    if (await check()) return performance.now() - start
    if (performance.now() - start > timeoutMs) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export interface NodeProcess {
  child: ChildProcess
  peerId: string
  listen: string[]
  metricsUrl: string
  stderr: () => string
  /** SIGTERM, SIGKILL after 3 s; resolves once it exited. */
  stop: () => Promise<void>
}

export async function writeKeyFile (dir: string, name: string, key: PrivateKey): Promise<string> {
  const file = join(dir, `${name}.key`)
  await writeFile(file, Buffer.from(privateKeyToProtobuf(key)).toString('hex') + '\n', { mode: 0o600 })
  return file
}

/** Start `lockmesh node --config … --metrics 127.0.0.1:0`; resolves at its `started` line. */
export async function startNodeProcess (dir: string, name: string, key: PrivateKey, config: Record<string, unknown>, env: Record<string, string> = {}, extraArgs: string[] = []): Promise<NodeProcess> {
  const keyFile = await writeKeyFile(dir, name, key)
  const cfgFile = join(dir, `${name}.json`)
  await writeFile(cfgFile, JSON.stringify({ keyFile, dataDir: join(dir, `${name}-data`), timing: 'fast', ...config }))
  // What `lockmesh init` does once for a new member (a missing store would mean disk loss: recovery).
  await createNewMemberStore(join(dir, `${name}-data`))
  const child = spawn(process.execPath, [CLI, 'node', '--config', cfgFile, '--metrics', '127.0.0.1:0', ...extraArgs], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => { if (err.length < 4_000_000) err += d.toString() })
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  const started = await new Promise<{ peerId: string, listen: string[], metrics: string }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${name} did not start within 20 s: ${err.slice(-2000)}`)) }, 20_000)
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`${name} exited with ${String(code)}: ${err.slice(-2000)}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      try {
        const o = JSON.parse(line) as { event?: string, peerId: string, listen: string[], metrics: string }
        if (o.event === 'started') { clearTimeout(timer); resolve(o) }
      } catch { /* not a JSON line */ }
    })
  })
  return {
    child,
    peerId: started.peerId,
    listen: started.listen,
    metricsUrl: started.metrics,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 3000)
      await exited
      clearTimeout(timer)
    }
  }
}
