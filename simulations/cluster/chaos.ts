/**
 * Runs the chaos schedule against the live mesh. Each fault picks its
 * targets when it starts, from the nodes' own status (who holds or is
 * acquiring what, with which quorum):
 * - `kill` and `pause` target the holder of a hot key or one of its voters;
 * - `partition`, `bridge` and `one-way` prefer a cut that separates a
 *   requester holding votes (or a holder) from a voter of its quorum;
 * - `isolate` and `slow` prefer such a requester, holder or voter.
 * Each fault is bounded and healed; `fault-start` / `fault-end` records carry
 * the nodes, the directed links cut and (on the start) `hitHolder`.
 */
import type { QuorumSystemName } from '../../src/core/types.js'
import type { PlannedFault } from './chaos-plan.js'
import type { HistoryWriter } from './history-writer.js'
import type { Link, NetFault, NetworkControl } from './network.js'
import type { NodeProcess } from './node-process.js'
import type { ChaosKind } from './options.js'
import type { AcquireView, NodeName } from './protocol.js'
import type { Rng } from './rng.js'

export interface ActiveFault {
  id: string
  kind: ChaosKind
  nodes: NodeName[]
  /** For the progress line. */
  label: string
}

export interface ChaosInit {
  nodes: Map<NodeName, NodeProcess>
  /** Sorted roster (names sort like the peer IDs they stand for). */
  roster: NodeName[]
  quorum: QuorumSystemName
  hotKeys: string[]
  net: NetworkControl
  history: HistoryWriter
  rng: Rng
  signal: AbortSignal
  /** Restart a killed node (a new process, same data directory). */
  restart: (node: NodeProcess) => Promise<void>
  log: (line: string) => void
}

/** One acquire seen in a node's status: a holder, or a requester holding votes. */
interface Activity extends AcquireView { node: NodeName, midIncrement: number }

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  if (ms <= 0 || signal?.aborted === true) return
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, ms)
    function done (): void { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
    signal?.addEventListener('abort', done, { once: true })
  })
}

export class Chaos {
  readonly active = new Map<string, ActiveFault>()
  readonly injected = new Map<ChaosKind, { injected: number, hitHolder: number }>()
  private nextId = 1
  private readonly running = new Set<Promise<void>>()
  /** The fault choosing its targets (not yet in `active`), if any: one at a time. */
  private starting: number | null = null
  private nextStart = 1

  constructor (private readonly init: ChaosInit) {}

  /**
   * Runs the planned faults in order, each no earlier than its time (ms after
   * `t0`, a Date.now() instant) and once it is admitted: a partition or
   * bridge when every node runs and no other fault is in force, any other
   * fault when enough nodes are free and at most `maxDown` would be down. A
   * fault that starts late is cut short to end by `windowEnd` (the first of
   * its kind may run up to `graceMs` past it), but never below its minimum;
   * one that cannot start in time is skipped. Resolves when every fault has
   * been healed.
   */
  async run (plan: readonly PlannedFault[], t0: number, windowEnd: number, maxDown: number, graceMs = 2000): Promise<void> {
    for (const planned of plan) {
      await sleep(t0 + planned.at - Date.now(), this.init.signal)
      if (this.init.signal.aborted) break
      const end = windowEnd + (planned.first ? graceMs : 0)
      const restartMs = planned.slotMs - planned.durationMs
      const deadline = end - restartMs - planned.minDurationMs
      while (!this.admits(planned.kind, maxDown) && Date.now() < deadline && !this.init.signal.aborted) await sleep(100, this.init.signal)
      if (this.init.signal.aborted) break
      if (!this.admits(planned.kind, maxDown) || Date.now() > deadline) { this.init.log(`chaos: ${planned.kind} skipped (no room before the window closes)`); continue }
      const durationMs = Math.max(planned.minDurationMs, Math.min(planned.durationMs, end - restartMs - Date.now()))
      const f = { ...planned, durationMs, slotMs: durationMs + restartMs }
      const p = this.inject(f).catch(err => { this.init.log(`chaos: ${f.kind} failed: ${(err as Error).stack ?? String(err)}`) })
      this.running.add(p)
      void p.finally(() => this.running.delete(p))
      // Let the fault take its nodes before the next one is admitted.
      while (this.starting !== null) await sleep(20)
    }
    while (this.running.size > 0) await Promise.all([...this.running])
  }

