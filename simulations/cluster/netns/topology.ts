/**
 * The namespaces of one run: a hub namespace holding a Linux bridge, and one
 * namespace per node joined to the bridge by a veth pair (both ends created
 * directly in their namespaces: nothing appears in the root namespace, even
 * for an instant). Node namespaces have loopback up, one address from
 * 198.18.0.0/24 and no default route; the hub has no address. Nothing links
 * the namespaces to the root namespace, so no packet can leave them.
 *
 * In every node namespace TCP's retransmission backoff is capped at 1 s
 * (net.ipv4.tcp_rto_max_ms, Linux ≥ 6.15; skipped where absent): a link whose
 * DROP rules are removed carries traffic again within about a second, as a
 * repaired LAN cable would, instead of after an exponential backoff that
 * grows with the length of the cut.
 *
 * setup(n) and teardown() are idempotent; setup registers a synchronous
 * teardown for every way out of the process (exit-hooks.ts).
 */
import { existsSync } from 'node:fs'
import { onEveryExit } from './exit-hooks.js'
import { BRIDGE, hubName, nextPrefix, nodeSlot, SUBNET_BITS, type NodeSlot } from './names.js'
import { run, runSync } from './run.js'

export interface TopologyOptions {
  /** The `ip` executable. */
  ip?: string
  /** Name prefix (default `lm<pid>-<letter>`, unique in this process). */
  prefix?: string
  /** Cap of TCP's retransmission timeout in the node namespaces (ms); null leaves the kernel's. Default 1000. */
  rtoMaxMs?: number | null
}

const RTO_MAX = '/proc/sys/net/ipv4/tcp_rto_max_ms'

/** Namespace names in `ip netns list` output. */
export function parseNetnsList (out: string): string[] {
  return out.split('\n').map(l => l.trim().split(/\s+/)[0] ?? '').filter(n => n !== '')
}

/** Interface names in `ip -o link` output (without the `@peer` suffix). */
export function parseLinkNames (out: string): string[] {
  return out.split('\n').flatMap(l => {
    const m = /^\d+:\s+([^:@\s]+)/.exec(l)
    return m === null ? [] : [m[1]!]
  })
}

export class NetnsTopology {
  readonly prefix: string
  readonly hub: string
  private readonly ip: string
  private readonly rtoMaxMs: number | null
  private slots: NodeSlot[] = []
  private up = false
  private unhook: (() => void) | null = null
  /** Names this topology makes (and nothing of a topology whose prefix merely starts with ours). */
  private readonly ours: RegExp

  constructor (opts: TopologyOptions = {}) {
    this.ip = opts.ip ?? 'ip'
    this.prefix = opts.prefix ?? nextPrefix()
    this.hub = hubName(this.prefix)
    this.rtoMaxMs = opts.rtoMaxMs === undefined ? 1000 : opts.rtoMaxMs
    this.ours = new RegExp(`^${this.prefix.replace(/[^A-Za-z0-9]/g, c => `\\${c}`)}(hub|[nhe]\\d+)$`)
  }

  /** Whether `name` (a namespace or an interface) is one this topology makes. */
  owns (name: string): boolean { return this.ours.test(name) }

  get nodes (): readonly NodeSlot[] { return this.slots }

  node (index: number): NodeSlot {
    const s = this.slots[index]
    if (s === undefined) throw new RangeError(`netns: no node ${index} (set up ${this.slots.length})`)
    return s
  }

  /** Creates the hub and `n` node namespaces (after removing whatever this prefix left). */
  async setup (n: number): Promise<void> {
    if (this.up && this.slots.length === n) return
    await this.teardown()
    const slots = Array.from({ length: n }, (_x, i) => nodeSlot(this.prefix, i))
    this.unhook = onEveryExit(() => { this.teardownSync() })
    this.slots = slots
    try {
      const ip = async (...args: string[]): Promise<void> => { await run(this.ip, args) }
      await ip('netns', 'add', this.hub)
      await ip('-n', this.hub, 'link', 'set', 'lo', 'up')
      await ip('-n', this.hub, 'link', 'add', BRIDGE, 'type', 'bridge')
      await ip('-n', this.hub, 'link', 'set', BRIDGE, 'up')
      const capRto = this.rtoMaxMs !== null && existsSync(RTO_MAX)
      await Promise.all(slots.map(async s => {
        await ip('netns', 'add', s.ns)
        await ip('-n', this.hub, 'link', 'add', s.hubIf, 'type', 'veth', 'peer', 'name', s.nodeIf, 'netns', s.ns)
        await ip('-n', this.hub, 'link', 'set', s.hubIf, 'master', BRIDGE, 'up')
        await ip('-n', s.ns, 'link', 'set', 'lo', 'up')
        await ip('-n', s.ns, 'addr', 'add', `${s.address}/${SUBNET_BITS}`, 'dev', s.nodeIf)
        await ip('-n', s.ns, 'link', 'set', s.nodeIf, 'up')
        if (capRto) await ip('netns', 'exec', s.ns, 'sh', '-c', `echo ${Math.round(this.rtoMaxMs!)} > ${RTO_MAX}`)
      }))
      this.up = true
    } catch (err) {
      await this.teardown()
      throw err
    }
  }

  /** This run's namespaces that exist now. */
  async namespaces (): Promise<string[]> {
    return parseNetnsList(await run(this.ip, ['netns', 'list'])).filter(n => this.owns(n))
  }

  /** Kills what still runs in this run's namespaces and deletes them (their links and rules go with them). */
  async teardown (): Promise<void> {
    const names = await this.namespaces().catch(() => [] as string[])
    await Promise.all(names.map(async ns => {
      const pids = await run(this.ip, ['netns', 'pids', ns]).catch(() => '')
      killAll(pids)
      await run(this.ip, ['netns', 'del', ns]).catch(async err => {
        // Deleted meanwhile (a concurrent teardown) is fine; anything else is not.
        if ((await this.namespaces().catch(() => [ns])).includes(ns)) throw err
      })
    }))
    const links = parseLinkNames(await run(this.ip, ['-o', 'link']).catch(() => '')).filter(l => this.owns(l))
    for (const l of links) await run(this.ip, ['link', 'del', l]).catch(() => {})
    this.done()
  }

  /** teardown() for the 'exit' path. */
  teardownSync (): void {
    const names = parseNetnsList(runSync(this.ip, ['netns', 'list']) ?? '').filter(n => this.owns(n))
    for (const ns of names) {
      killAll(runSync(this.ip, ['netns', 'pids', ns]) ?? '')
      runSync(this.ip, ['netns', 'del', ns])
    }
    for (const l of parseLinkNames(runSync(this.ip, ['-o', 'link']) ?? '').filter(l => this.owns(l))) runSync(this.ip, ['link', 'del', l])
    this.done()
  }

  private done (): void {
    this.up = false
    this.slots = []
    this.unhook?.()
    this.unhook = null
  }
}

function killAll (pids: string): void {
  for (const p of pids.split(/\s+/).filter(p => /^\d+$/.test(p))) {
    const pid = Number(p)
    if (pid === process.pid) continue
    try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
  }
}
