/**
 * The shared checkers (simulations/check/) on hand-made simulator runs: the
 * simulator's Observer records what happened, its history goes through the
 * same `runCheckers` that `lockmesh check` runs; a violating run is reported
 * with the expected kind, a clean one passes. Clocks here read true time
 * (identity), so validUntil is a true instant.
 */
import { expect } from 'chai'
import { beliefWindows } from '../simulations/check/belief-windows.js'
import { runCheckers } from '../simulations/check/check-history.js'
import { nsToMs, parseHistoryText } from '../simulations/check/history.js'
import type { StoreDecision } from '../simulations/sim/fenced-store.js'
import { historyLine, Observer, type RequestInfo, type RunMeta } from '../simulations/sim/observer.js'
import type { LockMode } from '../src/core/types.js'

const ROSTER = ['n0', 'n1', 'n2']

function observer (meta: Partial<RunMeta> = {}): Observer {
  return new Observer({
    roster: ROSTER,
    quorum: 'majority',
    unsafeNoIntersection: false,
    faultFree: false,
    ttlMsMax: 2000,
    rho: 0.01,
    detectMs: 500,
    detectionCap: 1,
    stableMs: 100,
    liveBoundMs: 3000,
    healAt: 10_000,
    liveAt: 12_000,
    endAt: 20_000,
    ...meta
  }, {
    monoToTrue: (_n, mono, from) => Math.max(from, mono),
    wallToTrue: (_n, wall, from) => Math.max(from, wall)
  })
}

interface Grant { t: number, handle: number, until: number, node?: number, key?: string, mode?: LockMode, token?: bigint, id?: string, wall?: number }

/** The app starts an acquire and it resolves at once. */
function grant (o: Observer, g: Grant): void {
  const node = g.node ?? 0
  const key = g.key ?? 'k'
  const mode = g.mode ?? 'exclusive'
  o.acquireStart(g.t, node, g.handle, key, mode, false, null, false)
  o.acquired(g.t, node, g.handle, key, mode, g.token ?? BigInt(g.handle), { mono: g.until, wall: g.wall ?? g.until + 1e9 }, g.id ?? `${ROSTER[node]!}:1.${g.handle}`)
}

function allKinds (o: Observer): string[] {
  return runCheckers(o.history()).violations.map(v => v.kind)
}

/** Kinds reported, the loss-timeliness check aside (hand-made runs rarely carry 'lost'). */
function kinds (o: Observer): string[] {
  return allKinds(o).filter(k => k !== 'late-loss')
}

function decision (d: Partial<StoreDecision> & Pick<StoreDecision, 't' | 'op' | 'token' | 'accepted' | 'handle'>): StoreDecision {
  return { key: 'k', value: 0, maxWrite: -1n, maxSeen: -1n, node: 0, ...d }
}

function truth (o: Observer, t: number, running: boolean[], cut: Array<[number, number]> = [], clean = true): void {
  const blocked = new Uint8Array(9)
  for (const [a, b] of cut) blocked[a * 3 + b] = 1
  o.truth(t, running, blocked, clean)
}

describe('sim checkers: belief windows', () => {
  it('end at the earliest of release, lost, death, mono and wall deadline; extended moves it', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    grant(o, { t: 0, handle: 2, until: 100, key: 'k2' })
    o.releaseIssued(40, 0, 2)
    grant(o, { t: 0, handle: 3, until: 100, key: 'k3' })
    o.lost(30, 0, 3)
    grant(o, { t: 0, handle: 4, until: 100, key: 'k4' })
    o.extended(50, 0, 4, { mono: 300, wall: 1e9 })
    grant(o, { t: 0, handle: 5, until: 100, node: 1, wall: 20 })
    grant(o, { t: 0, handle: 6, until: 100, node: 2, key: 'k6' })
    o.life(10, 2, 'crash')
    const ends = beliefWindows(o.history()).map(w => [w.worker.split('/h')[1], nsToMs(w.end)])
    expect(ends).to.deep.equal([['1', 100], ['2', 40], ['3', 30], ['4', 300], ['5', 20], ['6', 10]])
  })

  it('a crash fails the pending acquires and loses the holds of that node only', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    o.acquireStart(5, 0, 2, 'k2', 'shared', false, 500, false)
    grant(o, { t: 0, handle: 3, until: 100, node: 1, key: 'k3' })
    o.life(10, 0, 'crash')
    const h = o.history()
    const answers = h.filter(r => r.type === 'lost' || r.type === 'acquire-failed').map(r => [r.type, (r as { worker: string }).worker, (r as { reason?: string }).reason])
    expect(answers).to.deep.equal([['lost', 'n0#0/h1', 'killed'], ['acquire-failed', 'n0#0/h2', 'killed']])
    expect(kinds(o)).to.deep.equal([])
  })
})

