/**
 * What `lockmesh simulate --net netns` needs, in the order it needs it:
 * `check()` before anything else (refusal: NetnsUnavailableError, exit 2);
 * `placement(i)` for the cluster (node i's address and the `ip netns exec`
 * prefix of its command: known before the namespaces exist); `setup(roster)`
 * sweeps dead runs' leftovers and builds the namespaces; `network(…)` the
 * fault control; `teardown()` on the way out (also registered for every
 * other way out by the topology).
 */
import type { NetworkControl } from '../network.js'
import type { NodeName } from '../protocol.js'
import { createFirewall } from './create-firewall.js'
import type { Firewall } from './firewall.js'
import { nextPrefix, nodeSlot } from './names.js'
import { NetnsNetwork, ONE_WAY_NOTE, type Endpoint } from './netns-network.js'
import { checkNetns, type NetnsTools } from './preflight.js'
import { netnsExecPrefix } from './spawn.js'
import { sweep } from './sweep.js'
import { NetnsTopology } from './topology.js'

export interface Placement {
  /** The address the node listens on. */
  host: string
  /** Put before `node …` to run it in its namespace. */
  commandPrefix: string[]
}

export class NetnsSession {
  readonly topology: NetnsTopology
  readonly firewall: Firewall
  private roster: NodeName[] = []

  private constructor (readonly tools: NetnsTools, readonly prefix: string) {
    this.topology = new NetnsTopology({ ip: tools.ip, prefix })
    this.firewall = createFirewall(tools)
  }

  /** Checks root, `ip netns` and a packet filter; throws NetnsUnavailableError naming what is missing. */
  static async check (prefix: string = nextPrefix()): Promise<NetnsSession> {
    return new NetnsSession(await checkNetns(), prefix)
  }

  placement (index: number): Placement {
    const s = nodeSlot(this.prefix, index)
    return { host: s.address, commandPrefix: netnsExecPrefix(s.ns, this.tools.ip) }
  }

  /** Removes dead runs' leftovers (reported through `log`), then creates one namespace per roster node. */
  async setup (roster: readonly NodeName[], log: (line: string) => void = () => {}): Promise<void> {
    const swept = await sweep(this.tools.ip)
    if (swept.namespaces.length + swept.links.length > 0) log(`netns: removed leftovers of dead runs: ${[...swept.namespaces, ...swept.links].join(', ')}`)
    this.roster = [...roster]
    await this.topology.setup(roster.length)
  }

  endpoints (): Map<NodeName, Endpoint> {
    return new Map(this.roster.map((n, i) => { const s = this.topology.node(i); return [n, { ns: s.ns, address: s.address }] }))
  }

  /** Kernel-level faults; `inProcess` keeps `slow` (transport hook). */
  network (inProcess: NetworkControl): NetnsNetwork {
    return new NetnsNetwork(this.endpoints(), this.firewall, inProcess)
  }

  /** For the history's config line. */
  describe (): Record<string, unknown> {
    return {
      firewall: this.tools.firewall,
      addresses: Object.fromEntries([...this.endpoints()].map(([n, e]) => [n, e.address])),
      namespaces: Object.fromEntries([...this.endpoints()].map(([n, e]) => [n, e.ns])),
      oneWay: ONE_WAY_NOTE,
      slow: 'in the transport hook (tc netem is not available)'
    }
  }

  async teardown (): Promise<void> {
    await this.topology.teardown()
  }
}
