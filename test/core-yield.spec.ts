/**
 * Issue 9, item 3: a lost YIELD must not leave a vote stuck.
 *
 * Regression test: on main (6da9060) the requester ignored a GRANT it had
 * already yielded ("not newer than what I yielded"), so once its YIELD was
 * dropped the voter kept the uncommitted vote and answered every
 * retransmitted REQUEST with that same GRANT: the key stayed blocked until
 * the wait deadline (here: `timeout` after 10 s). Now the requester repeats
 * the YIELD for that grant and the voter frees the vote at once.
 */
import { expect } from 'chai'
import { keySpread } from '../src/core/config.js'
import { createQuorumSystem } from '../src/core/quorum.js'
import { HandCluster, type InFlight } from './helpers/hand-cluster.js'
import type { FrameBody, NodeId } from '../src/core/types.js'

const IDS3 = ['n0', 'n1', 'n2']

/** A key whose write quorum, picked by `requester` with everyone reachable, is exactly `quorum`. */
function keyFor (requester: NodeId, quorum: NodeId[]): string {
  const q = createQuorumSystem('majority', IDS3)
  const want = [...quorum].sort().join(',')
  for (let i = 0; i < 10_000; i++) {
    const key = `k${i}`
    if (q.pick('write', new Set(IDS3), requester, keySpread(key))?.join(',') === want) return key
  }
  throw new Error(`no key gives ${requester} the quorum ${want}`)
}

const is = (t: FrameBody['t'], from: NodeId, to: NodeId) => (m: InFlight): boolean => m.frame.b.t === t && m.from === from && m.to === to

describe('issue 9 item 3: a lost YIELD', () => {
  // b = n0 (higher priority) and a = n1 both use Q = {n0, n1}; v = n0 grants a first, u = n1 grants b first.
  const k = keyFor('n0', ['n0', 'n1'])

  it('the yielder answers the voter\'s repeated GRANT with the YIELD again: the vote frees without waiting for the wait deadline', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: k, waitMs: 10_000 })
    c.deliver(is('REQUEST', 'n0', 'n1'))
    c.acquire('n1', { handle: 1, key: k, waitMs: 10_000 })
    c.deliver(is('REQUEST', 'n1', 'n1')) // u holds b's vote: FAILED(priority) to a
    c.deliver(is('REQUEST', 'n1', 'n0')) // v grants a (g1)
    c.deliver(is('GRANT', 'n0', 'n1'))
    c.deliver(is('FAILED', 'n1', 'n1'))
    c.deliver(is('REQUEST', 'n0', 'n0')) // b reaches v: INQUIRE to a
    c.deliver(is('INQUIRE', 'n0', 'n1')) // a holds a FAILED: it yields
    expect(c.drop(is('YIELD', 'n1', 'n0')), 'the YIELD to drop').to.equal(1)
    // b gives up; u then grants a. v still holds a's uncommitted vote g1 and has nobody queued.
    c.cancel('n0', 1)
    c.settle()
    expect(c.core('n0').status().voter.perKey[k]).to.include({ votes: 1, committed: 0, queued: 0 })
    expect(c.granted('n1', 1)).to.equal(undefined)
    // a retransmits its REQUEST to v; v answers GRANT g1; a yields again; v re-grants a (g2); a commits.
    const t0 = c.time
    for (let i = 0; i < 300 && c.lastResult('n1', 1) === undefined; i++) c.advance(10)
    const r = c.lastResult('n1', 1)
    expect(r?.type, JSON.stringify(r, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)).to.equal('granted')
    // Within a few retransmission intervals (200 ms here), far before the 10 s wait deadline.
    expect(c.time - t0).to.be.at.most(1_000)
    expect(c.core('n1').status().counters.yieldsRepeated ?? 0).to.be.at.least(1)
    expect(c.events('n1', 'attempt-restart')).to.deep.equal([])
  })

  it('a GRANT the requester holds (a duplicate of its live vote) is never yielded', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n1', { handle: 1, key: k, waitMs: 10_000 })
    c.deliver(is('REQUEST', 'n1', 'n0'))
    const grant = c.take(is('GRANT', 'n0', 'n1'))
    expect(grant).to.have.length(1)
    c.inject(grant)
    const mark = c.log.length
    c.inject(grant) // duplicate
    expect(c.log.slice(mark).filter(m => m.frame.b.t === 'YIELD')).to.deep.equal([])
    c.settle()
    expect(c.granted('n1', 1)).to.not.equal(undefined)
  })
})
