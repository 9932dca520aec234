/**
 * The guards of every message handler and command of the core (DESIGN.md §4
 * and §6: "a malformed or hostile frame is dropped and counted, never crashes
 * a node"; "a voter accepts COMMIT/EXTEND/YIELD/RELEASE for a vote only from
 * its holder").
 *
 * Each test builds real state on a hand-stepped 3-node cluster, then injects
 * one hand-made frame or command and asserts exactly what came out: the
 * answer frames (or none), counters, events, results and the voter's state.
 *
 * Key `k0` on 3 nodes: n0's and n1's quorum is {n0, n1}; n2's is {n0, n2}.
 */
import { expect } from 'chai'
import { frameProblem } from '../src/core/lock-core.js'
import { TOKEN_LIMIT } from '../src/core/ids.js'
import { HandCluster, type InFlight } from './helpers/hand-cluster.js'
import type { AttemptId, CoreEvent, Frame, FrameBody, FrameHeader, GrantNo, NodeId, Result } from '../src/core/types.js'

type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>

const key = 'k0'

/** One frame as a transcript line. */
function line (m: InFlight): string {
  const b = m.frame.b
  const head = `${b.t} ${m.from}>${m.to}`
  if (b.t === 'PING' || b.t === 'PONG' || b.t === 'RECOVER' || b.t === 'CEILING') return head
  const id = `${b.id.peer}.${b.id.seq}`
  switch (b.t) {
    case 'GRANT': return `${head} ${id} g${b.grantNo.inc}.${b.grantNo.n} fence=${b.fence}`
    case 'FAILED': return `${head} ${id} ${b.reason}`
    case 'COMMIT': return `${head} ${id} g${b.grantNo.inc}.${b.grantNo.n} token=${b.token} round=${b.attempt}`
    case 'REFUSED': return `${head} ${id} ${b.phase} ${b.reason} round=${b.attempt}`
    case 'COMMITTED': case 'EXTENDED': return `${head} ${id} round=${b.attempt}`
    case 'INQUIRE': case 'YIELD': return `${head} ${id} g${b.grantNo.inc}.${b.grantNo.n}`
    default: return `${head} ${id}`
  }
}

/** Protocol frames (no PING/PONG) logged since `mark`. */
function transcript (c: HandCluster, mark: number): string[] {
  return c.log.slice(mark).filter(m => m.frame.b.t !== 'PING' && m.frame.b.t !== 'PONG').map(line)
}

/** A plausible header for a frame `from` → `to` (frame number 0: it moves no acknowledgement). */
function hdr (c: HandCluster, from: NodeId, over: Partial<FrameHeader> = {}): FrameHeader {
  return { clock: c.core(from).lamport(), inc: c.node(from).disk.incarnation, fn: 0, ack: 0, ackInc: 0, ...over }
}

interface Outcome { frames: string[], events: CoreEvent[], results: Result[] }

/** Feed `to` one frame from `from`; returns what `to` sent, emitted and resolved in answer. */
function feed (c: HandCluster, from: NodeId, to: NodeId, b: FrameBody | unknown, h: FrameHeader | unknown = hdr(c, from)): Outcome {
  const mark = c.log.length
  const [e0, r0] = [c.node(to).events.length, c.node(to).results.length]
  c.inject([{ from, to, frame: { h, b } as Frame }])
  return {
    frames: transcript(c, mark),
    events: c.node(to).events.slice(e0).filter(e => e.type !== 'trust' && e.type !== 'suspect'),
    results: c.node(to).results.slice(r0)
  }
}

function counter (c: HandCluster, id: NodeId, name: string): number {
  return c.core(id).status().counters[name] ?? 0
}

function keyState (c: HandCluster, id: NodeId, k = key): { fence: string, votes: number, committed: number, queued: number } | undefined {
  return c.core(id).status().voter.perKey[k]
}

function cluster (config: ConstructorParameters<typeof HandCluster>[0]['config'] = {}): HandCluster {
  const c = new HandCluster({ nodes: 3, config })
  c.bootPastQuiet()
  return c
}

const id = (peer: NodeId, seq: number, inc = 1): AttemptId => ({ peer, inc, seq })
const g = (n: number, inc = 1): GrantNo => ({ inc, n })

/** n0 acquires k0 on {n0, n1}; every GRANT arrives; the COMMITs are taken out of flight. */
function grantedNotCommitted (c: HandCluster, mode: 'exclusive' | 'shared' = 'exclusive', handle = 1): InFlight[] {
  c.acquire('n0', { handle, key, mode })
  c.settle(m => m.frame.b.t !== 'COMMIT')
  return c.take('COMMIT')
}

function commitTo (commits: InFlight[], to: NodeId): InFlight & { frame: { b: Body<'COMMIT'> } } {
  return commits.find(m => m.to === to) as InFlight & { frame: { b: Body<'COMMIT'> } }
}

