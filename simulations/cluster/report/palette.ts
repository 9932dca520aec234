/** The report's colours: lock modes, node modes, fault kinds, violations. */
import type { LockMode } from '../../../src/core/types.js'

export const LOCK_COLOR: Record<LockMode, string> = {
  exclusive: '#2f5fd0',
  shared: '#0f9d84'
}

/** A node's mode as a background band. */
export type BandState = 'read-write' | 'read-only-shared' | 'read-only' | 'starting' | 'down'

export const BAND_COLOR: Record<BandState, string> = {
  'read-write': '#e2f3e5',
  'read-only-shared': '#fdefc3',
  'read-only': '#f9d7d7',
  starting: '#e9ecf1',
  down: '#c9ced6'
}

export const BAND_LABEL: Record<BandState, string> = {
  'read-write': 'read-write',
  'read-only-shared': 'read-only, shared locks allowed',
  'read-only': 'read-only, no locks',
  starting: 'starting / unknown',
  down: 'process down'
}

const FAULT_COLOR: Record<string, string> = {
  partition: '#7048e8',
  isolate: '#e8590c',
  bridge: '#a05a2c',
  'one-way': '#d6336c',
  kill: '#343a40',
  pause: '#c08a00',
  slow: '#5c940d'
}

const SPARE = ['#1971c2', '#9c36b5', '#2b8a3e', '#c92a2a', '#5f3dc4', '#087f5b']

export function faultColor (kind: string): string {
  const c = FAULT_COLOR[kind]
  if (c !== undefined) return c
  let h = 0
  for (const ch of kind) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return SPARE[h % SPARE.length]!
}

export const VIOLATION_COLOR = '#e03131'
export const FAILURE_COLOR = '#d9480f'
