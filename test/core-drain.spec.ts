/**
 * Issue 12, part 1, in the core (hand-stepped): release acknowledged by every
 * voter, the draining stop, and acquires that only quiet voters could serve.
 */
import { expect } from 'chai'
import type { FrameBody, NodeId, Result } from '../src/core/types.js'
import { HandCluster, type InFlight, keyForQuorum } from './helpers/hand-cluster.js'

const IDS3 = ['n0', 'n1', 'n2']

const keyFor = (requester: NodeId, quorum: NodeId[], prefix = 'k'): string => keyForQuorum(IDS3, requester, quorum, prefix)

const is = (t: FrameBody['t'], from?: NodeId, to?: NodeId) => (m: InFlight): boolean =>
  m.frame.b.t === t && (from === undefined || m.from === from) && (to === undefined || m.to === to)

function types (rs: Result[], handle: number): string[] {
  return rs.filter(r => 'handle' in r && r.handle === handle).map(r => r.type)
}

/** n1 holds `key` through the voters n0 and n1. */
function heldByN1 (): { c: HandCluster, key: string } {
  const c = new HandCluster({ nodes: 3 })
  c.bootPastQuiet()
  const key = keyFor('n1', ['n0', 'n1'])
  c.acquire('n1', { handle: 1, key, ttlMs: 2_000 })
  c.settle()
  expect(c.granted('n1', 1), 'n1 holds the lock').to.not.equal(undefined)
  return { c, key }
}

describe('issue 12: release acknowledged (core)', () => {
  it('release-acked comes only after every voter answered RELEASED; a lost RELEASE is retransmitted', () => {
    const { c } = heldByN1()
    c.release('n1', 1)
    expect(types(c.results('n1'), 1)).to.deep.equal(['granted', 'released'])
    // n0's RELEASE is lost; n1's own loops back.
    expect(c.drop(is('RELEASE', 'n1', 'n0'))).to.equal(1)
    c.settle()
    expect(types(c.results('n1'), 1), 'one voter still holds the vote').to.deep.equal(['granted', 'released'])
    expect(c.core('n0').status().voter.votes).to.equal(1)
    for (let i = 0; i < 100 && !types(c.results('n1'), 1).includes('release-acked'); i++) c.advance(50)
    expect(types(c.results('n1'), 1)).to.deep.equal(['granted', 'released', 'release-acked'])
    expect(c.core('n0').status().voter.votes).to.equal(0)
  })

  it('a voter that restarted (forgetting its votes) counts as acknowledged', () => {
    const { c } = heldByN1()
    c.release('n1', 1)
    c.drop(is('RELEASE', 'n1', 'n0'))
    c.settle()
    c.crash('n0')
    c.start('n0')
    c.handshake('n0')
    expect(types(c.results('n1'), 1)).to.include('release-acked')
  })
})

