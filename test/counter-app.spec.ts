/**
 * The counter app of issue 4's acceptance, short: 5 nodes over real libp2p in
 * this process (majority), 8 workers incrementing one counter on one hot key
 * through a read-and-write-fenced store for 3 s (the full run is
 * `npx tsx simulations/acceptance/counter-app.ts`, 10 s).
 */
import '../src/polyfills.js'
import { expect } from 'chai'
import { FencedCounterStore, runCounterApp } from '../simulations/acceptance/counter-app.js'

describe('counter app (majority, 5 nodes, 8 workers, one hot key, fenced store)', function () {
  this.timeout(180_000)

  it('the fenced store: a read needs token ≥ maxWrite, a write token ≥ maxSeen', () => {
    const s = new FencedCounterStore()
    expect(s.read('k', 5n)).to.equal(0)
    expect(s.write('k', 4n, 1)).to.equal(false) // a reader with 5 came after
    expect(s.write('k', 5n, 1)).to.equal(true)
    expect(s.read('k', 4n)).to.equal(null) // older than the last write
    expect(s.read('k', 6n)).to.equal(1)
    expect(s.rejected.map(r => r.op)).to.deep.equal(['write', 'read'])
  })

  it('majority 5: 3 s of contended increments — 0 lost updates, tokens strictly increasing, no fenced op turned away', async () => {
    const lines: string[] = []
    const r = await runCounterApp({ seconds: 3, nodes: 5, workers: 8, timing: 'fast', log: line => { lines.push(line) } })
    for (const line of lines) console.log(`      ${line}`)
    expect(r.violations).to.deep.equal([])
    expect(r.lostUpdates).to.equal(0)
    expect(r.tokensIncreasing).to.equal(true)
    expect(r.storeTokensIncreasing).to.equal(true)
    expect(r.rejectedOps).to.equal(0)
    expect(r.increments).to.be.greaterThan(0)
    expect(r.finalValue).to.equal(r.increments)
  })
})
