/**
 * Voter.tick() visits only the keys that are due (issue 11: a walk over every
 * key per deadline was 40% of a flooded voter's CPU), and nextDeadline() stays
 * exact. Work is counted with the voter's `tickVisits` hook, never timed.
 */
import { expect } from 'chai'
import { defaultCoreConfig } from '../src/core/config.js'
import type { StepContext } from '../src/core/context.js'
import type { AttemptId, FrameBody, GrantNo, LockMode, NodeId } from '../src/core/types.js'
import { Voter } from '../src/core/voter.js'

type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>

const PEERS = Array.from({ length: 8 }, (_x, i) => `peer-${i}`)

function setup (quietUntil = 0, tombstonesPerPeerMax?: number): { voter: Voter, at: (mono: number) => void, sent: FrameBody[], hold: (peer: NodeId, key: string, seq: number, ttlMs: number, mode?: LockMode) => { id: AttemptId, grantNo: GrantNo, token: bigint } | null } {
  const base = defaultCoreConfig('voter', ['voter'])
  const config = tombstonesPerPeerMax === undefined ? base : { ...base, limits: { ...base.limits, tombstonesPerPeerMax } }
  const sent: FrameBody[] = []
  const ctx: StepContext = {
    config,
    self: 'voter',
    incarnation: 1,
    now: { mono: 1_000, wall: 1_000 },
    send: (_to: NodeId, b: FrameBody) => { sent.push(b) },
    result: () => {},
    event: () => {},
    count: () => {},
    off: () => false
  }
  const voter = new Voter(() => ctx, { isSuspected: () => false }, 1n << 20n, quietUntil)
  let token = 1n << 10n
  /** REQUEST then COMMIT; null when no GRANT came. */
  const hold = (peer: NodeId, key: string, seq: number, ttlMs: number, mode: LockMode = 'exclusive'): { id: AttemptId, grantNo: GrantNo, token: bigint } | null => {
    const id = { peer, inc: 1, seq }
    const n = sent.length
    voter.onRequest(peer, { t: 'REQUEST', key, id, ts: BigInt(seq), mode, ttlMs, noWait: false })
    const g = sent.slice(n).find((b): b is Body<'GRANT'> => b.t === 'GRANT' && b.key === key && b.id.seq === seq)
    if (g === undefined) return null
    token = (g.fence > token ? g.fence : token) + 1n
    voter.onCommit(peer, { t: 'COMMIT', key, id, grantNo: g.grantNo, attempt: 1, token })
    return { id, grantNo: g.grantNo, token }
  }
  /** Moves the clock (the context's `now` is read-only to the core). */
  const at = (mono: number): void => { (ctx as { now: { mono: number, wall: number } }).now = { mono, wall: mono } }
  return { voter, at, sent, hold }
}

/** The true earliest lease end / tombstone expiry, by brute force over the voter's keys. */
function bruteDue (voter: Voter): number {
  const keys = (voter as unknown as { keys: Map<string, { votes: Array<{ committed: boolean, leaseEnd: number }>, tombstones: Map<string, number> | null }> }).keys
  let due = Infinity
  for (const k of keys.values()) {
    for (const v of k.votes) if (v.committed && v.leaseEnd < due) due = v.leaseEnd
    if (k.tombstones !== null) for (const at of k.tombstones.values()) if (at < due) due = at
  }
  return due
}

