/**
 * SCENARIOS.md stories 15–28, stepped by hand against the pure core
 * (etcd-raft style transcripts on the HandCluster).
 *
 * Every story asserts its exact outcome: the frames sent (the cluster's
 * `log`), results, tokens, events, fences and the disk. Where a story
 * protects a safety rule, a second test switches that rule off through the
 * config's test-only `unsafe` flag and asserts that the story's bad outcome
 * really happens (two holders at once, a duplicate token, a write accepted
 * that should be rejected): proof that the first test can fail.
 *
 * Conventions: nodes n0, n1, n2 (majority quorums of 2 on 3 nodes). A
 * requester's quorum is itself plus one peer chosen by a hash of the key;
 * `keyFor` picks keys that give the quorums a story needs.
 */
import { expect } from 'chai'
import { HandCluster, type HandClusterOptions, type InFlight, keyForQuorum } from './helpers/hand-cluster.js'
import type { CoreConfig, FrameBody, NodeId, Now, Result } from '../src/core/types.js'

// ---------------------------------------------------------------------------
// Local helpers

type Granted = Extract<Result, { type: 'granted' }>
type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>

/** A key whose write quorum, picked by `requester` with everyone reachable, is exactly `quorum`. */
const keyFor = keyForQuorum

const IDS3 = ['n0', 'n1', 'n2']

/** One line per frame, for transcripts in failure messages. */
function fmt (m: InFlight): string {
  const b = m.frame.b
  if (b.t === 'PING' || b.t === 'PONG' || b.t === 'RECOVER' || b.t === 'CEILING') return `${m.from}->${m.to} ${b.t}`
  const id = `${b.id.peer}:${b.id.inc}.${b.id.seq}`
  const extra: string[] = []
  if ('grantNo' in b && b.grantNo !== undefined) extra.push(`g${b.grantNo.inc}.${b.grantNo.n}`)
  if (b.t === 'GRANT') extra.push(`fence=${b.fence}`)
  if (b.t === 'COMMIT') extra.push(`token=${b.token}`, `round=${b.attempt}`)
  if (b.t === 'REQUEST') extra.push(`ts=${b.ts}`, b.mode)
  if (b.t === 'FAILED') extra.push(b.reason)
  if (b.t === 'REFUSED') extra.push(b.phase, b.reason, `round=${b.attempt}`)
  return `${m.from}->${m.to} ${b.t}(${b.key} ${id}${extra.length > 0 ? ' ' + extra.join(' ') : ''})`
}

/** Protocol frames (no PING/PONG) of the log from index `since`, formatted. */
function transcript (c: HandCluster, since = 0): string[] {
  return c.log.slice(since).filter(m => m.frame.b.t !== 'PING' && m.frame.b.t !== 'PONG').map(fmt)
}

/** Frames of the log matching `pred`, from index `since`. */
function logged (c: HandCluster, pred: (m: InFlight) => boolean, since = 0): InFlight[] {
  return c.log.slice(since).filter(pred)
}

function isT<T extends FrameBody['t']> (t: T, from?: NodeId, to?: NodeId) {
  return (m: InFlight): m is InFlight & { frame: { b: Body<T> } } =>
    m.frame.b.t === t && (from === undefined || m.from === from) && (to === undefined || m.to === to)
}

/**
 * Move time with some nodes stopped (SIGSTOP): they neither tick nor receive;
 * frames to them are dropped (their sockets are not read), frames between
 * the others are delivered.
 */
function advancePaused (c: HandCluster, ms: number, paused: NodeId[]): void {
  for (let t = 0; t < ms; t += 10) {
    c.drop(m => paused.includes(m.to))
    c.advance(Math.min(10, ms - t), { except: paused, deliver: m => !paused.includes(m.to) })
  }
  c.drop(m => paused.includes(m.to))
}

/** Move time with `cut` partitioned from everyone else (frames across the cut dropped; all nodes tick). */
function advancePartitioned (c: HandCluster, ms: number, cut: NodeId[]): void {
  const across = (m: InFlight): boolean => cut.includes(m.from) !== cut.includes(m.to)
  for (let t = 0; t < ms; t += 10) {
    c.drop(across)
    c.advance(Math.min(10, ms - t), { deliver: m => !across(m) })
  }
  c.drop(across)
}

/** Advance in 10 ms steps of `step` (default: deliver everything) until `cond` holds; returns the time it first held. */
function advanceUntil (c: HandCluster, cond: () => boolean, maxMs: number, step: (ms: number) => void = ms => c.advance(ms)): number {
  const end = c.time + maxMs
  while (!cond()) {
    if (c.time >= end) throw new Error(`condition not reached within ${maxMs} ms (t=${c.time})`)
    step(10)
  }
  return c.time
}

/** The runtime's handshake, but only between the pairs given (a partition hides the rest). */
function handshakeBetween (c: HandCluster, id: NodeId, peers: NodeId[], opts: { toSelf?: boolean } = {}): void {
  for (const other of peers) {
    const me = c.core(id)
    const them = c.core(other)
    c.input(other, { type: 'handshake', now: c.now(other), peer: id, incarnation: c.node(id).disk.incarnation, clock: me.lamport(), quietRemainingMs: me.quietRemainingMs() })
    if (opts.toSelf !== false) {
      c.input(id, { type: 'handshake', now: c.now(id), peer: other, incarnation: c.node(other).disk.incarnation, clock: them.lamport(), quietRemainingMs: them.quietRemainingMs() })
    }
  }
}

/** bigint comparison (chai's greaterThan takes numbers only). */
function expectAbove (x: bigint, y: bigint, what = 'token'): void {
  expect(x > y, `${what} ${x} must be above ${y}`).to.equal(true)
}

function granted (c: HandCluster, id: NodeId, handle: number): Granted {
  const g = c.granted(id, handle)
  if (g === undefined) throw new Error(`${id} handle ${handle} was not granted; results: ${JSON.stringify(c.node(id).results, (_, v) => typeof v === 'bigint' ? `${v}n` : v)}`)
  return g
}

/** Acquire and settle (no time passes); returns the grant. */
function acquireNow (c: HandCluster, id: NodeId, handle: number, key: string, extra: Partial<{ mode: 'exclusive' | 'shared', ttlMs: number }> = {}): Granted {
  c.acquire(id, { handle, key, ...extra })
  c.settle()
  return granted(c, id, handle)
}

function releaseNow (c: HandCluster, id: NodeId, handle: number): void {
  c.release(id, handle)
  c.settle()
  // Everything delivered: every voter acknowledged too (issue 12).
  const mine = c.results(id).filter(r => 'handle' in r && r.handle === handle).map(r => r.type)
  expect(mine.slice(-2)).to.deep.equal(['released', 'release-acked'])
}

function voterOf (c: HandCluster, id: NodeId, key: string): { fence: string, votes: number, committed: number, queued: number } | undefined {
  return c.core(id).status().voter.perKey[key]
}

/**
 * A fenced resource (DESIGN.md §4 "Fencing tokens"): per key, maxWrite and
 * maxSeen. A read needs token >= maxWrite, a write needs token >= maxSeen.
 */
class FencedStore {
  private readonly marks = new Map<string, { maxWrite: bigint, maxSeen: bigint }>()
  readonly decisions: Array<{ op: 'read' | 'write', key: string, token: bigint, ok: boolean }> = []
  private m (key: string): { maxWrite: bigint, maxSeen: bigint } {
    let m = this.marks.get(key)
    if (m === undefined) { m = { maxWrite: 0n, maxSeen: 0n }; this.marks.set(key, m) }
    return m
  }

  read (key: string, token: bigint): boolean {
    const m = this.m(key)
    const ok = token >= m.maxWrite
    if (ok && token > m.maxSeen) m.maxSeen = token
    this.decisions.push({ op: 'read', key, token, ok })
    return ok
  }

  write (key: string, token: bigint): boolean {
    const m = this.m(key)
    const ok = token >= m.maxSeen
    if (ok) {
      if (token > m.maxWrite) m.maxWrite = token
      if (token > m.maxSeen) m.maxSeen = token
    }
    this.decisions.push({ op: 'write', key, token, ok })
    return ok
  }

  marksOf (key: string): { maxWrite: bigint, maxSeen: bigint } { return { ...this.m(key) } }
}

function cluster (opts: Partial<HandClusterOptions> & { unsafe?: CoreConfig['unsafe'] } = {}): HandCluster {
  const config: Partial<CoreConfig> = { ...opts.config }
  if (opts.unsafe !== undefined) config.unsafe = opts.unsafe
  return new HandCluster({ nodes: opts.nodes ?? 3, config, autoPersist: opts.autoPersist ?? true })
}

// ---------------------------------------------------------------------------
// 15

