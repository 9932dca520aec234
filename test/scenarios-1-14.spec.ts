/**
 * SCENARIOS.md stories 1–14, stepped by hand against the pure core
 * (etcd-raft's raft_paper_test.go style: each test cites its story).
 *
 * Every test drives a HandCluster: frames wait in flight until the test
 * delivers, drops, takes or injects them; virtual time moves only by
 * `advance`. Assertions read the frame log (`c.log`), results and events.
 *
 * Where a story protects a safety rule, a second test switches that rule off
 * (the config's test-only `unsafe` flag) and shows the story's bad outcome —
 * proof that the first test can fail.
 *
 * Quorums on 3 nodes (majority, size 2, the requester prefers itself): the
 * second member is picked by hash(key) mod 2 — `k0` (even) gives
 * n0:{n0,n1} n1:{n0,n1} n2:{n0,n2}; `k1` (odd) gives n0:{n0,n2} n1:{n1,n2}
 * n2:{n1,n2}. On 5 nodes (size 3) `k1` (hash mod 4 = 1) gives
 * n0:{n0,n2,n3} and n1:{n1,n2,n3}. Tests assert the quorums they rely on.
 */
import { expect } from 'chai'
import { keySpread } from '../src/core/config.js'
import { createQuorumSystem } from '../src/core/quorum.js'
import { HandCluster, type InFlight } from './helpers/hand-cluster.js'
import type { AttemptId, CoreEvent, FrameBody, NodeId, Result } from '../src/core/types.js'

// ---------------------------------------------------------------------------
// Local helpers

type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>
type Granted = Extract<Result, { type: 'granted' }>

/** One frame as a transcript line: `TYPE from>to details`. */
function line (m: InFlight): string {
  const b = m.frame.b
  const head = `${b.t} ${m.from}>${m.to}`
  switch (b.t) {
    case 'PING': case 'PONG': case 'RECOVER': case 'CEILING': return head
    case 'REQUEST': return `${head} ${b.key} ${fid(b.id)} ${b.mode}`
    case 'GRANT': return `${head} ${b.key} ${fid(b.id)} g${b.grantNo.inc}.${b.grantNo.n} fence=${b.fence}`
    case 'FAILED': return `${head} ${b.key} ${fid(b.id)} ${b.reason}`
    case 'INQUIRE': case 'YIELD': return `${head} ${b.key} ${fid(b.id)} g${b.grantNo.inc}.${b.grantNo.n}`
    case 'COMMIT': return `${head} ${b.key} ${fid(b.id)} g${b.grantNo.inc}.${b.grantNo.n} token=${b.token}`
    case 'REFUSED': return `${head} ${b.key} ${fid(b.id)} ${b.phase} ${b.reason}`
    case 'EXTEND': return `${head} ${b.key} ${fid(b.id)} ttl=${b.ttlMs}`
    default: return `${head} ${b.key} ${fid(b.id)}`
  }
}

function fid (id: AttemptId): string { return `${id.peer}.${id.seq}` }

/** The protocol frames (no PING/PONG) logged since `mark` (= an earlier `c.log.length`). */
function transcript (c: HandCluster, mark = 0, pred: (m: InFlight) => boolean = () => true): string[] {
  return c.log.slice(mark).filter(m => m.frame.b.t !== 'PING' && m.frame.b.t !== 'PONG' && pred(m)).map(line)
}

/** Protocol frames of the given types since `mark`. */
function sent (c: HandCluster, types: Array<FrameBody['t']>, mark = 0): string[] {
  return transcript(c, mark, m => types.includes(m.frame.b.t))
}

function granted (c: HandCluster, id: NodeId, handle: number): Granted {
  const g = c.granted(id, handle)
  expect(g, `${id} handle ${handle} granted`).to.not.equal(undefined)
  return g!
}

/** Events of one type at a node. */
function eventsOf<T extends CoreEvent['type']> (c: HandCluster, id: NodeId, type: T): Array<Extract<CoreEvent, { type: T }>> {
  return c.events(id, type) as Array<Extract<CoreEvent, { type: T }>>
}

/** The quorum an acquire sent its REQUESTs to (from the log since `mark`). */
function requestedFrom (c: HandCluster, requester: NodeId, key: string, mark = 0): NodeId[] {
  return [...new Set(c.log.slice(mark).filter(m => m.from === requester && m.frame.b.t === 'REQUEST' && m.frame.b.key === key).map(m => m.to))].sort()
}

function requestTs (c: HandCluster, requester: NodeId, key: string): bigint {
  const m = c.log.find(m => m.from === requester && m.frame.b.t === 'REQUEST' && m.frame.b.key === key)
  return (m!.frame.b as Body<'REQUEST'>).ts
}

/** Frames matching type/from/to (and key, when given). */
function match (t: FrameBody['t'] | Array<FrameBody['t']>, from?: NodeId, to?: NodeId, key?: string): (m: InFlight) => boolean {
  const types = Array.isArray(t) ? t : [t]
  return m => types.includes(m.frame.b.t) && (from === undefined || m.from === from) && (to === undefined || m.to === to) &&
    (key === undefined || ('key' in m.frame.b && m.frame.b.key === key))
}

/** A key whose hash gives `rem` modulo `mod` (quorum choice is hash(key) mod the candidates). */
function keyWithSpread (mod: number, rem: number, prefix = 'k'): string {
  for (let i = 0; ; i++) if (keySpread(`${prefix}${i}`) % mod === rem) return `${prefix}${i}`
}

/**
 * Run `ms` of virtual time with some links cut: frames matching `blocked` are
 * dropped, frames matching `hold` stay in flight, the rest are delivered as
 * time moves. `paused` nodes are not ticked and
 * frames to them stay in flight (a SIGSTOPped process: its socket buffers fill).
 */
function run (c: HandCluster, ms: number, opts: { blocked?: (m: InFlight) => boolean, hold?: (m: InFlight) => boolean, paused?: NodeId[] } = {}): void {
  const blocked = opts.blocked ?? (() => false)
  const hold = opts.hold ?? (() => false)
  const paused = opts.paused ?? []
  const end = c.time + ms
  while (c.time < end) {
    c.drop(blocked)
    c.advance(Math.min(10, end - c.time), { deliver: m => !blocked(m) && !hold(m) && !paused.includes(m.to), except: paused })
    c.drop(blocked)
  }
}

/** `blocked` for a partition into `sides` (frames between different sides are lost). */
function across (sides: NodeId[][]): (m: InFlight) => boolean {
  const side = new Map<NodeId, number>()
  sides.forEach((s, i) => { for (const id of s) side.set(id, i) })
  return m => side.get(m.from) !== side.get(m.to)
}

/** `blocked` for a cut between two nodes (both directions). */
function between (x: NodeId, y: NodeId): (m: InFlight) => boolean {
  return m => (m.from === x && m.to === y) || (m.from === y && m.to === x)
}

/** Run 1 ms at a time (as `run`) until `pred` holds (bounded); returns the true time it first held. */
function runUntil (c: HandCluster, pred: () => boolean, maxMs: number, opts: Parameters<typeof run>[2] = {}): number {
  const end = c.time + maxMs
  while (!pred()) {
    if (c.time >= end) throw new Error(`runUntil: condition not met within ${maxMs} ms`)
    run(c, 1, opts)
  }
  return c.time
}

/** A minimal fenced resource (DESIGN.md §4 "Fencing tokens"): reads need token ≥ maxWrite, writes token ≥ maxSeen. */
class FencedStore {
  maxWrite = 0n
  maxSeen = 0n
  value = 0
  read (token: bigint): boolean {
    if (token < this.maxWrite) return false
    if (token > this.maxSeen) this.maxSeen = token
    return true
  }

  write (token: bigint, value: number): boolean {
    if (token < this.maxSeen) return false
    this.maxSeen = token
    this.maxWrite = token
    this.value = value
    return true
  }
}

/** The requester's belief window in true time (validity on the monotonic clock; clocks here have no offset). */
function beliefEndTrue (c: HandCluster, id: NodeId, g: Granted): number {
  return g.validUntil.mono / c.node(id).rate
}

const K3_EVEN = 'k0'
const K3_ODD = 'k1'

// ---------------------------------------------------------------------------

