/**
 * Issue 9, item 2: a ttl at or below the safety margin, or shorter than one
 * round trip, must not flood the mesh with COMMIT rounds.
 *
 * Regression tests: on main (6da9060) `acquire(k, { ttlMs: 4 })` passed
 * validation and every step started a new COMMIT round; a ttl shorter than a
 * round trip repeated rounds until the wait deadline (forever with none).
 */
import { expect } from 'chai'
import { defaultCoreConfig, minTtlMs, validitySpanMs } from '../src/core/config.js'
import { EXPIRED_COMMIT_ROUNDS_MAX } from '../src/core/requester.js'
import { InvalidOptionsError } from '../src/errors.js'
import { LockMesh } from '../src/mesh.js'
import { MemoryHub } from '../src/runtime/memory-transport.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import { HandCluster } from './helpers/hand-cluster.js'
import type { FrameBody, Result } from '../src/core/types.js'

type Failed = Extract<Result, { type: 'failed' }>

function commitsFrom (c: HandCluster, id: string, since = 0): Array<Extract<FrameBody, { t: 'COMMIT' }>> {
  return c.log.slice(since).map(m => m.frame.b).filter((b): b is Extract<FrameBody, { t: 'COMMIT' }> => b.t === 'COMMIT' && b.id.peer === id)
}

describe('issue 9 item 2: the smallest ttl (core)', () => {
  it('minTtlMs is the smallest whole ms with a positive validity span', () => {
    for (const [marginMs, driftRho] of [[5, 0.01], [0, 0.01], [5, 0], [100, 0.2], [0.5, 0.001]] as const) {
      const min = minTtlMs({ marginMs, driftRho })
      expect(validitySpanMs({ marginMs, driftRho }, min), `margin ${marginMs} rho ${driftRho}`).to.be.greaterThan(0)
      if (min > 1) expect(validitySpanMs({ marginMs, driftRho }, min - 1), `margin ${marginMs} rho ${driftRho}`).to.be.at.most(0)
    }
    expect(minTtlMs({ marginMs: 5, driftRho: 0.01 })).to.equal(6)
  })

  it('acquire with ttlMs 4 (margin 5 ms) fails `invalid` naming the minimum, and sends nothing', () => {
    const c = new HandCluster({ nodes: 3, config: { marginMs: 5 } })
    c.bootPastQuiet()
    const mark = c.log.length
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 4 })
    c.settle()
    const r = c.lastResult('n0', 1) as Failed | undefined
    expect(r?.type).to.equal('failed')
    expect(r!.reason).to.equal('invalid')
    expect(r!.detail).to.match(/minimum is 6/)
    expect(c.log.slice(mark).filter(m => m.frame.b.t !== 'PING' && m.frame.b.t !== 'PONG')).to.deep.equal([])
  })

  it('acquire with ttlMs = minTtlMs is granted; extend below it fails `invalid`', () => {
    const c = new HandCluster({ nodes: 3, config: { marginMs: 5 } })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 6 })
    c.settle()
    expect(c.granted('n0', 1), 'granted at ttl 6').to.not.equal(undefined)
    c.acquire('n0', { handle: 2, key: 'k2', ttlMs: 1_000 })
    c.settle()
    c.extend('n0', 2, 5)
    expect(c.lastResult('n0', 2)).to.deep.include({ type: 'extend-failed', reason: 'invalid' })
  })

  it('a ttl shorter than one round trip fails after at most EXPIRED_COMMIT_ROUNDS_MAX rounds, with no wait deadline', () => {
    // Every frame takes 30 ms; a COMMIT round trip takes 60 ms; ttl 20 ms leaves ~19.6 ms of validity.
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    const mark = c.log.length
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 20, waitMs: null })
    const hopMs = 30
    const t0 = c.time
    for (let i = 0; i < 100 && c.lastResult('n0', 1) === undefined; i++) {
      const inFlight = new Set(c.inflight)
      c.advance(hopMs, { deliver: false })
      c.deliver(m => inFlight.has(m))
    }
    const r = c.lastResult('n0', 1) as Failed | undefined
    expect(r, 'the acquire must settle without a wait deadline').to.not.equal(undefined)
    expect(r!.type).to.equal('failed')
    expect(r!.reason).to.equal('invalid')
    expect(r!.detail).to.match(/shorter than a round trip/)
    const rounds = new Set(commitsFrom(c, 'n0', mark).map(b => b.attempt))
    expect(rounds.size).to.be.at.most(EXPIRED_COMMIT_ROUNDS_MAX)
    expect(c.time - t0).to.be.below(2_000)
    // Nothing more afterwards: no COMMIT round keeps going.
    const after = c.log.length
    c.advance(1_000)
    expect(commitsFrom(c, 'n0', after)).to.deep.equal([])
    expect(c.core('n0').status().acquires).to.deep.equal([])
  })
})

describe('issue 9 item 2: LockMesh refuses a ttl below the minimum', () => {
  it('constructor (defaultTtlMs) and acquire (ttlMs) throw InvalidOptionsError naming the minimum', async () => {
    const hub = new MemoryHub()
    const base = { self: 'a', roster: ['a', 'b', 'c'], store: new MemoryFenceStore(), transport: hub.transport('a'), timing: 'fast' as const }
    const min = minTtlMs(defaultCoreConfig('a', ['a', 'b', 'c'], { marginMs: 5 }))
    let thrown: unknown
    try { void new LockMesh({ ...base, defaultTtlMs: 4 }) } catch (e) { thrown = e }
    expect(thrown).to.be.instanceOf(InvalidOptionsError)
    expect((thrown as Error).message).to.include(`[${min},`)
    const mesh = new LockMesh(base)
    const e = await mesh.acquire('k', { ttlMs: 4 }).then(() => null, (err: unknown) => err)
    expect(e).to.be.instanceOf(InvalidOptionsError)
    expect((e as Error).message).to.match(/ttlMs/)
    expect((e as Error).message).to.include(`[${min},`)
    const e2 = await mesh.acquire('k', { ttlMs: min - 0.5 }).then(() => null, (err: unknown) => err)
    expect(e2).to.be.instanceOf(InvalidOptionsError)
  })
})