describe('SCENARIOS.md 15: A paused holder is suspected', () => {
  // a = n0 holds k through Q_a = {n0, n1}; b = n2 must then use {n1, n2}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n1'], 'k')
  const k2 = keyFor(IDS3, 'n0', ['n0', 'n1'], 'u')

  function story (unsafe?: CoreConfig['unsafe']): { c: HandCluster, a: Granted, t1: number, voteAt: number, bAt: number, b: Granted } {
    const c = cluster({ unsafe })
    c.bootPastQuiet()
    const a = acquireNow(c, 'n0', 1, k, { ttlMs: 5_000 })
    const t1 = c.time
    expect(a.token).to.equal(1n)
    // A second acquire of a's is half-way: n1 granted it, the GRANT has not reached a.
    c.acquire('n0', { handle: 2, key: k2, ttlMs: 5_000 })
    c.deliver('REQUEST')
    expect(c.pending().map(fmt)).to.include(`n1->n0 GRANT(${k2} n0:1.2 g1.2 fence=1)`)
    // SIGSTOP a: n1 suspects it after the suspicion timeout (500 ms here; ~1 s in the story).
    const pausedStep = (ms: number): void => advancePaused(c, ms, ['n0'])
    const suspectAt = advanceUntil(c, () => c.events('n1', 'suspect').length > 0, 2_000, pausedStep)
    expect(suspectAt - t1).to.be.within(400, 600)
    advancePaused(c, t1 + 1_000 - c.time, ['n0'])
    c.acquire('n2', { handle: 1, key: k, ttlMs: 2_000 })
    expect(c.pending(isT('REQUEST', 'n2')).map(m => m.to).sort()).to.deep.equal(['n1', 'n2'])
    // The instant n1 hands its vote to b, and the instant b's acquire resolves.
    const voteAt = advanceUntil(c, () => logged(c, isT('GRANT', 'n1', 'n2')).length > 0, 10_000, pausedStep)
    const bAt = advanceUntil(c, () => c.granted('n2', 1) !== undefined, 1_000, pausedStep)
    return { c, a, t1, voteAt, bAt, b: granted(c, 'n2', 1) }
  }

  it('peers suspect a after ~the suspicion timeout but keep its committed vote until the lease ends; b waits; only the uncommitted grant is reclaimed', () => {
    const { c, a, t1, voteAt, bAt, b } = story()
    for (const peer of ['n1', 'n2']) {
      expect(c.events(peer, 'suspect'), peer).to.deep.equal([{ type: 'suspect', peer: 'n0' }])
    }
    // Suspicion reclaimed the uncommitted grant for k2 only, never the committed vote for k.
    expect(c.events('n1', 'suspicion-drop')).to.deep.equal([{ type: 'suspicion-drop', peer: 'n0', key: k2, grants: 1, queued: 0 }])
    // b queued behind the committed vote (FAILED: a outranks it).
    const bFrames = transcript(c).filter(l => l.includes(`(${k} n2:`))
    expect(bFrames).to.include.members([`n2->n1 REQUEST(${k} n2:1.1 ts=${(logged(c, isT('REQUEST', 'n2'))[0]!.frame.b as Body<'REQUEST'>).ts} exclusive)`, `n1->n2 FAILED(${k} n2:1.1 priority)`])
    // n1's lease for a ends at COMMIT receipt (t1) + 5000; b is granted there, not before.
    expect(voteAt).to.be.at.least(t1 + 5_000)
    expect(voteAt).to.be.at.most(t1 + 5_000 + 10)
    expect(bAt).to.be.greaterThan(a.validUntil.mono)
    expect(b.token).to.equal(2n)
    // a wakes long after: its first step declares the lock lost.
    advancePaused(c, 10_000 - (c.time - t1), ['n0'])
    c.input('n0', { type: 'tick', now: c.now('n0') })
    expect(c.lastResult('n0', 1)).to.deep.equal({ type: 'lost', handle: 1, key: k, reason: 'expired' })
    // Its half-way acquire of k2 (whose grant n1 reclaimed) completes once it is reachable again.
    const wokeAt = c.time
    const k2At = advanceUntil(c, () => c.granted('n0', 2) !== undefined, 5_000)
    expect(k2At - wokeAt).to.be.below(2_000)
    expect(c.events('n0', 'suspect')).to.deep.equal([])
  })

  it('mutation suspicionKeepsCommitted off: suspicion frees the committed vote and b holds k while a still believes it holds it', () => {
    const { c, a, t1, voteAt, bAt, b } = story({ suspicionKeepsCommitted: true })
    expect(c.events('n1', 'suspicion-drop')).to.deep.include({ type: 'suspicion-drop', peer: 'n0', key: k, grants: 1, queued: 0 })
    // Two holders at once: b's grant falls inside a's belief window.
    expect(voteAt).to.be.lessThan(t1 + 1_500)
    expect(bAt).to.be.lessThan(a.validUntil.mono)
    expect(b.token).to.equal(2n)
  })
})

// ---------------------------------------------------------------------------
// 16

describe('SCENARIOS.md 16: Stray grants', () => {
  // a = n0, v = n1: Q_a = {n0, n1}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n1'])

  it('a RELEASE that overtakes its REQUEST leaves a tombstone: v never grants the cancelled request; a stray GRANT after the tombstone expired is handed back', () => {
    const c = cluster()
    c.bootPastQuiet()
    const from = c.log.length
    c.acquire('n0', { handle: 1, key: k })
    const [req] = c.take(isT('REQUEST', 'n0', 'n1'))
    expect(req).to.not.equal(undefined)
    c.settle(m => m.to === 'n0') // a's own voter grants it and a has that GRANT
    c.cancel('n0', 1)
    expect(c.lastResult('n0', 1)).to.include({ type: 'failed', reason: 'cancelled' })
    // The RELEASE overtakes the REQUEST at v.
    c.deliver(isT('RELEASE', 'n0', 'n1'))
    expect(voterOf(c, 'n1', k)).to.deep.equal({ fence: '0', votes: 0, committed: 0, queued: 0 })
    expect(c.core('n1').status().voter.tombstones).to.equal(1)
    const beforeLate = c.log.length
    c.inject([req!])
    expect(transcript(c, beforeLate), 'v answers nothing to a tombstoned request').to.deep.equal([])
    c.settle()
    expect(transcript(c, from)).to.deep.equal([
      `n0->n0 REQUEST(${k} n0:1.1 ts=${(req!.frame.b as Body<'REQUEST'>).ts} exclusive)`,
      `n0->n1 REQUEST(${k} n0:1.1 ts=${(req!.frame.b as Body<'REQUEST'>).ts} exclusive)`,
      `n0->n0 GRANT(${k} n0:1.1 g1.1 fence=0)`,
      `n0->n0 RELEASE(${k} n0:1.1)`,
      `n0->n1 RELEASE(${k} n0:1.1)`,
      `n1->n0 RELEASED(${k} n0:1.1)`,
      `n0->n0 RELEASED(${k} n0:1.1)`
    ])
    expect(c.core('n0').status().pendingReleases).to.equal(0)

    // The tombstone outlives every copy of the REQUEST still in flight: a
    // duplicate arriving just before tombstoneMs (2 s) is still not granted.
    c.advance(1_980)
    const beforeDup = c.log.length
    c.inject([req!])
    expect(transcript(c, beforeDup)).to.deep.equal([])
    expect(voterOf(c, 'n1', k)?.votes).to.equal(0)

    // A copy delayed past the tombstone: v grants it (a stray grant), a no
    // longer runs that attempt and answers RELEASE, v frees the vote.
    c.advance(100)
    expect(c.core('n1').status().voter.tombstones).to.equal(0)
    const beforeStray = c.log.length
    c.inject([req!])
    c.settle()
    expect(transcript(c, beforeStray)).to.deep.equal([
      `n1->n0 GRANT(${k} n0:1.1 g1.1 fence=0)`,
      `n0->n1 RELEASE(${k} n0:1.1)`,
      `n1->n0 RELEASED(${k} n0:1.1)`
    ])
    // No vote stays allocated to a request nobody waits for.
    for (const id of IDS3) {
      const v = c.core(id).status().voter
      expect({ id, votes: v.votes, queued: v.queued }).to.deep.equal({ id, votes: 0, queued: 0 })
    }
    expect(c.core('n0').status().acquires).to.deep.equal([])
    expect(c.core('n0').status().pendingReleases).to.equal(0)
  })

  it('a stray GRANT that is itself lost: the vote is still reclaimed, and a request waiting behind it is granted', () => {
    // Same start: a cancels, the RELEASE overtakes the REQUEST, a copy of the
    // REQUEST arrives after the tombstone expired and v grants it — but this
    // time the stray GRANT is lost. Nobody waits for that vote; a is alive
    // and reachable, so suspicion never reclaims it. b = n1 (v itself) then
    // wants k, with a lower priority than a's dead request.
    const c = cluster()
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: k })
    const [req] = c.take(isT('REQUEST', 'n0', 'n1'))
    c.settle(m => m.to === 'n0')
    c.cancel('n0', 1)
    c.settle()
    c.advance(2_100)
    c.inject([req!])
    expect(c.drop(isT('GRANT', 'n1', 'n0')), 'the stray GRANT, lost').to.equal(1)
    expect(voterOf(c, 'n1', k)).to.deep.include({ votes: 1, committed: 0 })
    const from = c.log.length
    c.acquire('n1', { handle: 1, key: k })
    // b retransmits for several seconds (REQUEST backs off to 8 intervals = 1.6 s).
    c.advance(5_000)
    const leak = voterOf(c, 'n1', k)
    expect(leak?.votes === 1 && c.granted('n1', 1) === undefined,
      `v still holds the stray vote for n0:1.1 and b waits behind it; b's frames: ${transcript(c, from).filter(l => l.includes(' n1:1.')).slice(0, 6).join(' | ')}…`).to.equal(false)
    expect(granted(c, 'n1', 1).token).to.equal(1n)
  })
})

