/**
 * Holds to drawable bars at pixel resolution: a hold narrower than `minPx`
 * merges into the previous narrow bar (or merged bar) of the same mode in
 * the same lane when they touch (gap under a pixel), so a lane of thousands of short holds draws as a
 * few hundred bars; each merged bar keeps its count and token range.
 */
import type { LockMode } from '../../../src/core/types.js'
import type { Hold } from './model.js'

export interface Bar {
  x0: number
  x1: number
  mode: LockMode
  /** The key, or `null` when merged holds span several keys. */
  key: string | null
  count: number
  tokenMin: bigint
  tokenMax: bigint
  /** ns */
  start: number
  end: number
  first: Hold
  /** Some merged hold ended `lost`. */
  lost: boolean
}

/**
 * `gapPx`: narrow holds closer than this merge (1 px keeps every visible gap;
 * a crowded lane passes more, so it draws as busy stretches).
 */
export function thinBars (holds: readonly Hold[], x: (ns: number) => number, minPx = 2, gapPx = 1): Bar[] {
  const sorted = [...holds].sort((a, b) => a.start - b.start || a.end - b.end)
  const out: Bar[] = []
  const open: Partial<Record<LockMode, Bar>> = {}
  for (const h of sorted) {
    const x0 = x(h.start)
    const x1 = Math.max(x(h.end), x0)
    const cur = open[h.mode]
    const narrow = x1 - x0 < minPx
    if (cur !== undefined && x0 - cur.x1 < gapPx && narrow && (cur.count > 1 || cur.x1 - cur.x0 < minPx)) {
      cur.x1 = Math.max(cur.x1, x1)
      cur.end = Math.max(cur.end, h.end)
      cur.count++
      if (h.token < cur.tokenMin) cur.tokenMin = h.token
      if (h.token > cur.tokenMax) cur.tokenMax = h.token
      if (cur.key !== h.key) cur.key = null
      cur.lost ||= h.close === 'lost'
      continue
    }
    const bar: Bar = { x0, x1, mode: h.mode, key: h.key, count: 1, tokenMin: h.token, tokenMax: h.token, start: h.start, end: h.end, first: h, lost: h.close === 'lost' }
    out.push(bar)
    open[h.mode] = bar
  }
  return out
}
