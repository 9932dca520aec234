/**
 * `lockmesh node --config file.json [--mdns] [--metrics <host:port> [--metrics-token-file <file>]]`:
 * run one node until SIGINT/SIGTERM, logging its mode changes (one JSON line
 * each); with `--metrics`, serve `/metrics` and `/status` (see README,
 * Observability). Debug logs: `DEBUG=lockmesh:*`.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Registry } from 'prom-client'
import { createLockMesh, loadPrivateKey } from '../create.js'
import { InvalidOptionsError } from '../errors.js'
import { isLoopback, parseHostPort, serveObservability, type ObservabilityServer } from '../metrics/http-server.js'
import { statusDocument, toJson } from '../metrics/status-doc.js'
import { parseNodeConfig } from './node-config.js'

const USAGE = '--config <file.json> [--mdns] [--metrics <host:port> [--metrics-token-file <file>]]'

interface NodeArgs { config: string, metrics?: { host: string, port: number }, tokenFile?: string, mdns?: true }

export function parseNodeArgs (argv: string[]): NodeArgs {
  let config: string | undefined
  let metrics: string | undefined
  let tokenFile: string | undefined
  let mdns = false
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    // The one flag without a value: mDNS discovery on, whatever the config file says.
    if (flag === '--mdns') { mdns = true; continue }
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) throw new InvalidOptionsError('node', USAGE, argv.join(' '))
    if (flag === '--config') config = value
    else if (flag === '--metrics') metrics = value
    else if (flag === '--metrics-token-file') tokenFile = value
    else throw new InvalidOptionsError('node', USAGE, flag)
    i++
  }
  if (config === undefined) throw new InvalidOptionsError('node', USAGE, argv.join(' '))
  if (tokenFile !== undefined && metrics === undefined) throw new InvalidOptionsError('--metrics-token-file', 'used with --metrics <host:port>', tokenFile)
  return { config, ...(mdns ? { mdns: true as const } : {}), ...(metrics !== undefined ? { metrics: parseHostPort(metrics) } : {}), ...(tokenFile !== undefined ? { tokenFile } : {}) }
}

async function readToken (file: string): Promise<string> {
  let token: string
  try {
    token = (await readFile(file, 'utf8')).trim()
  } catch (err) {
    throw new InvalidOptionsError('--metrics-token-file', 'a readable file holding the bearer token', `${file} (${(err as Error).message})`)
  }
  if (token.length < 16 || /\s/.test(token)) throw new InvalidOptionsError('--metrics-token-file', 'a token of at least 16 characters, no whitespace', `${file}`)
  return token
}

export async function runNode (argv: string[]): Promise<number> {
  const args = parseNodeArgs(argv)
  const path = resolve(args.config)
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new InvalidOptionsError('--config', 'a readable JSON file', `${path} (${(err as Error).message})`)
  }
  const cfg = parseNodeConfig(json)
  const base = dirname(path)
  const token = args.tokenFile === undefined ? undefined : await readToken(resolve(args.tokenFile))
  // Refuse a public bind without a token before anything starts.
  if (args.metrics !== undefined) assertBindAllowed(args.metrics.host, token)
  const privateKey = await loadPrivateKey(resolve(base, cfg.keyFile))
  const psk = cfg.pskFile === undefined ? undefined : await readFile(resolve(base, cfg.pskFile))
  // prom-client is loaded only when metrics are served (~10 MiB of RSS an idle node does not need; issue 10).
  const registry: Registry | undefined = args.metrics !== undefined ? new (await import('prom-client')).Registry() : undefined
  const mesh = await createLockMesh({
    privateKey, roster: cfg.roster, listen: cfg.listen, bootstrap: cfg.bootstrap, dataDir: resolve(base, cfg.dataDir),
    quorum: cfg.quorum, ttlMsMax: cfg.ttlMsMax, timing: cfg.timing, ...(psk !== undefined ? { psk } : {}),
    ...(cfg.mdns || args.mdns === true ? { mdns: cfg.mdnsIntervalMs !== undefined ? { intervalMs: cfg.mdnsIntervalMs } : true } : {}),
    ...(registry !== undefined ? { metricsRegistry: registry } : {})
  })
  let server: ObservabilityServer | null = null
  try {
    if (args.metrics !== undefined && registry !== undefined) {
      server = await serveObservability({ ...args.metrics, registry, status: () => toJson(statusDocument(mesh, mesh.announcer)), ...(token !== undefined ? { token } : {}) })
    }
  } catch (err) {
    await mesh.stop()
    throw err
  }
  const log = (o: object): void => { process.stdout.write(JSON.stringify({ t: new Date().toISOString(), ...o }) + '\n') }
  const st = mesh.status()
  // A lost store: say at once that the node recovers (its first mode event came during start).
  log({ event: 'started', peerId: mesh.config.self, listen: mesh.libp2p.getMultiaddrs().map(String), quorum: st.quorum, ...(server !== null ? { metrics: server.url } : {}), ...(st.recovering ? { recovering: true, reason: st.recovery?.reason } : {}) })
  mesh.addEventListener('mode', e => { log({ event: 'mode', ...e.detail }) })
  await new Promise<void>(done => {
    // A draining stop (at most the longest lease this node voted for); a second signal exits at once (default action).
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      log({ event: 'draining' })
      ;(server?.close() ?? Promise.resolve()).then(async () => { await mesh.stop() }).then(done, done)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  log({ event: 'stopped' })
  return 0
}

/** The same check serveObservability makes, before the node starts (a clear error, nothing to undo). */
function assertBindAllowed (host: string, token: string | undefined): void {
  if (!isLoopback(host) && token === undefined) {
    throw new InvalidOptionsError('--metrics', `a loopback address (127.0.0.1, ::1, localhost), or --metrics-token-file <file> to bind ${host}: /status shows lock keys and peers`, host)
  }
}
