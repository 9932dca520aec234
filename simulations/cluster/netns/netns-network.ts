/**
 * `--net netns`: network faults made by the kernel. Each node runs in its own
 * network namespace (topology.ts); a cut link is a pair of DROP rules in the
 * namespaces of its ends, on the peer's address — INPUT from it and OUTPUT to
 * it — so the node under test learns of a partition only as a real one: its
 * packets vanish. Faults compose (each adds its own tagged rules; healing one
 * removes exactly those), and a restarted node needs nothing re-applied: the
 * rules belong to its namespace, which outlives its processes.
 *
 * - partition / isolate / bridge: both directions of every cut link dropped at
 *   both ends.
 * - one-way from → to: packets from `from` dropped on arrival in `to`'s
 *   namespace (INPUT) only, as a lossy path would. TCP carries both directions
 *   on one connection: `to` never acknowledges what `from` sends, and `from`'s
 *   acknowledgements of `to`'s data are dropped too, so within a retransmission
 *   timeout `to`'s data stalls as well. What the nodes see is a cut in both
 *   directions, and that is what the fault records (`links` both ways, and a
 *   `note` saying why).
 * - slow: tc netem does not exist in this kernel; the delay stays in the
 *   node's transport hook (the in-process network control this one is given).
 */
import type { Link, NetFault, NetworkControl } from '../network.js'
import type { NodeName } from '../protocol.js'
import type { DropRule, Firewall } from './firewall.js'

export interface Endpoint { ns: string, address: string }

export interface NetnsFault extends NetFault {
  /** How the fault was made when the links it records are not simply those asked for. */
  readonly note?: string
}

export const ONE_WAY_NOTE = 'one-way by a DROP of the sender\'s packets in the receiver\'s namespace only; ' +
  'TCP stalls the reverse direction too within a retransmission timeout (its acknowledgements are lost), so both directions are recorded as cut'

interface Applied {
  fault: NetnsFault
  tag: string
  /** Rules by namespace. */
  rules: Map<string, DropRule[]>
  /** The in-process fault behind a `slow`. */
  inner?: NetFault
}

export class NetnsNetwork implements NetworkControl {
  private nextId = 1
  private readonly active = new Map<number, Applied>()
  private readonly roster: NodeName[]

  /**
   * `endpoints`: every node's namespace and address. `inProcess`: the
   * transport-hook control that keeps `slow` (and gets `restarted` so a new
   * process receives its delays).
   */
  constructor (private readonly endpoints: ReadonlyMap<NodeName, Endpoint>, private readonly firewall: Firewall, private readonly inProcess: NetworkControl) {
    this.roster = [...endpoints.keys()]
  }

  /** Faults in force (rules or delays). */
  get activeCount (): number { return this.active.size }