// ---------------------------------------------------------------------------
// 17

describe('SCENARIOS.md 17: A duplicated RELEASE of an old attempt', () => {
  // a = n0 and v = n2: Q_a = {n0, n2}; b = n1 uses Q_b = {n1, n2}, meeting Q_a in v only.
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])
  expect(keyFor(IDS3, 'n1', ['n1', 'n2'])).to.equal(k)

  const isRelease = (seq: number) => (m: InFlight): boolean => m.from === 'n0' && m.to === 'n2' && m.frame.b.t === 'RELEASE' && m.frame.b.id.seq === seq

  function story (unsafe?: CoreConfig['unsafe']): { c: HandCluster, a: Granted, bAt: number, b: Granted, refused: string[], restarts: string[], requests: string[], dupAnswer: string[], atV: ReturnType<typeof voterOf> } {
    const c = cluster({ unsafe })
    c.bootPastQuiet()
    const from = c.log.length
    c.acquire('n0', { handle: 1, key: k, ttlMs: 2_000 })
    // Both votes reach a; a's COMMIT to v is lost, its own voter commits.
    c.settle(m => !(m.frame.b.t === 'COMMIT' && m.to === 'n2'))
    expect(c.drop(m => m.frame.b.t === 'COMMIT' && m.to === 'n2')).to.equal(1)
    // a is paused long enough for v to suspect it and drop its uncommitted grant.
    advancePaused(c, 700, ['n0'])
    expect(c.events('n2', 'suspicion-drop')).to.deep.equal([{ type: 'suspicion-drop', peer: 'n0', key: k, grants: 1, queued: 0 }])
    // a resumes: its COMMIT retransmission is refused, it releases a:1 and
    // starts a:2 (same ts). The RELEASE(a:1) to v is held back.
    const holdRelease = (m: InFlight): boolean => !(m.from === 'n0' && m.to === 'n2' && m.frame.b.t === 'RELEASE')
    advanceUntil(c, () => c.events('n0', 'attempt-restart').length > 0, 2_000, ms => c.advance(ms, { deliver: holdRelease }))
    const copies = c.take(isRelease(1))
    expect(copies.length).to.be.at.least(1)
    const duplicate = copies[0]!
    c.inject(copies) // RELEASE(a:1) reaches v: tombstone, RELEASED
    advanceUntil(c, () => c.granted('n0', 1) !== undefined, 5_000, ms => c.advance(ms, { deliver: m => !isRelease(1)(m) }))
    const a = granted(c, 'n0', 1)
    // The network's late duplicate of RELEASE(a:1) arrives.
    const beforeDup = c.log.length
    c.inject([duplicate])
    const dupAnswer = transcript(c, beforeDup)
    const atV = voterOf(c, 'n2', k)
    c.settle()
    c.acquire('n1', { handle: 1, key: k, ttlMs: 2_000 })
    const bAt = advanceUntil(c, () => c.granted('n1', 1) !== undefined, 5_000)
    return {
      c, a, bAt, b: granted(c, 'n1', 1), dupAnswer, atV,
      refused: transcript(c, from).filter(l => l.includes(' REFUSED(')),
      restarts: c.events('n0', 'attempt-restart').map(e => (e as { why: string }).why),
      requests: logged(c, isT('REQUEST', 'n0', 'n2'), from).map(fmt)
    }
  }

  it('the old RELEASE names a finished id and frees nothing: a:2 keeps its lease at v, b waits for it', () => {
    const { c, a, bAt, b, refused, restarts, requests, dupAnswer, atV } = story()
    expect(refused).to.deep.equal([`n2->n0 REFUSED(${k} n0:1.1 commit no-grant round=1)`])
    expect(restarts).to.deep.equal(['voter n2 refused the commit (no-grant)'])
    // a:2 has a fresh seq and the same timestamp.
    const ts = (logged(c, isT('REQUEST', 'n0', 'n2'))[0]!.frame.b as Body<'REQUEST'>).ts
    expect(requests[0]).to.equal(`n0->n2 REQUEST(${k} n0:1.1 ts=${ts} exclusive)`)
    expect(requests.at(-1)).to.equal(`n0->n2 REQUEST(${k} n0:1.2 ts=${ts} exclusive)`)
    expect(a.id).to.deep.equal({ peer: 'n0', inc: 1, seq: 2 })
    expect(a.token).to.equal(2n) // a's own voter had accepted token 1 for a:1
    // The duplicate is acknowledged (RELEASE is idempotent) and frees nothing.
    expect(dupAnswer).to.deep.equal([`n2->n0 RELEASED(${k} n0:1.1)`])
    expect(atV).to.deep.include({ votes: 1, committed: 1, queued: 0 })
    // b is granted only after a:2's lease at v ended, never inside a's validity.
    expect(bAt).to.be.greaterThan(a.validUntil.mono)
    expect(b.token).to.equal(3n)
  })

  it('mutation freshSeqPerAttempt off: a:2 reuses id a:1, the late RELEASE frees its committed vote and b holds k with a', () => {
    const { a, bAt, b, restarts, atV } = story({ freshSeqPerAttempt: true })
    expect(restarts).to.deep.equal(['voter n2 refused the commit (no-grant)'])
    expect(atV).to.deep.include({ votes: 0, committed: 0 })
    expect(a.id).to.deep.equal({ peer: 'n0', inc: 1, seq: 1 })
    // Two holders at once.
    expect(bAt).to.be.lessThan(a.validUntil.mono)
    expectAbove(b.token, a.token)
  })
})

// ---------------------------------------------------------------------------
// 18

describe('SCENARIOS.md 18: Clean stop while holding votes', () => {
  // a = n0 holds k through v = n2 (Q_a = {n0, n2}); b = n1, cut off from a, must use {n1, n2}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])

  function story (unsafe?: CoreConfig['unsafe']): { c: HandCluster, a: Granted, t1: number, restartAt: number, stopFrames: string[], markerAfterStop: boolean, voteAt: number, bAt: number, b: Granted } {
    const c = cluster({ unsafe })
    c.bootPastQuiet()
    const a = acquireNow(c, 'n0', 1, k, { ttlMs: 5_000 })
    const t1 = c.time
    // a is cut off from b and v from now on (it still believes its lock).
    advancePartitioned(c, 50, ['n0'])
    // v stops cleanly while a's vote is live, and restarts 0.2 s later.
    const beforeStop = c.log.length
    c.stop('n2')
    const stopFrames = transcript(c, beforeStop)
    const markerAfterStop = c.node('n2').disk.state.cleanExit
    c.crash('n2')
    advancePartitioned(c, 200, ['n0'])
    c.start('n2')
    const restartAt = c.time
    handshakeBetween(c, 'n2', ['n1'])
    // b acquires once it no longer sees a.
    advanceUntil(c, () => c.events('n1', 'suspect').some(e => e.type === 'suspect' && e.peer === 'n0'), 2_000, ms => advancePartitioned(c, ms, ['n0']))
    c.acquire('n1', { handle: 1, key: k, ttlMs: 2_000 })
    const cut = (ms: number): void => advancePartitioned(c, ms, ['n0'])
    const voteAt = advanceUntil(c, () => logged(c, isT('GRANT', 'n2', 'n1')).length > 0, 10_000, cut)
    const bAt = advanceUntil(c, () => c.granted('n1', 1) !== undefined, 1_000, cut)
    return { c, a, t1, restartAt, stopFrames, markerAfterStop, voteAt, bAt, b: granted(c, 'n1', 1) }
  }

  it('v writes no clean-exit marker while a vote it granted is live, keeps the quiet period, and b is not granted before a\'s lease could have ended', () => {
    const { c, a, t1, restartAt, stopFrames, markerAfterStop, voteAt, bAt, b } = story()
    expect(restartAt - t1).to.equal(250)
    // stop() releases nothing it granted to others and writes no marker.
    expect(stopFrames).to.deep.equal([])
    expect(markerAfterStop).to.equal(false)
    expect(c.node('n2').disk.state.cleanExit).to.equal(false)
    // The restarted v is quiet for ttlMsMax: it queues b (one FAILED quiet) and grants at quiet-until.
    // (every retransmission of b's REQUEST gets the same answer until then).
    const answers = transcript(c).filter(l => l.startsWith('n2->n1 '))
    const firstGrant = answers.findIndex(l => l.includes(' GRANT('))
    expect(firstGrant).to.be.greaterThan(0)
    expect(new Set(answers.slice(0, firstGrant))).to.deep.equal(new Set([`n2->n1 FAILED(${k} n1:1.1 quiet)`]))
    expect(voteAt).to.be.within(restartAt + 5_000, restartAt + 5_010)
    expect(bAt).to.be.greaterThan(a.validUntil.mono)
    expect(bAt).to.be.greaterThan(t1 + 5_000) // v's old lease end for a
    expectAbove(b.token, a.token)
  })

  it('mutation cleanExitMarker off: the stop writes the marker, the restart skips the quiet period and b holds k with a', () => {
    const { a, t1, markerAfterStop, voteAt, bAt } = story({ cleanExitMarker: true })
    expect(markerAfterStop).to.equal(true)
    expect(voteAt).to.be.lessThan(t1 + 1_000)
    expect(bAt).to.be.lessThan(a.validUntil.mono)
  })

  it('mutation quietPeriod off: no marker, but the restarted v grants at once and b holds k with a', () => {
    const { a, t1, markerAfterStop, voteAt, bAt } = story({ quietPeriod: true })
    expect(markerAfterStop).to.equal(false)
    expect(voteAt).to.be.lessThan(t1 + 1_000)
    expect(bAt).to.be.lessThan(a.validUntil.mono)
  })
})

