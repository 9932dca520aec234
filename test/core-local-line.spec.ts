/**
 * Issue 10: one outstanding exclusive REQUEST per key per node. Later local
 * exclusive acquires of the key wait in the requester (no frames) in
 * timestamp order, each with its own Lamport timestamp; shared acquires never
 * wait there; a tryAcquire behind a local one fails `busy` with no frames;
 * waitMs and cancel work while waiting.
 *
 * On the code before (every acquire sent its own REQUESTs at once) the first,
 * third and fourth tests fail.
 */
import { expect } from 'chai'
import { idKey } from '../src/core/ids.js'
import type { FrameBody, Result } from '../src/core/types.js'
import { HandCluster, type InFlight } from './helpers/hand-cluster.js'

type Request = Extract<FrameBody, { t: 'REQUEST' }>
type Failed = Extract<Result, { type: 'failed' }>

/** n0's REQUESTs (first transmission per attempt id), in send order. */
function requestsFrom (log: readonly InFlight[], from: string, key: string): Request[] {
  const seen = new Set<string>()
  const out: Request[] = []
  for (const m of log) {
    const b = m.frame.b
    if (m.from !== from || b.t !== 'REQUEST' || b.key !== key || seen.has(idKey(b.id))) continue
    seen.add(idKey(b.id))
    out.push(b)
  }
  return out
}

function notPing (m: InFlight): boolean { return m.frame.b.t !== 'PING' && m.frame.b.t !== 'PONG' }

describe('issue 10: one outstanding exclusive REQUEST per key per node (core)', () => {
  it('local exclusive waiters send nothing until the one before ends, then go in timestamp order with their own ts', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    const mark = c.log.length
    for (const handle of [1, 2, 3]) c.acquire('n0', { handle, key: 'k' })
    c.acquire('n0', { handle: 9, key: 'other' }) // taken after 2 and 3: a larger ts
    c.settle()
    expect(c.granted('n0', 1), 'the first is granted').to.not.equal(undefined)
    expect(requestsFrom(c.log.slice(mark), 'n0', 'k'), 'only the first sent REQUESTs').to.have.length(1)
    expect(c.node('n0').core!.status().acquires.filter(a => a.key === 'k').map(a => a.phase)).to.deep.equal(['held', 'waiting-local', 'waiting-local'])
    const laterTs = requestsFrom(c.log.slice(mark), 'n0', 'other')[0]!.ts

    c.release('n0', 1)
    c.settle()
    const reqs = requestsFrom(c.log.slice(mark), 'n0', 'k')
    expect(reqs, 'the second started once the first ended').to.have.length(2)
    expect(reqs[1]!.ts > reqs[0]!.ts && reqs[1]!.ts < laterTs, 'its own ts, taken when acquire() was called').to.equal(true)
    expect(c.granted('n0', 2)).to.not.equal(undefined)
    expect(c.granted('n0', 3)).to.equal(undefined)

    c.release('n0', 2)
    c.settle()
    const third = requestsFrom(c.log.slice(mark), 'n0', 'k')[2]!
    expect(third.ts > reqs[1]!.ts && third.ts < laterTs).to.equal(true)
    expect(c.granted('n0', 3)).to.not.equal(undefined)
    expect(c.granted('n0', 3)!.token > c.granted('n0', 2)!.token && c.granted('n0', 2)!.token > c.granted('n0', 1)!.token).to.equal(true)
  })

  it('a shared acquire is never held back by a local exclusive one', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: 'k' })
    c.settle()
    c.acquire('n0', { handle: 2, key: 'k' })
    const mark = c.log.length
    c.acquire('n0', { handle: 3, key: 'k', mode: 'shared' })
    expect(c.log.slice(mark).filter(m => m.frame.b.t === 'REQUEST' && m.frame.b.mode === 'shared').length, 'the shared REQUEST went out at once').to.be.greaterThan(0)
  })

  it('a tryAcquire behind a local holder or waiter fails busy at once, sending nothing', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: 'k' })
    c.settle()
    let mark = c.log.length
    c.acquire('n0', { handle: 2, key: 'k', noWait: true })
    expect((c.lastResult('n0', 2) as Failed | undefined)?.reason).to.equal('busy')
    expect(c.log.slice(mark).filter(notPing), 'no frames').to.deep.equal([])
    // Behind a waiter that is itself still requesting (nothing delivered yet).
    c.release('n0', 1)
    c.settle()
    c.acquire('n0', { handle: 3, key: 'k2' })
    mark = c.log.length
    c.acquire('n0', { handle: 4, key: 'k2', noWait: true })
    expect((c.lastResult('n0', 4) as Failed | undefined)?.reason).to.equal('busy')
    expect(c.log.slice(mark).filter(notPing)).to.deep.equal([])
  })

  it('waitMs runs while waiting locally; a cancelled waiter never sends; the next one starts after', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    const mark = c.log.length
    c.acquire('n0', { handle: 1, key: 'k', ttlMs: 5_000 })
    c.settle()
    c.acquire('n0', { handle: 2, key: 'k', waitMs: 300 })
    c.acquire('n0', { handle: 3, key: 'k' })
    c.acquire('n0', { handle: 4, key: 'k' })
    c.cancel('n0', 3)
    expect((c.lastResult('n0', 3) as Failed | undefined)?.reason).to.equal('cancelled')
    c.advance(400)
    expect((c.lastResult('n0', 2) as Failed | undefined)?.reason, 'timed out while held back locally').to.equal('timeout')
    expect(requestsFrom(c.log.slice(mark), 'n0', 'k'), 'neither 2 nor 3 sent a REQUEST').to.have.length(1)
    c.release('n0', 1)
    c.settle()
    expect(requestsFrom(c.log.slice(mark), 'n0', 'k')).to.have.length(2)
    expect(c.granted('n0', 4), 'the next live waiter got it').to.not.equal(undefined)
  })

  it('stop fails every local waiter (stopped): none starts an attempt', () => {
    const c = new HandCluster({ nodes: 3 })
    c.bootPastQuiet()
    c.acquire('n0', { handle: 1, key: 'k' })
    c.settle()
    c.acquire('n0', { handle: 2, key: 'k' })
    c.acquire('n0', { handle: 3, key: 'k' })
    c.stop('n0')
    for (const h of [2, 3]) expect((c.lastResult('n0', h) as Failed | undefined)?.reason, `handle ${h}`).to.equal('stopped')
    expect(c.node('n0').core!.status().acquires).to.deep.equal([])
  })
})
