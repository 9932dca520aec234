/**
 * `lockmesh check <history.jsonl> [--json] [--slack-ms N] [--max-per-kind N]`.
 * Prints the summary; with `--json` the JSON object is the last stdout line.
 * Exit code: 0 clean, 1 any violation (malformed lines included),
 * 2 usage error or unreadable file.
 */
import { checkHistory, violationTotal } from './check-history.js'
import { readHistoryFile } from './history.js'
import type { CheckOptions } from './options.js'
import { formatSummary, summaryJson } from './summary.js'

const USAGE = `usage: lockmesh check <history.jsonl> [--json] [--slack-ms N] [--max-per-kind N]

Checks a history written by \`lockmesh simulate\` (or by \`npm run sim -- --history\`):
mutual exclusion, token order, the store's two marks, lost updates, answered
acquires, liveness after heal and modes; on a simulator history also late loss
reports, fairness, fault-free quiet and attempt-id reuse. Exits 1 on any violation.`

export interface CheckIo {
  out: (line: string) => void
  err: (line: string) => void
}

const defaultIo: CheckIo = {
  out: line => { process.stdout.write(line + '\n') },
  err: line => { process.stderr.write(line + '\n') }
}

export async function runCheck (argv: string[], io: CheckIo = defaultIo): Promise<number> {
  let path: string | undefined
  let json = false
  const opts: CheckOptions = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const numArg = (name: string): number | null => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]
      const n = Number(v)
      if (v === undefined || v === '' || !Number.isFinite(n) || n < 0) { io.err(`lockmesh check: ${name} needs a non-negative number`); return null }
      return n
    }
    if (a === '--json') json = true
    else if (a === '-h' || a === '--help') { io.out(USAGE); return 0 } else if (a === '--slack-ms' || a.startsWith('--slack-ms=')) {
      const n = numArg('--slack-ms'); if (n === null) return 2; opts.slackMs = n
    } else if (a === '--max-per-kind' || a.startsWith('--max-per-kind=')) {
      const n = numArg('--max-per-kind'); if (n === null) return 2; opts.maxPerKind = Math.floor(n)
    } else if (a.startsWith('-')) { io.err(`lockmesh check: unknown option ${a}\n${USAGE}`); return 2 } else if (path === undefined) path = a
    else { io.err(`lockmesh check: one history file only\n${USAGE}`); return 2 }
  }
  if (path === undefined) { io.err(USAGE); return 2 }

  let records
  try {
    records = await readHistoryFile(path)
  } catch (err) {
    io.err(`lockmesh check: cannot read ${path}: ${(err as Error).message}`)
    return 2
  }
  const result = checkHistory(records, opts)
  io.out(formatSummary(result, path))
  if (json) io.out(JSON.stringify(summaryJson(result, path)))
  return violationTotal(result) > 0 ? 1 : 0
}