describe('sim checkers: mutual exclusion', () => {
  it('reports two exclusive holders believing at once', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    grant(o, { t: 50, handle: 2, until: 150, node: 1 })
    expect(kinds(o)).to.include('mutual-exclusion')
  })

  it('allows shared holders together and exclusive ones back to back', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100, mode: 'shared' })
    grant(o, { t: 10, handle: 2, until: 100, mode: 'shared', node: 1 })
    grant(o, { t: 100, handle: 3, until: 200 })
    grant(o, { t: 150, handle: 4, until: 300, node: 2 })
    o.releaseIssued(149, 0, 3)
    expect(kinds(o)).to.deep.equal([])
  })

  it('an extension past the next grant is an overlap', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    o.extended(90, 0, 1, { mono: 200, wall: 1e9 })
    grant(o, { t: 150, handle: 2, until: 300, node: 1 })
    expect(kinds(o)).to.include('mutual-exclusion')
  })

  it('validUntil is mapped to true time with the clock history at the end of the run', () => {
    // Node 1's clock runs at half speed: its local deadline 100 falls at true 200.
    const o = new Observer(observer().meta, {
      monoToTrue: (n, mono, from) => n === 1 ? Math.max(from, mono * 2) : Math.max(from, mono),
      wallToTrue: (_n, _wall, _from) => Infinity
    })
    grant(o, { t: 0, handle: 1, until: 100, node: 1 })
    grant(o, { t: 150, handle: 2, until: 300, node: 0 })
    expect(kinds(o)).to.include('mutual-exclusion')
  })
})

describe('sim checkers: fencing', () => {
  it('token order: a later exclusive grant with a lower token is reported', () => {
    const o = observer()
    grant(o, { t: 0, handle: 5, until: 10 })
    grant(o, { t: 20, handle: 3, until: 30 })
    expect(kinds(o)).to.deep.equal(['token-order'])
  })

  it('store rule: a decision that contradicts the two marks is reported', () => {
    const o = observer()
    o.storeDecision(decision({ t: 1, op: 'read', token: 9n, accepted: true, handle: 1 }))
    o.storeDecision(decision({ t: 2, op: 'write', token: 8n, accepted: true, handle: 2, value: 1 }))
    expect(kinds(o)).to.include('store-marks')
    const ok = observer()
    ok.storeDecision(decision({ t: 1, op: 'read', token: 9n, accepted: true, handle: 1 }))
    ok.storeDecision(decision({ t: 2, op: 'write', token: 8n, accepted: false, handle: 2 }))
    expect(kinds(ok)).to.deep.equal([])
  })

  it('an operation rejected inside its holder window is reported, outside it is not', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    o.storeDecision(decision({ t: 50, op: 'read', token: 1n, accepted: false, handle: 1 }))
    expect(kinds(o)).to.include('valid-op-rejected')
    const late = observer()
    grant(late, { t: 0, handle: 1, until: 100 })
    late.storeDecision(decision({ t: 150, op: 'read', token: 1n, accepted: false, handle: 1 }))
    expect(kinds(late)).to.not.include('valid-op-rejected')
  })
})