// ---------------------------------------------------------------------------

describe('core guards: malformed frames (frameProblem)', () => {
  const h: FrameHeader = { clock: 5n, inc: 1, fn: 1, ack: 0, ackInc: 0 }
  const request: Body<'REQUEST'> = { t: 'REQUEST', key, id: id('n1', 1), ts: 3n, mode: 'exclusive', ttlMs: 1_000, noWait: false }
  const bad = (over: Record<string, unknown>, base: Record<string, unknown> = request): unknown => ({ ...base, ...over })

  const cases: Array<[string, unknown, string]> = [
    ['not an object', null, 'not an object'],
    ['no header', { b: request }, 'missing header or body'],
    ['no body', { h }, 'missing header or body'],
    ['clock is a number', { h: { ...h, clock: 5 }, b: request }, 'bad clock'],
    ['clock is negative', { h: { ...h, clock: -1n }, b: request }, 'bad clock'],
    ['clock is past 2^63 - 1', { h: { ...h, clock: 1n << 63n }, b: request }, 'bad clock'],
    ['frame number is negative', { h: { ...h, fn: -1 }, b: request }, 'bad header field fn'],
    ['incarnation is not an integer', { h: { ...h, inc: 1.5 }, b: request }, 'bad header field inc'],
    ['ack is a string', { h: { ...h, ack: '1' }, b: request }, 'bad header field ack'],
    ['unknown type', { h, b: bad({ t: 'HELLO' }) }, 'unknown frame type'],
    ['type missing', { h, b: bad({ t: undefined }) }, 'unknown frame type'],
    ['empty key', { h, b: bad({ key: '' }) }, 'bad key'],
    ['key is a number', { h, b: bad({ key: 7 }) }, 'bad key'],
    ['id missing', { h, b: bad({ id: undefined }) }, 'bad attempt id'],
    ['id peer is a number', { h, b: bad({ id: { peer: 1, inc: 1, seq: 1 } }) }, 'bad attempt id'],
    ['id seq is not an integer', { h, b: bad({ id: { peer: 'n1', inc: 1, seq: 0.5 } }) }, 'bad attempt id'],
    ['grant number is not an object', { h, b: { t: 'YIELD', key, id: id('n1', 1), grantNo: 3 } }, 'bad grant number'],
    ['grant number counter missing', { h, b: { t: 'YIELD', key, id: id('n1', 1), grantNo: { inc: 1 } } }, 'bad grant number'],
    ['REQUEST ts is a number', { h, b: bad({ ts: 3 }) }, 'bad REQUEST'],
    ['REQUEST mode unknown', { h, b: bad({ mode: 'upgrade' }) }, 'bad REQUEST'],
    ['REQUEST noWait missing', { h, b: bad({ noWait: undefined }) }, 'bad REQUEST'],
    ['GRANT fence is a number', { h, b: { t: 'GRANT', key, id: id('n0', 1), grantNo: g(1), fence: 0 } }, 'bad GRANT'],
    ['GRANT without grant number', { h, b: { t: 'GRANT', key, id: id('n0', 1), fence: 0n } }, 'bad GRANT'],
    ['COMMIT token is a number', { h, b: { t: 'COMMIT', key, id: id('n1', 1), grantNo: g(1), attempt: 1, token: 1 } }, 'bad COMMIT'],
    ['COMMIT round missing', { h, b: { t: 'COMMIT', key, id: id('n1', 1), grantNo: g(1), token: 1n } }, 'bad COMMIT'],
    ['EXTEND ttl is a string', { h, b: { t: 'EXTEND', key, id: id('n1', 1), grantNo: g(1), attempt: 2, ttlMs: '1000' } }, 'bad EXTEND'],
    ['INQUIRE without grant number', { h, b: { t: 'INQUIRE', key, id: id('n0', 1) } }, 'bad INQUIRE'],
    ['YIELD without grant number', { h, b: { t: 'YIELD', key, id: id('n1', 1) } }, 'bad YIELD'],
    ['COMMITTED round is NaN', { h, b: { t: 'COMMITTED', key, id: id('n0', 1), attempt: Number.NaN } }, 'bad COMMITTED'],
    ['REFUSED round missing', { h, b: { t: 'REFUSED', key, id: id('n0', 1), phase: 'commit', reason: 'fence' } }, 'bad REFUSED'],
    ['FAILED reason is a number', { h, b: { t: 'FAILED', key, id: id('n0', 1), reason: 1 } }, 'bad FAILED']
  ]

  it('names the problem of each malformed frame and accepts well-formed ones', () => {
    for (const [name, frame, why] of cases) expect(frameProblem(frame as Frame), name).to.equal(why)
    expect(frameProblem({ h, b: request })).to.equal(null)
    expect(frameProblem({ h, b: { t: 'PING' } })).to.equal(null)
    expect(frameProblem({ h, b: { t: 'COMMIT', key, id: id('n1', 1), grantNo: g(1), attempt: 1, token: 1n } })).to.equal(null)
  })

  it('a live core drops every malformed frame without throwing, counts it in rejectedFrames and reports why; nothing is answered', () => {
    const c = cluster()
    for (const [name, frame, why] of cases) {
      const before = counter(c, 'n0', 'rejectedFrames')
      const mark = c.log.length
      const e0 = c.node('n0').events.length
      expect(() => c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: frame as Frame }), name).to.not.throw()
      expect(counter(c, 'n0', 'rejectedFrames'), name).to.equal(before + 1)
      expect(c.node('n0').events.slice(e0), name).to.deep.equal([{ type: 'rejected-frame', from: 'n1', why }])
      expect(transcript(c, mark), name).to.deep.equal([])
    }
    expect(c.core('n0').status().voter.keys).to.equal(0)
    // The node still works.
    c.acquire('n0', { handle: 1, key })
    c.settle()
    expect(c.granted('n0', 1)?.token).to.equal(1n)
  })

  it('a key over keyLengthMax, and a sender not on the roster, are rejected and counted', () => {
    const c = cluster()
    const long = 'x'.repeat(513)
    let out = feed(c, 'n1', 'n0', { ...{ t: 'REQUEST', key: long, id: id('n1', 1), ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false } })
    expect(out.frames).to.deep.equal([])
    expect(out.events).to.deep.equal([{ type: 'rejected-frame', from: 'n1', why: 'key too long' }])
    const mark = c.log.length
    c.input('n0', { type: 'frame', now: c.now('n0'), from: 'mallory', frame: { h: hdr(c, 'n1'), b: { t: 'REQUEST', key, id: id('mallory', 1), ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false } } })
    expect(transcript(c, mark)).to.deep.equal([])
    expect(c.node('n0').events.at(-1)).to.deep.equal({ type: 'rejected-frame', from: 'mallory', why: 'sender is not on the roster' })
    expect(counter(c, 'n0', 'rejectedFrames')).to.equal(2)
    out = feed(c, 'n1', 'n0', { t: 'PING' })
    expect(out.frames).to.deep.equal([]) // (PONG is not a protocol frame in transcripts)
    expect(c.core('n0').status().voter.keys).to.equal(0)
  })

  it('frames of an older incarnation of the sender are dropped (staleFrames), never served', () => {
    const c = cluster()
    c.crash('n1')
    c.start('n1')
    c.handshake('n1')
    const out = feed(c, 'n1', 'n0', { t: 'REQUEST', key, id: id('n1', 1, 1), ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false }, hdr(c, 'n1', { inc: 1 }))
    expect(out.frames).to.deep.equal([])
    expect(counter(c, 'n0', 'staleFrames')).to.equal(1)
    expect(keyState(c, 'n0')).to.equal(undefined)
  })
})

