/**
 * `lockmesh check` — answered acquires, liveness after heal and modes over
 * hand-made histories (issue 5, DESIGN.md §3, §5.4, §5.6).
 */
import { expect } from 'chai'
import {
  checkAnswered, checkHistory, checkLiveness, checkModes, livenessPlan, parseHistoryText,
  type HistoryRecord, type ViolationKind
} from '../simulations/check/index.js'
import { cleanHistory, HistoryBuilder, ns, W } from './helpers/check-builder.js'

function kinds (records: readonly HistoryRecord[]): ViolationKind[] {
  return [...new Set(checkHistory(records).violations.map(v => v.kind))].sort()
}

describe('check: progress and modes', () => {
  describe('answered', () => {
    it('reports an acquire that was never answered', () => {
      const h = cleanHistory()
        .at(3500, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'shared', waitMs: 1000 })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['answered'])
      expect(checkAnswered(records)[0]!.details).to.include('never answered')
    })

    it('reports an answer given twice', () => {
      const h = cleanHistory()
        .at(3500, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'exclusive', waitMs: 1000 })
        .at(3600, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'timeout' })
        .at(3601, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'timeout' })
      expect(kinds(h.records())).to.deep.equal(['answered'])
    })

    it('reports a key acquired again by the same worker before the hold was closed', () => {
      const h = cleanHistory()
        .hold({ worker: W.e, node: 'n4', key: 'k9', token: 1, fromMs: 7000, toMs: null, validMs: 100 })
        .hold({ worker: W.e, node: 'n4', key: 'k9', token: 2, fromMs: 7200, toMs: 7300 })
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['answered'])
      expect(checkAnswered(records)[0]!.details).to.include('never closed')
    })
  })

  describe('liveness', () => {
    it('reports a timeout after heal + detection + stable period', () => {
      const h = cleanHistory()
        .at(7000, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'exclusive', waitMs: 3000 })
        .at(9990, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'timeout' })
      const records = h.records()
      expect(livenessPlan(records)).to.deep.include({ start: ns(5800), boundMs: 2000 })
      expect(kinds(records)).to.deep.equal(['liveness'])
      expect(checkLiveness(records)[0]!.details).to.include('timed out')
    })

    it('does not hold acquires to the bound before the liveness phase, or with waitMs within the bound', () => {
      const h = cleanHistory()
        .at(5700, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'exclusive', waitMs: 3000 })
        .at(8700, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'timeout' })
        .at(9000, 'acquire-start', { node: 'n4', worker: W.e, key: 'k9', mode: 'exclusive', waitMs: 500 })
        .at(9500, 'acquire-failed', { node: 'n4', worker: W.e, key: 'k9', reason: 'timeout' })
      expect(kinds(h.records())).to.deep.equal([])
    })

    it('reports a grant later than the bound and an acquire left unanswered past it', () => {
      const late = cleanHistory().hold({ worker: W.d, node: 'n3', key: 'k9', token: 1, fromMs: 7000, toMs: 9700, waitedMs: 2500 })
      expect(kinds(late.records())).to.deep.equal(['liveness'])
      const silent = cleanHistory()
        .at(7000, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'exclusive' })
        .at(10000, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'run-end' })
      expect(kinds(silent.records())).to.deep.equal(['liveness'])
    })

    it('waits ttlMsMax longer after a kill', () => {
      const h = cleanHistory()
        .at(4000, 'fault-start', { fault: 'kill', nodes: ['n4'], links: [] })
        .at(4500, 'node-start', { node: 'n4' })
        .at(4500, 'fault-end', { fault: 'kill', nodes: ['n4'], links: [] })
        .at(6100, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'exclusive', waitMs: 3000 })
        .at(9100, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'timeout' })
        .mode(4800, 'n4', 'read-write')
      // heal at 5 s + detection + stable + ttlMsMax: the timeout at 6.1 s is before the phase.
      expect(livenessPlan(h.records()).start).to.equal(ns(5000 + 300 + 500 + 1000))
      expect(kinds(h.records())).to.deep.equal([])
    })

    it('is skipped with a note when no bound is stated', () => {
      const h = cleanHistory({ livenessBoundMs: undefined })
        .at(7000, 'acquire-start', { node: 'n3', worker: W.d, key: 'k9', mode: 'exclusive', waitMs: 3000 })
        .at(9990, 'acquire-failed', { node: 'n3', worker: W.d, key: 'k9', reason: 'timeout' })
      const result = checkHistory(h.records())
      expect(result.violations).to.deep.equal([])
      expect(result.notes).to.deep.equal(['liveness not checked: the config states no livenessBoundMs'])
    })
  })

  describe('modes', () => {
    it('reports a wrong mode held past detection + stable period', () => {
      // n3 reports read-only at 1 s although it reaches everyone.
      const h = cleanHistory().mode(1000, 'n3', 'read-only', true).mode(2000, 'n3', 'read-write')
      const records = h.records()
      expect(kinds(records)).to.deep.equal(['modes'])
      const [v] = checkModes(records)
      expect(v!.t).to.equal(ns(1000))
      expect(v!.details).to.include('Node n3').and.include('read-only')
    })

    it('allows the transition window after a change, not beyond it', () => {
      // The partition starts at 3 s; detection + stable = 800 ms.
      const inTime = cleanHistory()
      const lines = inTime.lines().map(l => l.replace(`"t":${ns(3300)},"type":"mode","node":"n0"`, `"t":${ns(3790)},"type":"mode","node":"n0"`))
      expect(kinds(recordsOf(lines))).to.deep.equal([])
      const late = inTime.lines().map(l => l.replace(`"t":${ns(3300)},"type":"mode","node":"n0"`, `"t":${ns(3900)},"type":"mode","node":"n0"`))
      const result = checkHistory(recordsOf(late))
      expect(result.violations.map(v => v.kind)).to.deep.equal(['modes'])
      expect(result.violations[0]!.t).to.equal(ns(3800))
    })

    it('the window is detection × the local health cap + stable period: 8 when the history states none', () => {
      // n0 never reports the 2 s partition (3 s to 5 s). With the cap stated 1 the window is
      // 300 + 500 ms: a violation at 3.8 s. With no cap stated (8): 300 × 8 + 500 = 2900 ms,
      // longer than the partition: nothing to judge.
      const silent = (cap: number | undefined): HistoryRecord[] => recordsOf(cleanHistory().lines()
        .filter(l => !l.includes(`"t":${ns(3300)},"type":"mode","node":"n0"`))
        .map(l => cap === undefined ? l.replace(',"detectionCap":1', '') : l.replace('"detectionCap":1', `"detectionCap":${cap}`)))
      const tight = checkModes(silent(1))
      expect(tight.map(v => v.t)).to.deep.equal([ns(3800)])
      expect(tight[0]!.details).to.include('300 × 1 + 500 = 800 ms')
      expect(checkModes(silent(undefined))).to.deep.equal([])
      expect(checkModes(silent(8))).to.deep.equal([])
      expect(checkModes(silent(4)).map(v => v.t)).to.deep.equal([ns(4700)])
    })

    it('expects read-only with shared locks on both sides of a 3×3 grid split into one row and two rows', () => {
      const roster = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8']
      const row = ['n0', 'n1', 'n2']
      const rest = roster.filter(n => !row.includes(n))
      const h = new HistoryBuilder({ roster, quorum: 'grid' }).nodesStart(0)
      for (const n of roster) h.mode(300, n, 'read-write')
      h.partition(1000, 3000, row, rest)
      for (const n of roster) h.mode(1300, n, 'read-only', true)
      for (const n of roster) h.mode(3500, n, 'read-write')
      h.at(4000, 'heal')
      expect(kinds(h.records())).to.deep.equal([])
      const wrong = h.mode(1400, 'n4', 'read-only', false)
      expect(checkModes(wrong.records()).map(v => v.details)).to.have.length(1)
    })

    it('treats a one-way cut as unreachable both ways, and a killed or paused node as unreachable', () => {
      // Three nodes, majority 2: n0 loses n1 (one-way n1→n0) and n2 (paused) → read-only.
      const roster = ['n0', 'n1', 'n2']
      const h = new HistoryBuilder({ roster }).nodesStart(0)
      for (const n of roster) h.mode(300, n, 'read-write')
      h.at(1000, 'fault-start', { fault: 'one-way', nodes: ['n1'], links: [['n1', 'n0']] })
        .at(1000, 'fault-start', { fault: 'pause', nodes: ['n2'], links: [] })
        .mode(1300, 'n0', 'read-only', false)
        .at(3000, 'fault-end', { fault: 'pause', nodes: ['n2'], links: [] })
        .at(3000, 'fault-end', { fault: 'one-way', nodes: ['n1'], links: [['n1', 'n0']] })
        .mode(3500, 'n0', 'read-write')
        .at(5000, 'heal')
      // n1 reaches only itself (n0 cut, n2 paused) but stays read-write: wrong.
      const found = checkModes(h.records())
      expect(found.map(v => v.details.slice(0, 8))).to.deep.equal(['Node n1 '])
      h.mode(1300, 'n1', 'read-only', false).mode(3500, 'n1', 'read-write')
      expect(kinds(h.records())).to.deep.equal([])
    })

    it('does not check a killed node, and restarts its logged mode when it comes back', () => {
      const h = cleanHistory()
        .at(7000, 'fault-start', { fault: 'kill', nodes: ['n4'], links: [] })
        .at(7000, 'node-exit', { node: 'n4' })
        .at(7500, 'node-start', { node: 'n4' })
        .at(7500, 'fault-end', { fault: 'kill', nodes: ['n4'], links: [] })
      // The restarted n4 never reports a mode: 'starting' after 800 ms is wrong.
      expect(checkModes(h.records()).map(v => v.t)).to.deep.equal([ns(8300)])
      h.mode(7800, 'n4', 'read-write')
      expect(kinds(h.records())).to.deep.equal([])
    })

    it('skips stretches while a slow fault makes reachability unknown', () => {
      const h = cleanHistory()
        .at(7000, 'fault-start', { fault: 'slow', nodes: ['n4'], links: [] })
        .mode(7100, 'n0', 'read-only', false)
        .mode(7200, 'n0', 'read-write')
        .at(8000, 'fault-end', { fault: 'slow', nodes: ['n4'], links: [] })
      const result = checkHistory(h.records())
      expect(result.violations).to.deep.equal([])
      expect(result.notes).to.deep.equal(['modes not checked for 1000.000 ms of the run: reachability unknown (slow faults, or faults that name no links)'])
    })
  })
})

function recordsOf (lines: string[]): HistoryRecord[] {
  return parseHistoryText(lines.join('\n'))
}
