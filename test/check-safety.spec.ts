/**
 * `lockmesh check` — safety properties over hand-made histories (issue 5,
 * DESIGN.md §5.1–5.3): a clean run passes; each history below carries exactly
 * one kind of violation and is reported with that kind.
 */
import { expect } from 'chai'
import {
  checkHistory, checkLostUpdate, checkMutualExclusion, checkStoreMarks, checkTokenOrder, checkValidOpsAccepted,
  type HistoryRecord, type ViolationKind
} from '../simulations/check/index.js'
import { cleanHistory, HistoryBuilder, ns, W } from './helpers/check-builder.js'

function kinds (records: readonly HistoryRecord[]): ViolationKind[] {
  return [...new Set(checkHistory(records).violations.map(v => v.kind))].sort()
}

describe('check: safety', () => {
  it('a clean history passes every checker', () => {
    const result = checkHistory(cleanHistory().records())
    expect(result.violations).to.deep.equal([])
    expect(result.notes).to.deep.equal([])
    expect(result.stats).to.include({ acquired: 9, acquiredExclusive: 7, lostUpdates: 0, acceptedIncrements: 5 })
  })

  describe('mutual-exclusion', () => {
    it('reports two exclusive belief windows that overlap', () => {
      const h = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', token: 1, fromMs: 7000, toMs: 7300 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', token: 2, fromMs: 7100, toMs: 7400 })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['mutual-exclusion'])
      const [v] = checkMutualExclusion(records)
      expect(v!.t).to.equal(ns(7105))
      expect(v!.details).to.include('"hot"').and.include(W.c).and.include(W.d)
    })

    it('lets two shared windows overlap, but not shared with exclusive', () => {
      const shared = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', mode: 'shared', token: 1, fromMs: 7000, toMs: 7300 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', mode: 'shared', token: 1, fromMs: 7100, toMs: 7400 })
      expect(kinds(shared.records())).to.deep.equal([])
      const mixed = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', mode: 'shared', token: 1, fromMs: 7000, toMs: 7300 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', mode: 'exclusive', token: 2, fromMs: 7100, toMs: 7400 })
      expect(kinds(mixed.records())).to.deep.equal(['mutual-exclusion'])
    })

    it('ends a window at validUntil when the holder never released (a paused holder)', () => {
      // The first holder's lease ends at 7005 + 200 ms; its late release changes nothing.
      const h = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', token: 1, fromMs: 7000, toMs: 9000, validMs: 200 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', token: 2, fromMs: 7300, toMs: 7400 })
      expect(kinds(h.records())).to.deep.equal([])
      const overlapping = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', token: 1, fromMs: 7000, toMs: 9000, validMs: 400 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', token: 2, fromMs: 7300, toMs: 7400 })
      expect(kinds(overlapping.records())).to.deep.equal(['mutual-exclusion'])
    })

    it('ends a window at lost (the harness writes killed)', () => {
      const h = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', token: 1, fromMs: 7000, toMs: 7100, close: 'lost' })
        .hold({ worker: W.d, node: 'n3', key: 'hot', token: 2, fromMs: 7150, toMs: 7400 })
      expect(kinds(h.records())).to.deep.equal([])
    })
  })

  describe('token-order', () => {
    it('reports an exclusive token going backwards', () => {
      const h = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', token: 5, fromMs: 7000, toMs: 7100 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', token: 4, fromMs: 7200, toMs: 7300 })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['token-order'])
      expect(checkTokenOrder(records)[0]!.details).to.include('token 4').and.include('token 5')
    })

    it('reports a repeated exclusive token, not repeated shared ones', () => {
      const h = cleanHistory()
        .hold({ worker: W.c, node: 'n2', key: 'hot', token: 5, fromMs: 7000, toMs: 7100 })
        .hold({ worker: W.d, node: 'n3', key: 'hot', token: 5, fromMs: 7200, toMs: 7300 })
      expect(kinds(h.records())).to.deep.equal(['token-order'])
    })
  })

  describe('store-marks', () => {
    it('reports a read with token < maxWrite that the store accepted', () => {
      const h = cleanHistory()
        .at(7000, 'store-write', { worker: W.c, key: 'doc', token: '5', accepted: true, value: 1 })
        .at(7100, 'store-read', { worker: W.d, key: 'doc', token: '3', accepted: true, value: 1 })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['store-marks'])
      const [v] = checkStoreMarks(records)
      expect(v!.t).to.equal(ns(7100))
      expect(v!.details).to.include('maxWrite was 5')
    })

    it('reports a write below maxSeen that was accepted, and a valid write that was rejected', () => {
      const stale = cleanHistory()
        .at(7000, 'store-read', { worker: W.c, key: 'doc', token: '5', accepted: true, value: 0 })
        .at(7100, 'store-write', { worker: W.d, key: 'doc', token: '4', accepted: true, value: 1 })
      expect(checkStoreMarks(stale.records()).map(v => v.details)).to.have.length(1)
      const refused = cleanHistory()
        .at(7000, 'store-read', { worker: W.c, key: 'doc', token: '5', accepted: true, value: 0 })
        .at(7100, 'store-write', { worker: W.d, key: 'doc', token: '5', accepted: false, value: 1 })
      expect(kinds(refused.records())).to.deep.equal(['store-marks'])
    })
  })

  describe('valid-op-rejected', () => {
    it('reports an operation the store rejected while its holder believed', () => {
      // A stale read with token 9 raised maxSeen; the holder of token 8 then
      // writes inside its window and is (by the rule, correctly) rejected.
      const h = cleanHistory()
        .hold({ worker: W.d, node: 'n3', key: 'doc', token: 8, fromMs: 7000, toMs: 7500 })
        .at(7100, 'store-read', { worker: 'ghost#1', key: 'doc', token: '9', accepted: true, value: 0 })
        .at(7200, 'store-write', { node: 'n3', worker: W.d, key: 'doc', token: '8', accepted: false, value: 1 })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['valid-op-rejected'])
      expect(checkValidOpsAccepted(records)[0]!.details).to.include(W.d)
    })

    it('accepts a rejection after the holder released', () => {
      const h = cleanHistory()
        .hold({ worker: W.d, node: 'n3', key: 'doc', token: 8, fromMs: 7000, toMs: 7150 })
        .at(7100, 'store-read', { worker: 'ghost#1', key: 'doc', token: '9', accepted: true, value: 0 })
        .at(7200, 'store-write', { node: 'n3', worker: W.d, key: 'doc', token: '8', accepted: false, value: 1 })
      expect(kinds(h.records())).to.deep.equal([])
    })
  })

  describe('lost-update', () => {
    it('reports a lost counter update', () => {
      const h = cleanHistory()
        .at(7000, 'counter', { worker: W.c, key: 'ctr', before: 0, after: 1, accepted: true })
        .at(7100, 'counter', { worker: W.d, key: 'ctr', before: 0, after: 1, accepted: true })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['lost-update'])
      const found = checkLostUpdate(records)
      expect(found.map(v => v.details).join(' ')).to.include('started from 0').and.include('ended at 1 after 2 accepted increments')
      expect(checkHistory(records).stats.lostUpdates).to.equal(1)
    })

    it('reports an increment that is not +1, and ignores rejected increments', () => {
      const h = cleanHistory()
        .at(7000, 'counter', { worker: W.c, key: 'ctr', before: 0, after: 1, accepted: true })
        .at(7050, 'counter', { worker: W.e, key: 'ctr', before: 0, after: 1, accepted: false })
        .at(7100, 'counter', { worker: W.d, key: 'ctr', before: 1, after: 3, accepted: true })
      expect(kinds(h.records())).to.deep.equal(['lost-update'])
      const fine = cleanHistory()
        .at(7000, 'counter', { worker: W.c, key: 'ctr', before: 0, after: 1, accepted: true })
        .at(7050, 'counter', { worker: W.e, key: 'ctr', before: 0, after: 1, accepted: false })
      expect(kinds(fine.records())).to.deep.equal([])
    })

    it("takes the store's last accepted write as the final value", () => {
      const h = new HistoryBuilder()
        .at(1, 'counter', { key: 'ctr', before: 0, after: 1, accepted: true })
        .at(1, 'store-write', { key: 'ctr', token: '1', accepted: true, value: 7 })
      expect(checkLostUpdate(h.records()).map(v => v.details)).to.deep.equal(['Key "ctr": the counter ended at 7 after 1 accepted increments.'])
    })
  })
})