describe('core guards: wrong sender', () => {
  it('REQUEST, COMMIT, EXTEND, YIELD and RELEASE naming another peer\'s attempt are rejected and counted; the other peer\'s vote is untouched', () => {
    const c = cluster()
    // n2 holds k0 through {n0, n2}.
    c.acquire('n2', { handle: 1, key })
    c.settle()
    const held = c.granted('n2', 1)!
    expect(keyState(c, 'n0')).to.include({ votes: 1, committed: 1 })
    const grantAtN0 = c.log.find(m => m.from === 'n0' && m.to === 'n2' && m.frame.b.t === 'GRANT')!.frame.b as Body<'GRANT'>
    const theirs = held.id
    const bodies: FrameBody[] = [
      { t: 'REQUEST', key, id: theirs, ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false },
      { t: 'COMMIT', key, id: theirs, grantNo: grantAtN0.grantNo, attempt: 1, token: 99n },
      { t: 'EXTEND', key, id: theirs, grantNo: grantAtN0.grantNo, attempt: 2, ttlMs: 1_000 },
      { t: 'YIELD', key, id: theirs, grantNo: grantAtN0.grantNo },
      { t: 'RELEASE', key, id: theirs }
    ]
    for (const b of bodies) {
      const out = feed(c, 'n1', 'n0', b)
      expect(out.frames, b.t).to.deep.equal([])
      expect(out.events, b.t).to.deep.equal([{ type: 'rejected-frame', from: 'n1', why: `${b.t} names attempt of n2:1, sent by n1:1` }])
    }
    expect(counter(c, 'n0', 'rejectedFrames')).to.equal(bodies.length)
    expect(keyState(c, 'n0')).to.include({ fence: '1', votes: 1, committed: 1, queued: 0 })
    expect(c.lastResult('n2', 1)).to.deep.equal(held)
  })

  it('an attempt id whose incarnation is not the sender\'s current one is rejected too', () => {
    const c = cluster()
    const out = feed(c, 'n1', 'n0', { t: 'REQUEST', key, id: id('n1', 1, 7), ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false })
    expect(out.frames).to.deep.equal([])
    expect(out.events).to.deep.equal([{ type: 'rejected-frame', from: 'n1', why: 'REQUEST names attempt of n1:7, sent by n1:1' }])
  })

  it('answers naming another requester\'s attempt are ignored and counted as foreignAnswers', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key })
    c.settle(m => m.frame.b.t !== 'GRANT')
    const answers: FrameBody[] = [
      { t: 'GRANT', key, id: id('n2', 1), grantNo: g(1), fence: 0n },
      { t: 'INQUIRE', key, id: id('n2', 1), grantNo: g(1) },
      { t: 'COMMITTED', key, id: id('n0', 1, 9), attempt: 1 }, // our peer, another incarnation
      { t: 'FAILED', key, id: id('n2', 1), reason: 'priority' }
    ]
    for (const b of answers) expect(feed(c, 'n1', 'n0', b).frames, b.t).to.deep.equal([])
    expect(counter(c, 'n0', 'foreignAnswers')).to.equal(answers.length)
    c.settle()
    expect(c.granted('n0', 1)?.token).to.equal(1n)
  })
})