describe('SCENARIOS.md 1: Maekawa\'s deadlock, resolved by INQUIRE/YIELD', () => {
  // 5 nodes, majority 3: Q_a = {n0, n2, n3}, Q_b = {n1, n2, n3}; v1 = n2, v2 = n3.
  const key = keyWithSpread(4, 1)
  const [a, b, v1, v2] = ['n0', 'n1', 'n2', 'n3']

  function setup (): HandCluster {
    const c = new HandCluster({ nodes: 5 })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key })
    c.acquire(b, { handle: 2, key })
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v1, v2])
    expect(requestedFrom(c, b, key)).to.deep.equal([b, v1, v2])
    // a has priority: (ts, peer) — equal clocks after boot, so the peer decides.
    const [tsA, tsB] = [requestTs(c, a, key), requestTs(c, b, key)]
    expect(tsA < tsB || (tsA === tsB && a < b)).to.equal(true)
    // Each requester's own voter grants it; a's REQUEST reaches v1 first, b's reaches v2 first.
    c.deliver(match('REQUEST', a, a))
    c.deliver(match('REQUEST', b, b))
    c.deliver(match('REQUEST', a, v1))
    c.deliver(match('REQUEST', b, v2))
    c.deliver('GRANT')
    // Then the crossing REQUESTs.
    c.deliver(match('REQUEST', b, v1))
    c.deliver(match('REQUEST', a, v2))
    return c
  }

  const crossed = [
    `REQUEST ${a}>${a} ${key} n0.1 exclusive`,
    `REQUEST ${a}>${v1} ${key} n0.1 exclusive`,
    `REQUEST ${a}>${v2} ${key} n0.1 exclusive`,
    `REQUEST ${b}>${b} ${key} n1.1 exclusive`,
    `REQUEST ${b}>${v1} ${key} n1.1 exclusive`,
    `REQUEST ${b}>${v2} ${key} n1.1 exclusive`,
    `GRANT ${a}>${a} ${key} n0.1 g1.1 fence=0`,
    `GRANT ${b}>${b} ${key} n1.1 g1.1 fence=0`,
    `GRANT ${v1}>${a} ${key} n0.1 g1.1 fence=0`,
    `GRANT ${v2}>${b} ${key} n1.1 g1.1 fence=0`,
    `FAILED ${v1}>${b} ${key} n1.1 priority`,
    `QUEUED ${v2}>${a} ${key} n0.1`,
    `INQUIRE ${v2}>${b} ${key} n1.1 g1.1`
  ]

  it('a\'s REQUEST at v2 makes v2 INQUIRE b; b, holding a FAILED, YIELDs; a holds, then b holds after a\'s release — no timeout anywhere', () => {
    const c = setup()
    expect(transcript(c)).to.deep.equal(crossed)
    let mark = c.log.length
    // b: FAILED from v1 first, then INQUIRE from v2 → YIELD at once.
    c.deliver(match('FAILED', v1, b))
    c.deliver(match('INQUIRE', v2, b))
    expect(transcript(c, mark)).to.deep.equal([`YIELD ${b}>${v2} ${key} n1.1 g1.1`])
    mark = c.log.length
    c.deliver(match('YIELD', b, v2))
    expect(transcript(c, mark)).to.deep.equal([`GRANT ${v2}>${a} ${key} n0.1 g1.2 fence=0`])
    // Everything else flows at the same instant: a commits and holds.
    const t0 = c.time
    c.settle()
    expect(c.time).to.equal(t0)
    const ga = granted(c, a, 1)
    expect(ga.token).to.equal(1n)
    expect(c.granted(b, 2)).to.equal(undefined)
    expect(c.core(v1).status().voter.perKey[key]).to.include({ committed: 1, queued: 1 })
    expect(c.core(v2).status().voter.perKey[key]).to.include({ committed: 1, queued: 1 })
    // a releases → b gets v1 and v2 and holds, still at the same instant.
    mark = c.log.length
    c.release(a, 1)
    c.settle()
    expect(c.time).to.equal(t0)
    const gb = granted(c, b, 2)
    expect(gb.token).to.equal(2n)
    expect(sent(c, ['GRANT'], mark)).to.deep.equal([
      `GRANT ${v1}>${b} ${key} n1.1 g1.2 fence=1`,
      `GRANT ${v2}>${b} ${key} n1.1 g1.3 fence=1`
    ])
    // No restart, no suspicion, no timeout: the deadlock was broken by INQUIRE/YIELD alone.
    for (const id of c.ids) {
      expect(eventsOf(c, id, 'attempt-restart')).to.deep.equal([])
      expect(eventsOf(c, id, 'suspect')).to.deep.equal([])
    }
    expect(c.results(a, 'failed')).to.deep.equal([])
    expect(c.results(b, 'failed')).to.deep.equal([])
  })

  it('variant: the INQUIRE reaches b before the FAILED — b defers it and yields as soon as the FAILED arrives', () => {
    const c = setup()
    expect(transcript(c)).to.deep.equal(crossed)
    let mark = c.log.length
    c.deliver(match('INQUIRE', v2, b))
    expect(transcript(c, mark)).to.deep.equal([]) // deferred: b holds no FAILED yet
    c.deliver(match('FAILED', v1, b))
    expect(transcript(c, mark)).to.deep.equal([`YIELD ${b}>${v2} ${key} n1.1 g1.1`])
    mark = c.log.length
    c.settle()
    expect(granted(c, a, 1).token).to.equal(1n)
    c.release(a, 1)
    c.settle()
    expect(granted(c, b, 2).token).to.equal(2n)
    for (const id of c.ids) expect(eventsOf(c, id, 'attempt-restart')).to.deep.equal([])
  })

  it('variant: the INQUIRE overtakes v2\'s GRANT — b remembers it and yields when the GRANT comes', () => {
    const c = new HandCluster({ nodes: 5 })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key })
    c.acquire(b, { handle: 2, key })
    c.deliver(match('REQUEST', a, a))
    c.deliver(match('REQUEST', b, b))
    c.deliver(match('REQUEST', a, v1))
    c.deliver(match('REQUEST', b, v2))
    c.deliver(match('REQUEST', b, v1))
    c.deliver(match('REQUEST', a, v2))
    const mark = c.log.length
    c.deliver(match('FAILED', v1, b))
    c.deliver(match('INQUIRE', v2, b)) // v2's GRANT to b is still in flight
    expect(transcript(c, mark)).to.deep.equal([])
    c.deliver(match('GRANT', v2, b))
    expect(transcript(c, mark)).to.deep.equal([`YIELD ${b}>${v2} ${key} n1.1 g1.1`])
    c.settle()
    expect(granted(c, a, 1).token).to.equal(1n)
    c.release(a, 1)
    c.settle()
    expect(granted(c, b, 2).token).to.equal(2n)
  })
})

describe('SCENARIOS.md 1 (overtake): the FAILED that breaks the deadlock comes from being overtaken', () => {
  // Same quorums; h = n4 holds v1 (Q_h = {n1, n2, n4}) with the LOWEST priority (same ts, largest
  // peer), so b's REQUEST at v1 is queued without a FAILED; a then overtakes b there. Only the
  // FAILED owed to an overtaken request lets b yield to v2's INQUIRE at once.
  const key = keyWithSpread(4, 1)
  const [a, b, v1, v2, h] = ['n0', 'n1', 'n2', 'n3', 'n4']

  function story (unsafe: Record<string, boolean> = {}): HandCluster {
    const c = new HandCluster({ nodes: 5, config: { unsafe } })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key })
    c.acquire(b, { handle: 1, key })
    c.acquire(h, { handle: 1, key })
    expect(requestedFrom(c, h, key)).to.deep.equal([b, v1, h])
    expect(new Set([requestTs(c, a, key), requestTs(c, b, key), requestTs(c, h, key)]).size).to.equal(1) // priority by peer: a, b, h
    c.settle(m => m.from === h || m.to === h)
    expect(granted(c, h, 1).token).to.equal(1n)
    const mark = c.log.length
    c.deliver(m => m.from === b && m.frame.b.t === 'REQUEST')
    c.deliver(m => m.from === a && m.frame.b.t === 'REQUEST')
    expect(sent(c, ['GRANT', 'QUEUED', 'FAILED', 'INQUIRE'], mark)).to.deep.equal([
      `QUEUED ${b}>${b} ${key} n1.1`,
      `QUEUED ${v1}>${b} ${key} n1.1`, // behind h's lower-priority lock: queued, no FAILED
      `GRANT ${v2}>${b} ${key} n1.1 g1.1 fence=0`,
      `GRANT ${a}>${a} ${key} n0.1 g1.1 fence=0`,
      `QUEUED ${v1}>${a} ${key} n0.1`,
      ...(unsafe.failedOnOvertake === true ? [] : [`FAILED ${v1}>${b} ${key} n1.1 priority`]), // overtaken by a
      `QUEUED ${v2}>${a} ${key} n0.1`,
      `INQUIRE ${v2}>${b} ${key} n1.1 g1.1`
    ])
    c.settle()
    c.release(h, 1)
    c.settle()
    return c
  }

  it('b yields v2 on the overtake FAILED; a holds at h\'s release, b after a — all at one instant', () => {
    const c = story()
    const t0 = c.time
    expect(granted(c, a, 1).token).to.equal(2n)
    expect(c.granted(b, 1)).to.equal(undefined)
    c.release(a, 1)
    c.settle()
    expect(granted(c, b, 1).token).to.equal(3n)
    expect(c.time).to.equal(t0)
  })

  it('mutation failedOnOvertake: a and b deadlock (a holds v1, b holds v2) until a REQUEST retransmission — a timeout', () => {
    const c = story({ failedOnOvertake: true })
    expect(c.granted(a, 1)).to.equal(undefined)
    expect(c.granted(b, 1)).to.equal(undefined)
    expect(c.core(v1).status().voter.perKey[key]).to.include({ votes: 1, queued: 1 })
    expect(c.core(v2).status().voter.perKey[key]).to.include({ votes: 1, queued: 1 })
    const t0 = c.time
    const grantedAt = runUntil(c, () => c.granted(a, 1) !== undefined, 2_000)
    expect(grantedAt - t0).to.be.at.least(200) // only b's retransmitted REQUEST, answered FAILED, breaks it
  })
})

