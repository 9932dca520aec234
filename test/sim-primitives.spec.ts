/**
 * Simulator building blocks: the seeded PRNG, the event queue, the clocks
 * (rate error, pause, suspend, inversion) and every network fault primitive.
 */
import { expect } from 'chai'
import { SimClock } from '../simulations/sim/clock.js'
import { EventQueue } from '../simulations/sim/event-queue.js'
import { Network, type NetworkParams } from '../simulations/sim/network.js'
import { Rng } from '../simulations/sim/rng.js'

const PARAMS: NetworkParams = { minDelayMs: [0.5, 1], jitterMs: [0.1, 0.5], capMs: 20, selfDelayMs: [0.01, 0.02] }

describe('sim: rng', () => {
  it('is deterministic per seed and forks independently of draws', () => {
    const a = new Rng(42)
    const b = new Rng(42)
    expect(Array.from({ length: 5 }, () => a.u32())).to.deep.equal(Array.from({ length: 5 }, () => b.u32()))
    const c = new Rng(42)
    const forkBefore = c.fork('x').u32()
    c.u32(); c.u32()
    expect(c.fork('x').u32()).to.equal(forkBefore)
    expect(new Rng(42).fork('y').u32()).to.not.equal(forkBefore)
    expect(new Rng(43).u32()).to.not.equal(new Rng(42).u32())
  })

  it('draws in range', () => {
    const r = new Rng(7)
    for (let i = 0; i < 2000; i++) {
      const x = r.int(3, 9)
      expect(x).to.be.within(3, 9)
      const f = r.range(-1, 1)
      expect(f).to.be.at.least(-1).and.below(1)
    }
  })
})

describe('sim: event queue', () => {
  it('orders by time, then insertion', () => {
    const q = new EventQueue<string>()
    q.push(5, 'c'); q.push(1, 'a'); q.push(5, 'd'); q.push(2, 'b'); q.push(1, 'a2')
    const out: string[] = []
    for (let i = 0; i < 10 && q.size > 0; i++) out.push(q.pop()!.item)
    expect(out).to.deep.equal(['a', 'a2', 'b', 'c', 'd'])
  })

  it('matches a sort on random input', () => {
    const r = new Rng(1)
    const q = new EventQueue<number>()
    const items: Array<[number, number]> = []
    for (let i = 0; i < 500; i++) { const t = r.int(0, 50); items.push([t, i]); q.push(t, i) }
    items.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    for (const [, i] of items) expect(q.pop()!.item).to.equal(i)
  })
})

describe('sim: clocks', () => {
  it('runs at its rate on both clocks', () => {
    const c = new SimClock(0, 1000, 5000, 1.05)
    expect(c.read(100)).to.deep.equal({ mono: 1105, wall: 5105 })
  })

  it('suspend stops the monotonic clock and not the wall clock', () => {
    const c = new SimClock(0, 0, 0, 1)
    c.suspend(100)
    const during = c.read(600)
    expect(during.mono).to.equal(100)
    expect(during.wall).to.equal(600)
    c.resume(600)
    expect(c.read(700)).to.deep.equal({ mono: 200, wall: 700 })
  })

  it('maps local deadlines back to true time across suspends and rate changes', () => {
    const c = new SimClock(0, 0, 0, 1)
    c.suspend(100)
    c.resume(600)
    c.setRate(700, 2)
    expect(c.monoToTrue(150, 0)).to.equal(650)
    expect(c.monoToTrue(300, 0)).to.equal(750)
    expect(c.wallToTrue(650, 0)).to.equal(650)
    expect(c.monoToTrue(50, 400)).to.equal(400) // already reached
    expect(c.trueTimeOfMono(800, 500)).to.equal(850)
  })

  it('trueTimeOfMono is Infinity while suspended', () => {
    const c = new SimClock(0, 0, 0, 1)
    c.suspend(10)
    expect(c.trueTimeOfMono(20, 100)).to.equal(Infinity)
  })
})

