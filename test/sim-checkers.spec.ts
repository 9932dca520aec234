/**
 * Every DESIGN.md §5 checker on hand-made observer streams: a violating
 * stream is reported with the expected kind, a clean one passes.
 * Clocks here read true time (identity), so validUntil is a true instant.
 */
import { expect } from 'chai'
import { checkAll } from '../simulations/sim/checkers/index.js'
import { beliefWindows } from '../simulations/sim/checkers/belief-windows.js'
import { Observer, type GrantedRec, type RunMeta } from '../simulations/sim/observer.js'
import type { StoreDecision } from '../simulations/sim/fenced-store.js'

const ROSTER = ['n0', 'n1', 'n2']

function observer (meta: Partial<RunMeta> = {}): Observer {
  return new Observer({
    roster: ROSTER,
    quorum: 'majority',
    unsafeNoIntersection: false,
    faultFree: false,
    ttlMsMax: 2000,
    detectMs: 500,
    stableMs: 100,
    healAt: 10_000,
    liveAt: 12_000,
    endAt: 20_000,
    settledAt: 0,
    ...meta
  }, {
    monoToTrue: (_n, mono, from) => Math.max(from, mono),
    wallToTrue: (_n, wall, from) => Math.max(from, wall)
  })
}

function grant (o: Observer, g: Partial<GrantedRec> & { t: number, handle: number, until: number }): void {
  o.granted.push({ node: 0, key: 'k', mode: 'exclusive', token: BigInt(g.handle), id: `n0:1.${g.handle}`, validUntil: { mono: g.until, wall: g.until + 1e9 }, ...g })
}

/** Kinds reported, the loss-timeliness check aside (hand-made streams rarely carry 'lost'). */
function kinds (o: Observer): string[] {
  return checkAll(o).map(v => v.kind).filter(k => k !== 'late-loss')
}

function decision (d: Partial<StoreDecision> & Pick<StoreDecision, 't' | 'op' | 'token' | 'accepted' | 'handle'>): StoreDecision {
  return { key: 'k', value: 0, maxWrite: -1n, maxSeen: -1n, node: 0, ...d }
}

describe('sim checkers: belief windows', () => {
  it('end at the earliest of release, lost, death, mono and wall deadline; extended moves it', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    grant(o, { t: 0, handle: 2, until: 100 })
    o.releaseIssued.push({ t: 40, node: 0, handle: 2 })
    grant(o, { t: 0, handle: 3, until: 100 })
    o.lost.push({ t: 30, node: 0, handle: 3 })
    grant(o, { t: 0, handle: 4, until: 100 })
    o.extended.push({ t: 50, node: 0, handle: 4, validUntil: { mono: 300, wall: 1e9 } })
    grant(o, { t: 0, handle: 5, until: 100, node: 1, validUntil: { mono: 100, wall: 20 } })
    grant(o, { t: 0, handle: 6, until: 100, node: 2 })
    o.life.push({ t: 10, node: 2, what: 'crash' })
    const ends = beliefWindows(o).map(w => [w.handle, w.end])
    expect(ends).to.deep.equal([[1, 100], [2, 40], [3, 30], [4, 300], [5, 20], [6, 10]])
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
    o.releaseIssued.push({ t: 149, node: 0, handle: 3 })
    expect(kinds(o)).to.deep.equal([])
  })

  it('an extension past the next grant is an overlap', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    o.extended.push({ t: 90, node: 0, handle: 1, validUntil: { mono: 200, wall: 1e9 } })
    grant(o, { t: 150, handle: 2, until: 300, node: 1 })
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
    o.store = [
      decision({ t: 1, op: 'read', token: 9n, accepted: true, handle: 1 }),
      decision({ t: 2, op: 'write', token: 8n, accepted: true, handle: 2, value: 1 })
    ]
    expect(kinds(o)).to.include('store-two-marks')
    const ok = observer()
    ok.store = [
      decision({ t: 1, op: 'read', token: 9n, accepted: true, handle: 1 }),
      decision({ t: 2, op: 'write', token: 8n, accepted: false, handle: 2 })
    ]
    expect(kinds(ok)).to.deep.equal([])
  })

  it('an operation rejected inside its holder window is reported, outside it is not', () => {
    const o = observer()
    grant(o, { t: 0, handle: 1, until: 100 })
    o.store = [decision({ t: 50, op: 'read', token: 1n, accepted: false, handle: 1 })]
    expect(kinds(o)).to.include('valid-op-rejected')
    const late = observer()
    grant(late, { t: 0, handle: 1, until: 100 })
    late.store = [decision({ t: 150, op: 'read', token: 1n, accepted: false, handle: 1 })]
    expect(kinds(late)).to.not.include('valid-op-rejected')
  })
})