// ---------------------------------------------------------------------------
// 19

/** A cluster whose hosts can be suspended: a suspended host's monotonic clock stops, its wall clock runs on. */
class SuspendableCluster extends HandCluster {
  private readonly monoLag = new Map<NodeId, number>()
  private readonly suspendedAt = new Map<NodeId, number>()

  override now (id: NodeId): Now {
    const base = super.now(id)
    return { mono: base.mono - (this.monoLag.get(id) ?? 0), wall: base.wall }
  }

  suspend (id: NodeId): void { this.suspendedAt.set(id, this.time) }

  /** The host wakes: its monotonic clock missed the whole suspension. */
  resume (id: NodeId): void {
    const at = this.suspendedAt.get(id)
    if (at === undefined) throw new Error(`${id} is not suspended`)
    this.suspendedAt.delete(id)
    this.monoLag.set(id, (this.monoLag.get(id) ?? 0) + (this.time - at))
  }
}

describe('SCENARIOS.md 19: Host suspend', () => {
  // a = n0 holds k through Q_a = {n0, n2}; b = n1 uses {n1, n2}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])
  const SUSPEND_MS = 10 * 60_000

  function story (unsafe?: CoreConfig['unsafe']): { c: SuspendableCluster, store: FencedStore, a: Granted, t1: number, vAtV: { before: ReturnType<typeof voterOf>, after: ReturnType<typeof voterOf> }, b: Granted, wake: { mono: number, wall: number, results: Result[] }, staleWrite: boolean } {
    const c = new SuspendableCluster({ nodes: 3, config: { ttlMsMax: 30_000, ...(unsafe !== undefined ? { unsafe } : {}) } })
    const store = new FencedStore()
    c.bootPastQuiet()
    const a = acquireNow(c, 'n0', 1, k, { ttlMs: 30_000 })
    const t1 = c.time
    expect(store.write(k, a.token)).to.equal(true)
    // a's host suspends for 10 minutes.
    c.suspend('n0')
    const suspended = (ms: number): void => advancePaused(c, ms, ['n0'])
    // v frees a's vote at its lease end (receipt of the COMMIT + 30 s).
    suspended(30_000 - 10)
    const before = voterOf(c, 'n2', k)
    suspended(20)
    const after = voterOf(c, 'n2', k)
    // Later (a still suspended), b acquires k.
    suspended(t1 + SUSPEND_MS - 10_000 - c.time)
    c.acquire('n1', { handle: 1, key: k, ttlMs: 30_000 })
    advanceUntil(c, () => c.granted('n1', 1) !== undefined, 1_000, suspended)
    const b = granted(c, 'n1', 1)
    expect(store.write(k, b.token)).to.equal(true)
    suspended(t1 + SUSPEND_MS - c.time)
    // a resumes: its first step.
    c.resume('n0')
    const now = c.now('n0')
    const ready = c.input('n0', { type: 'tick', now })!
    // The app writes without checking its lock.
    const staleWrite = store.write(k, a.token)
    return { c, store, a, t1, vAtV: { before, after }, b, wake: { ...now, results: ready.results }, staleWrite }
  }

  it('the voters free the vote at lease end and b acquires; on resume the wall-clock check declares a\'s lock lost at its first step; the fenced store rejects a\'s unchecked write', () => {
    const { c, store, a, t1, vAtV, b, wake, staleWrite } = story()
    expect(a.validUntil.mono - t1).to.be.closeTo(30_000 * 0.99 / 1.01, 1e-6)
    expect(vAtV.before).to.deep.include({ votes: 1, committed: 1 })
    expect(vAtV.after).to.deep.include({ votes: 0, committed: 0 })
    expect(b.token).to.equal(2n)
    // The monotonic clock says the lock has most of its validity left; the wall clock says it is long gone.
    expect(wake.mono).to.be.lessThan(a.validUntil.mono)
    expect(wake.wall).to.be.greaterThan(a.validUntil.wall)
    expect(wake.results).to.deep.equal([{ type: 'lost', handle: 1, key: k, reason: 'wall-clock' }])
    expect(c.core('n0').status().acquires).to.deep.equal([])
    expect(staleWrite).to.equal(false)
    expect(store.marksOf(k)).to.deep.equal({ maxWrite: 2n, maxSeen: 2n })
  })

  it('mutation wallClockCheck off: a wakes still believing it holds k (by its stopped monotonic clock) while b holds it', () => {
    const { c, a, b, wake, staleWrite } = story({ wallClockCheck: true })
    expect(wake.results).to.deep.equal([])
    expect(c.core('n0').status().acquires).to.deep.include({ handle: 1, key: k, mode: 'exclusive', phase: 'held', token: String(a.token), quorum: ['n0', 'n2'], votes: 2 })
    expect(c.core('n1').status().acquires).to.deep.include({ handle: 1, key: k, mode: 'exclusive', phase: 'held', token: String(b.token), quorum: ['n1', 'n2'], votes: 2 })
    // Only the fenced store still protects the data.
    expect(staleWrite).to.equal(false)
  })
})

// ---------------------------------------------------------------------------
// 20

describe('SCENARIOS.md 20: A restarted voter\'s Lamport clock', () => {
  // a = n0 asks v = n2: Q_a = {n0, n2}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])

  it('v restarts with clock 0, clamps its clock forward by at most maxClockJump per frame and serves REQUESTs with ts 10^6', () => {
    const c = cluster({ config: { maxClockJump: 1_000n } })
    c.bootPastQuiet()
    // The mesh has run for a long time: a's clock is at 10^6 (a handshake's
    // clock is clamped like a frame's since issue 11, so it takes ~1000 of them here).
    for (let i = 0; i < 2_000 && c.core('n0').lamport() < 1_000_000n; i++) {
      c.input('n0', { type: 'handshake', now: c.now('n0'), peer: 'n1', incarnation: 1, clock: 1_000_000n, quietRemainingMs: 0 })
    }
    expect(c.core('n0').lamport()).to.equal(1_000_000n)
    // v stops cleanly (past its quiet period, no votes: marker) and restarts with clock 0.
    c.stop('n2')
    expect(c.node('n2').disk.state.cleanExit).to.equal(true)
    c.crash('n2')
    c.start('n2')
    expect(c.core('n2').lamport()).to.equal(0n)
    expect(c.core('n2').quietRemainingMs()).to.equal(0)
    // Peers learn of the restart; v learns its peers from their frames only
    // (no handshake clock reaches it, so its clock really starts at 0).
    handshakeBetween(c, 'n2', ['n0', 'n1'], { toSelf: false })
    // Reachability both ways (PING/PONG): each frame moves v's clock by at most 1000 + 1.
    let clock = 0n
    let frames = 0
    for (let i = 0; i < 60; i++) {
      c.advance(10, { deliver: m => (m.frame.b.t === 'PING' || m.frame.b.t === 'PONG') })
      const now = c.core('n2').lamport()
      const received = c.core('n2').status().counters
      const n = (received['in.PING'] ?? 0) + (received['in.PONG'] ?? 0)
      expect(now - clock <= 1_001n * BigInt(n - frames), `clock moved ${now - clock} over ${n - frames} frames`).to.equal(true)
      clock = now
      frames = n
    }
    expect(clock > 0n && clock < 100_000n).to.equal(true)
    expect(c.core('n2').status().peers.find(p => p.peer === 'n0')?.reachable).to.equal(true)

    c.acquire('n0', { handle: 1, key: k })
    const [req] = c.pending(isT('REQUEST', 'n0', 'n2'))
    const ts = (req!.frame.b as Body<'REQUEST'>).ts
    expect(ts > 1_000_000n).to.equal(true)
    expect(req!.frame.h.clock >= ts).to.equal(true)
    const before = c.core('n2').lamport()
    const from = c.log.length
    c.deliver(isT('REQUEST', 'n0', 'n2'))
    // clock := max(own, min(ts, own + maxJump)) + 1
    expect(c.core('n2').lamport()).to.equal(before + 1_001n)
    expect(transcript(c, from)).to.deep.equal([`n2->n0 GRANT(${k} n0:1.1 g2.1 fence=0)`])
    c.settle()
    expect(granted(c, 'n0', 1).token).to.equal(1n)
    // Nothing was rejected for its timestamp.
    expect(c.events('n2', 'rejected-frame')).to.deep.equal([])
    expect(c.core('n2').status().counters.rejectedFrames).to.equal(undefined)
    expect(transcript(c).filter(l => l.includes(' FAILED(') || l.includes(' REFUSED('))).to.deep.equal([])
  })
})