  private admits (kind: ChaosKind, maxDown: number): boolean {
    const allUp = this.init.roster.every(n => this.init.nodes.get(n)!.state === 'up')
    if (kind === 'partition' || kind === 'bridge') return allUp && this.active.size === 0
    if ([...this.active.values()].some(f => f.kind === 'partition' || f.kind === 'bridge')) return false
    const down = [...this.active.values()].filter(f => f.kind === 'kill' || f.kind === 'pause' || f.kind === 'isolate').length
    if ((kind === 'kill' || kind === 'pause' || kind === 'isolate') && down >= maxDown) return false
    return this.active.size < 3 && this.free().length >= (kind === 'one-way' ? 2 : 1)
  }

  private busy (): Set<NodeName> {
    return new Set([...this.active.values()].flatMap(f => f.nodes))
  }

  /** Nodes up, not paused and in no other fault. */
  private free (): NodeName[] {
    const busy = this.busy()
    return this.init.roster.filter(n => !busy.has(n) && this.init.nodes.get(n)!.state === 'up')
  }

  private async activity (): Promise<Activity[]> {
    const up = this.init.roster.filter(n => this.init.nodes.get(n)!.state === 'up')
    const statuses = await Promise.all(up.map(async n => ({ n, s: await this.init.nodes.get(n)!.status() })))
    return statuses.flatMap(({ n, s }) => (s?.acquires ?? [])
      .filter(a => a.phase === 'held' || a.votes > 0)
      .map(a => ({ ...a, node: n, midIncrement: s?.midIncrement ?? 0 })))
  }

  /** Holders and requesters with votes, and their voters. */
  private static involved (acts: readonly Activity[]): Set<NodeName> {
    const s = new Set<NodeName>()
    for (const a of acts) { s.add(a.node); for (const v of a.quorum) s.add(v) }
    return s
  }

  /** Whether cutting `links` separates some requester from a voter of its quorum. */
  private static separates (acts: readonly Activity[], links: readonly Link[]): boolean {
    const cut = new Set(links.map(l => l.join('>')))
    return acts.some(a => a.quorum.some(v => v !== a.node && (cut.has(`${a.node}>${v}`) || cut.has(`${v}>${a.node}`))))
  }

  /** Polls statuses until `want` finds something (or `patienceMs` passes). */
  private async await<T> (patienceMs: number, want: (acts: Activity[]) => T | null): Promise<{ found: T | null, acts: Activity[] }> {
    const until = Date.now() + patienceMs
    let acts: Activity[] = []
    for (;;) {
      acts = await this.activity()
      const found = want(acts)
      if (found !== null || Date.now() >= until || this.init.signal.aborted) return { found, acts }
      await sleep(60, this.init.signal)
    }
  }

  private begin (kind: ChaosKind, nodes: NodeName[], links: Link[], hitHolder: boolean, label: string, extra: Record<string, unknown> = {}): ActiveFault {
    this.starting = null
    const id = `f${this.nextId++}`
    const f: ActiveFault = { id, kind, nodes, label }
    this.active.set(id, f)
    const c = this.injected.get(kind) ?? { injected: 0, hitHolder: 0 }
    c.injected++
    if (hitHolder) c.hitHolder++
    this.injected.set(kind, c)
    this.init.history.event({ t: this.init.history.now(), type: 'fault-start', fault: kind, id, nodes, links, hitHolder, ...extra })
    this.init.log(`chaos: ${label}${hitHolder ? ' (hits a holder or its voters)' : ''}`)
    return f
  }

