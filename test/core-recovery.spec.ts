/**
 * Disk-loss recovery at the core (src/core/recovery.ts and LockCore's
 * answer), stepped by hand on a virtual clock: when the node asks, whose
 * answers count, what it takes, what it refuses meanwhile — and each of the
 * three simulator mutations changes exactly that behaviour.
 */
import { expect } from 'chai'
import { defaultCoreConfig } from '../src/core/config.js'
import { LockCore } from '../src/core/lock-core.js'
import { recoverable, RecoveryCore, recoveryQuietMs } from '../src/core/recovery.js'
import type { CoreConfig, CoreEvent, Frame, FrameBody, NodeId, Ready, SafetyRule } from '../src/core/types.js'

const GRID9 = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8']
// Grid 9 columns (node i in column i mod 3): {n0,n3,n6} {n1,n4,n7} {n2,n5,n8}.

function config (self: NodeId, roster: readonly NodeId[], unsafe: SafetyRule[] = []): CoreConfig {
  return defaultCoreConfig(self, roster, {
    // Grid for 9 (reads and writes differ); majority for 3 (a one-column grid's read quorum is one node: never recoverable).
    quorum: roster.length >= 9 ? 'grid' : 'majority',
    ttlMsMax: 1_000,
    retransmitMs: 100,
    ...(unsafe.length > 0 ? { unsafe: Object.fromEntries(unsafe.map(r => [r, true])) } : {})
  })
}

const now = (mono: number): { mono: number, wall: number } => ({ mono, wall: 1e12 + mono })

function ceiling (round: number, c: bigint, seen: number, recovering = false): Frame {
  return { h: { clock: 1n, inc: 3, fn: 1, ack: 0, ackInc: 0 }, b: { t: 'CEILING', round, ceiling: c, seenIncarnation: seen, recovering } }
}

function bodies (r: Ready, t: FrameBody['t']): Array<{ to: NodeId, b: FrameBody }> {
  return r.frames.filter(f => f.frame.b.t === t).map(f => ({ to: f.to, b: f.frame.b }))
}

function recovered (r: Ready): Extract<CoreEvent, { type: 'recovered' }> | undefined {
  return r.events.find((e): e is Extract<CoreEvent, { type: 'recovered' }> => e.type === 'recovered')
}

/** A RecoveryCore on n0 of grid 9, started at 0 and stepped past its quiet period; returns the current round. */
function pastQuiet (core: RecoveryCore): { t: number, round: number } {
  core.step({ type: 'start', now: now(0) })
  const t = recoveryQuietMs(core.config)
  const r = core.step({ type: 'tick', now: now(t) })
  const asks = bodies(r, 'RECOVER')
  expect(asks.map(a => a.to).sort()).to.deep.equal(GRID9.slice(1))
  return { t, round: (asks[0]!.b as { round: number }).round }
}

