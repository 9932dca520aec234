/**
 * DESIGN.md §5.2 — fencing:
 * - exclusive tokens of a key strictly increase in grant order ('token-order');
 * - the store's decisions follow the two-mark rule ('store-two-marks'),
 *   recomputed here from the decisions alone;
 * - no operation is rejected while its holder's belief window covered the
 *   store's decision time ('valid-op-rejected').
 */
import type { StoreDecision } from '../fenced-store.js'
import type { BeliefWindow } from './belief-windows.js'
import { fmtT, type ViolationList } from './violation.js'

export function checkTokenOrder (byKey: ReadonlyMap<string, BeliefWindow[]>, out: ViolationList): void {
  for (const [key, list] of byKey) {
    let prev: BeliefWindow | undefined
    for (const w of list) {
      if (w.mode !== 'exclusive') continue
      if (prev !== undefined && w.token <= prev.token) {
        out.add('token-order', w.start,
          `key ${key}: n${w.node} handle ${w.handle} granted token ${w.token} at ${fmtT(w.start)} after n${prev.node} handle ${prev.handle} got ${prev.token} at ${fmtT(prev.start)}`)
      }
      prev = w
    }
  }
}

export function checkStoreRule (decisions: readonly StoreDecision[], out: ViolationList): void {
  const marks = new Map<string, { maxWrite: bigint, maxSeen: bigint }>()
  for (const d of decisions) {
    let m = marks.get(d.key)
    if (m === undefined) marks.set(d.key, m = { maxWrite: -1n, maxSeen: -1n })
    const ok = d.op === 'read' ? d.token >= m.maxWrite : d.token >= m.maxSeen
    if (ok !== d.accepted) {
      out.add('store-two-marks', d.t,
        `key ${d.key}: ${d.op} token ${d.token} ${d.accepted ? 'accepted' : 'rejected'} with maxWrite ${m.maxWrite}, maxSeen ${m.maxSeen} (n${d.node} handle ${d.handle})`)
    }
    if (d.accepted) {
      if (d.op === 'write') m.maxWrite = d.token
      if (d.token > m.maxSeen) m.maxSeen = d.token
    }
  }
}

export function checkValidOpsAccepted (decisions: readonly StoreDecision[], windows: readonly BeliefWindow[], out: ViolationList): void {
  const byHandle = new Map<number, BeliefWindow>()
  for (const w of windows) byHandle.set(w.handle, w)
  for (const d of decisions) {
    if (d.accepted) continue
    const w = byHandle.get(d.handle)
    if (w === undefined || !(w.start <= d.t && d.t < w.end)) continue
    out.add('valid-op-rejected', d.t,
      `key ${d.key}: ${d.op} by n${d.node} handle ${d.handle} (${w.mode}, token ${d.token}) rejected at ${fmtT(d.t)} inside its window [${fmtT(w.start)}, ${fmtT(w.end)}); maxWrite ${d.maxWrite}, maxSeen ${d.maxSeen}`)
  }
}