  private end (f: ActiveFault, links: Link[]): void {
    this.init.history.event({ t: this.init.history.now(), type: 'fault-end', fault: f.kind, id: f.id, nodes: f.nodes, links })
    this.active.delete(f.id)
    this.init.log(`chaos: ${f.label} healed`)
  }

  private async inject (p: PlannedFault): Promise<void> {
    const me = this.nextStart++
    this.starting = me
    try {
      await this.injectOne(p)
    } finally {
      // A fault that gave up before begin() no longer holds the next one back.
      if (this.starting === me) this.starting = null
    }
  }

  private async injectOne (p: PlannedFault): Promise<void> {
    const { rng } = this.init
    switch (p.kind) {
      case 'kill':
      case 'pause': {
        // The holder of a hot key, or one of its voters; a pause prefers a
        // holder caught between the read and the write of an increment (its
        // write then comes with a stale token after SIGCONT).
        const { found, acts } = await this.await(3000, acts => {
          const free = new Set(this.free())
          const hot = acts.filter(a => a.phase === 'held' && this.init.hotKeys.includes(a.key))
          if (p.kind === 'pause') {
            const mid = hot.filter(a => a.mode === 'exclusive' && a.midIncrement > 0 && free.has(a.node))
            if (mid.length > 0) return rng.pick(mid).node
          }
          const cands = [...new Set(hot.flatMap(a => rng.chance(p.kind === 'pause' ? 0.7 : 0.4) ? [a.node] : [a.node, ...a.quorum]))].filter(n => free.has(n))
          return cands.length > 0 ? rng.pick(cands) : null
        })
        const free = this.free()
        const target = found ?? (free.length > 0 ? rng.pick(free) : null)
        if (target === null) { this.init.log(`chaos: ${p.kind} skipped (no free node)`); return }
        const hit = Chaos.involved(acts.filter(a => a.phase === 'held')).has(target)
        const node = this.init.nodes.get(target)!
        if (p.kind === 'pause') {
          node.pause()
          const f = this.begin('pause', [target], [], hit, `pause ${target} for ${p.durationMs} ms`, { durationMs: p.durationMs })
          await sleep(p.durationMs, this.init.signal)
          node.resume()
          this.end(f, [])
        } else {
          const f = this.begin('kill', [target], [], hit, `kill -9 ${target}, restart in ${p.durationMs} ms`, { downMs: p.durationMs })
          const t = await node.kill('killed')
          this.init.history.event({ t, type: 'node-exit', node: target, reason: 'killed' })
          await sleep(p.durationMs, this.init.signal)
          try {
            if (!this.init.signal.aborted) await this.init.restart(node)
          } finally {
            this.end(f, [])
          }
        }
        return
      }
      case 'partition': {
        const splits = this.partitionSplits()
        const { found: split, acts } = await this.await(1200, acts => splits.find(s => Chaos.separates(acts, cross(s[0], s[1]))) ?? null)
        const [minority, majority] = split ?? rng.pick(splits)
        const fault = await this.init.net.partition([minority, majority])
        const f = this.begin('partition', fault.nodes, fault.links, Chaos.separates(acts, fault.links), `partition ${minority.join(',')} | ${majority.join(',')}`)
        await this.holdNet(p, f, fault)
        return
      }
      case 'bridge': {
        const splits = this.bridgeSplits()
        const { found: split, acts } = await this.await(1200, acts => splits.find(s => Chaos.separates(acts, cross(s.left, s.right))) ?? null)
        const { left, bridge, right } = split ?? rng.pick(splits)
        const fault = await this.init.net.bridge(left, bridge, right)
        const f = this.begin('bridge', fault.nodes, fault.links, Chaos.separates(acts, fault.links), `bridge ${left.join(',')} | ${bridge} | ${right.join(',')}`)
        await this.holdNet(p, f, fault)
        return
      }
      case 'isolate':
      case 'slow': {
        const { found, acts } = await this.await(1000, acts => {
          const free = new Set(this.free())
          const cands = [...Chaos.involved(acts)].filter(n => free.has(n))
          return cands.length > 0 ? rng.pick(cands) : null
        })
        const free = this.free()
        const target = found ?? (free.length > 0 ? rng.pick(free) : null)
        if (target === null) { this.init.log(`chaos: ${p.kind} skipped (no free node)`); return }
        const hit = Chaos.involved(acts).has(target)
        if (p.kind === 'isolate') {
          const fault = await this.init.net.isolate(target)
          const f = this.begin('isolate', [target], fault.links, hit, `isolate ${target}`)
          await this.holdNet(p, f, fault)
        } else {
          const delayMs = Math.round(rng.range(40, 160))
          const fault = await this.init.net.slow([target], delayMs)
          const f = this.begin('slow', [target], [], hit, `slow ${target} (+${delayMs} ms each way)`, { delayMs })
          await this.holdNet(p, f, fault)
        }
        return
      }
      case 'one-way': {
        const { found, acts } = await this.await(1000, acts => {
          const free = new Set(this.free())
          const pairs = acts.flatMap(a => a.quorum.filter(v => v !== a.node && free.has(v) && free.has(a.node)).map(v => rng.chance(0.5) ? [a.node, v] : [v, a.node]))
          return pairs.length > 0 ? rng.pick(pairs) as [NodeName, NodeName] : null
        })
        let pair = found
        if (pair === null) {
          const free = rng.shuffle(this.free())
          if (free.length < 2) { this.init.log('chaos: one-way skipped (no free pair)'); return }
          pair = [free[0]!, free[1]!]
        }
        const fault = await this.init.net.oneWay([pair[0]], [pair[1]])
        const f = this.begin('one-way', [pair[0], pair[1]], fault.links, Chaos.separates(acts, fault.links), `one-way ${pair[0]} -> ${pair[1]} dropped`)
        await this.holdNet(p, f, fault)
      }
    }
  }