describe('sim: network', () => {
  it('delivers within the link delay bounds; frames to self are a short hop', () => {
    const net = new Network(3, new Rng(1), PARAMS)
    for (let i = 0; i < 200; i++) {
      const p = net.plan(0, 1, 100)
      expect(p.deliveries).to.have.length(1)
      expect(p.deliveries[0]! - 100).to.be.within(0.5, 20)
      const self = net.plan(2, 2, 100)
      expect(self.deliveries[0]! - 100).to.be.within(0.01, 0.02)
    }
  })

  it('symmetric partition cuts both directions between the sides only', () => {
    const net = new Network(4, new Rng(1), PARAMS)
    const cut = net.partition([0, 1])
    expect(net.blocked(0, 2)).to.equal(true)
    expect(net.blocked(2, 0)).to.equal(true)
    expect(net.blocked(0, 1)).to.equal(false)
    expect(net.blocked(2, 3)).to.equal(false)
    expect(net.plan(0, 3, 0).cut).to.equal(true)
    net.restore(cut)
    expect(net.blocked(0, 2)).to.equal(false)
  })

  it('one-way cut drops one direction only', () => {
    const net = new Network(3, new Rng(1), PARAMS)
    net.oneWay(0, 1)
    expect(net.blocked(0, 1)).to.equal(true)
    expect(net.blocked(1, 0)).to.equal(false)
  })

  it('isolate cuts one node from everyone, self-delivery still works', () => {
    const net = new Network(4, new Rng(1), PARAMS)
    net.isolate(2)
    for (let x = 0; x < 4; x++) {
      if (x === 2) continue
      expect(net.blocked(2, x)).to.equal(true)
      expect(net.blocked(x, 2)).to.equal(true)
    }
    expect(net.blocked(0, 1)).to.equal(false)
    expect(net.plan(2, 2, 0).deliveries).to.have.length(1)
  })

  it('bridge: the two sides are cut, the bridge node talks to both', () => {
    const net = new Network(5, new Rng(1), PARAMS)
    net.bridge([0, 1], [2, 3], 4)
    expect(net.blocked(0, 2)).to.equal(true)
    expect(net.blocked(3, 1)).to.equal(true)
    for (const x of [0, 1, 2, 3]) {
      expect(net.blocked(x, 4)).to.equal(false)
      expect(net.blocked(4, x)).to.equal(false)
    }
  })

  it('overlapping cuts compose: healing one keeps the other', () => {
    const net = new Network(3, new Rng(1), PARAMS)
    const a = net.isolate(0)
    const b = net.oneWay(0, 1)
    net.restore(a)
    expect(net.blocked(0, 1)).to.equal(true)
    expect(net.blocked(0, 2)).to.equal(false)
    net.restore(b)
    net.restore(b) // idempotent
    expect(net.blocked(0, 1)).to.equal(false)
    net.partition([1])
    net.healAll()
    expect(net.whole).to.equal(true)
  })

  it('loss, duplication and reordering happen at their rates', () => {
    const net = new Network(2, new Rng(9), PARAMS)
    net.setRates({ lossP: 0.2, dupP: 0.1, reorderP: 0.3, reorderMaxMs: 10 })
    let lost = 0; let dup = 0; let reordered = 0
    const N = 5000
    for (let i = 0; i < N; i++) {
      const p = net.plan(0, 1, 0)
      if (p.lost) { lost++; expect(p.deliveries).to.have.length(0) }
      if (p.duplicated) { dup++; expect(p.deliveries).to.have.length(2) }
      if (p.reordered) reordered++
      for (const d of p.deliveries) expect(d).to.be.at.most(PARAMS.capMs)
    }
    expect(lost / N).to.be.within(0.17, 0.23)
    expect(dup / (N - lost)).to.be.within(0.08, 0.12)
    expect(reordered / (N - lost)).to.be.within(0.26, 0.34)
    // Frames to self are never lost.
    for (let i = 0; i < 200; i++) expect(net.plan(1, 1, 0).deliveries).to.have.length(1)
  })

  it('separates() tells whether a cut splits a pair', () => {
    const net = new Network(4, new Rng(1), PARAMS)
    const cut = net.partition([0])
    expect(net.separates(cut, 0, 3)).to.equal(true)
    expect(net.separates(cut, 1, 3)).to.equal(false)
  })
})