describe('core guards: voter — grant numbers, fences, unknown requests, duplicates', () => {
  it('COMMIT with an old grant number, or one of a previous voter incarnation, is refused (no-grant); the live one commits', () => {
    const c = cluster()
    const commits = grantedNotCommitted(c)
    const real = commitTo(commits, 'n1')
    expect(line(real)).to.equal('COMMIT n0>n1 n0.1 g1.1 token=1 round=1')
    for (const grantNo of [g(0), g(1, 0), g(2)]) {
      const out = feed(c, 'n0', 'n1', { ...real.frame.b, grantNo })
      expect(out.frames).to.deep.equal(['REFUSED n1>n0 n0.1 commit no-grant round=1'])
    }
    expect(keyState(c, 'n1')).to.include({ votes: 1, committed: 0, fence: '0' })
    expect(feed(c, 'n0', 'n1', real.frame.b, real.frame.h).frames).to.deep.equal(['COMMITTED n1>n0 n0.1 round=1'])
    expect(keyState(c, 'n1')).to.include({ committed: 1, fence: '1' })
  })

  it('an exclusive token not above the fence is refused (fence); 0 and tokens past the limit are invalid; a shared token at the fence is accepted', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key })
    c.settle()
    c.release('n0', 1)
    c.settle()
    expect(keyState(c, 'n1')).to.include({ fence: '1' })
    const commits = grantedNotCommitted(c, 'exclusive', 2)
    const real = commitTo(commits, 'n1')
    expect(real.frame.b.token).to.equal(2n)
    const tries: Array<[bigint, string]> = [
      [1n, 'fence'], [0n, 'invalid'], [-5n, 'invalid'], [TOKEN_LIMIT + 1n, 'invalid']
    ]
    for (const [token, reason] of tries) {
      expect(feed(c, 'n0', 'n1', { ...real.frame.b, token }).frames, `token ${token}`).to.deep.equal([`REFUSED n1>n0 n0.2 commit ${reason} round=1`])
    }
    expect(keyState(c, 'n1')).to.include({ fence: '1', committed: 0 })
    c.drop('REFUSED') // (answers to forged frames: the requester never sent them)
    expect(feed(c, 'n0', 'n1', real.frame.b).frames).to.deep.equal(['COMMITTED n1>n0 n0.2 round=1'])
    c.inject(commits.filter(m => m.to === 'n0'))
    c.settle()
    expect(c.granted('n0', 2)?.token).to.equal(2n)
    c.release('n0', 2)
    c.settle()
    // Shared: never refused for being at or below the fence.
    const shared = commitTo(grantedNotCommitted(c, 'shared', 3), 'n1')
    expect(feed(c, 'n0', 'n1', { ...shared.frame.b, token: 1n }).frames).to.deep.equal(['COMMITTED n1>n0 n0.3 round=1'])
    expect(keyState(c, 'n1')).to.include({ fence: '2', committed: 1 })
  })

  it('mutation fenceCheck: the same exclusive COMMIT at the fence is accepted (the guard test can fail)', () => {
    const c = cluster({ unsafe: { fenceCheck: true } })
    c.acquire('n0', { handle: 1, key })
    c.settle()
    c.release('n0', 1)
    c.settle()
    const real = commitTo(grantedNotCommitted(c, 'exclusive', 2), 'n1')
    expect(feed(c, 'n0', 'n1', { ...real.frame.b, token: 1n }).frames).to.deep.equal(['COMMITTED n1>n0 n0.2 round=1'])
  })

  it('EXTEND with an old grant number, before COMMIT, with an invalid ttl, or for an unknown request is refused', () => {
    const c = cluster()
    const commits = grantedNotCommitted(c)
    const grantNo = commitTo(commits, 'n1').frame.b.grantNo
    const extend = (over: Partial<Body<'EXTEND'>>): string[] =>
      feed(c, 'n0', 'n1', { t: 'EXTEND', key, id: id('n0', 1), grantNo, attempt: 2, ttlMs: 1_000, ...over }).frames
    expect(extend({})).to.deep.equal(['REFUSED n1>n0 n0.1 extend no-grant round=2']) // not committed yet
    c.inject(commits)
    c.settle()
    expect(c.granted('n0', 1)).to.not.equal(undefined)
    expect(extend({ grantNo: g(0) })).to.deep.equal(['REFUSED n1>n0 n0.1 extend no-grant round=2'])
    expect(extend({ id: id('n0', 42) })).to.deep.equal(['REFUSED n1>n0 n0.42 extend no-grant round=2'])
    expect(extend({ ttlMs: 0 })).to.deep.equal(['REFUSED n1>n0 n0.1 extend invalid round=2'])
    expect(extend({ ttlMs: 5_001 })).to.deep.equal(['REFUSED n1>n0 n0.1 extend invalid round=2'])
    expect(extend({ ttlMs: Number.POSITIVE_INFINITY })).to.deep.equal(['REFUSED n1>n0 n0.1 extend invalid round=2'])
    expect(extend({})).to.deep.equal(['EXTENDED n1>n0 n0.1 round=2'])
  })

  it('YIELD is ignored for an old grant number, an unknown request, when repeated, and for a committed vote', () => {
    let c = cluster()
    // n2's vote at n0, not committed yet.
    c.acquire('n2', { handle: 1, key })
    c.settle(m => m.frame.b.t !== 'COMMIT')
    c.take('COMMIT')
    const grantAtN0 = (): GrantNo => (c.log.findLast(m => m.from === 'n0' && m.to === 'n2' && m.frame.b.t === 'GRANT')!.frame.b as Body<'GRANT'>).grantNo
    let grantNo = grantAtN0()
    const yieldOf = (over: Partial<Body<'YIELD'>>): string[] => feed(c, 'n2', 'n0', { t: 'YIELD', key, id: id('n2', 1), grantNo, ...over }).frames
    expect(yieldOf({ grantNo: g(grantNo.n - 1) })).to.deep.equal([])
    expect(yieldOf({ grantNo: g(grantNo.n + 1) })).to.deep.equal([])
    expect(yieldOf({ id: id('n2', 5) })).to.deep.equal([])
    expect(counter(c, 'n0', 'ignoredYields')).to.equal(3)
    expect(keyState(c, 'n0')).to.include({ votes: 1, committed: 0, queued: 0 })
    // The valid YIELD hands the vote back; the request is re-queued and, alone, granted again
    // under a new grant number. The same YIELD repeated is now stale.
    expect(yieldOf({})).to.deep.equal([`GRANT n0>n2 n2.1 g1.${grantNo.n + 1} fence=0`])
    expect(yieldOf({})).to.deep.equal([])
    expect(counter(c, 'n0', 'ignoredYields')).to.equal(4)
    expect(keyState(c, 'n0')).to.include({ votes: 1, committed: 0 })
    // A committed vote is never yielded.
    c = cluster()
    c.acquire('n2', { handle: 1, key })
    c.settle()
    expect(c.granted('n2', 1)).to.not.equal(undefined)
    grantNo = grantAtN0() // the committed vote's own grant number
    expect(yieldOf({})).to.deep.equal([])
    expect(counter(c, 'n0', 'ignoredYields')).to.equal(1)
    expect(keyState(c, 'n0')).to.include({ votes: 1, committed: 1 })
  })

  it('an unknown request: COMMIT and EXTEND are refused (no-grant); RELEASE is acknowledged and tombstoned, so its REQUEST is then ignored', () => {
    const c = cluster()
    expect(feed(c, 'n1', 'n0', { t: 'COMMIT', key, id: id('n1', 9), grantNo: g(1), attempt: 1, token: 1n }).frames).to.deep.equal(['REFUSED n0>n1 n1.9 commit no-grant round=1'])
    expect(feed(c, 'n1', 'n0', { t: 'EXTEND', key, id: id('n1', 9), grantNo: g(1), attempt: 2, ttlMs: 1_000 }).frames).to.deep.equal(['REFUSED n0>n1 n1.9 extend no-grant round=2'])
    expect(feed(c, 'n1', 'n0', { t: 'RELEASE', key, id: id('n1', 9) }).frames).to.deep.equal(['RELEASED n0>n1 n1.9'])
    expect(c.core('n0').status().voter.tombstones).to.equal(1)
    expect(feed(c, 'n1', 'n0', { t: 'REQUEST', key, id: id('n1', 9), ts: 1n, mode: 'exclusive', ttlMs: 1_000, noWait: false }).frames).to.deep.equal([])
    expect(keyState(c, 'n0')).to.include({ votes: 0, queued: 0 })
  })

  it('duplicates: a REQUEST is answered with the current answer, a COMMIT with COMMITTED again, a RELEASE with RELEASED again — nothing else changes', () => {
    const c = cluster()
    // n1 holds k0 at n0; n2's request queues behind it at n0.
    c.acquire('n1', { handle: 1, key })
    c.settle()
    const request1 = c.log.find(m => m.from === 'n1' && m.to === 'n0' && m.frame.b.t === 'REQUEST')!
    const commit1 = c.log.find(m => m.from === 'n1' && m.to === 'n0' && m.frame.b.t === 'COMMIT')!
    expect(feed(c, 'n1', 'n0', request1.frame.b).frames).to.deep.equal(['GRANT n0>n1 n1.1 g1.1 fence=0'])
    expect(feed(c, 'n1', 'n0', commit1.frame.b).frames).to.deep.equal(['COMMITTED n0>n1 n1.1 round=1'])
    // A repeat with another token is not "the same COMMIT".
    expect(feed(c, 'n1', 'n0', { ...commit1.frame.b, token: 7n }).frames).to.deep.equal(['REFUSED n0>n1 n1.1 commit fence round=1'])
    c.acquire('n2', { handle: 1, key })
    c.settle()
    const request2 = c.log.find(m => m.from === 'n2' && m.to === 'n0' && m.frame.b.t === 'REQUEST')!
    expect(feed(c, 'n2', 'n0', request2.frame.b).frames).to.deep.equal(['FAILED n0>n2 n2.1 priority'])
    expect(keyState(c, 'n0')).to.include({ votes: 1, committed: 1, queued: 1, fence: '1' })
    // RELEASE of n1's lock, then a duplicate of it after n2 was granted: n2's vote stays.
    c.release('n1', 1)
    c.settle()
    expect(c.granted('n2', 1)).to.not.equal(undefined)
    const release1 = c.log.find(m => m.from === 'n1' && m.to === 'n0' && m.frame.b.t === 'RELEASE')!
    expect(feed(c, 'n1', 'n0', release1.frame.b).frames).to.deep.equal(['RELEASED n0>n1 n1.1'])
    expect(keyState(c, 'n0')).to.include({ votes: 1, committed: 1, queued: 0, fence: '2' })
  })

  it('a REQUEST with a ttl outside (0, ttlMsMax] is answered FAILED(invalid) and the acquire fails with reason invalid', () => {
    const c = cluster()
    for (const ttlMs of [0, -1, 5_001, Number.NaN]) {
      const out = feed(c, 'n1', 'n0', { t: 'REQUEST', key, id: id('n1', 3), ts: 1n, mode: 'exclusive', ttlMs, noWait: false })
      expect(out.frames, String(ttlMs)).to.deep.equal(['FAILED n0>n1 n1.3 invalid'])
    }
    expect(keyState(c, 'n0')).to.equal(undefined)
    // The requester side: a voter's FAILED(invalid) ends the acquire.
    c.acquire('n1', { handle: 1, key })
    c.settle(m => m.frame.b.t !== 'GRANT')
    const out = feed(c, 'n0', 'n1', { t: 'FAILED', key, id: id('n1', 1), reason: 'invalid' })
    expect(out.results).to.deep.equal([{ type: 'failed', handle: 1, key, reason: 'invalid', detail: 'voter n0 refused the request as invalid', reachable: ['n0', 'n1', 'n2'] }])
    expect(out.frames).to.deep.equal(['RELEASE n1>n0 n1.1', 'RELEASE n1>n1 n1.1'])
  })
})

