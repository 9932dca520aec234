/**
 * Observability of running nodes (issue 13): two `lockmesh node` processes
 * with `--metrics` (one with DEBUG=lockmesh:*) and one in-process node serving
 * the same endpoint. Every /metrics read is a real HTTP scrape parsed by a
 * Prometheus text-format parser library. Checked: series move as a lock is
 * taken, refused and released and as a peer is cut; the debug log shows the
 * suspicion and the mode change with its reachable set; one bootstrap address
 * each is enough (the others are learned from the mesh topic).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Registry } from 'prom-client'
import { createLockMesh, generatePrivateKey, peerIdOf, type OwnedLockMesh } from '../src/create.js'
import { serveObservability, type ObservabilityServer } from '../src/metrics/http-server.js'
import { outcomeOf } from '../src/metrics/names.js'
import { statusDocument, toJson } from '../src/metrics/status-doc.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import { ensureBuilt } from './helpers/ensure-built.js'
import { histogramCount, scrape, startNodeProcess, until, value, type NodeProcess } from './helpers/observe.js'

describe('observability: /metrics of running lockmesh nodes, debug logs', function () {
  this.timeout(120_000)
  let dir = ''
  const procs: NodeProcess[] = []
  let mesh: OwnedLockMesh | null = null
  let server: ObservabilityServer | null = null

  before(function () {
    this.timeout(180_000)
    ensureBuilt()
  })

  after(async () => {
    await server?.close()
    await mesh?.stop()
    for (const p of procs) await p.stop()
    if (dir !== '') await rm(dir, { recursive: true, force: true })
  })

  it('series move as a lock is taken, refused and released and as a peer is cut; DEBUG logs the suspicion and the mode change', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lockmesh-metrics-'))
    const keys = await Promise.all([0, 1, 2].map(async () => await generatePrivateKey()))
    const roster = keys.map(peerIdOf)
    const [idA, idB] = roster as [string, string, string]
    const a = await startNodeProcess(dir, 'a', keys[0]!, { roster, quorum: 'majority' }, { DEBUG: 'lockmesh:*' })
    procs.push(a)
    // One bootstrap address each: b and c find each other through the mesh topic.
    const b = await startNodeProcess(dir, 'b', keys[1]!, { roster, quorum: 'majority', bootstrap: [a.listen[0]!] })
    procs.push(b)
    const registry = new Registry()
    mesh = await createLockMesh({ privateKey: keys[2]!, roster, quorum: 'majority', store: new MemoryFenceStore(), timing: 'fast', bootstrap: [a.listen[0]!], metricsRegistry: registry })
    const m = mesh
    server = await serveObservability({ host: '127.0.0.1', port: 0, registry, status: () => toJson(statusDocument(m, m.announcer)) })
    const c = server.url

    const fullMs = await until('a full mesh of 3, read-write everywhere', 20_000, async () => {
      if (m.status().reachable.length !== 3 || m.mode !== 'read-write') return false
      const [sa, sb] = await Promise.all([scrape(a.metricsUrl), scrape(b.metricsUrl)])
      return [sa, sb].every(s => value(s, 'lockmesh_peers', { state: 'reachable' }) === 2 && value(s, 'lockmesh_mode', { mode: 'read-write' }) === 1)
    })
    console.log(`      full mesh from one bootstrap address each after ${Math.round(fullMs)} ms (loaded host)`)

    const before = await Promise.all([scrape(a.metricsUrl), scrape(b.metricsUrl), scrape(c)])
    const requestsIn = (s: typeof before): number => value(s[0]!, 'lockmesh_frames_received_total', { type: 'REQUEST' }) + value(s[1]!, 'lockmesh_frames_received_total', { type: 'REQUEST' })
    const storeWrites = (s: typeof before): number => s.reduce((n, x) => n + histogramCount(x, 'lockmesh_fence_store_write_duration_seconds'), 0)
    // parse-prometheus-text-format reads histograms without labels only (it merges labelled
    // ones and drops their count): the acquire outcomes are read from lockmesh_acquires_total.
    const granted = (x: typeof before[number]): number => value(x, 'lockmesh_acquires_total', { outcome: 'granted' })
    expect(value(before[2]!, 'lockmesh_locks_held', { mode: 'exclusive' })).to.equal(0)

    // Taken: held on c, a vote and a REQUEST at a or b, durable writes somewhere.
    // A loaded host can stall this process past the suspicion timeout: an acquire
    // refused by such a transient downgrade is retried once read-write again (bounded, logged).
    let lock: Awaited<ReturnType<typeof m.acquire>> | null = null
    for (let attempt = 1; lock === null; attempt++) {
      try {
        lock = await m.acquire('metrics-key', { ttlMs: 10_000, waitMs: 10_000 })
      } catch (e) {
        if (attempt >= 5 || !['ReadOnlyError', 'NoQuorumError'].includes((e as Error).name)) throw e
        console.log(`      (acquire refused by a transient downgrade on a loaded host: ${(e as Error).name}; retry ${attempt} once read-write)`)
        await until('read-write again', 10_000, () => m.mode === 'read-write')
      }
    }
    const held = await Promise.all([scrape(a.metricsUrl), scrape(b.metricsUrl), scrape(c)])
    expect(value(held[2]!, 'lockmesh_locks_held', { mode: 'exclusive' })).to.equal(1)
    expect(granted(held[2]!)).to.equal(granted(before[2]!) + 1)
    expect(requestsIn(held)).to.be.greaterThan(requestsIn(before))
    expect(value(held[0]!, 'lockmesh_voter_votes_held') + value(held[1]!, 'lockmesh_voter_votes_held')).to.be.greaterThanOrEqual(1)
    expect(storeWrites(held)).to.be.greaterThan(storeWrites(before))

    // Refused: a second exclusive tryAcquire fails; its reason is counted.
    const beforeRefusal = await scrape(c)
    const err = await m.tryAcquire('metrics-key').then(() => null, (e: Error) => e)
    expect(err, 'a second exclusive tryAcquire of a held key').to.be.instanceOf(Error)
    const reason = outcomeOf(err!)
    const refused = await scrape(c)
    expect(value(refused, 'lockmesh_acquires_failed_total', { reason })).to.equal(value(beforeRefusal, 'lockmesh_acquires_failed_total', { reason }) + 1)
    expect(value(refused, 'lockmesh_acquires_total', { outcome: reason })).to.equal(value(beforeRefusal, 'lockmesh_acquires_total', { outcome: reason }) + 1)
    expect(refused.find(f => f.name === 'lockmesh_acquire_exclusive_duration_seconds')?.type).to.equal('HISTOGRAM')

    await lock.release()
    await until('locks_held back to 0', 5000, async () => value(await scrape(c), 'lockmesh_locks_held', { mode: 'exclusive' }) === 0)

    // Cut a peer: b stops. c and a see it unreachable and count a suspicion; a majority remains.
    await b.stop()
    await until('b unreachable and suspected at c and a', 10_000, async () => {
      const [sa, sc] = await Promise.all([scrape(a.metricsUrl), scrape(c)])
      return [sa, sc].every(s => value(s, 'lockmesh_peers', { state: 'unreachable' }) === 1 && value(s, 'lockmesh_suspicions_total') >= 1)
    })
    await until('a read-write with 2 of 3 (a majority)', 10_000, async () => value(await scrape(a.metricsUrl), 'lockmesh_mode', { mode: 'read-write' }) === 1)
    expect(a.stderr()).to.match(new RegExp(`lockmesh:detector suspect ${idB}`))

    // Then c stops too: a alone is read-only, and says so with its reachable set.
    await server.close(); server = null
    await m.stop(); mesh = null
    await until('a read-only', 10_000, async () => value(await scrape(a.metricsUrl), 'lockmesh_mode', { mode: 'read-only' }) === 1)
    const sa = await scrape(a.metricsUrl)
    expect(value(sa, 'lockmesh_mode', { mode: 'read-write' })).to.equal(0)
    expect(value(sa, 'lockmesh_mode_changes_total')).to.be.greaterThanOrEqual(2)
    await until('the read-only seconds counter to move', 5000, async () => value(await scrape(a.metricsUrl), 'lockmesh_read_only_seconds_total') > 0)
    await until('the mode line in a\'s debug log', 3000, () => new RegExp(`lockmesh:core mode read-only \\(shared locks no\\), reachable 1/3: ${idA}`).test(a.stderr()))
    // Quiet by default (b ran without DEBUG); no per-frame lines without :trace.
    expect(b.stderr()).to.not.match(/lockmesh:[a-z]/)
    expect(a.stderr()).to.not.match(/lockmesh:[a-z]+:trace/)
  })
})
