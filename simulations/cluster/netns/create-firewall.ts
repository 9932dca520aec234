/** The firewall back end preflight.ts found (iptables preferred, else nft). */
import type { Firewall } from './firewall.js'
import { IptablesFirewall } from './iptables.js'
import { NftFirewall } from './nft.js'
import type { NetnsTools } from './preflight.js'

export function createFirewall (tools: Pick<NetnsTools, 'ip' | 'firewall' | 'firewallPath'>): Firewall {
  return tools.firewall === 'nft' ? new NftFirewall(tools.ip, tools.firewallPath) : new IptablesFirewall(tools.ip, tools.firewallPath)
}
