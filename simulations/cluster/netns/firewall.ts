/**
 * DROP rules inside a namespace, behind one interface with two back ends:
 * iptables (iptables.ts, preferred) and nft (nft.ts); create-firewall.ts
 * picks one. A fault adds its rules under its own tag and removes exactly
 * those: two faults cutting the same link hold two rules, and healing one
 * leaves the other in force.
 */
import type { FirewallTool } from './preflight.js'

export interface DropRule {
  /** `in`: drop packets arriving from `peer`; `out`: drop packets sent to `peer`. */
  dir: 'in' | 'out'
  /** IPv4 address. */
  peer: string
}

export interface Firewall {
  readonly tool: FirewallTool
  /** Adds `rules` in namespace `ns` under `tag` (one atomic batch). */
  add: (ns: string, tag: string, rules: readonly DropRule[]) => Promise<void>
  /** Removes exactly what `add(ns, tag, rules)` added (one atomic batch). */
  remove: (ns: string, tag: string, rules: readonly DropRule[]) => Promise<void>
  /** The namespace's rules as the tool prints them (for tests and diagnostics). */
  list: (ns: string) => Promise<string>
}

export function checkTag (tag: string): string {
  if (!/^[A-Za-z0-9]{1,24}$/.test(tag)) throw new RangeError(`netns: rule tag ${JSON.stringify(tag)} must be 1–24 letters or digits`)
  return tag
}

export function checkAddress (a: string): string {
  if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(a) || a.split('.').some(x => Number(x) > 255)) throw new RangeError(`netns: ${JSON.stringify(a)} is not an IPv4 address`)
  return a
}