describe('sim checkers: lost update', () => {
  it('counter must equal accepted increments', () => {
    const o = observer()
    o.store = [
      decision({ t: 1, op: 'write', token: 1n, accepted: true, handle: 1, value: 1 }),
      decision({ t: 2, op: 'write', token: 2n, accepted: true, handle: 2, value: 1 })
    ]
    expect(kinds(o)).to.deep.equal(['lost-update'])
    const ok = observer()
    ok.store = [
      decision({ t: 1, op: 'write', token: 1n, accepted: true, handle: 1, value: 1 }),
      decision({ t: 2, op: 'write', token: 2n, accepted: true, handle: 2, value: 2 })
    ]
    expect(kinds(ok)).to.deep.equal([])
  })
})

describe('sim checkers: liveness', () => {
  const live = { node: 0, key: 'k', mode: 'exclusive' as const, noWait: false, waitMs: 1000, live: true }
  it('a timeout, a wrong failure or silence past the bound is reported', () => {
    const o = observer()
    o.acquires.push({ t: 12_100, handle: 1, ...live })
    o.failed.push({ t: 13_100, node: 0, handle: 1, reason: 'timeout' })
    o.acquires.push({ t: 12_100, handle: 2, ...live })
    o.failed.push({ t: 12_200, node: 0, handle: 2, reason: 'read-only' })
    o.acquires.push({ t: 12_100, handle: 3, ...live })
    expect(kinds(o)).to.deep.equal(['liveness', 'liveness', 'liveness'])
  })

  it('granted within the bound, or busy for tryAcquire, passes', () => {
    const o = observer()
    o.acquires.push({ t: 12_100, handle: 1, ...live })
    grant(o, { t: 12_500, handle: 1, until: 12_600 })
    o.acquires.push({ t: 12_100, handle: 2, ...live, noWait: true })
    o.failed.push({ t: 12_101, node: 0, handle: 2, reason: 'busy' })
    o.acquires.push({ t: 5_000, handle: 3, ...live, live: false }) // safety phase: not judged
    expect(kinds(o)).to.deep.equal([])
  })
})

describe('sim checkers: fairness', () => {
  function request (o: Observer, id: string, ts: bigint, from: number, to: number, sentAt: number, arrivedAt: number): void {
    const [peer, rest] = id.split(':') as [string, string]
    const [inc, seq] = rest.split('.').map(Number) as [number, number]
    const rec = { from, to, key: 'k', id, peer, inc, seq, ts, mode: 'exclusive' as const, noWait: false }
    o.requestSends.push({ t: sentAt, ...rec })
    o.requestDeliveries.push({ t: arrivedAt, ...rec })
  }

  it('reports y granted before x when x outranks y and reached the common voter first', () => {
    const o = observer({ faultFree: true })
    request(o, 'n0:1.1', 1n, 0, 1, 10, 11)
    request(o, 'n2:1.1', 2n, 2, 1, 10, 12)
    grant(o, { t: 20, handle: 2, until: 30, node: 2, id: 'n2:1.1' })
    grant(o, { t: 40, handle: 1, until: 50, node: 0, id: 'n0:1.1' })
    expect(kinds(o)).to.include('fairness')
  })

  it('passes when x is granted first, or y reached the voter first', () => {
    const o = observer({ faultFree: true })
    request(o, 'n0:1.1', 1n, 0, 1, 10, 11)
    request(o, 'n2:1.1', 2n, 2, 1, 10, 12)
    grant(o, { t: 20, handle: 1, until: 30, node: 0, id: 'n0:1.1' })
    o.releaseIssued.push({ t: 25, node: 0, handle: 1 })
    grant(o, { t: 40, handle: 2, until: 50, node: 2, id: 'n2:1.1' })
    expect(kinds(o)).to.deep.equal([])
    const p = observer({ faultFree: true })
    request(p, 'n0:1.1', 1n, 0, 1, 10, 13)
    request(p, 'n2:1.1', 2n, 2, 1, 10, 12)
    grant(p, { t: 20, handle: 2, until: 30, node: 2, id: 'n2:1.1', token: 1n })
    grant(p, { t: 40, handle: 1, until: 50, node: 0, id: 'n0:1.1', token: 2n })
    expect(kinds(p)).to.deep.equal([])
  })
})