describe('sim checkers: lost update', () => {
  it('counter must equal accepted increments', () => {
    const o = observer()
    o.storeDecision(decision({ t: 1, op: 'write', token: 1n, accepted: true, handle: 1, value: 1 }))
    o.storeDecision(decision({ t: 2, op: 'write', token: 2n, accepted: true, handle: 2, value: 1 }))
    const found = kinds(o)
    expect(found).to.not.deep.equal([])
    expect(new Set(found)).to.deep.equal(new Set(['lost-update']))
    const ok = observer()
    ok.storeDecision(decision({ t: 1, op: 'write', token: 1n, accepted: true, handle: 1, value: 1 }))
    ok.storeDecision(decision({ t: 2, op: 'write', token: 2n, accepted: true, handle: 2, value: 2 }))
    expect(kinds(ok)).to.deep.equal([])
  })
})

describe('sim checkers: liveness', () => {
  const start = (o: Observer, handle: number, over: { noWait?: boolean, live?: boolean } = {}): void =>
    o.acquireStart(12_100, 0, handle, 'k', 'exclusive', over.noWait ?? false, 1000, over.live ?? true)

  it('a timeout, a wrong failure or silence past the bound is reported', () => {
    const o = observer()
    start(o, 1)
    o.acquireFailed(13_100, 0, 1, 'timeout')
    start(o, 2)
    o.acquireFailed(12_200, 0, 2, 'read-only')
    start(o, 3)
    expect(kinds(o)).to.deep.equal(['liveness', 'liveness', 'liveness'])
  })

  it('granted within the bound, or busy for tryAcquire, passes; safety-phase acquires are not judged', () => {
    const o = observer()
    start(o, 1)
    o.acquired(12_500, 0, 1, 'k', 'exclusive', 1n, { mono: 12_600, wall: 1e9 }, 'n0:1.1')
    start(o, 2, { noWait: true })
    o.acquireFailed(12_101, 0, 2, 'busy')
    start(o, 3, { live: false }) // not judged, and answered by run-end
    expect(kinds(o)).to.deep.equal([])
  })
})

describe('sim checkers: answered', () => {
  it('an acquire answered twice is reported', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    o.acquireFailed(10, 0, 1, 'timeout')
    expect(kinds(o)).to.deep.equal(['answered'])
  })
})

describe('sim checkers: fairness', () => {
  function request (o: Observer, id: string, ts: bigint, from: number, to: number, sentAt: number, arrivedAt: number): void {
    const [peer, rest] = id.split(':') as [string, string]
    const [inc, seq] = rest.split('.').map(Number) as [number, number]
    const info: RequestInfo = { key: 'k', id, peer, inc, seq, ts, mode: 'exclusive', noWait: false }
    o.requestSent(sentAt, from, to, info)
    o.requestDelivered(arrivedAt, from, to, info)
  }
  /** A fault-free run counts from every node's first mode. */
  function settled (o: Observer): void {
    for (const node of [0, 1, 2]) o.mode(0, node, 'read-write', true)
  }

  it('reports y granted before x when x outranks y and reached the common voter first', () => {
    const o = observer({ faultFree: true })
    settled(o)
    request(o, 'n0:1.1', 1n, 0, 1, 10, 11)
    request(o, 'n2:1.1', 2n, 2, 1, 10, 12)
    grant(o, { t: 20, handle: 2, until: 30, node: 2, id: 'n2:1.1' })
    grant(o, { t: 40, handle: 1, until: 50, node: 0, id: 'n0:1.1' })
    expect(kinds(o)).to.include('fairness')
  })

  it('passes when x is granted first, or y reached the voter first', () => {
    const o = observer({ faultFree: true })
    settled(o)
    request(o, 'n0:1.1', 1n, 0, 1, 10, 11)
    request(o, 'n2:1.1', 2n, 2, 1, 10, 12)
    grant(o, { t: 20, handle: 1, until: 30, node: 0, id: 'n0:1.1' })
    o.releaseIssued(25, 0, 1)
    grant(o, { t: 40, handle: 2, until: 50, node: 2, id: 'n2:1.1' })
    expect(kinds(o)).to.deep.equal([])
    const p = observer({ faultFree: true })
    settled(p)
    request(p, 'n0:1.1', 1n, 0, 1, 10, 13)
    request(p, 'n2:1.1', 2n, 2, 1, 10, 12)
    grant(p, { t: 20, handle: 2, until: 30, node: 2, id: 'n2:1.1', token: 1n })
    grant(p, { t: 40, handle: 1, until: 50, node: 0, id: 'n0:1.1', token: 2n })
    expect(kinds(p)).to.deep.equal([])
  })
})

