/**
 * The observability endpoint of `lockmesh node --metrics <host:port>`:
 * `GET /metrics` (Prometheus text from the node's registry) and `GET /status`
 * (the status document as JSON). Loopback by default; any other bind address
 * needs a bearer token, because `/status` shows lock keys and peers.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import type { Registry } from 'prom-client'
import { InvalidOptionsError } from '../errors.js'

export interface ObservabilityServerOptions {
  host: string
  port: number
  registry: Registry
  /** The `/status` body (JSON text). */
  status: () => string
  /** Bearer token; required unless `host` is a loopback address. */
  token?: string
}

export interface ObservabilityServer {
  /** `http://host:port` as bound (the real port when 0 was asked). */
  url: string
  close: () => Promise<void>
}

/** `127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`, `0.0.0.0:9464` → host and port. */
export function parseHostPort (value: string | undefined, flag = '--metrics'): { host: string, port: number } {
  const m = typeof value === 'string' ? /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value) : null
  const port = m === null ? NaN : Number(m[3])
  if (m === null || port > 65535) throw new InvalidOptionsError(flag, '<host>:<port>, e.g. 127.0.0.1:9464 or [::1]:9464', value)
  return { host: m[1] ?? m[2]!, port }
}

export function isLoopback (host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

/** Requests served at once at most; more get 503 (a scraper gone wild must not starve the node). */
const IN_FLIGHT_MAX = 16

export async function serveObservability (options: ObservabilityServerOptions): Promise<ObservabilityServer> {
  const { host, port, registry, status, token } = options
  if (!isLoopback(host) && (token === undefined || token.length === 0)) {
    throw new InvalidOptionsError('--metrics', `a loopback address (127.0.0.1, ::1, localhost), or --metrics-token-file for ${host}: /status shows lock keys and peers`, `${host}:${port}`)
  }
  const expected = token === undefined ? null : Buffer.from(`Bearer ${token}`)
  let inFlight = 0
  // node:http is loaded only when metrics are served (`lockmesh node` parses --metrics with this module's helpers; issue 10).
  const { createServer } = await import('node:http')
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (code: number, type: string, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...headers })
      res.end(body)
    }
    if (expected !== null) {
      const got = Buffer.from(req.headers.authorization ?? '')
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) { send(401, 'text/plain', 'unauthorized\n', { 'www-authenticate': 'Bearer' }); return }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') { send(405, 'text/plain', 'GET only\n', { allow: 'GET, HEAD' }); return }
    if (inFlight >= IN_FLIGHT_MAX) { send(503, 'text/plain', 'busy\n'); return }
    const path = (req.url ?? '/').split('?')[0]
    inFlight++
    const done = (): void => { inFlight-- }
    if (path === '/metrics') {
      registry.metrics().then(text => { send(200, registry.contentType, text) }, (err: unknown) => { send(500, 'text/plain', `metrics failed: ${(err as Error).message}\n`) }).finally(done)
    } else if (path === '/status') {
      try { send(200, 'application/json', status()) } catch (err) { send(500, 'text/plain', `status failed: ${(err as Error).message}\n`) } finally { done() }
    } else {
      done()
      send(404, 'text/plain', 'not found: try /metrics or /status\n')
    }
  })
  // A malformed request closes its socket; nothing here may take the node down.
  server.on('clientError', (_err, socket) => { socket.destroy() })
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  server.on('error', () => { /* after listen: per-connection errors only; the node keeps running */ })
  const addr = server.address()
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: async () => { await new Promise<void>(resolve => { server.close(() => { resolve() }); server.closeAllConnections() }) }
  }
}