// ---------------------------------------------------------------------------
// 21

describe('SCENARIOS.md 21: A cold key on a busy voter', () => {
  // v = n1. a = n0 asks {n0, n1} for k; b = n2 asks {n2, n1} for other keys.
  const k = keyFor(IDS3, 'n0', ['n0', 'n1'], 'k')
  const warm = keyFor(IDS3, 'n0', ['n0', 'n1'], 'w')
  const others = [keyFor(IDS3, 'n2', ['n1', 'n2'], 'x'), keyFor(IDS3, 'n2', ['n1', 'n2'], 'y')]

  it('v fixes fence(k) := C at GRANT time; other keys then move the ceiling; a\'s COMMIT(C + 1) is still accepted', () => {
    const c = cluster()
    c.bootPastQuiet()
    // v's first run reserved a ceiling.
    acquireNow(c, 'n0', 1, warm)
    releaseNow(c, 'n0', 1)
    c.settle()
    const C = c.node('n1').disk.state.ceiling
    expect(C).to.equal(1025n)
    // v restarts: every key starts at C.
    c.crash('n1')
    c.start('n1')
    c.handshake('n1')
    c.advance(5_050)
    expect(c.core('n1').fenceOf(k)).to.equal(undefined)

    // a's REQUEST reaches v: v grants the unknown key with fence(k) := C.
    c.acquire('n0', { handle: 2, key: k })
    c.settle(m => !(m.frame.b.t === 'COMMIT' && m.to === 'n1'))
    expect(transcript(c).filter(l => l.startsWith(`n1->n0 GRANT(${k} `))).to.deep.equal([`n1->n0 GRANT(${k} n0:1.2 g2.1 fence=${C})`])
    expect(c.core('n1').fenceOf(k)).to.equal(C)
    const [commit] = c.take(m => m.frame.b.t === 'COMMIT' && m.to === 'n1')
    expect((commit!.frame.b as Body<'COMMIT'>).token).to.equal(C + 1n)

    // Meanwhile other keys commit at v and move its high-water mark and ceiling.
    acquireNow(c, 'n2', 1, others[0]!)
    acquireNow(c, 'n2', 2, others[1]!)
    expect(granted(c, 'n2', 1).token).to.equal(C + 1n)
    expect(granted(c, 'n2', 2).token).to.equal(C + 2n)
    expect(c.node('n1').disk.state.ceiling).to.equal(C + 1n + 1024n)
    expect(c.core('n1').fenceOf(k)).to.equal(C)

    // a's COMMIT(C + 1) for k arrives: accepted.
    const from = c.log.length
    c.inject([commit!])
    expect(transcript(c, from)).to.deep.equal([`n1->n0 COMMITTED(${k} n0:1.2)`])
    c.settle()
    expect(granted(c, 'n0', 2).token).to.equal(C + 1n)
    expect(c.core('n1').fenceOf(k)).to.equal(C + 1n)
    expect(c.events('n0', 'attempt-restart')).to.deep.equal([])
  })
})

// ---------------------------------------------------------------------------
// 22

describe('SCENARIOS.md 22: A reader after a paused writer', () => {
  // a = n0 holds k exclusively through {n0, n1}; r = n2 reads through {n2, n1} once a is gone.
  const k = keyFor(IDS3, 'n0', ['n0', 'n1'])

  function story (unsafe?: CoreConfig['unsafe']): { c: HandCluster, store: FencedStore, a: Granted, t1: number, r: Granted, rAt: number, fencesBefore: Array<bigint | undefined>, rRead: boolean, wake: Result[], staleWrite: boolean } {
    const c = cluster({ unsafe })
    const store = new FencedStore()
    c.bootPastQuiet()
    const a = acquireNow(c, 'n0', 1, k, { ttlMs: 2_000 })
    const t1 = c.time
    expect(store.read(k, a.token)).to.equal(true)
    // a is paused past its lease.
    const paused = (ms: number): void => advancePaused(c, ms, ['n0'])
    paused(1_000)
    const fencesBefore = IDS3.map(id => c.core(id).fenceOf(k))
    c.acquire('n2', { handle: 1, key: k, mode: 'shared', ttlMs: 2_000 })
    const rAt = advanceUntil(c, () => c.granted('n2', 1) !== undefined, 5_000, paused)
    const r = granted(c, 'n2', 1)
    const rRead = store.read(k, r.token)
    paused(t1 + 3_000 - c.time)
    // a wakes; its app writes with T without looking.
    const ready = c.input('n0', { type: 'tick', now: c.now('n0') })!
    const staleWrite = store.write(k, a.token)
    return { c, store, a, t1, r, rAt, fencesBefore, rRead, wake: ready.results, staleWrite }
  }

  it('r\'s shared token is max(fences) + 1 > T; its read registers that token; a\'s late write with T is rejected', () => {
    const { c, store, a, r, rAt, fencesBefore, rRead, wake, staleWrite } = story()
    expect(a.token).to.equal(1n)
    expect(c.core('n2').status().acquires).to.deep.include({ handle: 1, key: k, mode: 'shared', phase: 'held', token: String(r.token), quorum: ['n1', 'n2'], votes: 2 })
    expect(rAt).to.be.greaterThan(a.validUntil.mono)
    // token = max(read-quorum fences) + 1; v's fence 1 (= T) is in that quorum.
    expect(fencesBefore[1]).to.equal(a.token)
    expect(r.token).to.equal(a.token + 1n)
    // The shared COMMIT raised the read quorum's fences.
    expect(c.core('n1').fenceOf(k)).to.equal(r.token)
    expect(c.core('n2').fenceOf(k)).to.equal(r.token)
    expect(rRead).to.equal(true)
    expect(wake).to.deep.equal([{ type: 'lost', handle: 1, key: k, reason: 'expired' }])
    expect(staleWrite).to.equal(false)
    expect(store.decisions).to.deep.equal([
      { op: 'read', key: k, token: 1n, ok: true },
      { op: 'read', key: k, token: 2n, ok: true },
      { op: 'write', key: k, token: 1n, ok: false }
    ])
  })

  it('mutation quorumIntersection off: r\'s read quorum misses a\'s voters, r reads with a token <= T and a\'s stale write is accepted', () => {
    const { a, r, rAt, rRead, staleWrite } = story({ quorumIntersection: true })
    expect(rAt).to.be.lessThan(a.validUntil.mono) // r even held k while a did
    expect(r.token <= a.token).to.equal(true)
    expect(rRead).to.equal(true)
    expect(staleWrite).to.equal(true)
  })
})

// ---------------------------------------------------------------------------
// 23

describe('SCENARIOS.md 23: A clean stop during the quiet period', () => {
  // a = n0 holds k through v = n2 (Q_a = {n0, n2}); b = n1, cut off from a, must use {n1, n2}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])

  function story (unsafe?: CoreConfig['unsafe']): { c: HandCluster, a: Granted, t1: number, run2: { start: number, stopQuiet: number, votes: number, marker: boolean }, run3: { start: number, quiet: number }, voteAt: number, b: Granted } {
    const c = cluster({ config: { ttlMsMax: 30_000 }, unsafe })
    c.bootPastQuiet()
    const a = acquireNow(c, 'n0', 1, k, { ttlMs: 30_000 })
    const t1 = c.time
    const cut = (ms: number): void => advancePartitioned(c, ms, ['n0'])
    cut(1_000)
    // v crashes while a's lease is live and restarts at once (run 2: quiet).
    c.crash('n2')
    c.start('n2')
    handshakeBetween(c, 'n2', ['n1'])
    const run2Start = c.time
    cut(1_000)
    // Run 2 is stopped cleanly 1 s after its start: still quiet, no votes held.
    const stopQuiet = c.core('n2').quietRemainingMs()
    const votes = c.core('n2').status().voter.votes
    c.stop('n2')
    const marker = c.node('n2').disk.state.cleanExit
    c.crash('n2')
    cut(100)
    // Run 3.
    c.start('n2')
    handshakeBetween(c, 'n2', ['n1'])
    const run3 = { start: c.time, quiet: c.core('n2').quietRemainingMs() }
    c.acquire('n1', { handle: 1, key: k, ttlMs: 2_000 })
    const voteAt = advanceUntil(c, () => logged(c, isT('GRANT', 'n2', 'n1')).length > 0, 40_000, cut)
    advanceUntil(c, () => c.granted('n1', 1) !== undefined, 1_000, cut)
    return { c, a, t1, run2: { start: run2Start, stopQuiet, votes, marker }, run3, voteAt, b: granted(c, 'n1', 1) }
  }

  it('the stop during the quiet period writes no marker, the next run is quiet too, b waits until a\'s lease could have ended', () => {
    const { c, a, t1, run2, run3, voteAt, b } = story()
    expect(run2.start - t1).to.equal(1_000)
    expect(run2.stopQuiet).to.equal(29_000)
    expect(run2.votes).to.equal(0)
    expect(run2.marker).to.equal(false)
    expect(c.node('n2').disk.state.cleanExit).to.equal(false)
    expect(run3.quiet).to.equal(30_000)
    expect(voteAt).to.be.within(run3.start + 30_000, run3.start + 30_010)
    expect(voteAt).to.be.greaterThan(t1 + 30_000) // a's lease end at v
    expect(c.granted('n1', 1)!.validUntil.mono).to.be.greaterThan(a.validUntil.mono)
    expect(voteAt).to.be.greaterThan(a.validUntil.mono)
    expectAbove(b.token, a.token)
  })

  it('mutation cleanExitMarker off: the quiet run writes the marker, the next run skips the quiet period and b holds k with a', () => {
    const { a, run2, run3, voteAt } = story({ cleanExitMarker: true })
    expect(run2.marker).to.equal(true)
    expect(run3.quiet).to.equal(0)
    expect(voteAt).to.be.lessThan(a.validUntil.mono)
  })
})

