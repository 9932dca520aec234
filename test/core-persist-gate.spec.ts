/**
 * Issue 9, item 5: `lost` (and the other results that grant and extend
 * nothing, and mode downgrades) must not wait behind an unrelated persist —
 * with ordering rules: one handle's results keep their order, and mode events
 * keep theirs. Frames are never un-gated.
 *
 * n0 gets a persist it cannot finish (autoPersist off) by voting for n1's key
 * whose fence comes from n1's high ceiling: n0's ceiling must move.
 *
 * Regression tests: on main (6da9060) every result and event of an unpersisted
 * batch was held, so the `lost` / `released` / downgrade below never came
 * while n0's persist hung. The two test-only flags re-introduce the ordering
 * bugs the rules prevent; each has a test showing the bad order.
 */
import { expect } from 'chai'
import { HandCluster, type InFlight, keyForQuorum } from './helpers/hand-cluster.js'
import type { CoreConfig, CoreEvent, NodeId, Result } from '../src/core/types.js'

const IDS3 = ['n0', 'n1', 'n2']

const keyFor = (requester: NodeId, quorum: NodeId[], prefix: string): string => keyForQuorum(IDS3, requester, quorum, prefix)

const keyA = keyFor('n0', ['n0', 'n2'], 'a') // n0's own lock
const keyB = keyFor('n1', ['n0', 'n1'], 'b') // n1's lock that makes n0 persist

function cluster (unsafe?: CoreConfig['unsafe']): HandCluster {
  const c = new HandCluster({ nodes: 3, config: unsafe !== undefined ? { unsafe } : {} })
  c.node('n1').disk.state = { ceiling: 5_000n, cleanExit: false }
  c.bootPastQuiet()
  return c
}

/** From now on persists wait; n0 votes for n1's keyB (token 5001) and must raise its ceiling: a persist that hangs. */
function hangPersistAtN0 (c: HandCluster): void {
  c.autoPersist = false
  c.acquire('n1', { handle: 9, key: keyB, ttlMs: 5_000 })
  c.settle()
  expect(c.node('n0').pendingPersist.map(p => p.state.ceiling), 'n0 persist pending').to.deep.equal([5_001n + 1_024n])
  expect(c.core('n0').status().heldBatches).to.be.greaterThan(0)
}

function resultsOf (c: HandCluster, id: NodeId, handle: number): Array<Result['type']> {
  return c.node(id).results.filter(r => r.handle === handle).map(r => r.type)
}

function modes (c: HandCluster, id: NodeId, since = 0): string[] {
  return c.node(id).events.slice(since).filter((e): e is Extract<CoreEvent, { type: 'mode' }> => e.type === 'mode').map(e => e.mode)
}

const isolated = (m: InFlight): boolean => (m.from === 'n0') !== (m.to === 'n0')

/** Advance with n0 cut off from the others (its frames to itself still flow). */
function isolateN0 (c: HandCluster, ms: number): void {
  for (let t = 0; t < ms; t += 10) {
    c.drop(isolated)
    c.advance(10)
  }
}

function advanceUntil (c: HandCluster, cond: () => boolean, maxMs: number): void {
  for (let t = 0; t < maxMs && !cond(); t += 10) c.advance(10)
}