describe('core guards: requester — rounds, stale and unknown answers', () => {
  it('COMMITTED and REFUSED of another COMMIT round neither count nor restart; the real round grants', () => {
    const c = cluster()
    const commits = grantedNotCommitted(c)
    c.inject(commits.filter(m => m.to === 'n0'))
    c.settle(m => !(m.from === 'n1'))
    c.take(m => m.to === 'n1' && m.frame.b.t === 'COMMIT')
    for (const attempt of [0, 2, 99]) {
      const out = feed(c, 'n1', 'n0', { t: 'COMMITTED', key, id: id('n0', 1), attempt })
      expect(out.frames, `COMMITTED round ${attempt}`).to.deep.equal([])
      expect(out.results).to.deep.equal([])
      const refused = feed(c, 'n1', 'n0', { t: 'REFUSED', key, id: id('n0', 1), phase: 'commit', attempt, reason: 'no-grant' })
      expect(refused.frames, `REFUSED round ${attempt}`).to.deep.equal([])
      expect(refused.events).to.deep.equal([])
    }
    expect(c.core('n0').status().acquires[0]).to.include({ phase: 'committing' })
    const out = feed(c, 'n1', 'n0', { t: 'COMMITTED', key, id: id('n0', 1), attempt: 1 })
    expect(out.results.map(r => r.type)).to.deep.equal(['granted'])
    // After the acquire resolved, a late REFUSED of its round is ignored too.
    const late = feed(c, 'n1', 'n0', { t: 'REFUSED', key, id: id('n0', 1), phase: 'commit', attempt: 1, reason: 'fence' })
    expect(late).to.deep.equal({ frames: [], events: [], results: [] })
    expect(c.core('n0').status().acquires[0]).to.include({ phase: 'held' })
  })

  it('EXTENDED and REFUSED(extend) of another extension round are ignored', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key })
    c.settle()
    const validUntil = c.granted('n0', 1)!.validUntil
    c.extend('n0', 1, 2_000)
    c.take(m => m.frame.b.t === 'EXTEND' && m.to === 'n1')
    c.settle()
    for (const attempt of [1, 3]) {
      expect(feed(c, 'n1', 'n0', { t: 'EXTENDED', key, id: id('n0', 1), attempt }).results).to.deep.equal([])
      expect(feed(c, 'n1', 'n0', { t: 'REFUSED', key, id: id('n0', 1), phase: 'extend', attempt, reason: 'expired' }).results).to.deep.equal([])
    }
    const out = feed(c, 'n1', 'n0', { t: 'EXTENDED', key, id: id('n0', 1), attempt: 2 })
    expect(out.results).to.have.length(1)
    expect(out.results[0]).to.include({ type: 'extended', handle: 1 })
    expect((out.results[0] as Extract<Result, { type: 'extended' }>).validUntil.mono).to.be.at.least(validUntil.mono)
  })

  it('a duplicate GRANT (same grant number) is ignored: no second COMMIT, no RELEASE', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key })
    c.settle(m => m.frame.b.t !== 'COMMIT')
    const grant = c.log.find(m => m.from === 'n1' && m.to === 'n0' && m.frame.b.t === 'GRANT')!
    expect(feed(c, 'n1', 'n0', grant.frame.b).frames).to.deep.equal([])
    c.settle()
    expect(feed(c, 'n1', 'n0', grant.frame.b).frames).to.deep.equal([]) // held now: still nothing
    expect(c.log.filter(m => m.frame.b.t === 'COMMIT')).to.have.length(2)
    expect(c.lastResult('n0', 1)?.type).to.equal('granted')
  })

  it('answers for an attempt it no longer runs: GRANT, INQUIRE and COMMITTED are answered with RELEASE; the others with nothing', () => {
    const c = cluster()
    const stray = id('n0', 77)
    const strays: Array<[FrameBody, string[]]> = [
      [{ t: 'GRANT', key, id: stray, grantNo: g(5), fence: 0n }, ['RELEASE n0>n1 n0.77']],
      [{ t: 'INQUIRE', key, id: stray, grantNo: g(5) }, ['RELEASE n0>n1 n0.77']],
      [{ t: 'COMMITTED', key, id: stray, attempt: 1 }, ['RELEASE n0>n1 n0.77']],
      [{ t: 'QUEUED', key, id: stray }, []],
      [{ t: 'FAILED', key, id: stray, reason: 'priority' }, []],
      [{ t: 'REFUSED', key, id: stray, phase: 'commit', attempt: 1, reason: 'no-grant' }, []],
      [{ t: 'EXTENDED', key, id: stray, attempt: 2 }, []],
      [{ t: 'CONTENDED', key, id: stray }, []],
      [{ t: 'RELEASED', key, id: stray }, []]
    ]
    for (const [b, frames] of strays) {
      const out = feed(c, 'n1', 'n0', b)
      expect(out.frames, b.t).to.deep.equal(frames)
      expect(out.results, b.t).to.deep.equal([])
    }
    expect(counter(c, 'n0', 'strayAnswers')).to.equal(3)
  })

  it('a GRANT from a voter outside the attempt\'s quorum is a stray: RELEASEd, not counted as a vote', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key }) // quorum {n0, n1}
    c.settle(m => m.frame.b.t !== 'GRANT')
    const out = feed(c, 'n2', 'n0', { t: 'GRANT', key, id: id('n0', 1), grantNo: g(1), fence: 0n })
    expect(out.frames).to.deep.equal(['RELEASE n0>n2 n0.1'])
    expect(c.core('n0').status().acquires[0]).to.include({ phase: 'requesting', votes: 0 })
  })
})

