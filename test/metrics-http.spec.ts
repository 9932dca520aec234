/**
 * The observability endpoint and the announcement codec, in-process and fast:
 * bind rules (loopback unless a bearer token), auth, routes, hostile input;
 * `lockmesh node --metrics` on a public address without a token is refused
 * before the node starts.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Counter, Registry } from 'prom-client'
import { AnnouncementInvalidError, decodeAnnouncement, encodeAnnouncement, type Announcement } from '../src/announce/announcement.js'
import { generatePrivateKey, peerIdOf } from '../src/create.js'
import { InvalidOptionsError } from '../src/errors.js'
import { isLoopback, parseHostPort, serveObservability } from '../src/metrics/http-server.js'
import { CLI, ensureBuilt } from './helpers/ensure-built.js'
import { scrape, value, writeKeyFile } from './helpers/observe.js'

describe('observability endpoint: bind rules, bearer token, routes', () => {
  it('parses host:port and knows loopback addresses', () => {
    expect(parseHostPort('127.0.0.1:9464')).to.deep.equal({ host: '127.0.0.1', port: 9464 })
    expect(parseHostPort('[::1]:0')).to.deep.equal({ host: '::1', port: 0 })
    expect(parseHostPort('localhost:80')).to.deep.equal({ host: 'localhost', port: 80 })
    for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', ':::1:2', '', 'a b:1']) expect(() => parseHostPort(bad), bad).to.throw(InvalidOptionsError)
    expect(isLoopback('127.0.0.1')).to.equal(true)
    expect(isLoopback('127.8.9.1')).to.equal(true)
    expect(isLoopback('::1')).to.equal(true)
    expect(isLoopback('localhost')).to.equal(true)
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.org', '128.0.0.1']) expect(isLoopback(h), h).to.equal(false)
  })

  it('refuses a non-loopback bind without a token (clear error), before listening', async () => {
    const err = await serveObservability({ host: '0.0.0.0', port: 0, registry: new Registry(), status: () => '{}' }).then(() => null, (e: Error) => e)
    expect(err).to.be.instanceOf(InvalidOptionsError)
    expect(err!.message).to.match(/--metrics-token-file/)
  })

  it('serves /metrics and /status, 404 elsewhere, 405 for other methods; with a token, 401 without it', async () => {
    const registry = new Registry()
    new Counter({ name: 'probe_total', help: 'a probe', registers: [registry] }).inc(3)
    const token = 'a-token-of-sufficient-length'
    const srv = await serveObservability({ host: '127.0.0.1', port: 0, registry, status: () => '{"self":"x"}', token })
    try {
      const auth = { authorization: `Bearer ${token}` }
      expect((await fetch(`${srv.url}/metrics`)).status).to.equal(401)
      expect((await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).to.equal(401)
      expect(value(await scrape(srv.url, token), 'probe_total')).to.equal(3)
      const st = await fetch(`${srv.url}/status`, { headers: auth })
      expect(st.headers.get('content-type')).to.equal('application/json')
      expect(await st.json()).to.deep.equal({ self: 'x' })
      expect((await fetch(`${srv.url}/nope`, { headers: auth })).status).to.equal(404)
      expect((await fetch(`${srv.url}/metrics`, { method: 'POST', headers: auth })).status).to.equal(405)
    } finally {
      await srv.close()
    }
  })

  it('a /status that throws is a 500, and the server keeps serving', async () => {
    let fail = true
    const srv = await serveObservability({ host: '127.0.0.1', port: 0, registry: new Registry(), status: () => { if (fail) throw new Error('boom'); return '{}' } })
    try {
      expect((await fetch(`${srv.url}/status`)).status).to.equal(500)
      fail = false
      expect((await fetch(`${srv.url}/status`)).status).to.equal(200)
    } finally {
      await srv.close()
    }
  })
})

describe('mesh-topic announcements: codec and validation', () => {
  const peer = '12D3KooWexample'
  const good: Announcement = { v: 1, peer, incarnation: 2, seq: 7, mode: 'read-write', sharedLocks: true, reachable: [peer, 'p2'], state: 'running', quietRemainingMs: 0, locksHeld: 1, listen: ['/ip4/127.0.0.1/tcp/1'] }

  it('round-trips', () => {
    expect(decodeAnnouncement(encodeAnnouncement(good), peer)).to.deep.equal(good)
  })

  it('refuses, with a typed error, whatever is malformed or not from its signer', () => {
    const bad = (o: unknown, from = peer): void => {
      const data = typeof o === 'string' ? new TextEncoder().encode(o) : new TextEncoder().encode(JSON.stringify(o))
      expect(() => decodeAnnouncement(data, from), JSON.stringify(o).slice(0, 80)).to.throw(AnnouncementInvalidError)
    }
    bad('not json')
    bad('[]')
    bad(null)
    bad(good, 'someone-else')
    bad({ ...good, v: 2 })
    bad({ ...good, incarnation: -1 })
    bad({ ...good, seq: 1.5 })
    bad({ ...good, mode: 'god-mode' })
    bad({ ...good, state: 'sleeping' })
    bad({ ...good, sharedLocks: 'yes' })
    bad({ ...good, reachable: 'all' })
    bad({ ...good, reachable: [1, 2] })
    bad({ ...good, listen: new Array(100).fill('/ip4/1.2.3.4/tcp/1') })
    bad({ ...good, listen: ['x'.repeat(1000)] })
    expect(() => decodeAnnouncement(new Uint8Array(70 * 1024), peer)).to.throw(AnnouncementInvalidError, /bytes/)
    expect(() => decodeAnnouncement(new Uint8Array([0xff, 0xfe]), peer)).to.throw(AnnouncementInvalidError)
  })
})

describe('lockmesh node --metrics: bind rules on the command line', function () {
  this.timeout(180_000)
  let dir = ''
  before(async () => { ensureBuilt(); dir = await mkdtemp(join(tmpdir(), 'lockmesh-metrics-cli-')) })
  after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }) })

  const run = async (args: string[]): Promise<{ code: number, stderr: string }> => await new Promise(resolve => {
    execFile(process.execPath, [CLI, 'node', ...args], { timeout: 20_000 }, (err, _stdout, stderr) => { resolve({ code: err === null ? 0 : (err as { code?: number }).code ?? -1, stderr }) })
  })

  it('0.0.0.0 without --metrics-token-file exits 2 with a clear error; a short token is refused too', async () => {
    const key = await generatePrivateKey()
    const keyFile = await writeKeyFile(dir, 'n', key)
    const cfg = join(dir, 'n.json')
    await writeFile(cfg, JSON.stringify({ keyFile, roster: [peerIdOf(key)], dataDir: join(dir, 'data'), timing: 'fast' }))
    const open = await run(['--config', cfg, '--metrics', '0.0.0.0:0'])
    expect(open.code).to.equal(2)
    expect(open.stderr).to.match(/--metrics.*--metrics-token-file/s)
    expect(open.stderr).to.not.match(/\n\s+at /)
    const tokenFile = join(dir, 'token')
    await writeFile(tokenFile, 'short\n')
    const short = await run(['--config', cfg, '--metrics', '0.0.0.0:0', '--metrics-token-file', tokenFile])
    expect(short.code).to.equal(2)
    expect(short.stderr).to.match(/at least 16 characters/)
    const noMetrics = await run(['--config', cfg, '--metrics-token-file', tokenFile])
    expect(noMetrics.code).to.equal(2)
    expect(noMetrics.stderr).to.match(/used with --metrics/)
  })
})
