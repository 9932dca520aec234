/**
 * DESIGN.md §5.3 — no lost update: each key's read-pause-write counter ends
 * equal to the number of accepted increments.
 */
import type { StoreDecision } from '../fenced-store.js'
import type { ViolationList } from './violation.js'

export function checkLostUpdate (decisions: readonly StoreDecision[], out: ViolationList): void {
  const perKey = new Map<string, { writes: number, value: number, t: number }>()
  for (const d of decisions) {
    if (d.op !== 'write' || !d.accepted) continue
    const s = perKey.get(d.key) ?? { writes: 0, value: 0, t: 0 }
    s.writes++
    s.value = d.value
    s.t = d.t
    perKey.set(d.key, s)
  }
  for (const [key, s] of perKey) {
    if (s.value !== s.writes) {
      out.add('lost-update', s.t, `key ${key}: counter ends at ${s.value} after ${s.writes} accepted increments`)
    }
  }
}