// ---------------------------------------------------------------------------
// 24

describe('SCENARIOS.md 24: A fence that jumps past the ceiling', () => {
  // v = n2. a = n0 commits through {n0, n2}; b = n1 later through {n1, n2}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])
  expect(keyFor(IDS3, 'n1', ['n1', 'n2'])).to.equal(k)

  function story (unsafe?: CoreConfig['unsafe']): {
    c: HandCluster, before: { C: bigint, fences: Array<bigint | undefined> }, vGrant: bigint[], a: Granted,
    atCommit: { pending: bigint[], disk: bigint, committedOut: boolean }, afterPersist: { disk: bigint, committedOut: boolean }, b: Granted
  } {
    const c = cluster({ unsafe })
    // n1 has a long history: its ceiling is at 2999 (every key it does not know starts there).
    c.node('n1').disk.state = { ceiling: 2_999n, cleanExit: false }
    c.bootPastQuiet()
    // fence(k) = 7 at v (and at n0): seven locks through {n0, n2}.
    for (let h = 1; h <= 7; h++) {
      expect(acquireNow(c, 'n0', h, k).token).to.equal(BigInt(h))
      releaseNow(c, 'n0', h)
    }
    c.settle()
    // While v is cut off, n0 and n1 move fence(k) to 3000.
    advanceUntil(c, () => c.events('n0', 'suspect').some(e => e.type === 'suspect' && e.peer === 'n2'), 2_000, ms => advancePartitioned(c, ms, ['n2']))
    advancePartitioned(c, 100, ['n2'])
    c.acquire('n0', { handle: 8, key: k })
    for (let i = 0; i < 10 && c.granted('n0', 8) === undefined; i++) advancePartitioned(c, 10, ['n2'])
    expect(granted(c, 'n0', 8).token).to.equal(3_000n)
    c.release('n0', 8)
    advancePartitioned(c, 50, ['n2'])
    c.advance(1_500) // heal
    c.settle()
    const before = { C: c.node('n2').disk.state.ceiling, fences: IDS3.map(id => c.core(id).fenceOf(k)) }

    // a commits 3001 through v; v must persist C := 3001 + 1024 before COMMITTED.
    const phase3 = c.log.length
    c.acquire('n0', { handle: 9, key: k })
    c.settle(m => !(m.frame.b.t === 'COMMIT' && m.to === 'n2'))
    const vGrant = logged(c, isT('GRANT', 'n2', 'n0'), phase3).map(m => (m.frame.b as Body<'GRANT'>).fence)
    c.autoPersist = false
    c.deliver(m => m.frame.b.t === 'COMMIT' && m.to === 'n2')
    const committedOut = (): boolean => c.pending(isT('COMMITTED', 'n2', 'n0')).length > 0
    const atCommit = { pending: c.node('n2').pendingPersist.map(p => p.state.ceiling), disk: c.node('n2').disk.state.ceiling, committedOut: committedOut() }
    while (c.node('n2').pendingPersist.length > 0) c.completePersist('n2')
    const afterPersist = { disk: c.node('n2').disk.state.ceiling, committedOut: committedOut() }
    c.autoPersist = true
    while (c.node('n0').pendingPersist.length > 0) c.completePersist('n0')
    c.settle()
    const a = granted(c, 'n0', 9)
    releaseNow(c, 'n0', 9)
    c.settle()

    // v crashes and restarts; b acquires k through {n1, n2}.
    c.crash('n2')
    c.start('n2')
    c.handshake('n2')
    c.advance(5_050)
    c.acquire('n1', { handle: 1, key: k })
    c.settle()
    return { c, before, vGrant, a, atCommit, afterPersist, b: granted(c, 'n1', 1) }
  }

  it('v persists C = 3001 + 1024 before answering COMMITTED; after its restart b\'s token through v is above 3001', () => {
    const { c, before, vGrant, a, atCommit, afterPersist, b } = story()
    // v's ceiling C = 1025 (its first fence 1 + 1024); it had evicted idle k,
    // which comes back at its high-water mark: fence(k) = 7 at v.
    expect(before).to.deep.equal({ C: 1025n, fences: [3_000n, 3_000n, undefined] })
    expect(vGrant).to.deep.equal([7n])
    expect(a.token).to.equal(3_001n)
    expect(atCommit).to.deep.equal({ pending: [3_001n + 1024n], disk: 1025n, committedOut: false })
    expect(afterPersist).to.deep.equal({ disk: 3_001n + 1024n, committedOut: true })
    // After the restart every key at v starts at the persisted ceiling.
    expect(c.core('n2').fenceOf(k)).to.equal(b.token)
    expect(b.token).to.equal(3_001n + 1024n + 1n)
    expectAbove(b.token, a.token)
  })

  it('mutation fencePersistence off: v never reserves a ceiling, restarts at 0 and b gets token 3001 again', () => {
    const { before, a, atCommit, b } = story({ fencePersistence: true })
    expect(before.C).to.equal(0n)
    expect(atCommit.pending).to.deep.equal([])
    expect(a.token).to.equal(3_001n)
    expect(b.token).to.equal(a.token) // a duplicate token: b's writes and a's are indistinguishable
  })
})

// ---------------------------------------------------------------------------
// 25

