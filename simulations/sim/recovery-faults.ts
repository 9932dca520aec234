/**
 * Disk-loss recovery's shaped faults (issue 12): the two windows the plain
 * `wiped-restart` fault almost never opens, each one the case a recovery rule
 * of docs/design.md ("Disk loss is never a first run") exists for.
 *
 * - `wiped-mid-commit` (the quiet-period rule): a voter X accepts a COMMIT
 *   whose copies to the other voters are lost for a while (the requester R's
 *   links to everyone but X are down), answers COMMITTED, and its disk is
 *   lost at once. It restarts within a round trip or two, cut off from R for
 *   its quiet period and more, while R's COMMIT is still being retransmitted
 *   to the others: a ceiling sampled at start misses the token R then gets
 *   granted; one sampled after the quiet period does not.
 * - `wiped-stale-peers` (the read-quorum rule): a set S of peers is isolated
 *   one by one while the rest, X among them, go on locking; then X's disk is
 *   lost and it restarts among S (S and X on one side of a partition, past
 *   its quiet period). On a grid S is X's column and one node of every other
 *   column: it meets every write quorum minus X, but every read quorum the
 *   rest could use contains X, so the shared tokens granted meanwhile are
 *   known to X and the rest only. Majority: S is ⌊(N−1)/2⌋ peers (no quorum
 *   without the rest: X waits for the heal).
 *
 * Every draw comes from the injector's 'recovery' stream, so the other
 * faults' draws stay as they were.
 */
import type { Frame } from '../../src/core/types.js'
import type { FaultAction, FaultProfile } from './fault-schedule.js'
import type { Cut } from './network.js'
import type { Rng } from './rng.js'
import { idStr, type Simulation } from './simulation.js'
import { fmtTime } from './trace.js'

/** The quiet period a recovering node waits out (recoveryQuietMs), in true ms, as the injector estimates it. */
function quietMs (ttlMsMax: number, rho: number): number {
  return ttlMsMax * (1 + rho) / (1 - rho)
}

interface CommitTrap {
  until: number
  /** Until then only a COMMIT whose token is above every other node's persisted ceiling is aimed at; any COMMIT after. */
  pickyUntil: number
  /** Set once a COMMIT was aimed at. */
  aimed: { id: string, requester: number, voter: number, token: bigint, cuts: Cut[] } | null
}

export class RecoveryFaults {
  private trap: CommitTrap | null = null
  /** A wiped-stale-peers fault is under way (one at a time: two would cut each other's island apart). */
  private staleBusy = false
  /** healAll() ran: no new cut from here on (crashed nodes are restarted by the heal). */
  healed = false

  constructor (
    private readonly sim: Simulation,
    private readonly profile: FaultProfile,
    private readonly r: Rng,
    private readonly quorum: 'grid' | 'majority' | 'all',
    private readonly ttlMsMax: number
  ) {
    // Only seeds that can arm the trap pay for a look at every frame.
    if (profile.enabled.has('wiped-mid-commit')) sim.frameTap = (from, to, frame) => this.onFrame(from, to, frame)
  }

  private line (what: string): void {
    this.sim.trace.add(`${fmtTime(this.sim.t)} ## ${what}`)
  }

  /** One lost disk at a time (more than a quorum tolerates is data loss; recovery rightly never ends). */
  private diskLost (): boolean {
    return this.sim.nodes.some(x => x.wiped || x.recovering)
  }

  inject (a: FaultAction): void {
    if (a.kind === 'wiped-mid-commit') this.armCommitTrap(a)
    else if (a.kind === 'wiped-stale-peers') this.stalePeers(a)
  }

  // -- wiped-mid-commit -------------------------------------------------------

  private armCommitTrap (a: FaultAction): void {
    // A disk lost now may be recovered before the trap closes: worthAiming waits for that.
    const t = this.trap
    if ((t !== null && (t.aimed !== null || this.sim.t <= t.until)) || this.healed) return
    this.trap = { until: this.sim.t + a.durationMs, pickyUntil: this.sim.t + a.durationMs / 2, aimed: null }
    this.line(`wiped-mid-commit armed for ${a.durationMs.toFixed(1)} ms`)
  }

  /** Sees every protocol frame as it is sent, before the network decides its fate. */
  private onFrame (from: number, to: number, frame: Frame): void {
    const trap = this.trap
    if (trap === null || from === to) return
    const sim = this.sim
    const b = frame.b
    if (trap.aimed === null && b.t === 'COMMIT') {
      if (sim.t > trap.until || this.healed) { this.trap = null; return }
      if (!this.worthAiming(from, to, sim.t < trap.pickyUntil ? b.token : null)) return
      // The first remote voter this requester commits to is X; its COMMIT to
      // every other node is lost while R's links to them are down.
      const cuts: Cut[] = []
      for (let p = 0; p < sim.nodes.length; p++) if (p !== from && p !== to) cuts.push(sim.network.oneWay(from, p))
      trap.aimed = { id: idStr(b.id), requester: from, voter: to, token: b.token, cuts }
      this.line(`wiped-mid-commit aims at n${to}: ${b.key} token=${b.token} from n${from}, whose links to the others go down`)
      sim.recordTruth()
      // X never answers (crashed by another fault, a hung disk): the links come back, nothing else happens.
      sim.at(sim.t + 1000, () => {
        if (this.trap !== trap) return
        this.restore(trap.aimed!.cuts)
        this.trap = null
        this.line('wiped-mid-commit: no COMMITTED, R\'s links come back')
      })
      return
    }
    const aim = trap.aimed
    if (aim !== null && b.t === 'COMMITTED' && from === aim.voter && to === aim.requester && idStr(b.id) === aim.id) {
      this.trap = null
      // X's fence is durable (COMMITTED is a gated frame) and its answer is on the wire: its disk dies now.
      sim.at(sim.t, () => this.wipeAfterCommit(aim))
    }
  }