describe('SCENARIOS.md 2: the paused holder (Kleppmann\'s case)', () => {
  // 3 nodes: Q_a = {n0, n1}; while a (n0) is paused, b (n1) uses {n1, n2}.
  const key = K3_EVEN
  const [a, b] = ['n0', 'n1']
  const ttlMs = 5_000

  function story (unsafe: Record<string, boolean> = {}): { c: HandCluster, ga: Granted, gb: Granted, bGrantedAt: number, store: FencedStore, t0: number } {
    const c = new HandCluster({ nodes: 3, config: { unsafe } })
    c.bootPastQuiet()
    const store = new FencedStore()
    c.acquire(a, { handle: 1, key, ttlMs })
    expect(requestedFrom(c, a, key)).to.deep.equal([a, b])
    c.settle()
    const t0 = c.time
    const ga = granted(c, a, 1)
    expect(ga.token).to.equal(1n)
    expect(store.write(ga.token, 1)).to.equal(true)
    // a's process stops (SIGSTOP) for 10 s. The others suspect it after ~0.5 s.
    run(c, 1_000, { paused: [a] })
    expect(eventsOf(c, b, 'suspect')).to.deep.equal([{ type: 'suspect', peer: a }])
    const mark = c.log.length
    c.acquire(b, { handle: 2, key, ttlMs })
    expect(requestedFrom(c, b, key, mark)).to.deep.equal([b, 'n2'])
    const bGrantedAt = runUntil(c, () => c.granted(b, 2) !== undefined, 9_000, { paused: [a] })
    const gb = granted(c, b, 2)
    return { c, ga, gb, bGrantedAt, store, t0 }
  }

  it('voters free the votes only at lease end; b gets t2 > t1; a wakes to a lost lock, cannot extend, and its write with t1 is rejected', () => {
    const { c, ga, gb, bGrantedAt, store, t0 } = story()
    // The voter n1 kept a's committed vote until its lease end (receipt + ttl), then granted b.
    expect(bGrantedAt).to.be.within(t0 + ttlMs, t0 + ttlMs + 10)
    expect(gb.token).to.equal(2n)
    expect(gb.token > ga.token).to.equal(true)
    expect(store.write(gb.token, 2)).to.equal(true)
    // a's validUntil had passed before b's lease began (true time; clocks run at rate 1 here).
    expect(beliefEndTrue(c, a, ga)).to.be.below(bGrantedAt)
    expect(beliefEndTrue(c, a, ga)).to.be.below(t0 + ttlMs)
    // a wakes after 10 s: its first input is the app's extend — the deadline fires first.
    run(c, t0 + 10_000 - c.time, { paused: [a] })
    expect(c.results(a)).to.have.length(1) // only the grant so far
    const mark = c.log.length
    c.extend(a, 1, ttlMs)
    expect(c.results(a).slice(1)).to.deep.equal([
      { type: 'lost', handle: 1, key, reason: 'expired' },
      { type: 'not-holder', handle: 1, command: 'extend' }
    ])
    expect(sent(c, ['EXTEND'], mark)).to.deep.equal([])
    expect(sent(c, ['RELEASE'], mark)).to.deep.equal([`RELEASE ${a}>${a} ${key} n0.1`, `RELEASE ${a}>${b} ${key} n0.1`])
    // The app writes anyway with t1: the fenced store rejects it.
    expect(store.write(ga.token, 3)).to.equal(false)
    expect(store.value).to.equal(2)
  })

  it('mutation suspicionKeepsCommitted: the voter frees a\'s committed vote on suspicion and b holds while a still believes it holds', () => {
    const { c, ga, gb, bGrantedAt, store, t0 } = story({ suspicionKeepsCommitted: true })
    expect(bGrantedAt).to.be.below(t0 + 1_100)
    // Two holders at once in true time: a's belief window [t0, validUntil) covers b's grant.
    expect(beliefEndTrue(c, a, ga)).to.be.above(bGrantedAt)
    // Only the fenced store still saves the data.
    expect(store.write(gb.token, 2)).to.equal(true)
    expect(store.write(ga.token, 3)).to.equal(false)
  })
})

describe('SCENARIOS.md 3: a half-committed holder crashes', () => {
  // 5 nodes: Q_a = {n0, n2, n3}, Q_b = {n1, n2, n3}. v1 = n2 gets a's COMMIT, v2 = n3 does not.
  const key = keyWithSpread(4, 1)
  const [a, b, v1, v2] = ['n0', 'n1', 'n2', 'n3']
  const ttlMs = 2_000

  function story (unsafe: Record<string, boolean> = {}): { c: HandCluster, crashAt: number, bGrantedAt: number, handedOut: bigint[], aToken: bigint } {
    const c = new HandCluster({ nodes: 5, config: { unsafe } })
    c.bootPastQuiet()
    // History: b held the key once (token 1) — the only token handed out so far.
    c.acquire(b, { handle: 1, key, ttlMs })
    c.settle()
    const handedOut = [granted(c, b, 1).token]
    c.release(b, 1)
    c.settle()
    // a has every GRANT and sends COMMIT(t); only v1 receives it; a crashes.
    c.acquire(a, { handle: 1, key, ttlMs })
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v1, v2])
    c.settle(m => m.frame.b.t !== 'COMMIT')
    const commits = c.pending('COMMIT')
    expect(commits.map(line)).to.deep.equal([
      `COMMIT ${a}>${a} ${key} n0.1 g1.1 token=2`,
      `COMMIT ${a}>${v1} ${key} n0.1 g1.2 token=2`,
      `COMMIT ${a}>${v2} ${key} n0.1 g1.2 token=2`
    ])
    const aToken = (commits[0]!.frame.b as Body<'COMMIT'>).token
    c.deliver(match('COMMIT', a, v1))
    c.drop(m => m.from === a || m.to === a)
    c.crash(a)
    const crashAt = c.time
    expect(c.core(v1).status().voter.perKey[key]).to.include({ votes: 1, committed: 1 })
    expect(c.core(v2).status().voter.perKey[key]).to.include({ votes: 1, committed: 0 })
    // v2 drops a's uncommitted grant once it suspects a; v1 keeps the committed vote.
    run(c, 600, { paused: [a] })
    expect(eventsOf(c, v2, 'suspicion-drop')).to.deep.equal([{ type: 'suspicion-drop', peer: a, key, grants: 1, queued: 0 }])
    expect(eventsOf(c, v1, 'suspicion-drop')).to.deep.equal(unsafe.suspicionKeepsCommitted === true
      ? [{ type: 'suspicion-drop', peer: a, key, grants: 1, queued: 0 }]
      : [])
    expect(c.core(v2).status().voter.perKey[key]).to.include({ votes: 0, queued: 0 })
    // b acquires again.
    c.acquire(b, { handle: 2, key, ttlMs })
    const bGrantedAt = runUntil(c, () => c.granted(b, 2) !== undefined, 3_000, { paused: [a] })
    handedOut.push(granted(c, b, 2).token)
    return { c, crashAt, bGrantedAt, handedOut, aToken }
  }

  it('v2 drops the uncommitted grant on suspicion, v1 frees at lease end; b\'s token is above every token handed out', () => {
    const { crashAt, bGrantedAt, handedOut, aToken } = story()
    expect(bGrantedAt).to.be.within(crashAt + ttlMs, crashAt + ttlMs + 10)
    expect(handedOut).to.deep.equal([1n, 3n])
    expect(aToken).to.equal(2n) // never handed out: it does not matter
  })

  it('mutation suspicionKeepsCommitted: v1 frees a\'s committed vote on suspicion, inside the lease a may still believe in', () => {
    const { crashAt, bGrantedAt } = story({ suspicionKeepsCommitted: true })
    // v1 cannot tell a crash from a pause: freeing before the lease end is the
    // paused-holder violation of story 15.
    expect(bGrantedAt).to.be.below(crashAt + ttlMs)
  })
})

describe('SCENARIOS.md 4: a voter restarts while its vote is held', () => {
  // 3 nodes: Q_a = {n0, n2}, Q_b = {n1, n2}; v = n2. b cannot reach a's node
  // (the n0–n1 link is cut) so its quorum really is {b, v}.
  const key = K3_ODD
  const [a, b, v] = ['n0', 'n1', 'n2']
  const ttlMs = 5_000

  function story (unsafe: Record<string, boolean> = {}): { c: HandCluster, ga: Granted, restartAt: number, bGrantedAt: number } {
    const c = new HandCluster({ nodes: 3, config: { unsafe } })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key, ttlMs })
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v])
    c.settle()
    const ga = granted(c, a, 1)
    // v crashes and restarts at once, having forgotten its vote.
    c.crash(v)
    c.start(v)
    c.handshake(v)
    const restartAt = c.time
    run(c, 600, { blocked: between(a, b) })
    const mark = c.log.length
    c.acquire(b, { handle: 2, key, ttlMs })
    expect(requestedFrom(c, b, key, mark)).to.deep.equal([b, v])
    const bGrantedAt = runUntil(c, () => c.granted(b, 2) !== undefined, 6_000, { blocked: between(a, b) })
    return { c, ga, restartAt, bGrantedAt }
  }

  it('v answers FAILED(quiet) and grants b only when its quiet period (ttlMsMax) has passed — after a\'s lease', () => {
    const { c, ga, restartAt, bGrantedAt } = story()
    // Every answer v gave b before its quiet period ended (REQUEST retransmissions included) is FAILED(quiet).
    const answers = transcript(c, 0, m => m.from === v && m.to === b && ['FAILED', 'QUEUED', 'GRANT'].includes(m.frame.b.t))
    expect(answers.length).to.be.at.least(2)
    expect(answers.slice(0, -1).every(l => l === `FAILED ${v}>${b} ${key} n1.1 quiet`), answers.join('\n')).to.equal(true)
    expect(answers.at(-1)).to.equal(`GRANT ${v}>${b} ${key} n1.1 g2.1 fence=1025`)
    expect(bGrantedAt).to.be.within(restartAt + 5_000, restartAt + 5_010)
    expect(beliefEndTrue(c, a, ga)).to.be.below(bGrantedAt)
    expect(c.lastResult(a, 1)).to.deep.equal({ type: 'lost', handle: 1, key, reason: 'expired' })
    expect(eventsOf(c, b, 'attempt-restart')).to.deep.equal([])
  })

  it('mutation quietPeriod: the restarted v votes for b at once and a and b hold k together', () => {
    const { c, ga, bGrantedAt, restartAt } = story({ quietPeriod: true })
    expect(bGrantedAt).to.be.below(restartAt + 700)
    expect(beliefEndTrue(c, a, ga)).to.be.above(bGrantedAt)
    expect(c.results(a)).to.deep.equal([ga]) // a still holds when b is granted
  })
})

