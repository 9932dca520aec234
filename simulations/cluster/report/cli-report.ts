/**
 * `lockmesh report <history.jsonl> [--out <file>]`: writes the visual report
 * of a recorded history (default `report.html` next to it) and prints its
 * link. Exit code: 0 written (whatever the history holds; `lockmesh check`
 * judges it), 2 usage error, unreadable history or unwritable page.
 */
import type { CheckIo } from '../../check/cli-check.js'
import { reportLink, writeReport } from './write-report.js'

const USAGE = `usage: lockmesh report <history.jsonl> [--out <file.html>]

Writes a self-contained HTML page of a history written by \`lockmesh simulate\`:
the locks each node held over time, its modes, the faults, grant rate,
latency and any violations. Default output: report.html next to the history.`

const defaultIo: CheckIo = {
  out: line => { process.stdout.write(line + '\n') },
  err: line => { process.stderr.write(line + '\n') }
}

export async function runReport (argv: string[], io: CheckIo = defaultIo): Promise<number> {
  let path: string | undefined
  let out: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '-h' || a === '--help') { io.out(USAGE); return 0 }
    if (a === '--out' || a.startsWith('--out=')) {
      const v = a === '--out' ? argv[++i] : a.slice('--out='.length)
      if (v === undefined || v === '') { io.err(`lockmesh report: --out needs a file name\n${USAGE}`); return 2 }
      out = v
    } else if (a.startsWith('-')) { io.err(`lockmesh report: unknown option ${a}\n${USAGE}`); return 2 } else if (path === undefined) path = a
    else { io.err(`lockmesh report: one history file only\n${USAGE}`); return 2 }
  }
  if (path === undefined) { io.err(USAGE); return 2 }
  let written: string
  try {
    written = await writeReport(path, out)
  } catch (err) {
    io.err(`lockmesh report: ${(err as Error).message}`)
    return 2
  }
  io.out(reportLink(written))
  return 0
}
