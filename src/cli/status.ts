/**
 * `lockmesh status --connect <host:port> [--token-file <file>] [--watch] [--json]`:
 * what every roster member thinks, as one node sees it (its `/status`: its
 * own detector for reachability, the members' mesh-topic announcements for
 * the rest). `--watch` redraws every second until Ctrl-C (at most
 * WATCH_REDRAWS_MAX redraws).
 */
import { readFile } from 'node:fs/promises'
import { InvalidOptionsError } from '../errors.js'
import { parseHostPort } from '../metrics/http-server.js'
import type { MemberRow } from '../metrics/status-doc.js'

const USAGE = '--connect <host:port> [--token-file <file>] [--watch] [--json]'
/** A watch stops by itself after this many redraws (a day at one a second). */
export const WATCH_REDRAWS_MAX = 86_400
const WATCH_INTERVAL_MS = 1000
const FETCH_TIMEOUT_MS = 3000

export class StatusFetchError extends Error {
  static override readonly name = 'StatusFetchError'
  override readonly name = 'StatusFetchError'
  constructor (readonly url: string, readonly reason: string) {
    super(`cannot read ${url}: ${reason}`)
  }
}

interface StatusArgs { url: string, tokenFile?: string, watch: boolean, json: boolean }

function parseArgs (argv: string[]): StatusArgs {
  let connect: string | undefined
  let tokenFile: string | undefined
  let watch = false
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--watch') watch = true
    else if (a === '--json') json = true
    else if (a === '--connect' && argv[i + 1] !== undefined) connect = argv[++i]
    else if (a === '--token-file' && argv[i + 1] !== undefined) tokenFile = argv[++i]
    else throw new InvalidOptionsError('status', USAGE, a)
  }
  const { host, port } = parseHostPort(connect, '--connect')
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/status`, ...(tokenFile !== undefined ? { tokenFile } : {}), watch, json }
}

interface StatusDoc { self: string, mode: string, members: MemberRow[] }

async function fetchStatus (url: string, token: string | undefined): Promise<StatusDoc> {
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: token !== undefined ? { authorization: `Bearer ${token}` } : {} })
  } catch (err) {
    throw new StatusFetchError(url, (err as Error).message)
  }
  if (res.status !== 200) throw new StatusFetchError(url, `HTTP ${res.status}${res.status === 401 ? ' (wrong or missing --token-file)' : ''}`)
  const doc = await res.json().catch(() => null) as StatusDoc | null
  if (doc === null || !Array.isArray(doc.members)) throw new StatusFetchError(url, 'not a lockmesh /status document')
  return doc
}

const dash = (v: unknown): string => v === null || v === undefined ? '-' : String(v)
const secs = (ms: number | null): string => ms === null ? '-' : ms === 0 ? '0' : `${(ms / 1000).toFixed(1)}s`

/** The table, one row per roster member (plain text, fixed columns). */
export function renderTable (doc: StatusDoc): string {
  const head = ['PEER', 'VIEW', 'MODE', 'STATE', 'REACH', 'INC', 'QUIET', 'LOCKS', 'HEARD']
  const rows = doc.members.map(m => [
    (m.self ? '*' : ' ') + m.peer, m.view, dash(m.mode), dash(m.state), dash(m.reachableCount), dash(m.incarnation),
    secs(m.quietRemainingMs), dash(m.locksHeld), m.self ? 'self' : m.lastHeardMsAgo === null ? 'never' : `${secs(m.lastHeardMsAgo)} ago`
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  const reachable = doc.members.filter(m => m.view === 'self' || m.view === 'up').length
  return `${line(head)}\n${rows.map(line).join('\n')}\n${doc.members.length} members, ${reachable} reachable from ${doc.self} (${doc.mode})\n`
}

export async function runStatus (argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const args = parseArgs(argv)
  let token: string | undefined
  if (args.tokenFile !== undefined) {
    try { token = (await readFile(args.tokenFile, 'utf8')).trim() } catch (err) { throw new InvalidOptionsError('--token-file', 'a readable token file', `${args.tokenFile} (${(err as Error).message})`) }
  }
  const show = async (): Promise<void> => {
    const doc = await fetchStatus(args.url, token)
    out.write(args.json ? JSON.stringify(doc.members) + '\n' : renderTable(doc))
  }
  if (!args.watch) { await show(); return 0 }
  let stopped = false
  let wake: () => void = () => {}
  const onSigint = (): void => { stopped = true; wake() }
  process.once('SIGINT', onSigint)
  try {
    for (let i = 0; i < WATCH_REDRAWS_MAX && !stopped; i++) {
      const started = Date.now()
      let text: string
      try {
        const doc = await fetchStatus(args.url, token)
        text = args.json ? JSON.stringify(doc.members) + '\n' : renderTable(doc)
      } catch (err) {
        text = `${(err as Error).message}\n`
      }
      // Clear the screen only on a terminal: piped output stays a plain log.
      out.write(((out as { isTTY?: boolean }).isTTY === true ? '\x1b[2J\x1b[H' : '') + `${new Date().toISOString()}\n${text}`)
      await new Promise<void>(resolve => { wake = resolve; setTimeout(resolve, Math.max(0, WATCH_INTERVAL_MS - (Date.now() - started))) })
    }
  } finally {
    process.off('SIGINT', onSigint)
  }
  return 0
}
