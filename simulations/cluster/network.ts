/**
 * The network layer of `lockmesh simulate`, behind one interface so another
 * implementation (network namespaces and packet filters: `--net netns`) can
 * replace the in-process one without touching the chaos schedule.
 *
 * `IpcNetworkControl` (the default) cuts links inside the nodes: it keeps the
 * set of active faults, derives each node's share (peers its roster gater
 * refuses, peers its transport's fault hook drops or delays frames to) and
 * sends it to the node over IPC whenever it changes. Faults compose: healing
 * one never reopens a link another still cuts.
 */
import type { NetState, NodeName } from './protocol.js'

export type Link = [from: NodeName, to: NodeName]

/** One applied network fault. `links` are the directed links it cuts (none for `slow`). */
export interface NetFault {
  readonly id: number
  readonly kind: 'partition' | 'isolate' | 'bridge' | 'one-way' | 'slow'
  readonly nodes: NodeName[]
  readonly links: Link[]
}

export interface NetworkControl {
  /** Cut every link between different groups, both directions. */
  partition: (groups: NodeName[][]) => Promise<NetFault>
  /** Cut every link of `node`, both directions. */
  isolate: (node: NodeName) => Promise<NetFault>
  /** `left` and `right` cannot reach each other; `bridge` still reaches both. */
  bridge: (left: NodeName[], bridge: NodeName, right: NodeName[]) => Promise<NetFault>
  /** Frames from each of `from` to each of `to` are lost; the other direction still delivers. */
  oneWay: (from: NodeName[], to: NodeName[]) => Promise<NetFault>
  /** Frames to and from each of `nodes` are held `delayMs`. */
  slow: (nodes: NodeName[], delayMs: number) => Promise<NetFault>
  /** Undo one fault, or every fault when none is given. */
  heal: (fault?: NetFault) => Promise<void>
  /** `node` runs in a new process: give it its share of the active faults. */
  restarted: (node: NodeName) => Promise<void>
}

interface Active {
  fault: NetFault
  /** Directed links refused by the gaters (both ends block each other). */
  gated: Link[]
  dropped: Link[]
  delayed: Array<[from: NodeName, to: NodeName, ms: number]>
}

function crossLinks (a: readonly NodeName[], b: readonly NodeName[]): Link[] {
  const out: Link[] = []
  for (const x of a) for (const y of b) if (x !== y) { out.push([x, y]); out.push([y, x]) }
  return out
}

export class IpcNetworkControl implements NetworkControl {
  private nextId = 1
  private readonly active = new Map<number, Active>()
  private readonly sent = new Map<NodeName, string>()

  /** `apply(node, state)` hands a node its share of the faults (NodeProcess.setNet). */
  constructor (private readonly roster: readonly NodeName[], private readonly apply: (node: NodeName, state: NetState) => void) {}

  async partition (groups: NodeName[][]): Promise<NetFault> {
    const links: Link[] = []
    for (let i = 0; i < groups.length; i++) for (let j = i + 1; j < groups.length; j++) links.push(...crossLinks(groups[i]!, groups[j]!))
    return this.add({ kind: 'partition', nodes: groups.flat(), links }, { gated: links })
  }

  async isolate (node: NodeName): Promise<NetFault> {
    const links = crossLinks([node], this.roster.filter(x => x !== node))
    return this.add({ kind: 'isolate', nodes: [node], links }, { gated: links })
  }

  async bridge (left: NodeName[], bridge: NodeName, right: NodeName[]): Promise<NetFault> {
    const links = crossLinks(left, right)
    return this.add({ kind: 'bridge', nodes: [...left, bridge, ...right], links }, { gated: links })
  }

  async oneWay (from: NodeName[], to: NodeName[]): Promise<NetFault> {
    const links: Link[] = []
    for (const x of from) for (const y of to) if (x !== y) links.push([x, y])
    return this.add({ kind: 'one-way', nodes: [...from, ...to], links }, { dropped: links })
  }

  async slow (nodes: NodeName[], delayMs: number): Promise<NetFault> {
    const delayed: Active['delayed'] = []
    for (const x of nodes) {
      for (const y of this.roster) {
        if (x === y) continue
        delayed.push([x, y, delayMs])
        if (!nodes.includes(y)) delayed.push([y, x, delayMs])
      }
    }
    return this.add({ kind: 'slow', nodes: [...nodes], links: [] }, { delayed })
  }

  async heal (fault?: NetFault): Promise<void> {
    if (fault === undefined) this.active.clear()
    else this.active.delete(fault.id)
    this.push()
  }

  async restarted (node: NodeName): Promise<void> {
    this.sent.delete(node)
    this.push()
  }

  /** Every directed link some active fault cuts (gated or dropped). */
  cutLinks (): Link[] {
    const out = new Map<string, Link>()
    for (const a of this.active.values()) for (const l of [...a.gated, ...a.dropped]) out.set(l.join('>'), l)
    return [...out.values()]
  }

  private add (fault: Omit<NetFault, 'id'>, how: Partial<Omit<Active, 'fault'>>): NetFault {
    const f: NetFault = { id: this.nextId++, ...fault }
    this.active.set(f.id, { fault: f, gated: how.gated ?? [], dropped: how.dropped ?? [], delayed: how.delayed ?? [] })
    this.push()
    return f
  }

  /** The share of node `x`. */
  stateOf (x: NodeName): NetState {
    const block = new Set<NodeName>()
    const drop = new Set<NodeName>()
    const delayMs: Record<NodeName, number> = {}
    for (const a of this.active.values()) {
      for (const [from, to] of a.gated) { if (from === x) block.add(to); if (to === x) block.add(from) }
      for (const [from, to] of a.dropped) if (from === x) drop.add(to)
      for (const [from, to, ms] of a.delayed) if (from === x) delayMs[to] = Math.max(delayMs[to] ?? 0, ms)
    }
    return { block: [...block].sort(), drop: [...drop].sort(), delayMs }
  }

  private push (): void {
    for (const x of this.roster) {
      const state = this.stateOf(x)
      const sig = JSON.stringify(state)
      if (this.sent.get(x) === sig) continue
      this.sent.set(x, sig)
      this.apply(x, state)
    }
  }
}