describe('core guards: commands', () => {
  it('release, extend and cancel of a handle that holds nothing answer not-holder', () => {
    const c = cluster()
    c.release('n0', 5)
    c.extend('n0', 5, 1_000)
    c.cancel('n0', 5)
    expect(c.results('n0')).to.deep.equal([
      { type: 'not-holder', handle: 5, command: 'release' },
      { type: 'not-holder', handle: 5, command: 'extend' },
      { type: 'not-holder', handle: 5, command: 'cancel' }
    ])
    // A released lock's handle holds nothing any more.
    c.acquire('n0', { handle: 1, key })
    c.settle()
    c.release('n0', 1)
    c.release('n0', 1)
    expect(c.results('n0').slice(-2)).to.deep.equal([
      { type: 'released', handle: 1, key },
      { type: 'not-holder', handle: 1, command: 'release' }
    ])
    expect(c.log.filter(m => m.frame.b.t === 'RELEASE' && m.from === 'n0')).to.have.length(2) // one per voter, once
  })

  it('invalid acquire options fail at once with reason invalid and send nothing', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key: 'busy' })
    const cases: Array<[string, Parameters<HandCluster['acquire']>[1], string]> = [
      ['handle in use', { handle: 1, key }, 'handle 1 is already in use'],
      ['empty key', { handle: 2, key: '' }, 'key must be a string of 1..512 characters'],
      ['key too long', { handle: 3, key: 'k'.repeat(513) }, 'key must be a string of 1..512 characters'],
      ['key not a string', { handle: 4, key: 42 as unknown as string }, 'key must be a string of 1..512 characters'],
      ['ttl 0', { handle: 5, key, ttlMs: 0 }, 'ttlMs must be in [1, 5000]'],
      ['ttl above ttlMsMax', { handle: 6, key, ttlMs: 5_001 }, 'ttlMs must be in [1, 5000]'],
      ['ttl NaN', { handle: 7, key, ttlMs: Number.NaN }, 'ttlMs must be in [1, 5000]'],
      ['mode unknown', { handle: 8, key, mode: 'upgrade' as 'shared' }, "mode must be 'exclusive' or 'shared'"],
      ['waitMs negative', { handle: 9, key, waitMs: -1 }, 'waitMs must be >= 0 or null'],
      ['waitMs NaN', { handle: 10, key, waitMs: Number.NaN }, 'waitMs must be >= 0 or null']
    ]
    for (const [name, cmd, detail] of cases) {
      const mark = c.log.length
      c.acquire('n0', cmd)
      expect(c.lastResult('n0', cmd.handle), name).to.deep.equal({ type: 'failed', handle: cmd.handle, key: cmd.key, reason: 'invalid', detail, reachable: ['n0', 'n1', 'n2'] })
      expect(transcript(c, mark), name).to.deep.equal([])
    }
    // The acquire that owns handle 1 is unaffected.
    c.settle()
    expect(c.granted('n0', 1)?.key).to.equal('busy')
  })

  it('extend: invalid ttl → extend-failed invalid; not yet held → extend-failed not-held; a second extend while one runs → invalid', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key })
    c.extend('n0', 1, 1_000)
    expect(c.lastResult('n0', 1)).to.deep.equal({ type: 'extend-failed', handle: 1, key, reason: 'not-held' })
    c.settle()
    for (const ttlMs of [0, 5_001, Number.NaN]) {
      c.extend('n0', 1, ttlMs)
      expect(c.lastResult('n0', 1), String(ttlMs)).to.deep.equal({ type: 'extend-failed', handle: 1, key, reason: 'invalid' })
    }
    c.extend('n0', 1, 1_000)
    c.extend('n0', 1, 1_000)
    expect(c.lastResult('n0', 1)).to.deep.equal({ type: 'extend-failed', handle: 1, key, reason: 'invalid' })
    c.settle()
    expect(c.lastResult('n0', 1)?.type).to.equal('extended')
  })
})