  private async holdNet (p: PlannedFault, f: ActiveFault, fault: NetFault): Promise<void> {
    await sleep(p.durationMs, this.init.signal)
    await this.init.net.heal(fault)
    this.end(f, fault.links)
  }

  /** Candidate [minority, majority] splits, shuffled: grid rows on a grid, else minorities of every size. */
  private partitionSplits (): Array<[NodeName[], NodeName[]]> {
    const { roster, rng } = this.init
    const n = roster.length
    const out: Array<[NodeName[], NodeName[]]> = []
    if (this.init.quorum === 'grid') {
      const c = Math.max(1, Math.floor(Math.sqrt(n)))
      const rows = Math.ceil(n / c)
      for (let r = 0; r < rows; r++) {
        const row = roster.filter((_x, i) => Math.floor(i / c) === r)
        out.push([row, roster.filter(x => !row.includes(x))])
      }
    } else {
      const maxMinority = Math.max(1, Math.floor((n - 1) / 2))
      for (let i = 0; i < 60; i++) {
        const size = rng.int(1, maxMinority)
        const minority = rng.shuffle(roster).slice(0, size).sort()
        out.push([minority, roster.filter(x => !minority.includes(x))])
      }
    }
    return rng.shuffle(out)
  }

  private bridgeSplits (): Array<{ left: NodeName[], bridge: NodeName, right: NodeName[] }> {
    const { roster, rng } = this.init
    const out: Array<{ left: NodeName[], bridge: NodeName, right: NodeName[] }> = []
    for (let i = 0; i < 60; i++) {
      const order = rng.shuffle(roster)
      const bridge = order[0]!
      const rest = order.slice(1)
      const half = Math.floor(rest.length / 2)
      out.push({ left: rest.slice(0, half).sort(), bridge, right: rest.slice(half).sort() })
    }
    return out
  }
}

function cross (a: readonly NodeName[], b: readonly NodeName[]): Link[] {
  const out: Link[] = []
  for (const x of a) for (const y of b) { out.push([x, y]); out.push([y, x]) }
  return out
}
