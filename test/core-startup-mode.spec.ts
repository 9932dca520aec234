/**
 * Issue 12's startup bound at the core: a node that came up read-only only
 * because its peers were not started yet becomes read-write as soon as they
 * are reachable — its first upgrade to read-write does not wait the stable
 * period — while every later upgrade (after a cut heals) still does, so the
 * anti-flapping rule holds from then on. Virtual time (STORY_TIMINGS:
 * suspicion 500 ms, stable period 400 ms).
 */
import { expect } from 'chai'
import type { CoreEvent } from '../src/core/types.js'
import { HandCluster } from './helpers/hand-cluster.js'

type ModeEvent = Extract<CoreEvent, { type: 'mode' }>

function modes (c: HandCluster, id: string): ModeEvent[] {
  return c.events(id, 'mode') as ModeEvent[]
}

/** Advance in 10 ms steps until `id` logs read-write (bounded); the time it took. */
function untilReadWrite (c: HandCluster, id: string, maxMs: number, deliver?: Parameters<HandCluster['advance']>[1]): number {
  const from = c.time
  while (modes(c, id).at(-1)?.mode !== 'read-write') {
    if (c.time - from > maxMs) throw new Error(`${id} not read-write within ${maxMs} ms: ${JSON.stringify(modes(c, id))}`)
    c.advance(10, deliver)
  }
  return c.time - from
}

describe('startup: the first upgrade to read-write skips the stable period, later ones do not', function () {
  it('a node alone at its first mode is read-only; once its peers start it is read-write before a stable period has passed', () => {
    const c = new HandCluster({ nodes: 3, config: { quorum: 'majority' } })
    c.start('n0')
    c.advance(600)
    expect(modes(c, 'n0').map(m => m.mode)).to.deep.equal(['read-only'])
    // The peers start 600 ms later (a slow process start).
    c.start('n1')
    c.start('n2')
    c.handshake('n1')
    c.handshake('n2')
    const tookMs = untilReadWrite(c, 'n0', 2_000)
    // Reachable both ways needs a frame and an ack each way (pings every 100 ms): well under the 400 ms stable period.
    expect(tookMs).to.be.lessThan(400)
    // The late starters' first mode: one suspicion period after their start, read-write at once.
    c.advance(600)
    for (const id of ['n1', 'n2']) expect(modes(c, id).map(m => m.mode), id).to.deep.equal(['read-write'])
  })

  it('after a cut heals, the upgrade waits the stable period (anti-flapping), also on a node whose first upgrade skipped it', () => {
    const c = new HandCluster({ nodes: 3, config: { quorum: 'majority' } })
    c.start('n0')
    c.advance(600)
    c.start('n1')
    c.start('n2')
    untilReadWrite(c, 'n0', 2_000)
    c.advance(600)
    // n0 cut off from both peers: it downgrades once the suspicion timeout passes.
    const cut = (m: { from: string, to: string }): boolean => m.from !== 'n0' && m.to !== 'n0'
    c.advance(800, { deliver: cut })
    c.drop(m => !cut(m))
    expect(modes(c, 'n0').at(-1)?.mode).to.equal('read-only')
    const tookMs = untilReadWrite(c, 'n0', 3_000)
    expect(tookMs).to.be.at.least(400)
  })
})
