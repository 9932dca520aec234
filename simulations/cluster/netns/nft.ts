/**
 * DROP rules with nft: each fault's rules live in their own base chains
 * (`<tag>_in` on the input hook, `<tag>_out` on output) of table
 * `inet lockmesh`, so removing a fault flushes and deletes exactly its
 * chains. A packet dropped by any base chain is dropped. One `nft -f -`
 * batch (atomic) per change and namespace.
 */
import { checkAddress, checkTag, type DropRule, type Firewall } from './firewall.js'
import { run } from './run.js'

const TABLE = 'inet lockmesh'

function chainsOf (tag: string, rules: readonly DropRule[]): Array<{ chain: string, hook: 'input' | 'output', rules: DropRule[] }> {
  const out: Array<{ chain: string, hook: 'input' | 'output', rules: DropRule[] }> = []
  for (const dir of ['in', 'out'] as const) {
    const rs = rules.filter(r => r.dir === dir)
    if (rs.length > 0) out.push({ chain: `${checkTag(tag)}_${dir}`, hook: dir === 'in' ? 'input' : 'output', rules: rs })
  }
  return out
}

export function nftAddScript (tag: string, rules: readonly DropRule[]): string {
  const lines = [`add table ${TABLE}`]
  for (const c of chainsOf(tag, rules)) {
    lines.push(`add chain ${TABLE} ${c.chain} { type filter hook ${c.hook} priority 0; policy accept; }`)
    for (const r of c.rules) lines.push(`add rule ${TABLE} ${c.chain} ip ${r.dir === 'in' ? 'saddr' : 'daddr'} ${checkAddress(r.peer)} drop`)
  }
  return lines.join('\n') + '\n'
}

export function nftRemoveScript (tag: string, rules: readonly DropRule[]): string {
  return chainsOf(tag, rules).flatMap(c => [`flush chain ${TABLE} ${c.chain}`, `delete chain ${TABLE} ${c.chain}`]).join('\n') + '\n'
}

export class NftFirewall implements Firewall {
  readonly tool = 'nft' as const
  constructor (private readonly ip: string, private readonly nft: string) {}

  async add (ns: string, tag: string, rules: readonly DropRule[]): Promise<void> {
    if (rules.length === 0) return
    await run(this.ip, ['netns', 'exec', ns, this.nft, '-f', '-'], nftAddScript(tag, rules))
  }

  async remove (ns: string, tag: string, rules: readonly DropRule[]): Promise<void> {
    if (rules.length === 0) return
    await run(this.ip, ['netns', 'exec', ns, this.nft, '-f', '-'], nftRemoveScript(tag, rules))
  }

  async list (ns: string): Promise<string> {
    return await run(this.ip, ['netns', 'exec', ns, this.nft, 'list', 'ruleset'])
  }
}
