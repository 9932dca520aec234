/**
 * Garbage or growth? Summarises V8 heap snapshots (written by node-rss.ts
 * `--gc`, which collects everything first): self size and count per object
 * kind, or with two files the difference, largest first.
 *
 *   npx tsx simulations/bench/heap-diff.ts <a.heapsnapshot> [<b.heapsnapshot>] [--top 30]
 */
import { readFileSync } from 'node:fs'

interface Snapshot { snapshot: { meta: { node_fields: string[], node_types: [string[]] } }, nodes: number[], strings: string[] }
interface Kind { count: number, bytes: number }

/** Object kinds by type and constructor (strings, code and system objects grouped). */
export function summarise (file: string): { kinds: Map<string, Kind>, bytes: number } {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const fields = s.snapshot.meta.node_fields
  const types = s.snapshot.meta.node_types[0]
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map(f => fields.indexOf(f)) as [number, number, number]
  const kinds = new Map<string, Kind>()
  let bytes = 0
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]!]!
    const name = /string/.test(type) ? '' : type === 'code' ? '' : s.strings[s.nodes[i + iName]!]!.slice(0, 60)
    const k = `${type} ${name}`.trim()
    const size = s.nodes[i + iSize]!
    const e = kinds.get(k) ?? { count: 0, bytes: 0 }
    e.count++
    e.bytes += size
    bytes += size
    kinds.set(k, e)
  }
  return { kinds, bytes }
}

const args = process.argv.slice(2)
const topAt = args.indexOf('--top')
const top = topAt < 0 ? 30 : Number(args.splice(topAt, 2)[1])
const [a, b] = args.map(summarise)
if (a === undefined) throw new Error('usage: heap-diff.ts <a.heapsnapshot> [<b.heapsnapshot>] [--top N]')
const kib = (n: number): string => (n / 1024).toFixed(0).padStart(8)
if (b === undefined) {
  console.log(`total ${(a.bytes / 2 ** 20).toFixed(2)} MiB`)
  for (const [k, e] of [...a.kinds].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, top)) console.log(`${kib(e.bytes)} KiB ${String(e.count).padStart(8)}  ${k}`)
} else {
  console.log(`total ${(a.bytes / 2 ** 20).toFixed(2)} -> ${(b.bytes / 2 ** 20).toFixed(2)} MiB`)
  const rows = [...new Set([...a.kinds.keys(), ...b.kinds.keys()])].map(k => ({ k, bytes: (b.kinds.get(k)?.bytes ?? 0) - (a.kinds.get(k)?.bytes ?? 0), count: (b.kinds.get(k)?.count ?? 0) - (a.kinds.get(k)?.count ?? 0) }))
  for (const r of rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes)).slice(0, top)) console.log(`${kib(r.bytes)} KiB ${String(r.count).padStart(8)}  ${r.k}`)
}
