/**
 * `lockmesh status` (issue 13): against a 5-node local mesh it prints all 5
 * roster members; after one node stops it shows that node unreachable within
 * the suspicion timeout + one announcement interval + 1 s. The five nodes
 * run in this process (fast timings, 127.0.0.1), each with one bootstrap
 * address; node 0 serves /status like `lockmesh node --metrics`; the
 * `lockmesh status` command runs as a real process.
 */
import { execFile, spawn } from 'node:child_process'
import { expect } from 'chai'
import { Registry } from 'prom-client'
import { createLockMesh, generatePrivateKey, peerIdOf, type OwnedLockMesh } from '../src/create.js'
import { serveObservability, type ObservabilityServer } from '../src/metrics/http-server.js'
import type { MemberRow } from '../src/metrics/status-doc.js'
import { statusDocument, toJson } from '../src/metrics/status-doc.js'
import { TIMING_PRESETS } from '../src/runtime/presets.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import { CLI, ensureBuilt } from './helpers/ensure-built.js'
import { until } from './helpers/observe.js'

const ANNOUNCE_MS = 500

async function statusCli (args: string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, 'status', ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`lockmesh status ${args.join(' ')}: ${err.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

describe('lockmesh status: every roster member as one node sees it', function () {
  this.timeout(90_000)
  const meshes: OwnedLockMesh[] = []
  let server: ObservabilityServer | null = null

  before(function () {
    this.timeout(180_000)
    ensureBuilt()
  })

  after(async () => {
    await server?.close()
    for (const m of meshes) await m.stop()
  })

  it('5 rows on a 5-node mesh; a stopped node is shown unreachable within suspicion + one announcement + 1 s', async () => {
    const keys = await Promise.all([0, 1, 2, 3, 4].map(async () => await generatePrivateKey()))
    const roster = keys.map(peerIdOf)
    for (const key of keys) {
      // One bootstrap address (node 0's) each: the rest is learned on the mesh topic.
      const bootstrap = meshes.length === 0 ? [] : [meshes[0]!.libp2p.getMultiaddrs()[0]!.toString()]
      meshes.push(await createLockMesh({ privateKey: key, roster, store: new MemoryFenceStore(), timing: 'fast', bootstrap, announceIntervalMs: ANNOUNCE_MS }))
    }
    const viewer = meshes[0]!
    server = await serveObservability({ host: '127.0.0.1', port: 0, registry: new Registry(), status: () => toJson(statusDocument(viewer, viewer.announcer)) })
    const connect = server.url.replace('http://', '')
    const members = async (): Promise<MemberRow[]> => (await (await fetch(`${server!.url}/status`, { signal: AbortSignal.timeout(3000) })).json() as { members: MemberRow[] }).members

    await until('every member up and announcing a full mesh', 20_000, async () => {
      const rows = await members()
      return rows.length === 5 && rows.every(r => (r.view === 'self' || r.view === 'up') && r.reachableCount === 5 && r.mode === 'read-write')
    })
    // A loaded host may stall this process (all five nodes) past the suspicion
    // timeout for a moment: read again until the command shows the full mesh (bounded).
    let table = ''
    await until('lockmesh status to show 5 reachable', 20_000, async () => { table = await statusCli(['--connect', connect]); return /5 members, 5 reachable/.test(table) })
    const rows = table.split('\n').filter(l => !l.includes('members,') && roster.some(p => l.includes(p)))
    expect(rows, table).to.have.length(5)
    for (const p of roster) expect(table).to.include(p)
    let json: MemberRow[] = []
    await until('lockmesh status --json to show 5 read-write rows', 20_000, async () => {
      json = JSON.parse(await statusCli(['--connect', connect, '--json'])) as MemberRow[]
      return json.every(r => r.mode === 'read-write' && r.reachableCount === 5)
    })
    expect(json.map(r => r.peer).sort()).to.deep.equal([...roster].sort())
    for (const r of json) expect(r, r.peer).to.include({ mode: 'read-write', reachableCount: 5, incarnation: 1, quietRemainingMs: 0 })
    expect(json.filter(r => !r.self).every(r => r.lastHeardMsAgo !== null && r.lastHeardMsAgo < 5 * ANNOUNCE_MS)).to.equal(true)
    await until('every member up in the view', 10_000, async () => (await members()).every(r => r.view === 'self' || r.view === 'up'))

    // Stop node 4; the view turns it unreachable, and the others' announcements show 4 reachable.
    const gone = roster[4]!
    const boundMs = TIMING_PRESETS.fast.suspicionTimeoutMs! + ANNOUNCE_MS + 1000
    const stopped = performance.now()
    const stopping = meshes.pop()!.stop()
    await until(`${gone} unreachable in the view`, boundMs * 3, async () => (await members()).find(r => r.peer === gone)?.view === 'unreachable')
    const tookMs = performance.now() - stopped
    await stopping
    console.log(`      stopped node unreachable in the view after ${Math.round(tookMs)} ms (bound ${boundMs} ms; loaded host)`)
    expect(tookMs).to.be.at.most(boundMs)
    const after = await statusCli(['--connect', connect])
    expect(after.split('\n').find(l => l.includes(gone))).to.match(/unreachable/)
    expect(after).to.match(/5 members, 4 reachable/)
    await until('the others announce 4 reachable', 5000, async () => (await members()).filter(r => r.view === 'up' || r.view === 'self').every(r => r.reachableCount === 4))
  })

  it('--watch redraws every second and stops on SIGINT', async function () {
    if (server === null) { console.log('      skipped: the 5-node mesh of the previous test did not come up'); this.skip() }
    const connect = server!.url.replace('http://', '')
    const child = spawn(process.execPath, [CLI, 'status', '--connect', connect, '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>(resolve => { child.once('exit', code => { resolve(code) }) })
    try {
      await until('two redraws', 10_000, () => (out.match(/members, \d reachable/g) ?? []).length >= 2)
      child.kill('SIGINT')
      expect(await Promise.race([exited, new Promise(resolve => setTimeout(() => { resolve('still running') }, 5000))])).to.equal(0)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('a wrong address is a clear error, not a stack trace', async () => {
    const err = await statusCli(['--connect', '127.0.0.1:1']).then(() => null, (e: Error) => e)
    expect(err?.message).to.match(/cannot read http:\/\/127\.0\.0\.1:1\/status/)
    expect(err?.message).to.not.match(/at .*\.js:\d+/)
  })
})