describe('sim checkers: id reuse', () => {
  const info: RequestInfo = { key: 'k', id: 'n0:1.7', peer: 'n0', inc: 1, seq: 7, ts: 3n, mode: 'exclusive', noWait: false }

  it('a REQUEST for an id already RELEASEd at that voter is reported; retransmissions before it are not', () => {
    const o = observer()
    o.requestSent(1, 0, 1, info)
    o.requestSent(2, 0, 1, info)
    o.requestSent(3, 0, 2, info)
    o.releaseSent(4, 0, 2, info.id)
    expect(kinds(o)).to.deep.equal([])
    const r = observer()
    r.requestSent(1, 0, 1, info)
    r.releaseSent(4, 0, 1, info.id)
    r.requestSent(5, 0, 1, info)
    r.requestSent(6, 0, 1, info)
    expect(kinds(r)).to.deep.equal(['id-reuse'])
  })
})

describe('sim checkers: modes', () => {
  it('a node still read-only long after a write quorum became reachable is reported', () => {
    const o = observer({ endAt: 5000 })
    truth(o, 0, [true, true, true])
    for (const node of [0, 1, 2]) o.mode(300, node, 'read-write', true)
    o.mode(1000, 2, 'read-only', false)
    expect(kinds(o)).to.deep.equal(['modes'])
  })

  it('modes that follow the reachable set within detection + stable pass', () => {
    const o = observer({ endAt: 5000 })
    truth(o, 0, [true, true, true])
    for (const node of [0, 1, 2]) o.mode(300, node, 'read-write', true)
    // n2 isolated at 2000: it must be read-only without shared locks by 2600.
    truth(o, 2000, [true, true, true], [[2, 0], [0, 2], [2, 1], [1, 2]])
    o.mode(2400, 2, 'read-only', false)
    expect(kinds(o)).to.deep.equal([])
  })

  it('with the local health cap (8): detection + stable before any process was frozen, detection × 8 + stable once one was', () => {
    const isolateN2 = (o: Observer, at: number): void => truth(o, at, [true, true, true], [[2, 0], [0, 2], [2, 1], [1, 2]])
    // No freeze anywhere: n2 must be read-only by 2000 + 500 + 100 ms even with the cap at 8.
    const healthy = observer({ endAt: 8000, detectionCap: 8 })
    truth(healthy, 0, [true, true, true])
    for (const node of [0, 1, 2]) healthy.mode(300, node, 'read-write', true)
    isolateN2(healthy, 2000)
    healthy.mode(3000, 2, 'read-only', false)
    expect(kinds(healthy)).to.deep.equal(['modes'])
    // n1 was frozen for 100 ms just before: n2's multiplier may be up, 500 × 8 + 100 ms allowed.
    const nearFreeze = observer({ endAt: 8000, detectionCap: 8 })
    truth(nearFreeze, 0, [true, true, true])
    for (const node of [0, 1, 2]) nearFreeze.mode(300, node, 'read-write', true)
    truth(nearFreeze, 1800, [true, false, true])
    truth(nearFreeze, 1900, [true, true, true])
    isolateN2(nearFreeze, 2000)
    nearFreeze.mode(3000, 2, 'read-only', false)
    expect(kinds(nearFreeze)).to.deep.equal([])
  })

  it('a frozen peer is unreachable, and a lossy interval is not judged', () => {
    const o = observer({ endAt: 5000 })
    truth(o, 0, [true, true, true])
    for (const node of [0, 1, 2]) o.mode(300, node, 'read-write', true)
    truth(o, 1000, [true, false, false]) // n1, n2 paused: n0 keeps no quorum
    expect(kinds(o)).to.deep.equal(['modes'])
    const lossy = observer({ endAt: 5000 })
    truth(lossy, 0, [true, true, true])
    for (const node of [0, 1, 2]) lossy.mode(300, node, 'read-write', true)
    truth(lossy, 1000, [true, false, false], [], false)
    expect(kinds(lossy)).to.deep.equal([])
  })
})

