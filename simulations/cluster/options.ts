/**
 * `lockmesh simulate` options (issue 5): parsing and the usage text.
 */
import { InvalidOptionsError } from '../../src/errors.js'

export const CHAOS_KINDS = ['partition', 'isolate', 'bridge', 'one-way', 'kill', 'pause', 'slow'] as const
export type ChaosKind = typeof CHAOS_KINDS[number]

export type QuorumOption = 'auto' | 'majority' | 'grid' | 'all'

export interface SimulateOptions {
  nodes: number
  /** Length of the workload phase, from the moment the mesh is up (ms). */
  durationMs: number
  quorum: QuorumOption
  chaos: ChaosKind[]
  seed: number
  /** Keys in the workload; the first min(3, keys) are the hot keys. */
  keys: number
  /** Workers per node. */
  workers: number
  /** Lease asked for by every acquire (ms). */
  ttlMs: number
  /** Output directory (history.jsonl, per-node logs and data). */
  out: string | undefined
  json: boolean
  help: boolean
  /** `loopback`: faults inside the nodes (gater, transport hook); `netns`: a network namespace per node, faults as kernel DROP rules (root). */
  net: 'loopback' | 'netns'
}

export const USAGE = `usage: lockmesh simulate [options]

Runs a lockmesh mesh of real OS processes on 127.0.0.1 (or in network
namespaces: --net netns) under a contended workload and a seeded chaos
schedule, records every event in <out>/history.jsonl, checks it (lockmesh
check) and prints a summary.
Exit status: 0 clean, 1 any violation (or a node crashed), 2 usage or harness error.

options:
  --nodes <n>            processes, each one lockmesh node (default 5)
  --duration <time>      workload time once the mesh is up: 45s, 2m, 1500ms (default 45s)
  --quorum <system>      auto | majority | grid | all (default auto: majority
                         below 10 nodes, grid from 10; --quorum grid --nodes 9
                         shows read-only mode with shared locks)
  --chaos <kinds>        all | none | a comma list of: ${CHAOS_KINDS.join(', ')} (default all)
  --seed <n>             seed of the chaos schedule and the workload (default: random, printed)
  --keys <n>             lock keys (default 6; the first three are hot)
  --workers <n>          workers per node (default 2)
  --ttl <time>           lease of every acquire (default 2s)
  --out <dir>            output directory (default: a fresh directory under ./out/)
  --json                 print the summary JSON as the last stdout line
  --net <kind>           loopback | netns (default loopback). netns (root, ip netns,
                         iptables or nft): each node in its own network namespace
                         on 198.18.0.0/24; partition, isolate, bridge and one-way
                         are kernel DROP rules (slow stays in the transport)
  -h, --help             this text
`

/** `45s`, `2m`, `1500ms`, `1.5s`, or a bare number of seconds. */
export function parseTime (option: string, text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec((text ?? '').trim())
  if (m === null) throw new InvalidOptionsError(option, 'a time such as 45s, 2m or 1500ms', text)
  const n = Number(m[1])
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidOptionsError(option, 'a positive time', text)
  return Math.round(ms)
}

function parseInteger (option: string, text: string | undefined, min: number, max: number): number {
  const n = Number(text)
  if (text === undefined || !/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidOptionsError(option, `an integer in [${min}, ${max}]`, text)
  }
  return n
}

export function parseChaos (text: string | undefined): ChaosKind[] {
  if (text === undefined || text.trim() === '') throw new InvalidOptionsError('--chaos', `all | none | a comma list of ${CHAOS_KINDS.join(', ')}`, text)
  if (text === 'all') return [...CHAOS_KINDS]
  if (text === 'none') return []
  const kinds: ChaosKind[] = []
  for (const part of text.split(',').map(s => s.trim()).filter(s => s !== '')) {
    if (!(CHAOS_KINDS as readonly string[]).includes(part)) throw new InvalidOptionsError('--chaos', `all | none | a comma list of ${CHAOS_KINDS.join(', ')}`, part)
    if (!kinds.includes(part as ChaosKind)) kinds.push(part as ChaosKind)
  }
  return kinds
}

export function parseSimulateArgs (argv: readonly string[]): SimulateOptions {
  const o: SimulateOptions = {
    nodes: 5,
    durationMs: 45_000,
    quorum: 'auto',
    chaos: [...CHAOS_KINDS],
    seed: Math.floor(Math.random() * 2 ** 31),
    keys: 6,
    workers: 2,
    ttlMs: 2000,
    out: undefined,
    json: false,
    help: false,
    net: 'loopback'
  }
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1
    const name = eq > 0 ? raw.slice(0, eq) : raw
    const value = (): string | undefined => eq > 0 ? raw.slice(eq + 1) : argv[++i]
    switch (name) {
      case '--nodes': o.nodes = parseInteger(name, value(), 3, 25); break
      case '--duration': o.durationMs = parseTime(name, value()); break
      case '--quorum': {
        const q = value()
        if (q !== 'auto' && q !== 'majority' && q !== 'grid' && q !== 'all') throw new InvalidOptionsError(name, 'auto | majority | grid | all', q)
        o.quorum = q
        break
      }
      case '--chaos': o.chaos = parseChaos(value()); break
      case '--seed': o.seed = parseInteger(name, value(), 0, Number.MAX_SAFE_INTEGER); break
      case '--keys': o.keys = parseInteger(name, value(), 1, 1000); break
      case '--workers': o.workers = parseInteger(name, value(), 1, 32); break
      case '--ttl': o.ttlMs = parseTime(name, value()); break
      case '--out': {
        const v = value()
        if (v === undefined || v === '') throw new InvalidOptionsError(name, 'a directory', v)
        o.out = v
        break
      }
      case '--json': o.json = true; break
      case '--net': {
        const v = value()
        if (v !== 'loopback' && v !== 'netns') throw new InvalidOptionsError(name, 'loopback | netns', v)
        o.net = v
        break
      }
      case '-h':
      case '--help': o.help = true; break
      default: throw new InvalidOptionsError('simulate', `one of the options below\n\n${USAGE}`, raw)
    }
  }
  if (o.ttlMs < 200 || o.ttlMs > 60_000) throw new InvalidOptionsError('--ttl', 'a lease between 200ms and 60s', o.ttlMs)
  if (o.durationMs < 5_000) throw new InvalidOptionsError('--duration', 'at least 5s', o.durationMs)
  return o
}
