/**
 * Lifeguard's local health multiplier (src/core/local-health.ts and its use
 * in the detector), in virtual time: a node whose own process is frozen in
 * bursts must not accuse its healthy peers; a node with no evidence against
 * itself detects a real loss at the configured timeout.
 */
import { expect } from 'chai'
import { defaultCoreConfig, validateCoreConfig } from '../src/core/config.js'
import { CoreConfigError } from '../src/core/config-error.js'
import { LocalHealth } from '../src/core/local-health.js'
import type { CoreConfig, NodeId } from '../src/core/types.js'
import { HandCluster } from './helpers/hand-cluster.js'

describe('local health multiplier (Lifeguard)', () => {
  describe('LocalHealth: score arithmetic', () => {
    const opts = { multiplierMax: 8, raiseEveryMs: 100, decayMs: 500 }

    it('evidence raises the score one point at a time, at most once per raiseEveryMs, capped at multiplierMax − 1', () => {
      const h = new LocalHealth(opts)
      expect(h.multiplier).to.equal(1)
      expect(h.raise(0, 'late-wake')).to.equal(true)
      expect(h.raise(50, 'late-frames')).to.equal(false) // same slow moment
      expect(h.score).to.equal(1)
      for (let t = 100; t <= 2_000; t += 100) h.raise(t, 'late-wake')
      expect(h.score).to.equal(7)
      expect(h.multiplier).to.equal(8)
      expect(h.evidence).to.deep.equal({ 'late-wake': 21, 'late-frames': 1, 'slow-acks': 0 })
    })

    it('a point is forgiven only at a timely answer, at most one per decayMs since the last evidence; silence forgives nothing', () => {
      const h = new LocalHealth(opts)
      for (let t = 0; t <= 300; t += 100) h.raise(t, 'late-wake')
      expect(h.score).to.equal(4)
      expect(h.healthy(799)).to.equal(false) // too soon after the last evidence (300)
      expect(h.healthy(800)).to.equal(true)
      expect(h.score).to.equal(3)
      expect(h.healthy(900)).to.equal(false) // one point per decayMs
      h.raise(1_000, 'slow-acks')
      expect(h.score).to.equal(4)
      expect(h.healthy(1_499)).to.equal(false)
      // Ten seconds of silence forgive nothing; then timely answers, one point per 500 ms.
      expect(h.score).to.equal(4)
      for (let t = 11_000; t <= 13_000; t += 100) h.healthy(t)
      expect(h.score).to.equal(0)
      expect(h.healthy(20_000)).to.equal(false)
    })

    it('the config takes localHealthMax as an integer in 1..8 and refuses anything else with a typed error', () => {
      for (const ok of [1, 4, 8]) validateCoreConfig(defaultCoreConfig('a', ['a'], { localHealthMax: ok }))
      for (const bad of [0, 9, 2.5, Number.NaN]) {
        expect(() => { validateCoreConfig(defaultCoreConfig('a', ['a'], { localHealthMax: bad })) }, String(bad)).to.throw(CoreConfigError, /localHealthMax/)
      }
    })

    it('multiplierMax 1 switches it off: evidence is counted, the multiplier stays 1', () => {
      const h = new LocalHealth({ ...opts, multiplierMax: 1 })
      for (let t = 0; t <= 1_000; t += 100) h.raise(t, 'late-wake')
      expect(h.multiplier).to.equal(1)
      expect(h.evidence['late-wake']).to.equal(11)
    })
  })

  describe('the detector in a hand-stepped cluster', () => {
    // Suspicion 500 ms, ping 100 ms, stall threshold 300 ms (STORY_TIMINGS).
    const FROZEN_MS = 700

    /**
     * One event-loop turn of `id` that blocks for `frozenMs` (a process
     * frozen in bursts): the others run and get what it sent, frames to it
     * wait. Then it runs the way a Node process does after a blocked turn:
     * the due timer first, then every queued frame at once — and blocks again
     * before any answer to what it just sent can arrive.
     */
    function burst (c: HandCluster, id: NodeId, frozenMs: number): void {
      c.advance(frozenMs, { except: [id], deliver: m => m.to !== id })
      c.input(id, { type: 'tick', now: c.now(id) })
      c.deliver(m => m.to === id)
    }

    function bursts (config: Partial<CoreConfig>): { suspects: number, maxMultiplier: number, c: HandCluster } {
      const c = new HandCluster({ nodes: 5, config })
      c.boot()
      c.advance(1_000)
      expect(c.core('n0').status().mode).to.equal('read-write')
      const before = c.events('n0', 'suspect').length
      let maxMultiplier = 1
      for (let i = 0; i < 8; i++) {
        burst(c, 'n0', FROZEN_MS)
        maxMultiplier = Math.max(maxMultiplier, c.core('n0').status().localHealth.multiplier)
      }
      return { suspects: c.events('n0', 'suspect').length - before, maxMultiplier, c }
    }

    it('a node frozen in bursts longer than the suspicion timeout accuses no healthy peer (and does without the multiplier)', () => {
      const on = bursts({})
      expect(on.suspects, 'suspicions by the bursting node').to.equal(0)
      expect(on.maxMultiplier).to.be.within(2, 8)
      expect(on.c.core('n0').status().localHealth.pingIntervalMs, 'the ping interval in force').to.be.within(100, 250)
      expect(on.c.core('n0').status().localHealth.evidence['late-wake']).to.be.at.least(8)
      // The same bursts with the multiplier off: the one-shot re-probe is spent by the second burst.
      const off = bursts({ localHealthMax: 1 })
      expect(off.suspects, 'suspicions without the multiplier').to.be.greaterThan(0)
      expect(off.maxMultiplier).to.equal(1)
    })

    it('after the bursts the multiplier decays to 1 and a real loss is detected at the configured timeout again', () => {
      const { c } = bursts({})
      // Healthy for 8 suspicion timeouts: every point forgiven.
      c.advance(8 * 500)
      const health = c.core('n0').status().localHealth
      expect(health.multiplier).to.equal(1)
      expect(health.suspicionTimeoutMs).to.equal(500)
      // n1 crashes: n0 suspects it within the timeout + a ping interval (+ one advance step).
      const before = c.events('n0', 'suspect').length
      c.crash('n1')
      let waited = 0
      while (c.events('n0', 'suspect').length === before && waited < 5_000) { c.advance(10); waited += 10 }
      expect(waited, 'ms until n0 suspected the crashed n1').to.be.at.most(500 + 100 + 20)
    })

    it('with no evidence against itself a node keeps the configured timeout: a crash is detected as fast as before', () => {
      const c = new HandCluster({ nodes: 5 })
      c.boot()
      c.advance(1_000)
      c.crash('n3')
      let waited = 0
      while (!c.events('n0', 'suspect').some(e => e.type === 'suspect' && e.peer === 'n3') && waited < 5_000) { c.advance(10); waited += 10 }
      expect(waited).to.be.at.most(500 + 100 + 20)
      expect(c.core('n0').status().localHealth).to.deep.include({ score: 0, multiplier: 1 })
    })

    it('answers coming back slowly from most peers at once raise the score; one slow peer does not', () => {
      const c = new HandCluster({ nodes: 5 })
      c.boot()
      c.advance(1_000)
      // n1's answers are held 400 ms (> (500 + 100) / 2): one slow peer, no evidence against n0.
      for (let i = 0; i < 40; i++) { c.advance(10, { deliver: m => !(m.to === 'n0' && m.from === 'n1') }) }
      c.settle()
      expect(c.core('n0').status().localHealth.evidence['slow-acks']).to.equal(0)
      // Now the answers of n1, n2 and n3 are all slow: the common factor is n0.
      for (let i = 0; i < 40; i++) { c.advance(10, { deliver: m => !(m.to === 'n0' && ['n1', 'n2', 'n3'].includes(m.from)) }) }
      c.settle()
      expect(c.core('n0').status().localHealth.evidence['slow-acks']).to.be.at.least(1)
      expect(c.core('n0').status().localHealth.score).to.be.at.least(1)
    })

    it('frames that waited in our own inbound queue (ageMs past a ping interval) raise the score', () => {
      const c = new HandCluster({ nodes: 3 })
      c.boot()
      c.advance(500)
      const h = { clock: c.core('n1').lamport(), inc: c.node('n1').disk.incarnation, fn: 0, ack: 0, ackInc: 0 }
      c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: { h, b: { t: 'PONG' } }, ageMs: 50 })
      expect(c.core('n0').status().localHealth.score).to.equal(0)
      c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: { h, b: { t: 'PONG' } }, ageMs: 150 })
      // Timeout × 2; ping interval × 2 too, at most half the configured timeout (250 ms).
      expect(c.core('n0').status().localHealth).to.deep.include({ score: 1, multiplier: 2, suspicionTimeoutMs: 1_000, pingIntervalMs: 200 })
      expect(c.core('n0').status().localHealth.evidence['late-frames']).to.equal(1)
    })
  })
})
