/**
 * Common views of a history: the config, events in time order, the run's end.
 * Lines from several processes may reach the file out of order, so every
 * checker works on events sorted by (t, line).
 */
import type { ConfigRecord, EventRecord, HistoryRecord } from './history.js'

/** Records of one type, narrowed. */
export type Of<T extends EventRecord['type']> = EventRecord & { type: T }

const sortedCache = new WeakMap<readonly HistoryRecord[], EventRecord[]>()

/** Every event (not config, not malformed), sorted by t then line. */
export function eventsInOrder (records: readonly HistoryRecord[]): EventRecord[] {
  let out = sortedCache.get(records)
  if (out === undefined) {
    out = records.filter((r): r is EventRecord => r.type !== 'config' && r.type !== 'malformed')
    out.sort((a, b) => a.t - b.t || a.line - b.line)
    sortedCache.set(records, out)
  }
  return out
}

export function eventsOf<T extends EventRecord['type']> (records: readonly HistoryRecord[], ...types: T[]): Array<Of<T>> {
  const want = new Set<string>(types)
  return eventsInOrder(records).filter(e => want.has(e.type)) as Array<Of<T>>
}

/** The first config record, if any. */
export function configOf (records: readonly HistoryRecord[]): ConfigRecord | undefined {
  for (const r of records) if (r.type === 'config') return r
  return undefined
}

/** The last instant the history mentions (ns). */
export function runEnd (records: readonly HistoryRecord[]): number {
  const ev = eventsInOrder(records)
  return ev.length === 0 ? 0 : ev[ev.length - 1]!.t
}

/** `worker` + `key`, the identity of one acquire/hold sequence. */
export function holdKey (worker: string, key: string): string {
  return `${worker}\u0000${key}`
}
