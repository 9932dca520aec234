/**
 * Issue 11, defects 1, 3 and 4 at their causes in the core (hand-stepped, virtual time):
 * an insider on the roster sends what an honest peer never would.
 *
 * Each test fails on commit 6da9060 (before the fixes):
 * 1. an absurd handshake clock was adopted unclamped (lamport() became 2^63-1);
 * 3. RELEASEs for never-seen ids grew tombstones up to tombstonesMax whatever their bytes;
 * 4. each stray GRANT queued a RELEASE retransmitted for ttlMsMax + tombstoneMs, also toward a suspected voter.
 */
import { expect } from 'chai'
import { INT63_MAX } from '../src/core/ids.js'
import { HandCluster } from './helpers/hand-cluster.js'
import type { AttemptId, FrameBody, FrameHeader, NodeId } from '../src/core/types.js'

function hdr (c: HandCluster, from: NodeId): FrameHeader {
  return { clock: c.core(from).lamport(), inc: c.node(from).disk.incarnation, fn: 0, ack: 0, ackInc: 0 }
}

function inject (c: HandCluster, from: NodeId, to: NodeId, b: FrameBody): void {
  c.inject([{ from, to, frame: { h: hdr(c, from), b } }])
}

function sentSince (c: HandCluster, mark: number, t: FrameBody['t'], from?: NodeId, to?: NodeId): number {
  return c.log.slice(mark).filter(m => m.frame.b.t === t && (from === undefined || m.from === from) && (to === undefined || m.to === to)).length
}

