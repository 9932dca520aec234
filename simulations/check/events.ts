/**
 * Common views of a history: the config, events in time order, the run's end.
 * Lines from several processes may reach the file out of order, so every
 * checker works on events sorted by (t, line).
 */
import type { ConfigRecord, EventRecord, HistoryRecord } from './history.js'

/** Records of one type, narrowed. */
export type Of<T extends EventRecord['type']> = EventRecord & { type: T }

const sortedCache = new WeakMap<readonly HistoryRecord[], EventRecord[]>()
const byTypesCache = new WeakMap<readonly HistoryRecord[], Map<string, EventRecord[]>>()

function inOrder (a: EventRecord, b: EventRecord): number {
  return a.t - b.t || a.line - b.line
}

/** Every event (not config, not malformed), sorted by t then line. */
export function eventsInOrder (records: readonly HistoryRecord[]): EventRecord[] {
  let out = sortedCache.get(records)
  if (out === undefined) {
    out = records.filter((r): r is EventRecord => r.type !== 'config' && r.type !== 'malformed')
    // A history written in time order (the simulator's) needs no sort.
    let sorted = true
    for (let i = 1; i < out.length && sorted; i++) sorted = inOrder(out[i - 1]!, out[i]!) <= 0
    if (!sorted) out.sort(inOrder)
    sortedCache.set(records, out)
  }
  return out
}

/** The events of the given types, in order; computed once per history and type list (callers must not modify it). */
export function eventsOf<T extends EventRecord['type']> (records: readonly HistoryRecord[], ...types: T[]): Array<Of<T>> {
  let cache = byTypesCache.get(records)
  if (cache === undefined) {
    // One pass groups every event by type; each group stays in order.
    cache = new Map()
    for (const e of eventsInOrder(records)) {
      let g = cache.get(e.type)
      if (g === undefined) cache.set(e.type, g = [])
      g.push(e)
    }
    byTypesCache.set(records, cache)
  }
  const key = types.join(',')
  let out = cache.get(key)
  if (out === undefined) {
    out = types.flatMap(t => cache.get(t) ?? [])
    out.sort(inOrder)
    cache.set(key, out)
  }
  return out as Array<Of<T>>
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