  /**
   * X and R running, no disk lost; in the trap's first half also a token above
   * every other node's persisted ceiling (a ceiling reserved past the token
   * hides the missed COMMIT), so that it is aimed where it matters most.
   */
  private worthAiming (requester: number, voter: number, token: bigint | null): boolean {
    const sim = this.sim
    if (this.diskLost() || !sim.nodes[requester]!.running || !sim.nodes[voter]!.running) return false
    if (token === null) return true
    for (const n of sim.nodes) if (n.index !== requester && n.index !== voter && n.disk.ceiling >= token) return false
    return true
  }

  private wipeAfterCommit (aim: NonNullable<CommitTrap['aimed']>): void {
    const sim = this.sim
    const x = aim.voter
    const node = sim.nodes[x]!
    if (!node.up || this.diskLost()) { this.restore(aim.cuts); return }
    sim.countFault('wiped-mid-commit', true)
    this.line(`wiped-mid-commit n${x} after its COMMITTED to n${aim.requester}`)
    sim.crashNode(x, 'crash')
    sim.wipeDisk(x)
    // Back after the COMMITTED reached R (no delivery takes longer than capMs).
    const capMs = sim.network.params.capMs
    const restartAt = sim.t + this.r.range(capMs + 5, capMs + 100)
    sim.at(restartAt, () => {
      if (node.up || this.healed) { this.restore(aim.cuts); return }
      sim.startNode(x)
      const forMs = quietMs(this.ttlMsMax, this.profile.rho) + this.r.range(200, 1500)
      const cuts = [sim.network.oneWay(x, aim.requester), sim.network.oneWay(aim.requester, x)]
      this.line(`wiped-mid-commit n${x} restarts, cut off from n${aim.requester} for ${forMs.toFixed(1)} ms`)
      sim.recordTruth()
      // R's COMMIT reaches the others at its next retransmission after this.
      sim.at(sim.t + 100, () => this.restore(aim.cuts))
      sim.at(sim.t + forMs, () => this.restore(cuts))
    })
  }

  // -- wiped-stale-peers ------------------------------------------------------

  private stalePeers (a: FaultAction): void {
    const sim = this.sim
    if (this.staleBusy || this.diskLost() || this.healed) return
    const running = sim.nodes.filter(n => n.running && !n.stopping).map(n => n.index)
    if (running.length === 0) return
    const { holders, voters } = sim.involved()
    const aimed = running.filter(i => holders.has(i) || voters.has(i))
    const x = aimed.length > 0 && this.r.chance(0.6) ? this.r.pick(aimed) : this.r.pick(running)
    const s = this.staleSet(x)
    if (s.length === 0) return
    this.staleBusy = true
    const isolations = s.map(p => sim.network.isolate(p))
    this.line(`wiped-stale-peers n${x}: [${s.map(p => `n${p}`).join(' ')}] isolated for ${a.durationMs.toFixed(1)} ms`)
    sim.recordTruth()
    sim.at(sim.t + a.durationMs, () => {
      const node = sim.nodes[x]!
      if (!node.up || node.stopping || this.healed || sim.nodes.some(n => n !== node && (n.wiped || n.recovering))) {
        this.restore(isolations)
        this.staleBusy = false
        this.line(`wiped-stale-peers n${x}: not injected (node down or another disk lost)`)
        return
      }
      sim.countFault('wiped-stale-peers', holders.has(x) || voters.has(x))
      sim.crashNode(x, 'crash')
      sim.wipeDisk(x)
      sim.at(sim.t + this.r.range(20, 500), () => {
        this.restore(isolations)
        this.staleBusy = false
        if (node.up || this.healed) return
        sim.startNode(x)
        const side = [x, ...s]
        const forMs = quietMs(this.ttlMsMax, this.profile.rho) + this.r.range(200, 2500)
        const cut = sim.network.partition(side)
        this.line(`wiped-stale-peers n${x} restarts into [${side.map(p => `n${p}`).join(' ')}] for ${forMs.toFixed(1)} ms`)
        sim.recordTruth()
        sim.at(sim.t + forMs, () => this.restore([cut]))
      })
    })
  }

  /** Grid: X's column and one node of every other column; otherwise ⌊(N−1)/2⌋ random peers. */
  private staleSet (x: number): number[] {
    const ids = this.sim.nodes.map(n => n.id)
    const others = ids.map((_, i) => i).filter(i => i !== x)
    if (this.quorum !== 'grid') return this.r.shuffle(others).slice(0, Math.floor((ids.length - 1) / 2))
    const sorted = [...ids].sort()
    const c = Math.max(1, Math.floor(Math.sqrt(ids.length)))
    const col = (i: number): number => sorted.indexOf(ids[i]!) % c
    const s: number[] = []
    for (let k = 0; k < c; k++) {
      const members = others.filter(i => col(i) === k)
      if (k === col(x)) s.push(...members)
      else if (members.length > 0) s.push(this.r.pick(members))
    }
    return s
  }

  private restore (cuts: readonly Cut[]): void {
    for (const cut of cuts) this.sim.network.restore(cut)
    this.sim.recordTruth()
  }
}
