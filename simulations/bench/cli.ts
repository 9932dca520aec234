/**
 * `npm run bench [-- options]`: lockmesh on real processes on 127.0.0.1 next
 * to a raw libp2p baseline (see run-bench.ts and README "Benchmarks").
 *
 *   --quick              one rep, 3 and 5 nodes, 2 s scenarios (under 3 minutes)
 *   --reps <n>           repetitions (default 3)
 *   --nodes 3,5,9        mesh sizes
 *   --seconds <s>        length of each contended scenario (default 10)
 *   --held-locks <n>     locks held at once for the memory figure (default 10000; 0 skips)
 *   --kinds a,b          configurations to run: memory, baseline, embedded, spread (default all)
 *   --no-partition       skip the SIGSTOP partition scenario
 *   --node-flags "<f…>"  Node/V8 flags for every `lockmesh node` process (default: the bin's own,
 *                        "--max-semi-space-size=2 --v8-pool-size=1"; "none": Node's defaults)
 *   --out <dir>          results folder (default docs/bench)
 *   --name <name>        file name stem (default bench-<date>[-quick])
 *   --note <text>        a line for the report's head (e.g. "shared machine, other jobs running")
 *   --render <file.json> only re-render <file>.md from a recorded run's JSON (after a report change)
 *
 * Writes <out>/<name>.json (every run, settings, machine facts, summary) and
 * <out>/<name>.md (the tables). Exit code 1 when any configuration failed or
 * any scenario lost an update.
 */
import '../../src/polyfills.js'
import { readFile, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { ROOT } from './processes.js'
import { failed, writeResults } from './results-io.js'
import { renderMarkdown } from './report.js'
import { runBench, SCHEMA, type BenchResult } from './run-bench.js'
import { FULL, QUICK, type BenchSettings } from './settings.js'

const REPS_MAX = 20
const SECONDS_MAX = 600

function positiveInt (flag: string, v: string | undefined, max: number): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${flag} takes an integer in 0..${max}, got ${String(v)}`)
  return n
}

function parseArgs (argv: string[]): { settings: BenchSettings, out: string, name: string } {
  let s: BenchSettings = argv.includes('--quick') ? { ...QUICK } : { ...FULL }
  let out = join(ROOT, 'docs', 'bench')
  let name: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = argv[i + 1]
    switch (flag) {
      case '--quick': break
      case '--no-partition': s.partition = false; break
      case '--reps': s = { ...s, label: 'custom', reps: Math.max(1, positiveInt(flag, value, REPS_MAX)) }; i++; break
      case '--seconds': s = { ...s, label: 'custom', contentionMs: Math.max(1, positiveInt(flag, value, SECONDS_MAX)) * 1000 }; i++; break
      case '--held-locks': s = { ...s, label: 'custom', heldLocks: positiveInt(flag, value, 100_000) }; i++; break
      case '--nodes': {
        const ns = (value ?? '').split(',').map(x => positiveInt(flag, x, 25))
        if (ns.some(x => x < 3)) throw new Error('--nodes: every size at least 3')
        s = { ...s, label: 'custom', nodes: ns }
        i++
        break
      }
      case '--kinds': {
        const kinds = (value ?? '').split(',')
        const known = ['memory', 'baseline', 'embedded', 'spread'] as const
        if (kinds.length === 0 || kinds.some(k => !(known as readonly string[]).includes(k))) throw new Error(`--kinds: a comma-separated subset of ${known.join(',')}`)
        s = { ...s, label: 'custom', kinds: known.filter(k => kinds.includes(k)) }
        i++
        break
      }
      case '--out': if (value === undefined) throw new Error('--out needs a folder'); out = isAbsolute(value) ? value : join(process.cwd(), value); i++; break
      case '--name': if (value === undefined || !/^[\w.-]+$/.test(value)) throw new Error('--name: letters, digits, . _ -'); name = value; i++; break
      case '--node-flags': {
        const flags = value === 'none' ? [] : (value ?? '').split(/\s+/).filter(f => f !== '')
        if ((flags.length === 0 && value !== 'none') || flags.some(f => !/^--[\w-]+(=[\w.,-]+)?$/.test(f))) throw new Error('--node-flags takes Node flags such as "--max-semi-space-size=2 --v8-pool-size=1", or none')
        s = { ...s, nodeFlags: flags }
        i++
        break
      }
      case '--note': if (value === undefined) throw new Error('--note needs a text'); s = { ...s, note: value }; i++; break
      default: throw new Error(`unknown option ${flag} (--quick, --reps, --nodes, --seconds, --held-locks, --kinds, --no-partition, --node-flags, --out, --name, --note)`)
    }
  }
  const date = new Date().toISOString().slice(0, 10)
  return { settings: s, out, name: name ?? `bench-${date}${s.label === 'full' ? '' : `-${s.label}`}` }
}

async function main (): Promise<void> {
  const render = process.argv.indexOf('--render')
  if (render >= 0) {
    const file = process.argv[render + 1]
    if (file === undefined || !file.endsWith('.json')) throw new Error('--render takes a bench result .json')
    const result = JSON.parse(await readFile(file, 'utf8')) as BenchResult
    if (result.schema !== SCHEMA) throw new Error(`${file}: schema ${String(result.schema)}, expected ${SCHEMA}`)
    await writeFile(file.replace(/\.json$/, '.md'), renderMarkdown(result))
    process.stdout.write(`bench: rendered ${file.replace(/\.json$/, '.md')}\n`)
    return
  }
  const { settings, out, name } = parseArgs(process.argv.slice(2))
  const result = await runBench(settings, line => { process.stdout.write(line + '\n') })
  const files = await writeResults(result, out, name)
  process.stdout.write(`bench: ${result.seconds} s; wrote ${files.json} and ${files.md}\n`)
  const bad = failed(result)
  for (const b of bad) process.stderr.write(`bench: ${b}\n`)
  process.exitCode = bad.length === 0 ? 0 : 1
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${String((err as Error).stack ?? err)}\n`)
  process.exitCode = 2
})
