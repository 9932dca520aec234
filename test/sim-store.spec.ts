/** The fenced store's two marks (DESIGN.md §4) and its one-mark mutation. */
import { expect } from 'chai'
import { FencedStore } from '../simulations/sim/fenced-store.js'

describe('sim: fenced store', () => {
  it('a read needs token >= maxWrite, a write needs token >= maxSeen', () => {
    const s = new FencedStore()
    expect(s.write(0, 'k', 5n, 1, 0, 1).accepted).to.equal(true)
    expect(s.read(1, 'k', 4n, 0, 2).accepted).to.equal(false) // below maxWrite
    expect(s.read(2, 'k', 7n, 0, 3).accepted).to.equal(true) // maxSeen := 7
    expect(s.write(3, 'k', 6n, 2, 0, 4).accepted).to.equal(false) // below maxSeen
    expect(s.read(4, 'k', 5n, 0, 5).accepted).to.equal(true) // 5 >= maxWrite 5
    expect(s.write(5, 'k', 7n, 2, 0, 6).accepted).to.equal(true)
    expect(s.value('k')).to.equal(2)
  })

  it("scenario 22: a reader's higher token fences out a paused writer", () => {
    const s = new FencedStore()
    const read = s.read(0, 'k', 10n, 0, 1) // exclusive holder T=10 reads
    expect(read.accepted).to.equal(true)
    expect(s.read(1, 'k', 11n, 1, 2).accepted).to.equal(true) // shared reader
    expect(s.write(2, 'k', 10n, read.value + 1, 0, 1).accepted).to.equal(false)
  })

  it('the one-mark mutation lets that stale write through', () => {
    const s = new FencedStore(false)
    s.read(0, 'k', 10n, 0, 1)
    s.read(1, 'k', 11n, 1, 2)
    expect(s.write(2, 'k', 10n, 1, 0, 1).accepted).to.equal(true)
  })

  it('records every decision with the marks it saw', () => {
    const s = new FencedStore()
    s.write(0, 'k', 3n, 1, 0, 1)
    s.read(1, 'k', 2n, 0, 2)
    expect(s.decisions.map(d => [d.op, d.accepted, d.maxWrite, d.maxSeen])).to.deep.equal([
      ['write', true, -1n, -1n],
      ['read', false, 3n, 3n]
    ])
  })
})
