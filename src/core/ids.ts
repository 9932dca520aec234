/**
 * Attempt ids, priorities and grant numbers: identity and ordering only.
 */
import type { AttemptId, GrantNo, NodeId } from './types.js'

/** A map key for an attempt id. */
export function idKey (id: AttemptId): string {
  return `${id.peer}/${id.inc}/${id.seq}`
}

export function sameId (a: AttemptId, b: AttemptId): boolean {
  return a.seq === b.seq && a.inc === b.inc && a.peer === b.peer
}

/** Priority = (Lamport ts, peer, incarnation, seq); negative when `a` goes first. */
export interface Priority {
  ts: bigint
  id: AttemptId
}

function compareStrings (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function comparePriority (a: Priority, b: Priority): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1
  return compareStrings(a.id.peer, b.id.peer) || (a.id.inc - b.id.inc) || (a.id.seq - b.id.seq)
}

export function compareGrantNo (a: GrantNo, b: GrantNo): number {
  return (a.inc - b.inc) || (a.n - b.n)
}

export function sameGrantNo (a: GrantNo | undefined, b: GrantNo | undefined): boolean {
  return a !== undefined && b !== undefined && a.inc === b.inc && a.n === b.n
}

export function formatId (id: AttemptId): string {
  return `${id.peer}:${id.inc}.${id.seq}`
}

export function isAttemptOf (id: AttemptId, peer: NodeId): boolean {
  return id.peer === peer
}

/** 64-bit ceilings: clocks and tokens stay below 2^63. */
export const INT63_MAX = (1n << 63n) - 1n
/** Tokens at or past this are refused with `token-exhausted` (documented). */
export const TOKEN_LIMIT = INT63_MAX - (1n << 20n)