describe('SCENARIOS.md 5: fences survive a restart', () => {
  // 3 nodes: Q_a = {n0, n2}, Q_b = {n1, n2}; v = n2. a's node is gone when b acquires.
  const key = K3_ODD
  const [a, b, v] = ['n0', 'n1', 'n2']

  function story (unsafe: Record<string, boolean> = {}): { c: HandCluster, tokens: bigint[], bToken: bigint, ceiling: bigint } {
    const c = new HandCluster({ nodes: 3, config: { unsafe } })
    c.bootPastQuiet()
    const tokens: bigint[] = []
    for (let h = 1; h <= 5; h++) {
      c.acquire(a, { handle: h, key })
      c.settle()
      tokens.push(granted(c, a, h).token)
      c.release(a, h)
      c.settle()
    }
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v])
    expect(c.core(v).fenceOf(key)).to.equal(5n)
    const ceiling = c.node(v).disk.state.ceiling
    // a's node goes away; v restarts: memory lost, fence store kept.
    c.crash(a)
    c.crash(v)
    c.start(v)
    c.handshake(v)
    const mark = c.log.length
    run(c, 600, { paused: [a] })
    c.acquire(b, { handle: 1, key })
    expect(requestedFrom(c, b, key, mark)).to.deep.equal([b, v])
    runUntil(c, () => c.granted(b, 1) !== undefined, 6_000, { paused: [a] })
    return { c, tokens, bToken: granted(c, b, 1).token, ceiling }
  }

  it('v\'s keys restart at the persisted ceiling, so b\'s token is above 5', () => {
    const { tokens, bToken, ceiling } = story()
    expect(tokens).to.deep.equal([1n, 2n, 3n, 4n, 5n])
    expect(ceiling).to.equal(1025n) // raised before fence 1 passed C = 0: 1 + 1024
    expect(bToken).to.equal(1026n)
  })

  it('mutation fencePersistence: v comes back at fence 0 and b is handed token 1 again', () => {
    const { bToken, ceiling } = story({ fencePersistence: true })
    expect(ceiling).to.equal(0n)
    expect(bToken).to.equal(1n)
  })
})

describe('SCENARIOS.md 6: partition → modes → heal (9 nodes, grid)', () => {
  // Grid 3×3, node i in column i mod 3: columns {n0,n3,n6} {n1,n4,n7} {n2,n5,n8};
  // rows {n0,n1,n2} {n3,n4,n5} {n6,n7,n8}.
  const ids = Array.from({ length: 9 }, (_, i) => `n${i}`)
  const row0 = ['n0', 'n1', 'n2']
  const rows12 = ['n3', 'n4', 'n5', 'n6', 'n7', 'n8']
  const five = ['n0', 'n3', 'n6', 'n1', 'n2'] // column 0 + one node of each other column
  const four = ['n4', 'n7', 'n5', 'n8']

  function lastMode (c: HandCluster, id: NodeId): { mode: string, sharedLocks: boolean } {
    const e = eventsOf(c, id, 'mode').at(-1)!
    return { mode: e.mode, sharedLocks: e.sharedLocks }
  }

  function boot (unsafe: Record<string, boolean> = {}): HandCluster {
    const c = new HandCluster({ nodes: 9, config: { quorum: 'grid', unsafe } })
    c.bootPastQuiet()
    for (const id of ids) expect(lastMode(c, id)).to.deep.equal({ mode: 'read-write', sharedLocks: true })
    expect(c.core('n0').status().quorum).to.include({ system: 'grid', writeSize: 5, readSize: 3 })
    return c
  }

  /** An acquire that must resolve in the same step (no frame sent, no hanging). */
  function failsAtOnce (c: HandCluster, id: NodeId, handle: number, key: string, mode: 'exclusive' | 'shared'): string {
    const mark = c.log.length
    c.acquire(id, { handle, key, mode })
    const r = c.lastResult(id, handle)
    expect(r?.type, `${id} ${mode}`).to.equal('failed')
    expect(transcript(c, mark)).to.deep.equal([])
    return (r as Extract<Result, { type: 'failed' }>).reason
  }

  it('(a) one row cut from the other two: both sides read-only with shared locks; exclusive acquires fail at once; shared locks work on both sides', () => {
    const c = boot()
    const cut = across([row0, rows12])
    // An exclusive acquire in flight when the cut happens fails at the downgrade (no hanging).
    c.acquire('n4', { handle: 99, key: 'inflight' })
    const cutAt = c.time
    const failedAt = runUntil(c, () => c.lastResult('n4', 99) !== undefined, 1_000, { blocked: cut })
    expect(c.lastResult('n4', 99)).to.include({ type: 'failed', reason: 'read-only' })
    expect(failedAt - cutAt).to.be.within(400, 600)
    run(c, 100, { blocked: cut })
    for (const id of ids) expect(lastMode(c, id), id).to.deep.equal({ mode: 'read-only', sharedLocks: true })
    for (const id of ids) expect(failsAtOnce(c, id, 1, 'x', 'exclusive')).to.equal('read-only')
    // Shared locks on both sides of the cut, on the same key, at once.
    c.acquire('n0', { handle: 2, key: 's', mode: 'shared' })
    c.acquire('n4', { handle: 2, key: 's', mode: 'shared' })
    run(c, 50, { blocked: cut })
    const g0 = granted(c, 'n0', 2)
    const g4 = granted(c, 'n4', 2)
    expect(requestedFrom(c, 'n0', 's')).to.deep.equal(['n0', 'n1', 'n2'])
    expect(requestedFrom(c, 'n4', 's').every(v => rows12.includes(v))).to.equal(true)
    expect(requestedFrom(c, 'n4', 's')).to.have.length(3)
    expect([g0.mode, g4.mode]).to.deep.equal(['shared', 'shared'])
    // Heal: every node is read-write again, but only after the stable period.
    c.release('n0', 2)
    c.release('n4', 2)
    const healAt = c.time
    run(c, 350)
    for (const id of ids) expect(lastMode(c, id), id).to.deep.equal({ mode: 'read-only', sharedLocks: true })
    run(c, 650)
    for (const id of ids) expect(lastMode(c, id), id).to.deep.equal({ mode: 'read-write', sharedLocks: true })
    expect(c.time - healAt).to.equal(1_000)
    c.acquire('n0', { handle: 3, key: 'x' })
    run(c, 50)
    expect(granted(c, 'n0', 3).mode).to.equal('exclusive')
  })

  it('(b) a full column plus one node of each other column (5) against the other 4: the 5 keep granting, the 4 are read-only without shared locks', () => {
    const c = boot()
    const cut = across([five, four])
    run(c, 700, { blocked: cut })
    // The 5 kept a write quorum all along: no mode change at all.
    for (const id of five) expect(eventsOf(c, id, 'mode'), id).to.have.length(1)
    for (const id of four) expect(lastMode(c, id), id).to.deep.equal({ mode: 'read-only', sharedLocks: false })
    for (const id of four) {
      expect(failsAtOnce(c, id, 1, 'x', 'exclusive')).to.equal('read-only')
      expect(failsAtOnce(c, id, 2, 's', 'shared')).to.equal('no-quorum')
    }
    c.acquire('n1', { handle: 1, key: 'x' })
    c.acquire('n2', { handle: 2, key: 's', mode: 'shared' })
    run(c, 50, { blocked: cut })
    expect(requestedFrom(c, 'n1', 'x')).to.deep.equal(['n0', 'n1', 'n2', 'n3', 'n6'])
    expect(granted(c, 'n1', 1).mode).to.equal('exclusive')
    expect(granted(c, 'n2', 2).mode).to.equal('shared')
    // Never a read quorum on one side and a write quorum on the other.
    const q = createQuorumSystem('grid', ids)
    expect(q.isWriteQuorum(new Set(five)) && !q.isReadQuorum(new Set(four))).to.equal(true)
    for (let mask = 0; mask < 1 << 9; mask++) {
      const side = new Set(ids.filter((_, i) => (mask & (1 << i)) !== 0))
      const other = new Set(ids.filter(id => !side.has(id)))
      expect(q.isReadQuorum(side) && q.isWriteQuorum(other), [...side].join(',')).to.equal(false)
    }
    // Heal: the 4 come back to read-write after the stable period.
    c.release('n1', 1)
    c.release('n2', 2)
    run(c, 350)
    for (const id of four) expect(lastMode(c, id).mode, id).to.equal('read-only')
    run(c, 650)
    for (const id of ids) expect(lastMode(c, id), id).to.deep.equal({ mode: 'read-write', sharedLocks: true })
  })

  it('mutation quorumIntersection: across the row cut both sides believe they can write and two exclusive holders of one key coexist', () => {
    const c = boot({ quorumIntersection: true })
    const cut = across([row0, rows12])
    run(c, 700, { blocked: cut })
    for (const id of ids) expect(lastMode(c, id).mode, id).to.equal('read-write')
    c.acquire('n0', { handle: 1, key: 'x' })
    c.acquire('n4', { handle: 1, key: 'x' })
    run(c, 50, { blocked: cut })
    const g0 = granted(c, 'n0', 1)
    const g4 = granted(c, 'n4', 1)
    expect([g0.mode, g4.mode]).to.deep.equal(['exclusive', 'exclusive'])
    expect(g0.token).to.equal(g4.token) // even the same fencing token
  })
})

