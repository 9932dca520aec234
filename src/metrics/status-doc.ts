/**
 * The `/status` document: `status()` of the node, its roster, and one row per
 * roster member from this node's view (its own detector for reachability,
 * the members' announcements for the rest). Plain JSON: bigints as strings.
 */
import type { Announcer } from '../announce/announcer.js'
import type { NodeId } from '../core/types.js'
import type { LockMesh, MeshStatus } from '../mesh.js'

export interface MemberRow {
  peer: NodeId
  /** This row is the node that served the document. */
  self: boolean
  /** `self`; `up` (reachable from here); `unreachable` (this node's detector lost it); `unknown` (never heard). */
  view: 'self' | 'up' | 'unreachable' | 'unknown'
  /** From its latest announcement (or live for `self`); null when none was heard. */
  mode: string | null
  state: string | null
  reachableCount: number | null
  incarnation: number | null
  quietRemainingMs: number | null
  locksHeld: number | null
  /** Milliseconds since its latest announcement arrived (0 for `self`, null if never). */
  lastHeardMsAgo: number | null
}

export interface StatusDocument extends MeshStatus {
  roster: NodeId[]
  announceTopic: string | null
  members: MemberRow[]
}

export function statusDocument (mesh: LockMesh, announcer: Announcer | null): StatusDocument {
  const s = mesh.status()
  const reachable = new Set(s.reachable)
  const now = performance.now()
  const self = announcer?.current()
  const members = [...mesh.config.roster].sort().map((peer): MemberRow => {
    if (peer === s.self) {
      return {
        peer, self: true, view: 'self', mode: s.mode, state: self?.state ?? s.state, reachableCount: s.reachable.length, incarnation: s.incarnation,
        quietRemainingMs: Math.ceil(s.core?.quietRemainingMs ?? 0), locksHeld: s.locks.length, lastHeardMsAgo: 0
      }
    }
    const heard = announcer?.view().get(peer)
    const a = heard?.announcement
    return {
      peer, self: false,
      view: reachable.has(peer) ? 'up' : a === undefined ? 'unknown' : 'unreachable',
      mode: a?.mode ?? null,
      state: a?.state ?? null,
      reachableCount: a?.reachable.length ?? null,
      incarnation: a?.incarnation ?? null,
      quietRemainingMs: a?.quietRemainingMs ?? null,
      locksHeld: a?.locksHeld ?? null,
      lastHeardMsAgo: heard === undefined ? null : Math.round(now - heard.heardAtMs)
    }
  })
  return { ...s, roster: [...mesh.config.roster], announceTopic: announcer?.topic ?? null, members }
}

/** JSON text of a document that may hold bigints. */
export function toJson (doc: unknown): string {
  return JSON.stringify(doc, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
}