describe('disk-loss recovery in the core', function () {
  it('asks nobody during the quiet period (ttlMsMax widened for ρ); reports read-only with the reason; refuses acquires', () => {
    const core = new RecoveryCore(config('n0', GRID9))
    const start = core.step({ type: 'start', now: now(0) })
    expect(start.frames).to.deep.equal([])
    const mode = start.events.find(e => e.type === 'mode')
    expect(mode).to.deep.include({ mode: 'read-only', sharedLocks: false })
    expect((mode as { reason?: string }).reason).to.match(/quiet period/)
    const quiet = recoveryQuietMs(core.config)
    expect(quiet).to.equal(Math.ceil(1_000 * 1.01 / 0.99))
    expect(start.wakeAt).to.equal(quiet)
    expect(core.step({ type: 'tick', now: now(quiet - 1) }).frames).to.deep.equal([])
    const acq = core.step({ type: 'acquire', now: now(quiet - 1), cmd: { handle: 1, key: 'k', mode: 'exclusive', ttlMs: 500, noWait: false, waitMs: null } })
    expect(acq.results).to.have.length(1)
    expect(acq.results[0]).to.deep.include({ type: 'failed', reason: 'read-only' })
    // A peer's REQUEST is neither answered nor voted on.
    const req = core.step({ type: 'frame', now: now(quiet - 1), from: 'n1', frame: { h: { clock: 1n, inc: 1, fn: 1, ack: 0, ackInc: 0 }, b: { t: 'REQUEST', key: 'k', id: { peer: 'n1', inc: 1, seq: 1 }, ts: 1n, mode: 'exclusive', ttlMs: 500, noWait: false } } })
    expect(req.frames).to.deep.equal([])
  })

  it('retries every retransmitMs, only towards peers whose answer does not count yet', () => {
    const core = new RecoveryCore(config('n0', GRID9))
    const { t, round } = pastQuiet(core)
    core.step({ type: 'frame', now: now(t + 1), from: 'n1', frame: ceiling(round, 5n, 2) })
    core.step({ type: 'frame', now: now(t + 1), from: 'n2', frame: ceiling(round, 0n, 0, true) })
    expect(core.step({ type: 'tick', now: now(t + 50) }).frames).to.deep.equal([])
    const again = bodies(core.step({ type: 'tick', now: now(t + 100) }), 'RECOVER')
    expect(again.map(a => a.to).sort()).to.deep.equal(['n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'])
    expect(core.status().recoveringPeers).to.deep.equal(['n2'])
    expect(core.status().reason).to.match(/recovering themselves: n2/)
  })

  it('a set covering every write quorum but not every read quorum is not enough; adding a full column is, with ceiling and incarnation above every report', () => {
    const core = new RecoveryCore(config('n0', GRID9))
    const { t, round } = pastQuiet(core)
    // One node of every column (n0's own column through n3): meets every write quorum minus n0, not the read quorum {n0, n1, n2}.
    for (const [peer, c, seen] of [['n3', 40n, 4], ['n4', 90n, 7], ['n5', 10n, 3]] as const) {
      const r = core.step({ type: 'frame', now: now(t + 1), from: peer, frame: ceiling(round, c, seen) })
      expect(recovered(r), `after ${peer}`).to.equal(undefined)
    }
    // A recovering peer's figures never count towards S.
    expect(recovered(core.step({ type: 'frame', now: now(t + 2), from: 'n1', frame: ceiling(round, 999n, 50, true) }))).to.equal(undefined)
    expect(recovered(core.step({ type: 'frame', now: now(t + 3), from: 'n7', frame: ceiling(round, 60n, 9) }))).to.equal(undefined)
    // n1 answers for real: column {n1, n4, n7} complete.
    const done = recovered(core.step({ type: 'frame', now: now(t + 4), from: 'n1', frame: ceiling(round, 70n, 8) }))
    expect(done).to.not.equal(undefined)
    // Incarnation: above every report (n1's recovering answer said 50 before; the newest answer counts) and at least the wall clock in ms.
    expect(done).to.deep.include({ incarnation: 1e12 + t + 4, ceiling: 91n })
    expect(done!.reporters).to.deep.equal(['n1', 'n3', 'n4', 'n5', 'n7'])
  })

  it('takes an incarnation above every reported one even when that is above the wall clock', () => {
    const core = new RecoveryCore(config('n0', ['n0', 'n1', 'n2']))
    core.step({ type: 'start', now: now(0) })
    const t = recoveryQuietMs(core.config)
    core.step({ type: 'tick', now: now(t) })
    core.step({ type: 'frame', now: now(t + 1), from: 'n1', frame: ceiling(1, 3n, 2e12) })
    expect(recovered(core.step({ type: 'frame', now: now(t + 1), from: 'n2', frame: ceiling(1, 3n, 6) }))).to.deep.include({ incarnation: 2e12 + 1, ceiling: 4n })
  })

  it('recoverable(): never for a lone node or a one-column grid (a quorum of self alone); majority 3 and grid 9 are', () => {
    expect(recoverable(defaultCoreConfig('n0', ['n0']))).to.equal(false)
    expect(recoverable(defaultCoreConfig('n0', ['n0', 'n1', 'n2'], { quorum: 'grid' }))).to.equal(false)
    expect(recoverable(defaultCoreConfig('n0', ['n0', 'n1', 'n2'], { quorum: 'majority' }))).to.equal(true)
    expect(recoverable(config('n0', GRID9))).to.equal(true)
  })

  it('drops answers no honest peer can give (a ceiling at the token limit, an incarnation near 2^53): counted, never fatal', () => {
    const core = new RecoveryCore(config('n0', ['n0', 'n1', 'n2']))
    core.step({ type: 'start', now: now(0) })
    const t = recoveryQuietMs(core.config)
    core.step({ type: 'tick', now: now(t) })
    core.step({ type: 'frame', now: now(t + 1), from: 'n1', frame: ceiling(1, (1n << 63n) - 1n, 2) })
    core.step({ type: 'frame', now: now(t + 1), from: 'n2', frame: ceiling(1, 5n, Number.MAX_SAFE_INTEGER) })
    expect(core.status().answered).to.deep.equal([])
    expect(core.status().counters.badCeilings).to.equal(2)
  })

  it('ignores answers to rounds it never sent', () => {
    const core = new RecoveryCore(config('n0', ['n0', 'n1', 'n2'].slice(), []))
    core.step({ type: 'start', now: now(0) })
    // Before the quiet period ends there is no round: an answer then is stale.
    core.step({ type: 'frame', now: now(1), from: 'n1', frame: ceiling(1, 5n, 1) })
    core.step({ type: 'frame', now: now(1), from: 'n2', frame: ceiling(1, 5n, 1) })
    const r = core.step({ type: 'tick', now: now(recoveryQuietMs(core.config)) })
    expect(recovered(r)).to.equal(undefined)
    expect(core.status().answered).to.deep.equal([])
    expect(core.step({ type: 'frame', now: now(recoveryQuietMs(core.config) + 1), from: 'n1', frame: ceiling(7, 5n, 1) }).events).to.deep.equal([])
    expect(core.status().counters.staleCeilings).to.equal(3)
  })

  describe('the mutations change exactly their rule', function () {
    it('recoveryAfterQuiet off: asks at start and uses those answers — still voting only after the quiet period', () => {
      const core = new RecoveryCore(config('n0', ['n0', 'n1', 'n2'], ['recoveryAfterQuiet']))
      const r = core.step({ type: 'start', now: now(0) })
      expect(bodies(r, 'RECOVER')).to.have.length(2)
      core.step({ type: 'frame', now: now(1), from: 'n1', frame: ceiling(1, 3n, 2) })
      expect(recovered(core.step({ type: 'frame', now: now(1), from: 'n2', frame: ceiling(1, 3n, 2) }))).to.equal(undefined)
      const done = recovered(core.step({ type: 'tick', now: now(recoveryQuietMs(core.config)) }))
      expect(done).to.deep.include({ ceiling: 4n })
    })

    it('recoveryCoversReads off: one node per column is enough', () => {
      const core = new RecoveryCore(config('n0', GRID9, ['recoveryCoversReads']))
      const { t, round } = pastQuiet(core)
      core.step({ type: 'frame', now: now(t + 1), from: 'n3', frame: ceiling(round, 1n, 1) })
      core.step({ type: 'frame', now: now(t + 1), from: 'n4', frame: ceiling(round, 1n, 1) })
      expect(recovered(core.step({ type: 'frame', now: now(t + 1), from: 'n5', frame: ceiling(round, 1n, 1) }))).to.not.equal(undefined)
    })

    it('recoveredIncarnation off: incarnation 1 whatever peers saw', () => {
      const core = new RecoveryCore(config('n0', ['n0', 'n1', 'n2'], ['recoveredIncarnation']))
      core.step({ type: 'start', now: now(0) })
      const t = recoveryQuietMs(core.config)
      core.step({ type: 'tick', now: now(t) })
      core.step({ type: 'frame', now: now(t + 1), from: 'n1', frame: ceiling(1, 3n, 6) })
      const done = recovered(core.step({ type: 'frame', now: now(t + 1), from: 'n2', frame: ceiling(1, 3n, 6) }))
      expect(done).to.deep.include({ incarnation: 1 })
    })
  })

  it('a voter answers RECOVER with its persisted ceiling and the newest incarnation it saw of the asker, only once durable', () => {
    const roster = ['n0', 'n1', 'n2']
    const core = new LockCore(defaultCoreConfig('n1', roster, { quorum: 'majority' }), { incarnation: 4, persisted: { ceiling: 5000n, cleanExit: true } })
    let r = core.step({ type: 'start', now: now(0) })
    core.step({ type: 'persisted', now: now(0), batch: r.persist!.batch })
    // n0's old run (incarnation 6) was seen.
    core.step({ type: 'handshake', now: now(1), peer: 'n0', incarnation: 6, clock: 1n, quietRemainingMs: 0 })
    r = core.step({ type: 'frame', now: now(2), from: 'n0', frame: { h: { clock: 1n, inc: 0, fn: 0, ack: 0, ackInc: 0 }, b: { t: 'RECOVER', round: 3 } } })
    const answer = bodies(r, 'CEILING')
    expect(answer).to.deep.equal([{ to: 'n0', b: { t: 'CEILING', round: 3, ceiling: 5000n, seenIncarnation: 6, recovering: false } }])
    // The header's incarnation 0 is no new incarnation of n0: the detector kept 6.
    expect(core.status().peers.find(p => p.peer === 'n0')?.incarnation).to.equal(6)
  })
})