describe('issue 9 item 5: results that grant nothing bypass the persist gate', () => {
  it('`lost` and `released` leave while an unrelated persist hangs; frames stay gated', () => {
    const c = cluster()
    c.acquire('n0', { handle: 1, key: keyA, ttlMs: 1_000 })
    c.acquire('n0', { handle: 2, key: keyA + 'x', ttlMs: 5_000 })
    c.settle()
    expect(c.granted('n0', 1)).to.not.equal(undefined)
    expect(c.granted('n0', 2)).to.not.equal(undefined)
    hangPersistAtN0(c)
    // A release is reported at once; its RELEASE frames wait for the persist.
    const mark = c.log.length
    c.release('n0', 2)
    expect(resultsOf(c, 'n0', 2)).to.deep.equal(['granted', 'released'])
    expect(c.log.slice(mark).filter(m => m.from === 'n0' && m.frame.b.t === 'RELEASE')).to.deep.equal([])
    // h1's lease runs out while the persist still hangs: `lost` comes at its deadline.
    advanceUntil(c, () => resultsOf(c, 'n0', 1).includes('lost'), 2_000)
    expect(resultsOf(c, 'n0', 1)).to.deep.equal(['granted', 'lost'])
    expect(c.node('n0').pendingPersist).to.have.length(1)
    expect(c.now('n0').mono).to.be.at.most(c.granted('n0', 1)!.validUntil.mono + 10)
    expect(c.log.slice(mark).filter(m => m.from === 'n0' && m.frame.b.t === 'RELEASE')).to.deep.equal([])
    // The persist completes: the RELEASEs go out, nothing is reported twice.
    c.completePersist('n0')
    expect(c.log.slice(mark).filter(m => m.from === 'n0' && m.frame.b.t === 'RELEASE').length).to.be.greaterThan(0)
    expect(resultsOf(c, 'n0', 1)).to.deep.equal(['granted', 'lost'])
    expect(resultsOf(c, 'n0', 2)).to.deep.equal(['granted', 'released'])
  })

  function heldGranted (unsafe?: CoreConfig['unsafe']): HandCluster {
    const c = cluster(unsafe)
    // n0's acquire of keyA: n2's COMMITTED waits in flight.
    c.acquire('n0', { handle: 1, key: keyA, ttlMs: 1_000 })
    const lateCommitted = (m: InFlight): boolean => m.frame.b.t === 'COMMITTED' && m.from === 'n2' && m.to === 'n0'
    c.settle(m => !lateCommitted(m))
    const late = c.take(lateCommitted)
    expect(late).to.have.length(1)
    hangPersistAtN0(c)
    // The COMMITTED arrives: `granted` is produced in an unpersisted batch and held.
    c.inject(late)
    expect(resultsOf(c, 'n0', 1)).to.deep.equal([])
    expect(c.core('n0').status().acquires[0]).to.include({ handle: 1, phase: 'held' })
    // The lease runs out while the granted is still held.
    c.advance(1_500)
    return c
  }

  it('a `lost` never overtakes its own held `granted`: both leave, in order, when the persist completes', () => {
    const c = heldGranted()
    expect(c.core('n0').status().acquires).to.deep.equal([])
    expect(resultsOf(c, 'n0', 1)).to.deep.equal([])
    c.completePersist('n0')
    expect(resultsOf(c, 'n0', 1)).to.deep.equal(['granted', 'lost'])
  })

  it('mutation lostOvertakesGranted: the `lost` leaves before its own `granted` (the bad order)', () => {
    const c = heldGranted({ lostOvertakesGranted: true })
    expect(resultsOf(c, 'n0', 1)).to.deep.equal(['lost'])
    c.completePersist('n0')
    expect(resultsOf(c, 'n0', 1)).to.deep.equal(['lost', 'granted'])
  })

  function modeStory (unsafe?: CoreConfig['unsafe']): { c: HandCluster, firstDown: string[], mark: number } {
    const c = cluster(unsafe)
    hangPersistAtN0(c)
    let mark = c.node('n0').events.length
    // Cut off: n0 goes read-only. A downgrade with no older mode event held leaves at once.
    isolateN0(c, 1_000)
    const firstDown = modes(c, 'n0', mark)
    // Healed: the upgrade back to read-write is held behind the persist…
    mark = c.node('n0').events.length
    c.advance(1_500)
    expect(c.core('n0').status().mode).to.equal('read-write')
    // …and the next downgrade must wait behind it.
    isolateN0(c, 1_000)
    expect(c.core('n0').status().mode).to.equal('read-only')
    return { c, firstDown, mark }
  }

  it('a mode downgrade leaves at once; a later downgrade waits behind an older held upgrade; order kept', () => {
    const { c, firstDown, mark } = modeStory()
    expect(firstDown).to.deep.equal(['read-only'])
    expect(modes(c, 'n0', mark)).to.deep.equal([])
    c.completePersist('n0')
    expect(modes(c, 'n0', mark)).to.deep.equal(['read-write', 'read-only'])
  })

  it('mutation downgradeOvertakesUpgrade: the later downgrade leaves before the older upgrade (the bad order)', () => {
    const { c, firstDown, mark } = modeStory({ downgradeOvertakesUpgrade: true })
    expect(firstDown).to.deep.equal(['read-only'])
    expect(modes(c, 'n0', mark)).to.deep.equal(['read-only'])
    c.completePersist('n0')
    expect(modes(c, 'n0', mark)).to.deep.equal(['read-only', 'read-write'])
  })
})