describe('SCENARIOS.md 7: cancel while queued', () => {
  // 3 nodes, key k0: Q_h (n2) = {n0, n2}; Q_a (n0) = Q_b (n1) = {n0, n1}.
  const key = K3_EVEN
  const [a, b, h] = ['n0', 'n1', 'n2']

  it('a cancels: every voter drops a\'s request and vote; b is granted at the holder\'s release with no timeout', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire(h, { handle: 1, key })
    c.settle()
    granted(c, h, 1)
    const t0 = c.time
    c.acquire(a, { handle: 1, key })
    c.settle()
    c.acquire(b, { handle: 1, key })
    c.settle()
    expect(requestedFrom(c, h, key)).to.deep.equal([a, h])
    expect(requestedFrom(c, a, key)).to.deep.equal([a, b])
    expect(requestedFrom(c, b, key)).to.deep.equal([a, b])
    expect(sent(c, ['GRANT', 'FAILED', 'QUEUED'])).to.deep.equal([
      `GRANT ${a}>${h} ${key} n2.1 g1.1 fence=0`,
      `GRANT ${h}>${h} ${key} n2.1 g1.1 fence=0`,
      `FAILED ${a}>${a} ${key} n0.1 priority`, // behind h's lock at a's own voter
      `GRANT ${b}>${a} ${key} n0.1 g1.1 fence=0`,
      `FAILED ${a}>${b} ${key} n1.1 priority`, // behind h and the queued a at n0
      `FAILED ${b}>${b} ${key} n1.1 priority` // behind a's vote at n1
    ])
    expect(c.core(a).status().voter.perKey[key]).to.include({ votes: 1, committed: 1, queued: 2 })
    expect(c.core(b).status().voter.perKey[key]).to.include({ votes: 1, committed: 0, queued: 1 })
    // a's signal aborts.
    const mark = c.log.length
    c.cancel(a, 1)
    expect(c.lastResult(a, 1)).to.include({ type: 'failed', reason: 'cancelled' })
    c.settle()
    expect(transcript(c, mark)).to.deep.equal([
      `RELEASE ${a}>${a} ${key} n0.1`,
      `RELEASE ${a}>${b} ${key} n0.1`,
      `RELEASED ${a}>${a} ${key} n0.1`,
      `RELEASED ${b}>${a} ${key} n0.1`,
      `GRANT ${b}>${b} ${key} n1.1 g1.2 fence=0`
    ])
    // Nothing of a's is left anywhere: n0 holds h's lock and queues b; n1's vote is b's.
    expect(c.core(a).status().voter.perKey[key]).to.include({ votes: 1, committed: 1, queued: 1 })
    expect(c.core(b).status().voter.perKey[key]).to.include({ votes: 1, committed: 0, queued: 0 })
    // The holder releases: b is granted at once.
    c.release(h, 1)
    c.settle()
    expect(c.time).to.equal(t0)
    expect(granted(c, b, 1).token).to.equal(2n)
    for (const id of c.ids) expect(eventsOf(c, id, 'attempt-restart')).to.deep.equal([])
  })
})

describe('SCENARIOS.md 8: duplicates and reordering', () => {
  // 3 nodes, key k1: Q_a = {n0, n2}; v = n2.
  const key = K3_ODD
  const [a, v] = ['n0', 'n2']

  it('a RELEASE that overtakes the COMMIT leaves no lock; a duplicated REQUEST is ignored while the tombstone lives; a stray grant after it expired is released and never committed', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key })
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v])
    c.settle(m => m.frame.b.t !== 'COMMIT')
    const request = c.log.find(match('REQUEST', a, v, key))!
    const commit = c.take(match('COMMIT', a, v))
    expect(commit.map(line)).to.deep.equal([`COMMIT ${a}>${v} ${key} n0.1 g1.1 token=1`])
    // a gives up while committing: RELEASE to both voters; v gets the RELEASE first.
    c.cancel(a, 1)
    expect(c.lastResult(a, 1)).to.include({ type: 'failed', reason: 'cancelled' })
    c.settle()
    let mark = c.log.length
    c.inject(commit)
    expect(transcript(c, mark)).to.deep.equal([`REFUSED ${v}>${a} ${key} n0.1 commit no-grant`])
    expect(c.core(v).status().voter.perKey[key]).to.include({ votes: 0, committed: 0, queued: 0 })
    c.settle()
    // A duplicate of a's REQUEST while the tombstone lives: not granted, not queued, not answered.
    mark = c.log.length
    c.inject([request])
    expect(transcript(c, mark)).to.deep.equal([])
    expect(c.core(v).status().voter.perKey[key]).to.include({ votes: 0, queued: 0 })
    // The tombstone expires (tombstoneMs); the same duplicate now makes a stray grant.
    run(c, 2_100)
    mark = c.log.length
    c.inject([request])
    expect(transcript(c, mark)).to.deep.equal([`GRANT ${v}>${a} ${key} n0.1 g1.2 fence=0`])
    const stray = c.take(match('GRANT', v, a))
    // The old COMMIT (duplicated again) cannot commit it: it names grant g1.1, not the live g1.2.
    mark = c.log.length
    c.inject(commit)
    expect(transcript(c, mark)).to.deep.equal([`REFUSED ${v}>${a} ${key} n0.1 commit no-grant`])
    expect(c.core(v).status().voter.perKey[key]).to.include({ votes: 1, committed: 0 })
    // The stray GRANT reaches a, which no longer runs that attempt: it answers RELEASE.
    c.settle()
    mark = c.log.length
    c.inject(stray)
    c.settle()
    expect(transcript(c, mark)).to.deep.equal([`RELEASE ${a}>${v} ${key} n0.1`, `RELEASED ${v}>${a} ${key} n0.1`])
    expect(c.core(v).status().voter.perKey[key]).to.include({ votes: 0, committed: 0, queued: 0 })
    // v never locked for a.
    expect(sent(c, ['COMMITTED']).filter(l => l.startsWith(`COMMITTED ${v}>`))).to.deep.equal([])
  })
})

describe('SCENARIOS.md 9: writers are not starved by readers', () => {
  // 3 nodes, key k0: Q(n0) = Q(n1) = {n0, n1}, Q(n2) = {n0, n2}; n0 is every quorum's voter.
  const key = K3_EVEN

  it('an exclusive request queued before a stream of later shared requests is granted before them; the readers get FAILED and queue', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    // r0 (n1) holds a shared lock; the writer w (n0) queues behind it.
    c.acquire('n1', { handle: 1, key, mode: 'shared' })
    c.settle()
    granted(c, 'n1', 1)
    let mark = c.log.length
    c.acquire('n0', { handle: 1, key, mode: 'exclusive' })
    c.settle()
    expect(sent(c, ['FAILED', 'GRANT', 'QUEUED'], mark)).to.deep.equal([
      `FAILED n0>n0 ${key} n0.1 priority`,
      `FAILED n1>n0 ${key} n0.1 priority`
    ])
    const tsW = requestTs(c, 'n0', key)
    // Time passes (clocks spread by the pings), then readers arrive: r1, r3 on n2, r2 on n1.
    run(c, 150)
    mark = c.log.length
    c.acquire('n2', { handle: 1, key, mode: 'shared' })
    c.acquire('n1', { handle: 2, key, mode: 'shared' })
    c.acquire('n2', { handle: 2, key, mode: 'shared' })
    c.settle()
    for (const m of c.log.slice(mark).filter(m => m.frame.b.t === 'REQUEST')) expect((m.frame.b as Body<'REQUEST'>).ts > tsW).to.equal(true)
    // At n0 and n1 every reader is FAILED behind the waiting writer; n2 (no writer there) grants them.
    expect(sent(c, ['FAILED', 'GRANT', 'QUEUED'], mark)).to.deep.equal([
      `FAILED n0>n2 ${key} n2.1 priority`,
      `GRANT n2>n2 ${key} n2.1 g1.1 fence=0`,
      `FAILED n0>n1 ${key} n1.2 priority`,
      `FAILED n1>n1 ${key} n1.2 priority`,
      `FAILED n0>n2 ${key} n2.2 priority`,
      `GRANT n2>n2 ${key} n2.2 g1.2 fence=0`
    ])
    expect(c.results('n2')).to.deep.equal([])
    expect(c.results('n1')).to.have.length(1)
    // r0 releases: the writer goes first.
    c.release('n1', 1)
    c.settle()
    const gw = granted(c, 'n0', 1)
    expect(c.results('n2')).to.deep.equal([])
    expect(c.granted('n1', 2)).to.equal(undefined)
    // The writer releases: all readers together.
    c.release('n0', 1)
    c.settle()
    const readers = [granted(c, 'n2', 1), granted(c, 'n1', 2), granted(c, 'n2', 2)]
    for (const r of readers) expect(r.token > gw.token).to.equal(true)
  })
})

