/** Protocol frames sent and received by the embedded node, by type (PING/PONG left out), from its transport counters. */
import { PROTOCOL_FRAME_TYPES } from '../../src/core/frame-types.js'
import type { LockMesh } from '../../src/mesh.js'

export type FrameCounts = Record<string, number>

export function frameSnapshot (mesh: LockMesh): FrameCounts {
  const t = mesh.status().transport
  const out: FrameCounts = {}
  if (t === null) return out
  for (const type of PROTOCOL_FRAME_TYPES) out[type] = (t.framesIn[type] ?? 0) + (t.framesOut[type] ?? 0)
  return out
}

/**
 * Frames per operation by type between `before` and now, plus `total`.
 * Right when every requester sits on the embedded node (embedded layout): the
 * peers then exchange no lock frames among themselves, so every frame of an
 * acquire crosses the embedded node's transport once.
 */
export function framesPerOp (mesh: LockMesh, before: FrameCounts, ops: number): FrameCounts {
  const now = frameSnapshot(mesh)
  const per: FrameCounts = {}
  let total = 0
  for (const [type, n] of Object.entries(now)) {
    const d = n - (before[type] ?? 0)
    if (d === 0) continue
    per[type] = Math.round(d / ops * 100) / 100
    total += d
  }
  per.total = ops > 0 ? Math.round(total / ops * 100) / 100 : NaN
  return per
}
