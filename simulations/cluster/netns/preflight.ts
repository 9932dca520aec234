/**
 * Whether `--net netns` can run here: root, `ip` with `ip netns`, and a
 * packet filter (`iptables-restore`, else `nft`). Refusals name what is
 * missing; the CLI prints them and exits 2.
 */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { run } from './run.js'

export type FirewallTool = 'iptables' | 'nft'

export class NetnsUnavailableError extends Error {
  override readonly name = 'NetnsUnavailableError'
  /** The exit status the CLI gives this refusal. */
  readonly exitCode = 2
}

/** The executable `name` on PATH (or in /usr/sbin, /sbin), or null. */
export function which (name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(d => d !== '')
  for (const d of dirs) {
    const p = join(d, name)
    try { accessSync(p, constants.X_OK); return p } catch { /* next */ }
  }
  return null
}

export interface NetnsTools {
  ip: string
  firewall: FirewallTool
  /** The firewall's executable (iptables-restore or nft). */
  firewallPath: string
}

export interface CheckOptions {
  prefer?: FirewallTool
  /** For tests: the executable lookup and the uid. */
  which?: (name: string) => string | null
  uid?: number
}

/**
 * Resolves the tools or throws NetnsUnavailableError. `prefer` picks the
 * firewall when both are there (default iptables, or env
 * LOCKMESH_NETNS_FIREWALL=nft|iptables).
 */
export async function checkNetns (opts: CheckOptions = {}): Promise<NetnsTools> {
  const what = '--net netns'
  const find = opts.which ?? which
  const uid = opts.uid ?? (typeof process.getuid === 'function' ? process.getuid() : -1)
  if (uid !== 0) {
    throw new NetnsUnavailableError(`${what} needs root (it creates network namespaces and packet-filter rules); run as root, or use --net loopback`)
  }
  const ip = find('ip')
  if (ip === null) throw new NetnsUnavailableError(`${what} needs \`ip\` (iproute2), which is not installed: apt-get install -y iproute2, or use --net loopback`)
  try {
    await run(ip, ['netns', 'list'])
  } catch (err) {
    throw new NetnsUnavailableError(`${what} needs \`ip netns\`, which does not work here (${(err as Error).message}); use --net loopback`)
  }
  const iptables = find('iptables-restore')
  const nft = find('nft')
  const order: FirewallTool[] = (opts.prefer ?? envFirewall()) === 'nft' ? ['nft', 'iptables'] : ['iptables', 'nft']
  for (const tool of order) {
    const path = tool === 'iptables' ? iptables : nft
    if (path !== null) return { ip, firewall: tool, firewallPath: path }
  }
  throw new NetnsUnavailableError(`${what} needs \`iptables\` (iptables-restore) or \`nft\` for its DROP rules; neither is installed: apt-get install -y iptables nftables, or use --net loopback`)
}

function envFirewall (): FirewallTool | undefined {
  const v = process.env.LOCKMESH_NETNS_FIREWALL
  return v === 'nft' || v === 'iptables' ? v : undefined
}