describe('sim checkers: modes', () => {
  function truth (o: Observer, t: number, running: boolean[], cut: Array<[number, number]> = []): void {
    const blocked = new Uint8Array(9)
    for (const [a, b] of cut) blocked[a * 3 + b] = 1
    o.truth.push({ t, running, blocked, clean: true })
  }

  it('a node still read-only long after a write quorum became reachable is reported', () => {
    const o = observer({ endAt: 5000 })
    truth(o, 0, [true, true, true])
    for (const node of [0, 1, 2]) o.modes.push({ t: 300, node, mode: 'read-write', sharedLocks: true })
    o.modes.push({ t: 1000, node: 2, mode: 'read-only', sharedLocks: false })
    expect(kinds(o)).to.deep.equal(['mode'])
  })

  it('modes that follow the reachable set within detection + stable pass', () => {
    const o = observer({ endAt: 5000 })
    truth(o, 0, [true, true, true])
    for (const node of [0, 1, 2]) o.modes.push({ t: 300, node, mode: 'read-write', sharedLocks: true })
    // n2 isolated at 2000: it must be read-only without shared locks by 2600.
    truth(o, 2000, [true, true, true], [[2, 0], [0, 2], [2, 1], [1, 2]])
    o.modes.push({ t: 2400, node: 2, mode: 'read-only', sharedLocks: false })
    expect(kinds(o)).to.deep.equal([])
  })
})

describe('sim checkers: fault-free runs', () => {
  it('an attempt restart or suspicion drop after settling is reported only in fault-free seeds', () => {
    const o = observer({ faultFree: true, settledAt: 100 })
    o.attemptRestarts.push({ t: 50, node: 0, key: 'k', why: 'start-up' })
    o.attemptRestarts.push({ t: 500, node: 0, key: 'k', why: 'voter n1 is suspected' })
    o.suspicionDrops.push({ t: 600, node: 1, key: 'k', why: 'peer n0' })
    expect(kinds(o)).to.deep.equal(['fault-free-restart', 'fault-free-restart'])
    const f = observer({ faultFree: false })
    f.attemptRestarts.push({ t: 500, node: 0, key: 'k', why: 'voter n1 is suspected' })
    expect(kinds(f)).to.deep.equal([])
  })
})

describe('sim checkers: loss reported at the first step after the deadline', () => {
  it("a window that ran out with no 'lost' until much later is reported", () => {
    const o = observer()
    o.truth.push({ t: 0, running: [true, true, true], blocked: new Uint8Array(9), clean: true })
    grant(o, { t: 0, handle: 1, until: 100 })
    o.lost.push({ t: 400, node: 0, handle: 1 })
    expect(checkAll(o).map(v => v.kind).filter(k => k !== 'mode')).to.deep.equal(['late-loss'])
  })

  it("a frozen node reports it when it runs again; 'lost' in time or a release passes", () => {
    const o = observer()
    o.truth.push({ t: 0, running: [true, true, true], blocked: new Uint8Array(9), clean: true })
    o.truth.push({ t: 50, running: [false, true, true], blocked: new Uint8Array(9), clean: true })
    o.truth.push({ t: 300, running: [true, true, true], blocked: new Uint8Array(9), clean: true })
    grant(o, { t: 0, handle: 1, until: 100 })
    o.lost.push({ t: 301, node: 0, handle: 1 })
    grant(o, { t: 0, handle: 2, until: 30, node: 1, key: 'k2' })
    o.lost.push({ t: 30, node: 1, handle: 2 })
    grant(o, { t: 0, handle: 3, until: 30, node: 2, key: 'k3' })
    o.releaseIssued.push({ t: 20, node: 2, handle: 3 })
    expect(checkAll(o).map(v => v.kind).filter(k => k !== 'mode')).to.deep.equal([])
  })
})