describe('SCENARIOS.md 25: A repeated COMMIT', () => {
  // a = n0 commits through v = n2 (Q_a = {n0, n2}); b = n1 waits at v (Q_b = {n1, n2}).
  const k = keyFor(IDS3, 'n0', ['n0', 'n2'])
  const TTL = 2_000
  const VALIDITY = TTL * 0.99 / 1.01
  const committedFromV = (round?: number) => (m: InFlight): boolean =>
    m.from === 'n2' && m.to === 'n0' && m.frame.b.t === 'COMMITTED' && (round === undefined || m.frame.b.attempt === round)

  /** a holds k after v's first COMMITTED was lost and a's retransmission was answered again. */
  function retransmitted (): { c: HandCluster, a: Granted, t1: number, t2: number, from: number } {
    const c = cluster()
    c.bootPastQuiet()
    const from = c.log.length
    c.acquire('n0', { handle: 1, key: k, ttlMs: TTL })
    c.settle(m => !committedFromV()(m))
    const t1 = c.time
    expect(c.drop(committedFromV())).to.equal(1)
    // a retransmits the COMMIT to the voter that has not acknowledged it.
    const t2 = advanceUntil(c, () => c.pending(isT('COMMIT', 'n0', 'n2')).length > 0, 1_000, ms => c.advance(ms, { deliver: false }))
    c.settle()
    return { c, a: granted(c, 'n0', 1), t1, t2, from }
  }

  it('v answers the same COMMIT again with COMMITTED (no fence check) and moves its lease end to max(end, receipt + ttl)', () => {
    const { c, a, t1, t2, from } = retransmitted()
    const lines = transcript(c, from).filter(l => l.includes(' COMMIT') || l.includes(' REFUSED('))
    const commit = `n0->n2 COMMIT(${k} n0:1.1 g1.1 token=1 round=1)`
    expect(lines.filter(l => l.startsWith('n0->n2 ') || l.startsWith('n2->n0 '))).to.deep.equal([
      commit, `n2->n0 COMMITTED(${k} n0:1.1)`, // lost
      commit, `n2->n0 COMMITTED(${k} n0:1.1)`
    ])
    expect(t2 - t1).to.be.within(200, 210)
    expect(c.events('n0', 'attempt-restart')).to.deep.equal([])
    // Validity counts from the first transmission.
    expect(a.validUntil.mono).to.be.closeTo(t1 + VALIDITY, 1e-6)
    // v's lease now ends at t2 + ttl, not t1 + ttl: b gets v's vote only then.
    // (a is cut off from here on, so its RELEASE at the end of its validity
    // does not free the vote earlier.)
    c.acquire('n1', { handle: 1, key: k, ttlMs: TTL })
    const voteAt = advanceUntil(c, () => logged(c, isT('GRANT', 'n2', 'n1')).length > 0, 5_000, ms => advancePartitioned(c, ms, ['n0']))
    expect(voteAt).to.be.within(t2 + TTL, t2 + TTL + 10)
  })

  it('a late REFUSED from a voter that already acknowledged (a duplicated COMMIT reaching v after its restart) does not drop a\'s lock', () => {
    const { c, a, from } = retransmitted()
    const copy = logged(c, isT('COMMIT', 'n0', 'n2'), from)[0]!
    c.crash('n2')
    c.start('n2')
    c.handshake('n2')
    c.advance(20)
    const before = c.log.length
    c.inject([copy])
    expect(transcript(c, before)).to.deep.equal([`n2->n0 REFUSED(${k} n0:1.1 commit no-grant round=1)`])
    c.settle()
    expect(c.core('n0').status().acquires).to.deep.equal([{ handle: 1, key: k, mode: 'exclusive', phase: 'held', token: '1', quorum: ['n0', 'n2'], votes: 2 }])
    expect(c.results('n0').filter(r => r.type !== 'granted')).to.deep.equal([])
    expect(c.events('n0', 'attempt-restart')).to.deep.equal([])
    expect(transcript(c, before).filter(l => l.includes(' RELEASE('))).to.deep.equal([])
    // It loses the lock at its validity, not before.
    c.advance(Math.ceil(a.validUntil.mono - c.time) - 10)
    expect(c.results('n0', 'lost')).to.deep.equal([])
    c.advance(20)
    expect(c.results('n0', 'lost')).to.deep.equal([{ type: 'lost', handle: 1, key: k, reason: 'expired' }])
  })

  /**
   * Every COMMITTED of a's first round is lost until that round runs out of
   * validity; a's second round (same grant number and token) is acknowledged.
   * a's validity counts from the second round's first transmission, so v must
   * have moved its lease end to at least receipt + ttl.
   */
  function secondRound (unsafe?: CoreConfig['unsafe']): { c: HandCluster, a: Granted, t1: number, r2: number, voteAt: number } {
    const c = cluster({ unsafe })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: k, ttlMs: TTL })
    c.settle(m => !committedFromV(1)(m))
    const t1 = c.time
    const lossy = (ms: number): void => { c.drop(committedFromV(1)); c.advance(ms, { deliver: m => !committedFromV(1)(m) }); c.drop(committedFromV(1)) }
    const r2 = advanceUntil(c, () => c.pending(m => m.frame.b.t === 'COMMIT' && m.frame.b.attempt === 2 && m.to === 'n2').length > 0, 5_000, lossy)
    c.settle()
    const a = granted(c, 'n0', 1)
    // a is cut off from here on: only v's lease end can free its vote.
    c.acquire('n1', { handle: 1, key: k, ttlMs: TTL })
    const voteAt = advanceUntil(c, () => logged(c, isT('GRANT', 'n2', 'n1')).length > 0, 5_000, ms => advancePartitioned(c, ms, ['n0']))
    return { c, a, t1, r2, voteAt }
  }

  it('a second COMMIT round after the first ran out: v extends its lease by the max rule, b is not granted inside a\'s validity', () => {
    const { c, a, t1, r2, voteAt } = secondRound()
    expect(r2 - t1).to.be.within(VALIDITY, VALIDITY + 10)
    expect(a.validUntil.mono).to.be.closeTo(r2 + VALIDITY, 1e-6)
    expect(transcript(c).filter(l => l.includes(' REFUSED('))).to.deep.equal([])
    expect(voteAt).to.be.within(r2 + TTL, r2 + TTL + 10)
    expect(voteAt).to.be.greaterThan(a.validUntil.mono)
  })

  it('mutation repeatedCommitMaxRule off: v keeps its first lease end and b holds k while a still believes its lock valid', () => {
    const { a, t1, voteAt } = secondRound({ repeatedCommitMaxRule: true })
    expect(voteAt).to.be.within(t1 + TTL, t1 + TTL + 10)
    expect(voteAt).to.be.lessThan(a.validUntil.mono)
  })
})

// ---------------------------------------------------------------------------
// 26

describe('SCENARIOS.md 26: Two readers, two tokens', () => {
  // w = n2 writes through {n2, n1}; r1 = n0 reads through {n0, n2}; r2 = n1 through {n1, n2}.
  const k = keyFor(IDS3, 'n2', ['n1', 'n2'])
  expect(keyFor(IDS3, 'n0', ['n0', 'n2'])).to.equal(k)

  function story (unsafe?: CoreConfig['unsafe']): { c: HandCluster, store: FencedStore, r1: Granted, vFence: bigint | undefined, r2: Granted, reads: boolean[], w: Granted, wWrite: boolean } {
    const c = cluster({ unsafe })
    const store = new FencedStore()
    c.bootPastQuiet()
    // Ten exclusive writers: tokens 1..10, fence(k) = 10 at n1 and n2.
    for (let h = 1; h <= 10; h++) {
      const g = acquireNow(c, 'n2', h, k)
      expect(g.token).to.equal(BigInt(h))
      expect(store.write(k, g.token)).to.equal(true)
      releaseNow(c, 'n2', h)
    }
    c.settle()
    const r1 = acquireNow(c, 'n0', 1, k, { mode: 'shared' })
    const vFence = c.core('n2').fenceOf(k) // the voter both read quorums share
    const r2 = acquireNow(c, 'n1', 1, k, { mode: 'shared' })
    // Both hold k at once (shared) and both read, the higher token first.
    expect(c.core('n0').status().acquires.map(x => x.phase)).to.deep.equal(['held'])
    expect(c.core('n1').status().acquires.map(x => x.phase)).to.deep.equal(['held'])
    const reads = [store.read(k, r2.token), store.read(k, r1.token)]
    releaseNow(c, 'n0', 1)
    releaseNow(c, 'n1', 1)
    c.settle()
    const w = acquireNow(c, 'n2', 11, k)
    const wWrite = store.write(k, w.token)
    return { c, store, r1, vFence, r2, reads, w, wWrite }
  }

  it('r1 gets 11, r2 gets 12 (the shared COMMIT moved a fence), both are served (reads need token >= maxWrite), the next writer gets 13', () => {
    const { store, r1, vFence, r2, reads, w, wWrite } = story()
    expect([r1.token, vFence, r2.token]).to.deep.equal([11n, 11n, 12n])
    expect(reads).to.deep.equal([true, true])
    expect(w.token).to.equal(13n)
    expectAbove(w.token, r2.token)
    expect(wWrite).to.equal(true)
    expect(store.marksOf(k)).to.deep.equal({ maxWrite: 13n, maxSeen: 13n })
  })

  it('mutation sharedRaisesFence off: both readers get 11 and the next exclusive holder gets 11 again (a duplicate token)', () => {
    const { r1, vFence, r2, w } = story({ sharedRaisesFence: true })
    expect([r1.token, vFence, r2.token]).to.deep.equal([11n, 10n, 11n])
    expect(w.token).to.equal(11n)
    expect(w.token <= r2.token).to.equal(true)
  })
})

// ---------------------------------------------------------------------------
// 27

/** Deliver only the first in-flight frame matching `pred`; the rest stay in flight. */
function deliverFirst (c: HandCluster, pred: (m: InFlight) => boolean): InFlight {
  const i = c.inflight.findIndex(pred)
  if (i < 0) throw new Error(`no frame in flight matches; in flight: ${c.inflight.map(fmt).join(', ')}`)
  const [m] = c.inflight.splice(i, 1)
  c.inject([m!])
  return m!
}

