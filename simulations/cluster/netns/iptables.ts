/**
 * DROP rules with iptables: one `iptables-restore --noflush` per change and
 * namespace (atomic, one process), each rule commented with its tag so the
 * removal deletes exactly the rule added.
 */
import { checkAddress, checkTag, type DropRule, type Firewall } from './firewall.js'
import { run } from './run.js'

export function iptablesLines (op: '-A' | '-D', tag: string, rules: readonly DropRule[]): string {
  const lines = rules.map(r => r.dir === 'in'
    ? `${op} INPUT -s ${checkAddress(r.peer)}/32 -m comment --comment "lockmesh ${checkTag(tag)}" -j DROP`
    : `${op} OUTPUT -d ${checkAddress(r.peer)}/32 -m comment --comment "lockmesh ${checkTag(tag)}" -j DROP`)
  return ['*filter', ...lines, 'COMMIT', ''].join('\n')
}

export class IptablesFirewall implements Firewall {
  readonly tool = 'iptables' as const
  /** `restore`: the iptables-restore executable; `iptables` is found next to it for listing. */
  constructor (private readonly ip: string, private readonly restore: string) {}

  async add (ns: string, tag: string, rules: readonly DropRule[]): Promise<void> {
    if (rules.length === 0) return
    await run(this.ip, ['netns', 'exec', ns, this.restore, '--noflush'], iptablesLines('-A', tag, rules))
  }

  async remove (ns: string, tag: string, rules: readonly DropRule[]): Promise<void> {
    if (rules.length === 0) return
    await run(this.ip, ['netns', 'exec', ns, this.restore, '--noflush'], iptablesLines('-D', tag, rules))
  }

  async list (ns: string): Promise<string> {
    return await run(this.ip, ['netns', 'exec', ns, this.restore.replace(/-restore$/, '-save')])
  }
}