describe('voter tick: work proportional to the due keys (issue 11)', () => {
  it('one lease end among 2,000 held locks reconsiders one key', () => {
    const { voter, at, hold } = setup()
    for (let i = 0; i < 2_000; i++) expect(hold(PEERS[i % 8]!, `long-${i}`, i + 1, 60_000)).to.not.equal(null)
    expect(hold('peer-0', 'short', 10_000, 5_000)).to.not.equal(null)
    voter.tick() // the quiet period (0) ends: no key has a queue, so nothing to visit
    expect(voter.tickVisits).to.equal(0)
    expect(voter.nextDeadline()).to.equal(1_000 + 5_000)
    at(6_000)
    voter.tick()
    expect(voter.tickVisits).to.equal(1)
    expect(voter.status().committed).to.equal(2_000)
    expect(voter.status().tombstones).to.equal(1)
    // Next: the new tombstone's expiry (6,000 + 30,000) is before the long leases (61,000).
    expect(voter.nextDeadline()).to.equal(36_000)
    // A tick that is not due does nothing.
    at(20_000)
    voter.tick()
    expect(voter.tickVisits).to.equal(1)
  })

  it('a RELEASE flood: tombstones expire in batches, each tick visits only its batch', () => {
    const { voter, at, sent, hold } = setup()
    for (let i = 0; i < 500; i++) hold(PEERS[i % 8]!, `held-${i}`, i + 1, 60_000)
    voter.tick()
    const flood = (mono: number, n: number, base: number): void => {
      at(mono)
      for (let i = 0; i < n; i++) voter.onRelease('insider', { t: 'RELEASE', key: `ghost-${base + i}`, id: { peer: 'insider', inc: 1, seq: base + i } })
    }
    flood(2_000, 3_000, 0)
    flood(3_000, 200, 3_000)
    expect(sent.filter(b => b.t === 'RELEASED').length).to.equal(3_200)
    expect(voter.status().tombstones).to.equal(3_200)
    expect(voter.nextDeadline()).to.equal(32_000)
    const before = voter.tickVisits
    at(32_000)
    voter.tick()
    expect(voter.tickVisits - before).to.equal(3_000)
    expect(voter.status().tombstones).to.equal(200)
    expect(voter.nextDeadline()).to.equal(33_000)
    at(33_000)
    voter.tick()
    expect(voter.tickVisits - before).to.equal(3_200)
    expect(voter.status()).to.include({ tombstones: 0, keys: 500, committed: 500 })
  })

  it('the quiet end reconsiders each key with a queue once, and grants them', () => {
    const { voter, at, sent } = setup(10_000)
    for (let i = 0; i < 50; i++) voter.onRequest('peer-1', { t: 'REQUEST', key: `q-${i}`, id: { peer: 'peer-1', inc: 1, seq: i + 1 }, ts: BigInt(i + 1), mode: 'exclusive', ttlMs: 10_000, noWait: false })
    expect(sent.filter(b => b.t === 'GRANT').length).to.equal(0)
    expect(voter.nextDeadline()).to.equal(10_000)
    at(10_000)
    voter.tick()
    expect(voter.tickVisits).to.equal(50)
    expect(sent.filter(b => b.t === 'GRANT').length).to.equal(50)
    expect(voter.nextDeadline()).to.equal(Infinity)
  })

  it('nextDeadline() follows releases and extends exactly (stale heap entries never show)', () => {
    const { voter, at, hold } = setup()
    const a = hold('peer-0', 'a', 1, 5_000)!
    hold('peer-1', 'b', 2, 8_000)
    voter.tick()
    expect(voter.nextDeadline()).to.equal(6_000)
    at(2_000)
    voter.onExtend('peer-0', { t: 'EXTEND', key: 'a', id: a.id, grantNo: a.grantNo, attempt: 2, ttlMs: 20_000 })
    expect(voter.nextDeadline()).to.equal(9_000)
    voter.onRelease('peer-1', { t: 'RELEASE', key: 'b', id: { peer: 'peer-1', inc: 1, seq: 2 } })
    // b's tombstone (2,000 + 30,000) is now later than a's extended lease end.
    expect(voter.nextDeadline()).to.equal(22_000)
    at(22_000)
    voter.tick()
    expect(voter.status().committed).to.equal(0)
    expect(voter.nextDeadline()).to.equal(32_000)
  })

  it('released leases do not pile up in the deadline heap (it is rebuilt without them)', () => {
    const { voter, hold } = setup()
    voter.tick()
    const heapSize = (): number => (voter as unknown as { leases: { size: number } }).leases.size
    let most = 0
    for (let i = 0; i < 10_000; i++) {
      const h = hold('peer-0', 'churn', i + 1, 60_000)!
      most = Math.max(most, heapSize())
      voter.onRelease('peer-0', { t: 'RELEASE', key: 'churn', id: h.id })
    }
    // Without the rebuild every one of the 10,000 released leases would still have its entry.
    expect(most).to.be.at.most(1_025)
    expect(hold('peer-1', 'last', 1, 2_000)).to.not.equal(null)
    expect(voter.nextDeadline()).to.equal(bruteDue(voter))
    expect(voter.nextDeadline()).to.equal(3_000)
  })

  it('random commits, extends, releases and ticks: nextDeadline() is the brute-force minimum', () => {
    const seed = 0x5eed11
    let s = seed
    const rnd = (n: number): number => { s = (s * 1103515245 + 12345) >>> 0; return s % n }
    // A small per-peer tombstone cap, so evictions and refreshes forget tombstones out of expiry order.
    const { voter, at, hold } = setup(0, 64)
    const held: Array<{ peer: NodeId, key: string, id: AttemptId, grantNo: GrantNo }> = []
    let seq = 0
    let now = 1_000
    voter.tick() // the quiet period (0) ends; from here nextDeadline() is lease ends and tombstones only
    try {
      for (let step = 0; step < 3_000; step++) {
        const op = rnd(10)
        if (op < 4) {
          const peer = PEERS[rnd(8)]!
          const key = `k-${rnd(200)}`
          const h = hold(peer, key, ++seq, 1_000 + rnd(59_000), rnd(3) === 0 ? 'shared' : 'exclusive')
          if (h !== null) held.push({ peer, key, id: h.id, grantNo: h.grantNo })
        } else if (op < 6 && held.length > 0) {
          const h = held[rnd(held.length)]!
          voter.onExtend(h.peer, { t: 'EXTEND', key: h.key, id: h.id, grantNo: h.grantNo, attempt: 2, ttlMs: 1_000 + rnd(59_000) })
        } else if (op === 8 && rnd(2) === 0) {
          // A RELEASE for an id never seen (or seen: a refresh), as a flood sends.
          const n = rnd(300)
          voter.onRelease('insider', { t: 'RELEASE', key: `ghost-${n}`, id: { peer: 'insider', inc: 1, seq: n } })
        } else if (op < 8 && held.length > 0) {
          const h = held.splice(rnd(held.length), 1)[0]!
          voter.onRelease(h.peer, { t: 'RELEASE', key: h.key, id: h.id })
        } else {
          now += rnd(5_000)
          at(now)
          voter.tick()
          expect(bruteDue(voter), 'nothing due is left after tick').to.be.greaterThan(now)
        }
        expect(voter.nextDeadline(), `step ${step}`).to.equal(bruteDue(voter))
      }
    } catch (err) {
      console.log(`seed ${seed}`)
      throw err
    }
  })
})