describe('SCENARIOS.md 10: extension at the edge', () => {
  // 3 nodes, key k1: Q_a = {n0, n2}, Q_b = {n1, n2}; v = n2. ttl 2 s, ρ = 1 %, margin 0.
  const key = K3_ODD
  const [a, b, v] = ['n0', 'n1', 'n2']
  const ttlMs = 2_000

  function holdAndQueue (unsafe: Record<string, boolean> = {}): { c: HandCluster, ga: Granted, t0: number } {
    const c = new HandCluster({ nodes: 3, config: { unsafe } })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key, ttlMs })
    c.settle()
    const ga = granted(c, a, 1)
    const t0 = c.time
    expect(ga.validUntil.mono).to.be.closeTo(t0 + ttlMs * 0.99 / 1.01, 1e-9)
    c.acquire(b, { handle: 1, key, ttlMs })
    c.settle()
    expect(requestedFrom(c, b, key)).to.deep.equal([b, v])
    expect(c.granted(b, 1)).to.equal(undefined)
    return { c, ga, t0 }
  }

  it('a late EXTEND: v refuses it after its lease end; a\'s validity is not extended, a loses the lock at its old validUntil, b only after', () => {
    const { c, ga, t0 } = holdAndQueue()
    run(c, 1_900)
    c.extend(a, 1, ttlMs)
    const extend = c.take(match('EXTEND', a, v))
    expect(extend).to.have.length(1)
    // a's frames to v are delayed past v's lease end (the RELEASE at a's loss too).
    const slow = (m: InFlight): boolean => m.from === a && m.to === v
    const lostAt = runUntil(c, () => c.lastResult(a, 1)?.type === 'lost', 200, { blocked: slow })
    expect(c.lastResult(a, 1)).to.deep.equal({ type: 'lost', handle: 1, key, reason: 'expired' })
    expect(lostAt).to.equal(Math.ceil(ga.validUntil.mono))
    const bAt = runUntil(c, () => c.granted(b, 1) !== undefined, 100, { blocked: slow })
    expect(bAt).to.be.within(t0 + ttlMs, t0 + ttlMs + 10) // v freed the vote at its own lease end
    const mark = c.log.length
    c.inject(extend)
    expect(transcript(c, mark)).to.deep.equal([`REFUSED ${v}>${a} ${key} n0.1 extend no-grant`])
    c.settle()
    expect(c.results(a).map(r => r.type)).to.deep.equal(['granted', 'lost'])
    expect(c.results(b).map(r => r.type)).to.deep.equal(['granted'])
  })

  it('one voter refuses (it restarted and forgot the vote): extend-failed, the old validUntil stands', () => {
    const { c, ga } = holdAndQueue()
    run(c, 500)
    c.crash(v)
    c.start(v)
    c.handshake(v)
    run(c, 800)
    const mark = c.log.length
    c.extend(a, 1, ttlMs)
    c.settle()
    expect(sent(c, ['EXTEND', 'EXTENDED', 'REFUSED'], mark)).to.deep.equal([
      `EXTEND ${a}>${a} ${key} n0.1 ttl=${ttlMs}`,
      `EXTEND ${a}>${v} ${key} n0.1 ttl=${ttlMs}`,
      `EXTENDED ${a}>${a} ${key} n0.1`,
      `REFUSED ${v}>${a} ${key} n0.1 extend no-grant`
    ])
    expect(c.lastResult(a, 1)).to.deep.equal({ type: 'extend-failed', handle: 1, key, reason: 'refused' })
    const lostAt = runUntil(c, () => c.lastResult(a, 1)?.type === 'lost', 1_000)
    expect(lostAt).to.equal(Math.ceil(ga.validUntil.mono))
    expect(c.results(a).map(r => r.type)).to.deep.equal(['granted', 'extend-failed', 'lost'])
  })

  it('one voter\'s answer is lost: no extension, the lock is lost at the old validUntil and b is granted only after', () => {
    const { c, ga } = holdAndQueue()
    run(c, 1_300)
    c.extend(a, 1, ttlMs)
    const lostAnswers = (m: InFlight): boolean => m.from === v && m.to === a && m.frame.b.t === 'EXTENDED'
    const lostAt = runUntil(c, () => c.lastResult(a, 1)?.type === 'lost', 1_000, { blocked: lostAnswers })
    expect(lostAt).to.equal(Math.ceil(ga.validUntil.mono))
    expect(c.results(a).map(r => r.type)).to.deep.equal(['granted', 'lost'])
    // v did extend its lease; a's RELEASE at the loss frees it.
    const bAt = runUntil(c, () => c.granted(b, 1) !== undefined, 100)
    expect(bAt).to.be.above(ga.validUntil.mono)
    expect(transcript(c).filter(l => l.startsWith(`EXTENDED ${v}>${a}`)).length).to.be.at.least(2) // retransmitted, every answer lost
  })

  /** a extends at t0+1000; v's EXTENDED is slow (arrives at t0+1900) and a's retransmitted EXTENDs to v are lost. */
  function slowExtended (unsafe: Record<string, boolean> = {}): { c: HandCluster, t0: number, extended: Extract<Result, { type: 'extended' }>, bAt: number } {
    const { c, t0 } = holdAndQueue(unsafe)
    run(c, 1_000)
    c.extend(a, 1, ttlMs)
    c.deliver('EXTEND') // v's lease end: max(t0 + 2000, t0 + 1000 + 2000) = t0 + 3000
    const slowAnswer = match('EXTENDED', v, a)
    run(c, 900, { hold: slowAnswer, blocked: match('EXTEND', a, v) })
    c.deliver(slowAnswer)
    const extended = c.lastResult(a, 1) as Extract<Result, { type: 'extended' }>
    expect(extended.type).to.equal('extended')
    const bAt = runUntil(c, () => c.granted(b, 1) !== undefined, 3_000)
    return { c, t0, extended, bAt }
  }

  it('an extension counts from the EXTEND\'s first transmission, not from the late answer: a\'s lock ends before v\'s lease', () => {
    const { c, t0, extended, bAt } = slowExtended()
    expect(extended.validUntil.mono).to.be.closeTo(t0 + 1_000 + ttlMs * 0.99 / 1.01, 1e-9)
    expect(extended.validUntil.mono).to.be.below(t0 + 1_000 + ttlMs)
    expect(c.lastResult(a, 1)).to.deep.equal({ type: 'lost', handle: 1, key, reason: 'expired' })
    expect(bAt).to.be.above(extended.validUntil.mono)
  })

  it('mutation validityFromFirstTransmission: validity counted from the late EXTENDED overruns v\'s lease; b holds while a still does', () => {
    const { t0, extended, bAt } = slowExtended({ validityFromFirstTransmission: true })
    expect(extended.validUntil.mono).to.be.closeTo(t0 + 1_900 + ttlMs * 0.99 / 1.01, 1e-9)
    expect(bAt).to.be.within(t0 + 1_000 + ttlMs, t0 + 1_000 + ttlMs + 10) // v's lease end
    expect(extended.validUntil.mono).to.be.above(bAt)
  })

  it('a shorter EXTEND never shortens a voter\'s lease: b waits until a\'s lock ends', () => {
    const { c, ga, t0 } = holdAndQueue()
    run(c, 100)
    c.extend(a, 1, 500)
    c.settle()
    expect(c.lastResult(a, 1)).to.deep.equal({ type: 'extended', handle: 1, key, validUntil: ga.validUntil })
    const bAt = runUntil(c, () => c.granted(b, 1) !== undefined, 3_000)
    expect(bAt).to.be.above(ga.validUntil.mono)
    expect(bAt).to.be.below(t0 + ttlMs + 10)
  })

  it('mutation extendMaxRule: the shorter EXTEND cuts v\'s lease to receipt + 500 ms and b holds while a still does', () => {
    const { c, ga, t0 } = holdAndQueue({ extendMaxRule: true })
    run(c, 100)
    c.extend(a, 1, 500)
    c.settle()
    const bAt = runUntil(c, () => c.granted(b, 1) !== undefined, 3_000)
    expect(bAt).to.be.within(t0 + 600, t0 + 610)
    expect(ga.validUntil.mono).to.be.above(bAt)
    expect(c.lastResult(a, 1)?.type).to.equal('extended') // a still believes it holds
  })
})