describe('voter bookkeeping', () => {
  it('the per-peer request count returns to what the voter holds after contention, releases and cancels', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    let handle = 100
    for (let round = 0; round < 5; round++) {
      for (const id of c.ids) c.acquire(id, { handle: handle++, key: `k${round % 2}`, ttlMs: 300 })
      c.settle()
      for (const id of c.ids) for (const r of c.results(id, 'granted')) c.release(id, (r as { handle: number }).handle)
      c.cancel('n1', handle - 1)
      c.advance(400)
    }
    for (const id of c.ids) {
      const v = c.core(id).status().voter
      expect(v.tracked).to.equal(v.votes + v.queued)
    }
  })
})

describe('voter bounds', () => {
  it('tombstones stay within limits.tombstonesMax (oldest evicted) and empty keys are forgotten', () => {
    const c = new HandCluster({ nodes: 3, config: { limits: { tombstonesMax: 8 } as never } })
    c.bootPastQuiet()
    // A hostile or confused peer releases 50 attempts on 50 keys the voter never saw.
    for (let i = 0; i < 50; i++) {
      const id: AttemptId = { peer: 'n1', inc: 1, seq: 1000 + i }
      c.inject([{ from: 'n1', to: 'n0', frame: { h: { clock: 1n, inc: 1, fn: 0, ack: 0, ackInc: 0 }, b: { t: 'RELEASE', key: `cold-${i}`, id } } }])
    }
    const v = c.core('n0').status().voter
    expect(v.tombstones).to.equal(8)
    expect(v.keys).to.equal(8)
  })
})
