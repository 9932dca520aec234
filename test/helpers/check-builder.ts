/**
 * Hand-made histories for the `lockmesh check` specs: a builder that writes
 * the JSONL lines `lockmesh simulate` writes (issue 5), times in ms converted
 * to the history's ns, and a clean five-node run to start from.
 */
import { parseHistoryText, type HistoryRecord } from '../../simulations/check/history.js'

export const ROSTER5 = ['n0', 'n1', 'n2', 'n3', 'n4']

export interface ConfigFields {
  roster: string[]
  quorum: string
  ttlMs: number
  ttlMsMax: number
  detectionMs: number
  /** Local health multiplier cap of the nodes (absent = 8). */
  detectionCap?: number
  stableMs: number
  drift: number
  livenessBoundMs?: number
}

export const BASE_CONFIG: ConfigFields = {
  roster: ROSTER5, quorum: 'majority', ttlMs: 1000, ttlMsMax: 1000, detectionMs: 300, stableMs: 500, drift: 0.01, livenessBoundMs: 2000,
  // Nodes with the local health multiplier off: the mode windows below are detection + stable.
  detectionCap: 1
}

type Fields = Record<string, unknown>

/** ms → ns */
export const ns = (ms: number): number => Math.round(ms * 1e6)

export class HistoryBuilder {
  private readonly config: Fields
  private readonly events: Array<{ tMs: number, fields: Fields }> = []

  constructor (config: Partial<ConfigFields> = {}) {
    this.config = { type: 'config', ...BASE_CONFIG, ...config }
    if (config.livenessBoundMs === undefined && 'livenessBoundMs' in config) delete this.config.livenessBoundMs
  }

  /** One event at `tMs`. */
  at (tMs: number, type: string, fields: Fields = {}): this {
    this.events.push({ tMs, fields: { t: ns(tMs), type, ...fields } })
    return this
  }

  nodesStart (tMs = 0, roster: string[] = this.config.roster as string[]): this {
    for (const node of roster) this.at(tMs, 'node-start', { node })
    return this
  }

  mode (tMs: number, node: string, mode: 'read-write' | 'read-only', sharedLocks = mode === 'read-write'): this {
    return this.at(tMs, 'mode', { node, mode, sharedLocks })
  }

  /** acquire-start at `fromMs`, acquired `waitedMs` later, released at `toMs` (or open when null). */
  hold (o: { worker: string, node: string, key: string, mode?: 'exclusive' | 'shared', token: number | string, fromMs: number, toMs: number | null, waitedMs?: number, validMs?: number, waitMs?: number, close?: 'released' | 'lost' }): this {
    const mode = o.mode ?? 'exclusive'
    const waited = o.waitedMs ?? 5
    const got = o.fromMs + waited
    this.at(o.fromMs, 'acquire-start', { node: o.node, worker: o.worker, key: o.key, mode, waitMs: o.waitMs ?? 5000 })
    this.at(got, 'acquired', { node: o.node, worker: o.worker, key: o.key, mode, token: String(o.token), validUntil: ns(got + (o.validMs ?? 1000)) })
    if (o.toMs !== null) this.at(o.toMs, o.close ?? 'released', { node: o.node, worker: o.worker, key: o.key, ...(o.close === 'lost' ? { reason: 'expired' } : {}) })
    return this
  }

  /** A read-pause-write increment inside a hold: store-read, store-write and counter, all accepted. */
  increment (o: { worker: string, node: string, key: string, token: number, readMs: number, writeMs: number, before: number }): this {
    const common = { node: o.node, worker: o.worker, key: o.key, token: String(o.token) }
    this.at(o.readMs, 'store-read', { ...common, accepted: true, value: o.before })
    this.at(o.writeMs, 'store-write', { ...common, accepted: true, value: o.before + 1 })
    this.at(o.writeMs, 'counter', { node: o.node, worker: o.worker, key: o.key, before: o.before, after: o.before + 1, accepted: true })
    return this
  }

  /** Cuts every link between the two sides, both directions. */
  partition (startMs: number, endMs: number | null, a: string[], b: string[], fault = 'partition', extra: Fields = {}): this {
    const links = a.flatMap(x => b.flatMap(y => [[x, y], [y, x]]))
    this.at(startMs, 'fault-start', { fault, nodes: a, links, ...extra })
    if (endMs !== null) this.at(endMs, 'fault-end', { fault, nodes: a, links })
    return this
  }

  lines (): string[] {
    const sorted = [...this.events].sort((x, y) => x.tMs - y.tMs)
    return [JSON.stringify(this.config), ...sorted.map(e => JSON.stringify(e.fields))]
  }