describe('SCENARIOS.md 11: one-way link', () => {
  // 3 nodes; a = n0, v = n2, h = n1. Two odd keys: Q_a = {n0, n2}, Q_h = {n1, n2}.
  const kg = keyWithSpread(2, 1, 'g') // a gets v's GRANT, its COMMIT is lost: an uncommitted grant at v
  const kq = keyWithSpread(2, 1, 'q') // h holds it; a's request waits in v's queue
  const [a, h, v] = ['n0', 'n1', 'n2']

  it('a never counts v as reachable, restarts on a quorum without v; v suspects a and drops a\'s uncommitted grant and queued request', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire(h, { handle: 1, key: kq, ttlMs: 5_000 })
    c.settle()
    granted(c, h, 1)
    c.acquire(a, { handle: 1, key: kq })
    c.settle()
    c.acquire(a, { handle: 2, key: kg })
    c.settle(m => m.frame.b.t !== 'COMMIT')
    expect(requestedFrom(c, a, kq)).to.deep.equal([a, v])
    expect(requestedFrom(c, a, kg)).to.deep.equal([a, v])
    const tsQ = requestTs(c, a, kq)
    const tsG = requestTs(c, a, kg)
    c.deliver(match('COMMIT', a, a))
    c.settle(m => !(m.from === a && m.to === v))
    expect(c.core(v).status().voter.perKey[kg]).to.include({ votes: 1, committed: 0 })
    expect(c.core(v).status().voter.perKey[kq]).to.include({ votes: 1, committed: 1, queued: 1 })
    // From now on v's frames reach a, a's frames to v are lost.
    const oneWay = (m: InFlight): boolean => m.from === a && m.to === v
    const mark = c.log.length
    const cutAt = c.time
    run(c, 700, { blocked: oneWay })
    // a: v never acknowledges a's frames, so v is not reachable: suspected, both attempts restart.
    expect(eventsOf(c, a, 'suspect')).to.deep.equal([{ type: 'suspect', peer: v }])
    expect(c.core(a).status().peers.find(p => p.peer === v)).to.include({ reachable: false })
    expect(eventsOf(c, a, 'attempt-restart')).to.deep.equal([
      { type: 'attempt-restart', handle: 1, key: kq, why: `voter ${v} is suspected` },
      { type: 'attempt-restart', handle: 2, key: kg, why: `voter ${v} is suspected` }
    ])
    // New attempts: fresh seq, same ts, quorum {a, h} — v is not in it.
    const requests = c.log.slice(mark).filter(m => m.from === a && m.frame.b.t === 'REQUEST').map(m => m.frame.b as Body<'REQUEST'>)
      .filter(r => r.id.seq > 2) // (before the restart, the old attempt retransmitted its REQUEST to v: lost)
    expect([...new Set(requests.map(r => `${r.key} ${fid(r.id)} ts=${r.ts}`))]).to.deep.equal([
      `${kq} n0.3 ts=${tsQ}`,
      `${kg} n0.4 ts=${tsG}`
    ])
    const newQuorum = (key: string): NodeId[] => [...new Set(c.log.slice(mark)
      .filter(m => m.from === a && m.frame.b.t === 'REQUEST' && m.frame.b.key === key && m.frame.b.id.seq > 2).map(m => m.to))].sort()
    expect(newQuorum(kq)).to.deep.equal([a, h])
    expect(newQuorum(kg)).to.deep.equal([a, h])
    // v: a's PONGs and pings never arrive — suspected; a's uncommitted grant and queued request dropped.
    expect(eventsOf(c, v, 'suspect')).to.deep.equal([{ type: 'suspect', peer: a }])
    // (Both drops must be reported: the simulator counts suspicion drops, DESIGN.md §5.7.)
    expect(eventsOf(c, v, 'suspicion-drop')).to.have.deep.members([
      { type: 'suspicion-drop', peer: a, key: kg, grants: 1, queued: 0 },
      { type: 'suspicion-drop', peer: a, key: kq, grants: 0, queued: 1 }
    ])
    expect(c.core(v).status().counters.suspicionDrops).to.equal(2)
    expect(c.core(v).status().voter.perKey[kq]).to.include({ votes: 1, committed: 1, queued: 0 })
    expect(c.core(v).status().voter.perKey[kg]?.votes ?? 0).to.equal(0)
    // kg is held through {a, h}; kq waits at h's own voter (h's lock).
    const gg = granted(c, a, 2)
    expect(gg.id).to.deep.equal({ peer: a, inc: 1, seq: 4 })
    expect(c.granted(a, 1)).to.equal(undefined)
    // Both sides keep a write quorum: no mode change anywhere.
    for (const id of c.ids) expect(eventsOf(c, id, 'mode'), id).to.have.length(1)
    expect(c.time - cutAt).to.equal(700)
  })
})

describe('SCENARIOS.md 12: clock drift at the budget', () => {
  // 3 nodes, key k1: Q_a = {n0, n2}, Q_b = {n1, n2}; v = n2. ρ = 1 %, margin 0, ttl 2 s, zero delay.
  const key = K3_ODD
  const [a, b, v] = ['n0', 'n1', 'n2']
  const ttlMs = 2_000
  const rho = 0.01

  /** a's clock at rateA, v's at rateV (set before boot so local clocks are continuous). */
  function story (rateA: number, rateV: number, unsafe: Record<string, boolean> = {}): { beliefEnd: number, voterEnd: number, bGrantedAt: number } {
    const c = new HandCluster({ nodes: 3, config: { driftRho: rho, marginMs: 0, unsafe } })
    c.node(a).rate = rateA
    c.node(v).rate = rateV
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key, ttlMs })
    c.settle() // COMMIT sent and received at the same true instant
    const t0 = c.time
    const ga = granted(c, a, 1)
    c.acquire(b, { handle: 1, key, ttlMs })
    c.settle()
    expect(requestedFrom(c, b, key)).to.deep.equal([b, v])
    // Only v's own lease end may free its vote: a's RELEASE at its loss is held back.
    const fromA = (m: InFlight): boolean => m.from === a && m.to === v
    const bGrantedAt = runUntil(c, () => c.granted(b, 1) !== undefined, 3_000, { blocked: fromA })
    return { beliefEnd: beliefEndTrue(c, a, ga), voterEnd: t0 + ttlMs / rateV, bGrantedAt }
  }

  it('requester slow by ρ, voter fast by ρ: the holder\'s belief ends no later than the voter\'s lease, and b is granted after both', () => {
    const { beliefEnd, voterEnd, bGrantedAt } = story(1 - rho, 1 + rho)
    expect(beliefEnd).to.be.at.most(voterEnd + 1e-6)
    expect(voterEnd - beliefEnd).to.be.below(1e-6) // exactly at the edge: the budget is tight
    expect(bGrantedAt).to.be.at.least(beliefEnd)
    expect(bGrantedAt).to.be.within(voterEnd, voterEnd + 6) // v's tick, then GRANT, COMMIT, COMMITTED hops of 1 ms
  })

  it('at 1.5× the budget (rates 1 ∓ 1.5ρ) the voter frees the vote and b holds while a still believes it holds', () => {
    const { beliefEnd, voterEnd, bGrantedAt } = story(1 - 1.5 * rho, 1 + 1.5 * rho)
    expect(beliefEnd - voterEnd).to.be.above(15)
    expect(bGrantedAt).to.be.below(beliefEnd)
  })

  it('mutation driftFormula: validity = sentAt + ttl overruns the fast voter\'s lease at the budget', () => {
    const { beliefEnd, voterEnd, bGrantedAt } = story(1 - rho, 1 + rho, { driftFormula: true })
    expect(beliefEnd - voterEnd).to.be.above(30)
    expect(bGrantedAt).to.be.below(beliefEnd)
  })
})

describe('SCENARIOS.md 13: a stale FAILED must not make a holder yield', () => {
  // 5 nodes, key with hash mod 4 = 1: Q_a = {n0, n2, n3}, Q_x = {n1, n2, n3}; v1 = n2, v2 = n3.
  // x outranks a; x's REQUEST to v2 is slow.
  const key = keyWithSpread(4, 1)
  const [a, x, v1, v2] = ['n0', 'n1', 'n2', 'n3']

  /** Until a holds v2's GRANT (g1.1) and v1's FAILED is in flight; x's REQUEST reaches v2: INQUIRE deferred by a. */
  function setup (): { c: HandCluster, staleFailed: InFlight[] } {
    const c = new HandCluster({ nodes: 5 })
    c.bootPastQuiet()
    c.acquire(x, { handle: 1, key })
    const slowRequest = c.take(match('REQUEST', x, v2))
    run(c, 150) // x gets n1 and v1; the pings carry x's clock to a
    c.acquire(a, { handle: 1, key })
    expect(requestedFrom(c, x, key)).to.deep.equal([x, v1, v2])
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v1, v2])
    expect(requestTs(c, x, key) < requestTs(c, a, key)).to.equal(true)
    let mark = c.log.length
    c.deliver(match('REQUEST', a, v1))
    c.deliver(match('REQUEST', a, v2))
    expect(transcript(c, mark)).to.deep.equal([
      `FAILED ${v1}>${a} ${key} n0.1 priority`,
      `GRANT ${v2}>${a} ${key} n0.1 g1.1 fence=0`
    ])
    const staleFailed = c.take(match('FAILED', v1, a))
    c.deliver(match('GRANT', v2, a))
    mark = c.log.length
    c.inject(slowRequest)
    expect(transcript(c, mark)).to.deep.equal([
      `QUEUED ${v2}>${x} ${key} n1.1`,
      `INQUIRE ${v2}>${a} ${key} n0.1 g1.1`
    ])
    mark = c.log.length
    c.deliver(match('INQUIRE', v2, a))
    expect(transcript(c, mark)).to.deep.equal([]) // deferred: a holds no FAILED
    return { c, staleFailed }
  }

  it('the GRANT overtakes the older FAILED; a commits; the FAILED then arrives and a does not YIELD; v2 ignores a YIELD for the committed vote', () => {
    const { c, staleFailed } = setup()
    c.deliver(match('REQUEST', a, a))
    c.deliver(match('GRANT', a, a))
    // x gives up: v1 grants a. a now has every vote and commits.
    c.cancel(x, 1)
    let mark = c.log.length
    c.settle(m => m.frame.b.t !== 'COMMIT')
    expect(sent(c, ['GRANT'], mark)).to.deep.equal([`GRANT ${v1}>${a} ${key} n0.1 g1.2 fence=0`])
    expect(sent(c, ['COMMIT'], mark)).to.have.length(3)
    mark = c.log.length
    c.inject(staleFailed)
    expect(transcript(c, mark)).to.deep.equal([])
    c.settle()
    expect(granted(c, a, 1).token).to.equal(1n)
    expect(sent(c, ['YIELD'])).to.deep.equal([])
    // A YIELD for v2's committed vote (a forged copy under a's own header) is ignored.
    const ignoredBefore = c.core(v2).status().counters.ignoredYields ?? 0
    const commitToV2 = c.log.find(match('COMMIT', a, v2))!
    mark = c.log.length
    c.inject([{ from: a, to: v2, frame: { h: commitToV2.frame.h, b: { t: 'YIELD', key, id: { peer: a, inc: 1, seq: 1 }, grantNo: { inc: 1, n: 1 } } } }])
    expect(transcript(c, mark)).to.deep.equal([])
    expect(c.core(v2).status().counters.ignoredYields).to.equal(ignoredBefore + 1)
    expect(c.core(v2).status().voter.perKey[key]).to.include({ votes: 1, committed: 1 })
  })

  it('before COMMIT too: a FAILED older than the GRANT a holds from the same voter is stale and does not count for the yield rule', () => {
    const { c, staleFailed } = setup()
    c.cancel(x, 1)
    let mark = c.log.length
    c.settle(m => !(m.from === a && m.to === a)) // a's own REQUEST is still in flight: a keeps requesting
    expect(sent(c, ['GRANT'], mark)).to.deep.equal([`GRANT ${v1}>${a} ${key} n0.1 g1.2 fence=0`])
    mark = c.log.length
    c.inject(staleFailed) // supersedes g1.1 at v1; a holds v1's g1.2
    expect(transcript(c, mark)).to.deep.equal([])
    c.settle()
    expect(granted(c, a, 1).token).to.equal(1n)
    expect(sent(c, ['YIELD'])).to.deep.equal([])
  })
})