describe('issue 12: draining stop (core)', () => {
  it('while draining: REQUEST → FAILED(quiet) with the remaining drain, EXTEND refused, validity kept; drained after the release; clean marker', () => {
    const { c } = heldByN1()
    const other = keyFor('n2', ['n0', 'n2'], 'other')
    const before = c.granted('n1', 1)!.validUntil
    c.drain('n0')
    expect(c.core('n0').status().draining).to.equal(true)
    expect(c.events('n0', 'drained'), 'n0 still holds n1\'s vote').to.have.length(0)
    // The handshake figure covers the drain (the vote's lease end).
    expect(c.core('n0').quietRemainingMs()).to.be.greaterThan(1_000)
    // A new request from n2 is refused as quiet, never queued.
    c.advance(0.5) // a fractional clock, as performance.now() gives
    c.acquire('n2', { handle: 7, key: other, waitMs: 5_000 })
    c.deliver(is('REQUEST', 'n2', 'n0'))
    const failed = c.pending(is('FAILED', 'n0', 'n2')).map(m => m.frame.b as Extract<FrameBody, { t: 'FAILED' }>)
    expect(failed.map(f => f.reason)).to.deep.equal(['quiet'])
    expect(failed[0]!.quietRemainingMs).to.be.greaterThan(1_000)
    // Whole ms: the wire's uint32 check dropped fractional figures (every FAILED(quiet) over libp2p).
    expect(Number.isInteger(failed[0]!.quietRemainingMs)).to.equal(true)
    expect(c.core('n0').status().voter.queued).to.equal(0)
    // n2 re-picks around n0 and gets the other key from {n1, n2}.
    c.settle()
    expect(c.granted('n2', 7), 'granted around the draining voter').to.not.equal(undefined)
    expect(c.core('n0').status().voter.perKey[other] ?? { votes: 0, queued: 0 }).to.include({ votes: 0, queued: 0 })
    // n1 tries to extend: n0 refuses, the lock keeps its validity.
    c.extend('n1', 1, 2_000)
    c.settle()
    expect(c.lastResult('n1', 1)).to.deep.include({ type: 'extend-failed', reason: 'refused' })
    expect(c.core('n1').status().acquires.find(a => a.handle === 1)?.phase).to.equal('held')
    expect(c.granted('n1', 1)!.validUntil).to.deep.equal(before)
    // The release empties n0: drained, and a stop now writes the marker.
    c.release('n1', 1)
    c.settle()
    expect(c.events('n0', 'drained')).to.have.length(1)
    c.stop('n0')
    expect(c.node('n0').disk.state.cleanExit).to.equal(true)
  })

  it('drains by the lease end when nobody releases, and a drain cut short (drainMs) writes no marker', () => {
    const a = heldByN1()
    a.c.drain('n0')
    a.c.advance(1_500)
    expect(a.c.events('n0', 'drained'), 'the lease still runs').to.have.length(0)
    a.c.drop(is('RELEASE')) // n1's lock ends by itself: no release reaches n0
    a.c.advance(1_000)
    expect(a.c.events('n0', 'drained'), 'the lease ended').to.have.length(1)
    a.c.stop('n0')
    expect(a.c.node('n0').disk.state.cleanExit).to.equal(true)

    const b = heldByN1()
    b.c.drain('n0', 100)
    // Never below a suspicion timeout (500 ms here): peers must not re-pick a stopping node.
    expect(b.c.core('n0').quietRemainingMs()).to.equal(500)
    b.c.advance(100)
    expect(b.c.events('n0', 'drained')).to.have.length(0)
    b.c.stop('n0')
    expect(b.c.node('n0').disk.state.cleanExit, 'a vote is still held').to.equal(false)
  })

  it('uncommitted grants are dropped with FAILED(quiet): the requester re-picks around the draining voter', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    const key = keyFor('n1', ['n0', 'n1'])
    c.acquire('n1', { handle: 1, key, waitMs: 5_000 })
    c.deliver(is('REQUEST', 'n1'))
    expect(c.core('n0').status().voter.votes).to.equal(1)
    c.take(is('GRANT')) // the grants never reach n1 before the drain
    c.drain('n0')
    expect(c.core('n0').status().voter.votes, 'the uncommitted grant is gone').to.equal(0)
    expect(c.events('n0', 'drained')).to.have.length(1)
    expect(c.pending(is('FAILED', 'n0', 'n1')).map(m => (m.frame.b as { reason: string }).reason)).to.deep.equal(['quiet'])
    // n1 re-picks around n0 and is granted by {n1, n2}.
    c.settle()
    c.advance(500)
    expect(c.granted('n1', 1)).to.not.equal(undefined)
  })

  it('the drain of the node\'s own locks: lost (stopped), released, and acknowledged', () => {
    const { c } = heldByN1()
    c.drain('n1')
    c.settle()
    expect(types(c.results('n1'), 1)).to.deep.equal(['granted', 'lost', 'release-acked'])
    expect(c.events('n1', 'drained')).to.have.length(1)
    c.stop('n1')
    expect(c.node('n1').disk.state.cleanExit).to.equal(true)
  })
})

describe('issue 12: acquires only quiet voters could serve (core)', () => {
  /** n2 is down, n1 restarted without a clean exit (quiet): n0's only write quorum is {n0, n1}. */
  function quietMesh (): HandCluster {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.crash('n2')
    c.crash('n1')
    c.start('n1')
    c.handshake('n1')
    c.advance(700)
    expect(c.core('n0').status().mode).to.equal('read-write')
    return c
  }

  it('tryAcquire fails busy, saying the voters are quiet', () => {
    const c = quietMesh()
    c.acquire('n0', { handle: 3, key: 'q', noWait: true })
    c.settle()
    const r = c.lastResult('n0', 3)
    expect(r).to.deep.include({ type: 'failed', reason: 'busy' })
    expect((r as { detail: string }).detail).to.match(/quiet/).and.to.include('n1')
  })

  it('acquire waits; on timeout the detail names the quiet voters', () => {
    const c = quietMesh()
    c.acquire('n0', { handle: 4, key: 'q', waitMs: 1_000 })
    c.advance(1_100)
    const r = c.lastResult('n0', 4)
    expect(r).to.deep.include({ type: 'failed', reason: 'timeout' })
    expect((r as { detail: string }).detail).to.match(/quiet/).and.to.include('n1')
  })
})
