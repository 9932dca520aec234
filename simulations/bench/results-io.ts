/** Writing a bench result (JSON + Markdown) and judging it (failed configurations, lost updates). */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderMarkdown } from './report.js'
import type { BenchResult } from './run-bench.js'

/** Writes `<name>.json` and `<name>.md` into `out`; returns their paths. */
export async function writeResults (result: BenchResult, out: string, name: string): Promise<{ json: string, md: string }> {
  await mkdir(out, { recursive: true })
  const json = join(out, `${name}.json`)
  const md = join(out, `${name}.md`)
  await writeFile(json, JSON.stringify(result, null, 1) + '\n')
  await writeFile(md, renderMarkdown(result))
  return { json, md }
}

/** One line per failed configuration and per scenario that lost an update (empty: all good). */
export function failed (r: BenchResult): string[] {
  const bad: string[] = []
  for (const run of r.runs) {
    if (run.error !== null) bad.push(`${run.kind}-${run.nodes} rep ${run.rep}: ${run.error.split('\n')[0]!}`)
    for (const [name, sc] of Object.entries(run.scenarios)) {
      const lost = (sc as { lostUpdates?: number }).lostUpdates
      if (lost !== undefined && lost !== 0) bad.push(`${run.kind}-${run.nodes} rep ${run.rep}: ${name} lost ${lost} updates`)
    }
  }
  return bad
}