  async partition (groups: NodeName[][]): Promise<NetFault> {
    const pairs: Array<[NodeName, NodeName]> = []
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) for (const x of groups[i]!) for (const y of groups[j]!) if (x !== y) pairs.push([x, y])
    }
    return await this.cut('partition', groups.flat(), pairs)
  }

  async isolate (node: NodeName): Promise<NetFault> {
    return await this.cut('isolate', [node], this.roster.filter(y => y !== node).map(y => [node, y] as [NodeName, NodeName]))
  }

  async bridge (left: NodeName[], bridge: NodeName, right: NodeName[]): Promise<NetFault> {
    const pairs: Array<[NodeName, NodeName]> = []
    for (const x of left) for (const y of right) if (x !== y) pairs.push([x, y])
    return await this.cut('bridge', [...left, bridge, ...right], pairs)
  }

  async oneWay (from: NodeName[], to: NodeName[]): Promise<NetFault> {
    const rules = new Map<string, DropRule[]>()
    const links: Link[] = []
    for (const x of from) {
      for (const y of to) {
        if (x === y) continue
        push(rules, this.at(y).ns, { dir: 'in', peer: this.at(x).address })
        links.push([x, y], [y, x])
      }
    }
    return await this.apply({ kind: 'one-way', nodes: [...from, ...to], links: dedupe(links), note: ONE_WAY_NOTE }, rules)
  }

  async slow (nodes: NodeName[], delayMs: number): Promise<NetFault> {
    const inner = await this.inProcess.slow(nodes, delayMs)
    const fault: NetnsFault = { id: this.nextId++, kind: 'slow', nodes: [...nodes], links: [] }
    this.active.set(fault.id, { fault, tag: '', rules: new Map(), inner })
    return fault
  }

  async heal (fault?: NetFault): Promise<void> {
    const targets = fault === undefined ? [...this.active.values()] : [this.active.get(fault.id)].filter(a => a !== undefined)
    for (const a of targets) this.active.delete(a.fault.id)
    const results = await Promise.allSettled(targets.map(async a => {
      if (a.inner !== undefined) await this.inProcess.heal(a.inner)
      else await this.removeRules(a.tag, a.rules)
    }))
    if (fault === undefined) await this.inProcess.heal()
    const failed = results.flatMap(r => r.status === 'rejected' ? [r.reason as Error] : [])
    if (failed.length > 0) throw new Error(`netns: healing failed: ${failed.map(e => e.message).join('; ')}`)
  }

  async restarted (node: NodeName): Promise<void> {
    // The rules live in the node's namespace, which survives its process; only the transport hook's delays are per process.
    await this.inProcess.restarted(node)
  }

  /** Both directions of every pair dropped at both ends. */
  private async cut (kind: NetFault['kind'], nodes: NodeName[], pairs: ReadonlyArray<[NodeName, NodeName]>): Promise<NetFault> {
    const rules = new Map<string, DropRule[]>()
    const links: Link[] = []
    for (const [x, y] of pairs) {
      const a = this.at(x)
      const b = this.at(y)
      push(rules, a.ns, { dir: 'in', peer: b.address }, { dir: 'out', peer: b.address })
      push(rules, b.ns, { dir: 'in', peer: a.address }, { dir: 'out', peer: a.address })
      links.push([x, y], [y, x])
    }
    return await this.apply({ kind, nodes, links: dedupe(links) }, rules)
  }

  private async apply (f: Omit<NetnsFault, 'id'>, rules: Map<string, DropRule[]>): Promise<NetFault> {
    const fault: NetnsFault = { id: this.nextId++, ...f }
    const tag = `f${fault.id}`
    for (const [ns, rs] of rules) rules.set(ns, dedupeRules(rs))
    const done = new Map<string, DropRule[]>()
    const results = await Promise.allSettled([...rules].map(async ([ns, rs]) => {
      await this.firewall.add(ns, tag, rs)
      done.set(ns, rs)
    }))
    const failed = results.find(r => r.status === 'rejected')
    if (failed !== undefined) {
      await this.removeRules(tag, done).catch(() => {})
      throw failed.reason
    }
    this.active.set(fault.id, { fault, tag, rules })
    return fault
  }

  private async removeRules (tag: string, rules: ReadonlyMap<string, DropRule[]>): Promise<void> {
    const results = await Promise.allSettled([...rules].map(async ([ns, rs]) => { await this.firewall.remove(ns, tag, rs) }))
    const failed = results.find(r => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }

  private at (node: NodeName): Endpoint {
    const e = this.endpoints.get(node)
    if (e === undefined) throw new Error(`netns: unknown node ${node}`)
    return e
  }
}

function push (m: Map<string, DropRule[]>, ns: string, ...rules: DropRule[]): void {
  const l = m.get(ns)
  if (l === undefined) m.set(ns, [...rules])
  else l.push(...rules)
}

function dedupe (links: readonly Link[]): Link[] {
  const seen = new Map<string, Link>()
  for (const l of links) seen.set(l.join('>'), l)
  return [...seen.values()]
}

function dedupeRules (rules: readonly DropRule[]): DropRule[] {
  const seen = new Map<string, DropRule>()
  for (const r of rules) seen.set(`${r.dir} ${r.peer}`, r)
  return [...seen.values()]
}