describe('SCENARIOS.md 27: A stale GRANT after a YIELD', () => {
  // b = n0 (higher priority) and a = n1 both use Q = {n0, n1}; v = n0 grants a first, u = n1 grants b first.
  const k = keyFor(IDS3, 'n0', ['n0', 'n1'])
  expect(keyFor(IDS3, 'n1', ['n0', 'n1'])).to.equal(k)

  it('a ignores the second GRANT g1 it yielded: no COMMIT with g1, no RELEASE of its live attempt, no restart; it commits later with a fresh grant', () => {
    const c = cluster()
    c.bootPastQuiet()
    const from = c.log.length
    // b's REQUEST reaches u first; a starts later (so b has the smaller timestamp).
    c.acquire('n0', { handle: 1, key: k })
    deliverFirst(c, isT('REQUEST', 'n0', 'n1'))
    c.acquire('n1', { handle: 1, key: k })
    const tsOf = (m: InFlight | undefined): bigint => (m!.frame.b as Body<'REQUEST'>).ts
    const tsB = tsOf(logged(c, isT('REQUEST', 'n0'), from)[0])
    const tsA = tsOf(logged(c, isT('REQUEST', 'n1'), from)[0])
    expect(tsB < tsA, `b (ts ${tsB}) must outrank a (ts ${tsA})`).to.equal(true)
    // u fails a; v grants a (g1).
    deliverFirst(c, isT('REQUEST', 'n1', 'n1'))
    deliverFirst(c, isT('REQUEST', 'n1', 'n0'))
    expect(c.pending(isT('GRANT', 'n0', 'n1')).map(fmt)).to.deep.equal([`n0->n1 GRANT(${k} n1:1.1 g1.1 fence=0)`])
    // a, still without v's GRANT, retransmits its REQUEST to v: that copy is slow.
    advanceUntil(c, () => c.pending(isT('REQUEST', 'n1', 'n0')).length > 0, 1_000, ms => c.advance(ms, { deliver: false }))
    const slow = c.take(isT('REQUEST', 'n1', 'n0'))
    expect(slow).to.have.length(1)
    // a gets g1; b's REQUEST reaches v: INQUIRE(g1) to a; a holds u's FAILED and yields.
    deliverFirst(c, isT('GRANT', 'n0', 'n1'))
    deliverFirst(c, isT('FAILED', 'n1', 'n1'))
    deliverFirst(c, isT('REQUEST', 'n0', 'n0'))
    expect(c.pending(isT('INQUIRE', 'n0', 'n1')).map(fmt)).to.deep.equal([`n0->n1 INQUIRE(${k} n1:1.1 g1.1)`])
    deliverFirst(c, isT('INQUIRE', 'n0', 'n1'))
    const yields = c.take(isT('YIELD', 'n1', 'n0'))
    expect(yields.map(fmt)).to.deep.equal([`n1->n0 YIELD(${k} n1:1.1 g1.1)`])
    // The slow REQUEST reaches v before the YIELD: v answers with its current answer, GRANT g1.
    const beforeSlow = c.log.length
    c.inject(slow)
    expect(transcript(c, beforeSlow)).to.deep.equal([`n0->n1 GRANT(${k} n1:1.1 g1.1 fence=0)`])
    // The YIELD arrives: v re-queues a and grants b.
    const beforeYield = c.log.length
    c.inject(yields)
    expect(transcript(c, beforeYield)).to.deep.equal([`n0->n0 GRANT(${k} n0:1.1 g1.2 fence=0)`])
    expect(voterOf(c, 'n0', k)).to.deep.include({ votes: 1, committed: 0, queued: 1 })
    // The second GRANT g1 reaches a: not used. a repeats its YIELD for g1 (its
    // first YIELD might have been lost, issue 9 item 3); v no longer holds g1 and ignores it.
    const beforeStale = c.log.length
    deliverFirst(c, isT('GRANT', 'n0', 'n1'))
    expect(transcript(c, beforeStale)).to.deep.equal([`n1->n0 YIELD(${k} n1:1.1 g1.1)`])
    const ignoredBefore = c.core('n0').status().counters.ignoredYields ?? 0
    deliverFirst(c, isT('YIELD', 'n1', 'n0'))
    expect(transcript(c, beforeStale)).to.deep.equal([`n1->n0 YIELD(${k} n1:1.1 g1.1)`])
    expect(c.core('n0').status().counters.ignoredYields).to.equal(ignoredBefore + 1)
    expect(c.core('n1').status().acquires).to.deep.equal([{ handle: 1, key: k, mode: 'exclusive', phase: 'requesting', token: null, quorum: ['n0', 'n1'], votes: 0 }])

    // b commits and holds; when b releases, a is granted with a fresh grant number.
    c.settle()
    const b = granted(c, 'n0', 1)
    expect(c.granted('n1', 1)).to.equal(undefined)
    releaseNow(c, 'n0', 1)
    c.settle()
    const a = granted(c, 'n1', 1)
    expect(a.id).to.deep.equal({ peer: 'n1', inc: 1, seq: 1 })
    expectAbove(a.token, b.token)
    const fromA = transcript(c, from).filter(l => l.startsWith('n1->'))
    expect(fromA.filter(l => l.includes(' COMMIT('))).to.deep.equal([
      `n1->n0 COMMIT(${k} n1:1.1 g1.3 token=${a.token} round=1)`,
      `n1->n1 COMMIT(${k} n1:1.1 g1.2 token=${a.token} round=1)`
    ])
    expect(fromA.filter(l => l.includes(' RELEASE('))).to.deep.equal([])
    expect(c.events('n1', 'attempt-restart')).to.deep.equal([])
  })
})

// ---------------------------------------------------------------------------
// 28

describe('SCENARIOS.md 28: Its own vote is durable first', () => {
  // a = n0 commits through {n0, n1}; b = n2 later through {n2, n0}.
  const k = keyFor(IDS3, 'n0', ['n0', 'n1'])
  expect(keyFor(IDS3, 'n2', ['n0', 'n2'])).to.equal(k)

  function story (unsafe?: CoreConfig['unsafe']): {
    c: HandCluster, held: { pending: bigint[], disk: bigint, results: Result[], selfCommitted: number, n1Acked: boolean, heldBatches: number }, seenBeforeCrash: bigint[], diskAfterCrash: bigint, b: Granted, a2: Granted
  } {
    const c = cluster({ unsafe })
    // Every node has a history: ceilings at 3000, so fence(k) = 3000 everywhere.
    for (const id of IDS3) c.node(id).disk.state = { ceiling: 3_000n, cleanExit: false }
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: k, ttlMs: 2_000 })
    c.settle(m => m.frame.b.t !== 'COMMIT')
    expect(c.pending('COMMIT').map(fmt)).to.deep.equal([
      `n0->n0 COMMIT(${k} n0:1.1 g1.1 token=3001 round=1)`,
      `n0->n1 COMMIT(${k} n0:1.1 g1.1 token=3001 round=1)`
    ])
    // Persists are slow from here on.
    c.autoPersist = false
    c.deliver('COMMIT')
    // n1's persist completes; every COMMITTED released so far reaches a.
    while (c.node('n1').pendingPersist.length > 0) c.completePersist('n1')
    c.settle('COMMITTED')
    // A later command of a's app, answered at once in a later batch.
    c.acquire('n0', { handle: 9, key: k, ttlMs: 10 * 60_000 })
    const held = {
      pending: c.node('n0').pendingPersist.map(p => p.state.ceiling),
      disk: c.node('n0').disk.state.ceiling,
      results: [...c.node('n0').results],
      selfCommitted: logged(c, isT('COMMITTED', 'n0', 'n0')).length,
      n1Acked: logged(c, isT('COMMITTED', 'n1', 'n0')).length > 0,
      heldBatches: c.core('n0').status().heldBatches
    }
    // a crashes before its persist completes.
    const seenBeforeCrash = c.results('n0', 'granted').map(r => (r as Granted).token)
    c.crash('n0')
    const diskAfterCrash = c.node('n0').disk.state.ceiling
    c.autoPersist = true
    c.start('n0')
    c.handshake('n0')
    c.advance(5_050)
    // After the restart: b through {n2, n0}, then a again through {n0, n1}.
    const b = acquireNow(c, 'n2', 1, k)
    releaseNow(c, 'n2', 1)
    c.settle()
    const a2 = acquireNow(c, 'n0', 2, k)
    return { c, held, seenBeforeCrash, diskAfterCrash, b, a2 }
  }

  it('no grant leaves before every persist of its batch and earlier ones: a never saw 3001; after its restart no token at or below a seen one is issued', () => {
    const { held, seenBeforeCrash, diskAfterCrash, b, a2 } = story()
    // Held: the COMMIT's batch (COMMITTED to itself) behind the pending persist.
    // The later invalid acquire's 'failed' grants nothing: it leaves at once (issue 9 item 5).
    expect(held.results.map(r => [r.type, r.handle])).to.deep.equal([['failed', 9]])
    expect({ ...held, results: [] }).to.deep.equal({ pending: [3_001n + 1024n], disk: 3_000n, results: [], selfCommitted: 0, n1Acked: true, heldBatches: 1 })
    expect(seenBeforeCrash).to.deep.equal([])
    // The persist was lost with the crash.
    expect(diskAfterCrash).to.equal(3_000n)
    // 3001 may be issued now: no application ever saw it.
    expect(b.token).to.equal(3_001n)
    expect(a2.token).to.equal(3_002n)
  })

  it('when the persist completes instead, the held batch leaves (COMMITTED to itself); the grant follows from that COMMITTED', () => {
    const c = cluster()
    for (const id of IDS3) c.node(id).disk.state = { ceiling: 3_000n, cleanExit: false }
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: k, ttlMs: 2_000 })
    c.settle(m => m.frame.b.t !== 'COMMIT')
    c.autoPersist = false
    c.deliver('COMMIT')
    while (c.node('n1').pendingPersist.length > 0) c.completePersist('n1')
    c.settle('COMMITTED')
    c.acquire('n0', { handle: 9, key: k, ttlMs: 10 * 60_000 })
    // The invalid acquire's 'failed' grants nothing: it bypasses the gate (issue 9 item 5).
    expect(c.node('n0').results.map(r => r.type)).to.deep.equal(['failed'])
    c.completePersist('n0')
    expect(c.node('n0').disk.state.ceiling).to.equal(3_001n + 1024n)
    expect(c.pending(isT('COMMITTED', 'n0', 'n0')).map(fmt)).to.deep.equal([`n0->n0 COMMITTED(${k} n0:1.1)`])
    expect(c.node('n0').results.map(r => r.type)).to.deep.equal(['failed']) // handle 9, invalid ttl
    c.settle('COMMITTED')
    expect(c.node('n0').results.map(r => [r.type, 'handle' in r ? r.handle : null])).to.deep.equal([['failed', 9], ['granted', 1]])
    expect(granted(c, 'n0', 1).token).to.equal(3_001n)
  })

  it('mutation fencePersistence off: nothing to wait for, a\'s app sees 3001 before the crash and b gets 3001 again after it', () => {
    const { held, seenBeforeCrash, b } = story({ fencePersistence: true })
    expect(held.pending).to.deep.equal([])
    expect(seenBeforeCrash).to.deep.equal([3_001n])
    expect(b.token).to.equal(3_001n) // a duplicate token
  })
})
