/**
 * Issue 9, item 4 (core part): Ready carries a wall-clock wake-up.
 *
 * Regression test: on main (6da9060) Ready had only the monotonic `wakeAt`,
 * so after a host suspend (wall clock jumps, monotonic clock stops) nothing
 * told the driver when the lease ends on the wall clock: `lost` came only at
 * the next monotonic wake-up or incoming frame. Now `wakeAtWall` names that
 * deadline and the hand cluster (like every driver) ticks when it is reached.
 */
import { expect } from 'chai'
import { HandCluster } from './helpers/hand-cluster.js'
import type { Result } from '../src/core/types.js'

type Granted = Extract<Result, { type: 'granted' }>

describe('issue 9 item 4: Ready.wakeAtWall', () => {
  it('is null with nothing held, the validity\'s wall end while a lock is held, and follows an extension', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    expect(c.node('n0').wakeAtWall).to.equal(null)
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 2_000 })
    c.settle()
    const g = c.granted('n0', 1)!
    expect(c.node('n0').wakeAtWall).to.equal(g.validUntil.wall)
    c.extend('n0', 1, 4_000)
    c.settle()
    const ext = c.lastResult('n0', 1) as Extract<Result, { type: 'extended' }>
    expect(ext.type).to.equal('extended')
    expect(ext.validUntil.wall).to.be.greaterThan(g.validUntil.wall)
    expect(c.node('n0').wakeAtWall).to.equal(ext.validUntil.wall)
    c.release('n0', 1)
    c.settle()
    expect(c.node('n0').wakeAtWall).to.equal(null)
  })

  it('after a host suspend the core reports `lost` (wall-clock) at the wall deadline tick, without any incoming frame', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 2_000 })
    c.settle()
    const g = c.granted('n0', 1) as Granted
    // Suspended for 1.5 s: the wall clock ran on, the monotonic clock did not.
    c.suspendFor('n0', 1_500)
    const now = c.now('n0')
    expect(now.wall - now.mono).to.equal(1_500)
    // Resume: one tick (the driver's timers fire late after a suspend).
    const ready = c.input('n0', { type: 'tick', now })!
    expect(ready.results).to.deep.equal([])
    expect(ready.wakeAtWall).to.equal(g.validUntil.wall)
    // The monotonic deadline of the lease is still ~1.5 s away: only the wall wake-up is due first.
    expect(g.validUntil.mono - now.mono).to.be.greaterThan(1_400)
    // From here no frame reaches n0; time moves 1 ms at a time.
    let lostAt: { mono: number, wall: number } | null = null
    for (let i = 0; i < 2_000 && lostAt === null; i++) {
      c.drop(m => m.to === 'n0')
      c.advance(1, { deliver: false })
      if (c.lastResult('n0', 1)?.type === 'lost') lostAt = c.now('n0')
    }
    expect(lostAt, 'lost reported').to.not.equal(null)
    expect(c.lastResult('n0', 1)).to.deep.equal({ type: 'lost', handle: 1, key: 'k', reason: 'wall-clock' })
    // At the first tick at or past the wall deadline (1 ms steps), long before the monotonic one.
    expect(lostAt!.wall).to.be.at.least(g.validUntil.wall)
    expect(lostAt!.wall - g.validUntil.wall).to.be.below(1)
    expect(lostAt!.mono).to.be.below(g.validUntil.mono - 1_000)
  })

  it('a direct tick at wakeAtWall (monotonic wake-up not yet due) reports lost', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 2_000 })
    c.settle()
    c.suspendFor('n0', 1_500)
    const r1 = c.input('n0', { type: 'tick', now: c.now('n0') })!
    const at = r1.wakeAtWall!
    const mono = c.now('n0').mono
    expect(r1.wakeAt!).to.be.greaterThan(mono)
    const r2 = c.core('n0').step({ type: 'tick', now: { mono, wall: at } })
    expect(r2.results).to.deep.equal([{ type: 'lost', handle: 1, key: 'k', reason: 'wall-clock' }])
    expect(r2.wakeAtWall).to.equal(null)
  })
})