  text (): string { return this.lines().join('\n') + '\n' }

  records (): HistoryRecord[] { return parseHistoryText(this.text()) }
}

export const W = {
  a: 'n0.w0#1',
  b: 'n1.w0#1',
  c: 'n2.w0#1',
  d: 'n3.w0#1',
  e: 'n4.w0#1'
} as const

/**
 * A clean 10-second run on five nodes (majority): exclusive holds with
 * counter increments, overlapping shared holds, a minority partition with the
 * right mode changes, a read-only failure, liveness-phase acquires (one a
 * tryAcquire answered busy) and an acquire cut by the end of the run.
 */
export function cleanHistory (config: Partial<ConfigFields> = {}): HistoryBuilder {
  const h = new HistoryBuilder(config).nodesStart(0)
  for (const n of ROSTER5) h.mode(300, n, 'read-write')
  h.hold({ worker: W.a, node: 'n0', key: 'k1', token: 1, fromMs: 2000, toMs: 2100 })
    .increment({ worker: W.a, node: 'n0', key: 'k1', token: 1, readMs: 2010, writeMs: 2050, before: 0 })
    .hold({ worker: W.b, node: 'n1', key: 'k1', token: 2, fromMs: 2080, toMs: 2250, waitedMs: 70 })
    .increment({ worker: W.b, node: 'n1', key: 'k1', token: 2, readMs: 2160, writeMs: 2200, before: 1 })
    // Two shared holders at once: allowed.
    .hold({ worker: W.c, node: 'n2', key: 'k1', mode: 'shared', token: 3, fromMs: 2300, toMs: 2400 })
    .hold({ worker: W.d, node: 'n3', key: 'k1', mode: 'shared', token: 3, fromMs: 2310, toMs: 2420 })
    .at(2320, 'store-read', { node: 'n2', worker: W.c, key: 'k1', token: '3', accepted: true, value: 2 })
    .at(2330, 'store-read', { node: 'n3', worker: W.d, key: 'k1', token: '3', accepted: true, value: 2 })
    .hold({ worker: W.e, node: 'n4', key: 'k1', token: 4, fromMs: 2500, toMs: 2600 })
    .increment({ worker: W.e, node: 'n4', key: 'k1', token: 4, readMs: 2510, writeMs: 2550, before: 2 })
    // A lock that simply expires: lost after validUntil.
    .hold({ worker: W.c, node: 'n2', key: 'k2', token: 1, fromMs: 2000, toMs: 3200, validMs: 1000, close: 'lost' })
    .hold({ worker: W.d, node: 'n3', key: 'k2', token: 2, fromMs: 2900, toMs: 3100, waitedMs: 110 })
  // Minority partition {n0, n1} | {n2, n3, n4} from 3 s to 5 s, then heal.
  h.partition(3000, 5000, ['n0', 'n1'], ['n2', 'n3', 'n4'], 'partition', { hitHolder: false })
    .mode(3300, 'n0', 'read-only', false).mode(3310, 'n1', 'read-only', false)
    .at(3400, 'acquire-start', { node: 'n0', worker: W.a, key: 'k1', mode: 'exclusive', waitMs: 1000 })
    .at(3400.5, 'acquire-failed', { node: 'n0', worker: W.a, key: 'k1', reason: 'read-only' })
    .at(5000, 'heal')
    .mode(5600, 'n0', 'read-write').mode(5610, 'n1', 'read-write')
  // Liveness phase from 5 s + 300 + 500 ms = 5.8 s.
  h.hold({ worker: W.a, node: 'n0', key: 'k1', token: 5, fromMs: 6000, toMs: 6200, waitedMs: 40 })
    .increment({ worker: W.a, node: 'n0', key: 'k1', token: 5, readMs: 6050, writeMs: 6100, before: 3 })
    .at(6100, 'acquire-start', { node: 'n1', worker: W.b, key: 'k1', mode: 'exclusive', noWait: true })
    .at(6102, 'acquire-failed', { node: 'n1', worker: W.b, key: 'k1', reason: 'busy' })
    .hold({ worker: W.b, node: 'n1', key: 'k1', token: 6, fromMs: 6300, toMs: 6400, waitedMs: 20 })
    .increment({ worker: W.b, node: 'n1', key: 'k1', token: 6, readMs: 6330, writeMs: 6360, before: 4 })
    // In flight at the end; its bound runs past the end: excused.
    .at(9500, 'acquire-start', { node: 'n2', worker: W.c, key: 'k1', mode: 'exclusive', waitMs: 5000 })
    .at(10000, 'acquire-failed', { node: 'n2', worker: W.c, key: 'k1', reason: 'run-end' })
  return h
}