describe('hostile insider vs the core (issue 11: defects 1, 3, 4)', () => {
  it('defect 1: a handshake clock of 2^63-1 moves the clock by at most maxJump; an honest catch-up is adopted exactly', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    const maxJump = c.core('n0').config.maxClockJump
    const before = c.core('n0').lamport()
    c.input('n0', { type: 'handshake', now: c.now('n0'), peer: 'n1', incarnation: 1, clock: INT63_MAX, quietRemainingMs: 0 })
    const after = c.core('n0').lamport()
    expect(after <= before + maxJump, `clock went from ${before} to ${after}`).to.equal(true)
    expect(INT63_MAX - after > 1n << 60n, 'the clock keeps room to run').to.equal(true)

    // An honest peer ahead by a little: caught up to exactly (the point of adopting at all).
    const honest = c.core('n0').lamport() + 1_000n
    c.input('n0', { type: 'handshake', now: c.now('n0'), peer: 'n2', incarnation: 1, clock: honest, quietRemainingMs: 0 })
    expect(c.core('n0').lamport()).to.equal(honest)

    // And the node still wins contention by its own timestamps: n0 asks first, n1 second; n0 gets it.
    c.acquire('n0', { handle: 1, key: 'hot' })
    c.acquire('n1', { handle: 1, key: 'hot' })
    c.advance(2_000)
    expect(c.granted('n0', 1), 'n0 granted').to.not.equal(undefined)
  })

  it('defect 3: RELEASEs for never-seen ids keep tombstones per requester within count and bytes; other peers keep theirs', () => {
    const limits = { tombstonesPerPeerMax: 64, tombstoneBytesPerPeerMax: 64 * 1024 }
    const c = new HandCluster({ nodes: 3, config: { limits: limits as never } })
    c.bootPastQuiet()
    const flood = (peer: NodeId, n: number, keyLength: number, seq0: number): void => {
      for (let i = 0; i < n; i++) {
        const id: AttemptId = { peer, inc: 1, seq: seq0 + i }
        inject(c, peer, 'n0', { t: 'RELEASE', key: `${i}-`.padEnd(keyLength, 'x'), id })
      }
    }
    // Short keys: the count bound.
    flood('n2', 40, 8, 1)
    flood('n1', 2_000, 8, 1_000)
    let v = c.core('n0').status().voter
    expect(v.tombstones).to.equal(64 + 40)
    expect(v.keys).to.equal(64 + 40)
    // 512-character keys: the byte bound (each ~2.3 kB estimated, so ~27 of them).
    flood('n1', 2_000, 512, 10_000)
    v = c.core('n0').status().voter
    expect(v.tombstoneBytes).to.be.at.most(limits.tombstoneBytesPerPeerMax + 40 * 400)
    expect(v.tombstones).to.be.below(64 + 40)
    expect(v.tombstones).to.be.above(40 + 10)
    // n2's own tombstones survived n1's flood: its retransmitted REQUEST is still ignored.
    const mark = c.log.length
    inject(c, 'n2', 'n0', { t: 'REQUEST', key: '0-'.padEnd(8, 'x'), id: { peer: 'n2', inc: 1, seq: 1 }, ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false })
    expect(sentSince(c, mark, 'GRANT') + sentSince(c, mark, 'QUEUED')).to.equal(0)
    // Honest work goes on.
    c.acquire('n1', { handle: 1, key: 'after-flood' })
    c.advance(1_000)
    expect(c.granted('n1', 1)).to.not.equal(undefined)
  })

  it('defect 4: one RELEASE per stray GRANT/INQUIRE/COMMITTED, rate-limited per voter, never retransmitted by timer', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    const perSec = c.core('n0').config.limits.strayReleasesPerSecMax
    const mark = c.log.length
    for (let i = 0; i < 1_000; i++) {
      const id: AttemptId = { peer: 'n0', inc: 1, seq: 10_000 + i }
      const b: FrameBody = i % 3 === 0
        ? { t: 'GRANT', key: 'k', id, grantNo: { inc: 1, n: i + 1 }, fence: 0n }
        : i % 3 === 1 ? { t: 'INQUIRE', key: 'k', id, grantNo: { inc: 1, n: i + 1 } } : { t: 'COMMITTED', key: 'k', id, attempt: 1 }
      inject(c, 'n1', 'n0', b)
    }
    expect(sentSince(c, mark, 'RELEASE', 'n0', 'n1')).to.equal(perSec)
    expect(c.core('n0').status().counters.strayReleasesSuppressed).to.equal(1_000 - perSec)
    expect(c.core('n0').status().pendingReleases).to.equal(0)
    // Long after (the old give-up was ttlMsMax + tombstoneMs), not one RELEASE more went out.
    const mark2 = c.log.length
    c.advance(c.core('n0').config.ttlMsMax + c.core('n0').config.tombstoneMs + 1_000)
    expect(sentSince(c, mark2, 'RELEASE', 'n0')).to.equal(0)
    // The next second's strays are answered again (one each).
    inject(c, 'n1', 'n0', { t: 'GRANT', key: 'k', id: { peer: 'n0', inc: 1, seq: 99_999 }, grantNo: { inc: 1, n: 5_000 }, fence: 0n })
    expect(sentSince(c, mark2, 'RELEASE', 'n0', 'n1')).to.equal(1)
  })

  it('defect 4: nothing is sent toward a suspected voter for its strays', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    // n2 goes silent (its frames are dropped) until n0 suspects it.
    c.advance(2_000, { deliver: m => m.from !== 'n2' && m.to !== 'n2' })
    c.drop(m => m.from === 'n2' || m.to === 'n2')
    expect(c.events('n0', 'suspect').some(e => e.type === 'suspect' && e.peer === 'n2')).to.equal(true)
    const mark = c.log.length
    for (let i = 0; i < 100; i++) {
      c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n2', frame: { h: { clock: 1n, inc: 1, fn: 0, ack: 0, ackInc: 0 }, b: { t: 'GRANT', key: 'k', id: { peer: 'n0', inc: 1, seq: 50_000 + i }, grantNo: { inc: 1, n: 9_000 + i }, fence: 0n } } })
    }
    expect(sentSince(c, mark, 'RELEASE', 'n0', 'n2')).to.equal(0)
  })

  it('last-heard is when the bytes were read: a frame that waited ageMs counts from then; last-heard never moves back, a negative age counts as now', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.advance(50, { deliver: false })
    const heardAgo = (): number | null => c.core('n0').status().peers.find(p => p.peer === 'n1')!.lastHeardMsAgo
    c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: { h: hdr(c, 'n1'), b: { t: 'PONG' } }, ageMs: 40 })
    expect(heardAgo()).to.equal(40)
    // An older read never moves last-heard backwards; a negative age counts as now.
    c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: { h: hdr(c, 'n1'), b: { t: 'PONG' } }, ageMs: 45 })
    expect(heardAgo()).to.equal(40)
    c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: { h: hdr(c, 'n1'), b: { t: 'PONG' } }, ageMs: -5 })
    expect(heardAgo()).to.equal(0)
  })

  it('a stray of an attempt we released is still handed back by the voter\'s own repeats (liveness without timer retransmission)', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    // n0 acquires on {n0, n1}, cancels before n1's GRANT arrives; its RELEASE to n1 is lost.
    c.acquire('n0', { handle: 1, key: 'k0' })
    c.deliver({ t: 'REQUEST', to: 'n1' })
    c.cancel('n0', 1)
    c.drop({ t: 'RELEASE', to: 'n1' })
    c.drop({ t: 'GRANT', to: 'n0' })
    // n1 holds a vote for a dead attempt; n2 wants the key too and retransmits: n1 re-sends the GRANT, n0 hands it back.
    c.acquire('n2', { handle: 1, key: 'k0' })
    c.advance(6_000)
    expect(c.granted('n2', 1), 'n2 granted despite the lost RELEASE').to.not.equal(undefined)
  })
})