describe('sim checkers: fault-free runs', () => {
  it('an attempt restart or suspicion drop after settling is reported only in fault-free seeds', () => {
    const o = observer({ faultFree: true })
    for (const node of [0, 1, 2]) o.mode(100, node, 'read-write', true)
    o.attemptRestart(50, 0, 'k', 'start-up')
    o.attemptRestart(500, 0, 'k', 'voter n1 is suspected')
    o.suspicionDrop(600, 1, 'k', 'peer n0')
    expect(kinds(o)).to.deep.equal(['fault-free-restart', 'fault-free-restart'])
    const f = observer({ faultFree: false })
    for (const node of [0, 1, 2]) f.mode(100, node, 'read-write', true)
    f.attemptRestart(500, 0, 'k', 'voter n1 is suspected')
    expect(kinds(f)).to.deep.equal([])
  })
})

describe('sim checkers: loss reported at the first step after the deadline', () => {
  it("a window that ran out with no 'lost' until much later is reported", () => {
    const o = observer()
    truth(o, 0, [true, true, true])
    grant(o, { t: 0, handle: 1, until: 100 })
    o.lost(400, 0, 1)
    expect(allKinds(o)).to.deep.equal(['late-loss'])
  })

  it("a frozen node reports it when it runs again; 'lost' in time or a release passes", () => {
    const o = observer()
    truth(o, 0, [true, true, true])
    truth(o, 50, [false, true, true])
    truth(o, 300, [true, true, true])
    grant(o, { t: 0, handle: 1, until: 100 })
    o.lost(301, 0, 1)
    grant(o, { t: 0, handle: 2, until: 30, node: 1, key: 'k2' })
    o.lost(30, 1, 2)
    grant(o, { t: 0, handle: 3, until: 30, node: 2, key: 'k3' })
    o.releaseIssued(20, 2, 3)
    expect(allKinds(o)).to.deep.equal([])
  })
})

describe('sim history: one format with lockmesh simulate', () => {
  it('written as history.jsonl and read back, it gives the same findings', () => {
    const o = observer({ faultFree: true, endAt: 5000 })
    truth(o, 0, [true, true, true])
    for (const node of [0, 1, 2]) o.mode(300, node, 'read-write', true)
    o.life(0, 0, 'start')
    grant(o, { t: 400, handle: 1, until: 900 })
    grant(o, { t: 500, handle: 2, until: 1000, node: 1 })
    o.storeDecision(decision({ t: 600, op: 'write', token: 1n, accepted: true, handle: 1, value: 1 }))
    o.requestSent(700, 0, 1, { key: 'k', id: 'n0:1.1', peer: 'n0', inc: 1, seq: 1, ts: 18446744073709551615n, mode: 'exclusive', noWait: false })
    o.attemptRestart(800, 0, 'k', 'voter n1 is suspected')
    const direct = runCheckers(o.history()).violations
    const text = o.history().map(historyLine).join('\n')
    const parsed = parseHistoryText(text)
    expect(parsed.filter(r => r.type === 'malformed' || r.type === 'unknown')).to.deep.equal([])
    const viaFile = runCheckers(parsed).violations
    expect(viaFile).to.deep.equal(direct)
    expect(direct.map(v => v.kind)).to.include.members(['mutual-exclusion', 'fault-free-restart'])
  })
})