describe('SCENARIOS.md 14: a delayed COMMIT after a re-grant', () => {
  // 3 nodes, odd keys: Q_a = {n0, n2}, Q_b = {n1, n2}; v1 = n2. a is paused (SIGSTOP) while its COMMIT to v1 is delayed.
  const key = K3_ODD
  const warm = keyWithSpread(2, 1, 'w')
  const [a, b, v1] = ['n0', 'n1', 'n2']
  const ttlMs = 2_000

  /** Up to a's wake-up: a's COMMIT(1) to v1 delayed, v1 dropped a's grant, b held k with token 5 and released. */
  function untilAWakes (unsafe: Record<string, boolean> = {}): { c: HandCluster, delayed: InFlight[], handedOut: bigint[] } {
    const c = new HandCluster({ nodes: 3, config: { unsafe } })
    c.bootPastQuiet()
    c.acquire(a, { handle: 1, key, ttlMs })
    expect(requestedFrom(c, a, key)).to.deep.equal([a, v1])
    c.settle(m => m.frame.b.t !== 'COMMIT')
    const delayed = c.take(match('COMMIT', a, v1))
    expect(delayed.map(line)).to.deep.equal([`COMMIT ${a}>${v1} ${key} n0.1 g1.1 token=1`])
    c.settle() // a's own voter commits token 1 and acknowledges
    expect(c.core(a).status().acquires[0]).to.include({ phase: 'committing' })
    // a stops for 2.3 s (past its commit round's validity). v1 suspects a and drops its uncommitted grant.
    run(c, 700, { paused: [a] })
    expect(eventsOf(c, v1, 'suspicion-drop')).to.deep.equal([{ type: 'suspicion-drop', peer: a, key, grants: 1, queued: 0 }])
    // b works: four locks on another key (tokens 1..4 at n1 and v1), then k with token 5.
    const handedOut: bigint[] = []
    for (let h = 1; h <= 4; h++) {
      c.acquire(b, { handle: h, key: warm, ttlMs })
      run(c, 50, { paused: [a] })
      expect(granted(c, b, h).token).to.equal(BigInt(h))
      c.release(b, h)
      run(c, 50, { paused: [a] })
    }
    c.acquire(b, { handle: 5, key, ttlMs })
    run(c, 50, { paused: [a] })
    expect(requestedFrom(c, b, key)).to.deep.equal([b, v1])
    handedOut.push(granted(c, b, 5).token)
    expect(handedOut).to.deep.equal([5n])
    c.release(b, 5)
    run(c, 2_300 - 700 - 450, { paused: [a] })
    return { c, delayed, handedOut }
  }

  it('v1 refuses the old COMMIT(1) after granting a\'s new attempt; no token below one already handed out', () => {
    const { c, delayed, handedOut } = untilAWakes()
    // a wakes: its commit round ran out; the new round is refused by v1 (no grant): a new attempt, same ts.
    const mark = c.log.length
    runUntil(c, () => c.granted(a, 1) !== undefined, 1_000)
    // Both leases of the first attempt are gone (a's own voter's lease ended during the pause;
    // v1 dropped its grant): the new COMMIT round is refused everywhere, and a restarts once.
    expect(transcript(c, mark)).to.deep.equal([
      `COMMIT ${a}>${a} ${key} n0.1 g1.1 token=1`,
      `COMMIT ${a}>${v1} ${key} n0.1 g1.1 token=1`,
      `REFUSED ${a}>${a} ${key} n0.1 commit no-grant`,
      `REFUSED ${v1}>${a} ${key} n0.1 commit no-grant`,
      `RELEASE ${a}>${a} ${key} n0.1`,
      `RELEASE ${a}>${v1} ${key} n0.1`,
      `REQUEST ${a}>${a} ${key} n0.2 exclusive`,
      `REQUEST ${a}>${v1} ${key} n0.2 exclusive`,
      `RELEASED ${a}>${a} ${key} n0.1`,
      `RELEASED ${v1}>${a} ${key} n0.1`,
      `GRANT ${a}>${a} ${key} n0.2 g1.2 fence=1`,
      `GRANT ${v1}>${a} ${key} n0.2 g1.7 fence=5`, // a's new attempt is granted by v1
      `COMMIT ${a}>${a} ${key} n0.2 g1.2 token=6`,
      `COMMIT ${a}>${v1} ${key} n0.2 g1.7 token=6`,
      `COMMITTED ${a}>${a} ${key} n0.2`,
      `COMMITTED ${v1}>${a} ${key} n0.2`
    ])
    expect(eventsOf(c, a, 'attempt-restart')).to.deep.equal([
      { type: 'attempt-restart', handle: 1, key, why: `voter ${a} refused the commit (no-grant)` }
    ])
    const ga = granted(c, a, 1)
    expect(ga.id.seq).to.equal(2)
    expect(ga.token).to.equal(6n)
    handedOut.push(ga.token)
    // The delayed COMMIT(1) of the first attempt finally arrives.
    const m2 = c.log.length
    c.inject(delayed)
    expect(transcript(c, m2)).to.deep.equal([`REFUSED ${v1}>${a} ${key} n0.1 commit no-grant`])
    c.settle()
    expect(c.core(v1).fenceOf(key)).to.equal(6n)
    expect(c.core(v1).status().voter.perKey[key]).to.include({ votes: 1, committed: 1 })
    expect(c.lastResult(a, 1)).to.deep.equal(ga) // a's lock stands
    // Tokens of k handed to applications, in grant order: strictly increasing; 1 was never handed out.
    expect(handedOut).to.deep.equal([5n, 6n])
  })

  // The second defence (DESIGN.md §4 Leases): even a COMMIT that names v1's live grant is
  // refused when its exclusive token is not above the fence.
  function forgedLowCommit (unsafe: Record<string, boolean>): { c: HandCluster, answer: string[] } {
    const { c } = untilAWakes(unsafe)
    const newCommit = match('COMMIT', a, v1)
    const isNew = (m: InFlight): boolean => newCommit(m) && (m.frame.b as Body<'COMMIT'>).id.seq === 2
    runUntil(c, () => c.pending(isNew).length > 0, 1_000, { hold: isNew })
    const [held] = c.take(isNew)
    const body = held!.frame.b as Body<'COMMIT'>
    expect(line(held!)).to.equal(`COMMIT ${a}>${v1} ${key} n0.2 g1.7 token=6`)
    const mark = c.log.length
    c.inject([{ from: a, to: v1, frame: { h: held!.frame.h, b: { ...body, token: 1n } } }])
    return { c, answer: transcript(c, mark) }
  }

  it('a COMMIT naming v1\'s live grant with token 1 ≤ fence 5 is refused (fence)', () => {
    const { c, answer } = forgedLowCommit({})
    expect(answer).to.deep.equal([`REFUSED ${v1}>${a} ${key} n0.2 commit fence`])
    expect(c.core(v1).status().voter.perKey[key]).to.include({ fence: '5', committed: 0 })
  })

  it('mutation fenceCheck: v1 commits token 1 below the 5 it already handed out', () => {
    const { c, answer } = forgedLowCommit({ fenceCheck: true })
    expect(answer).to.deep.equal([`COMMITTED ${v1}>${a} ${key} n0.2`])
    expect(c.core(v1).status().voter.perKey[key]).to.include({ fence: '5', committed: 1 })
  })
})
