/**
 * `writeReport`: history.jsonl → `report.html` next to it (or `outPath`).
 * `writeReportFor` does the same from records already read and checked, so
 * `lockmesh simulate` can write the page without reading its history twice;
 * `reportLink` is the line the terminal summary prints.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { checkHistory, type CheckResult } from '../../check/check-history.js'
import { readHistoryFile, type HistoryRecord } from '../../check/history.js'
import type { CheckOptions } from '../../check/options.js'
import { renderReport } from './render-report.js'

export const REPORT_FILE = 'report.html'

/** Where the report of `historyPath` goes by default: `report.html` in the same directory. */
export function reportPathFor (historyPath: string): string {
  return join(dirname(historyPath), REPORT_FILE)
}

/** Renders and writes the page for records already checked; returns the absolute path written. */
export async function writeReportFor (records: HistoryRecord[], result: CheckResult, outPath: string, historyPath?: string): Promise<string> {
  const html = renderReport(records, result, historyPath !== undefined ? { historyPath } : {})
  const out = resolve(outPath)
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, html, 'utf8')
  return out
}

/**
 * Reads `historyPath` (the check's tolerant reader), checks it and writes the
 * page to `outPath` (default: `report.html` next to the history). Returns the
 * absolute path written. Rejects only when the history cannot be read or the
 * page cannot be written.
 */
export async function writeReport (historyPath: string, outPath?: string, opts: CheckOptions = {}): Promise<string> {
  const records = await readHistoryFile(historyPath)
  const result = checkHistory(records, opts)
  return await writeReportFor(records, result, outPath ?? reportPathFor(historyPath), historyPath)
}

/** `report: file:///…/report.html` — a link most terminals open on click. */
export function reportLink (reportPath: string): string {
  return `report: ${pathToFileURL(resolve(reportPath)).href}`
}
