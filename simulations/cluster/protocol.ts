/**
 * What the parent (`lockmesh simulate`) and each node process (`child.js`)
 * say to each other over the Node IPC channel, and the child's config file.
 *
 * Times: a child stamps its own history events with
 * `process.hrtime.bigint() − parentStartNs` (all processes read the same
 * monotonic clock on one host), so `t` is the instant the event happened in
 * the child, not when the parent received it. The parent stamps its own
 * records (store decisions, faults, kills) the same way.
 */
import type { LockMode, Mode, QuorumSystemName } from '../../src/core/types.js'

export type NodeName = string

/** A node's share of the network faults: who it refuses, whose frames it drops, how long it holds frames. */
export interface NetState {
  /** Peers (names) its gater refuses: partition, isolate, bridge. */
  block: NodeName[]
  /** Peers its outbound frames to are dropped: one-way. */
  drop: NodeName[]
  /** Peers its outbound frames to are held this long (ms): slow. */
  delayMs: Record<NodeName, number>
}

export const NO_NET_FAULTS: NetState = { block: [], drop: [], delayMs: {} }

export interface WorkloadConfig {
  workers: number
  keys: string[]
  hotKeys: string[]
  /** Fraction of acquires on the hot keys. */
  hotShare: number
  /** Fraction of acquires in shared mode. */
  sharedShare: number
  /** Fraction of tryAcquire (noWait). */
  tryShare: number
  /** Fraction of exclusive holds that extend once. */
  extendShare: number
  /** Pause between one hold (or failed acquire) and the next acquire, uniform in [lo, hi] ms. */
  thinkMs: [number, number]
  /** waitMs of every blocking acquire. */
  waitMs: number
  ttlMs: number
  seed: number
}

export interface ChildConfig {
  name: NodeName
  /** Spawn count of this node (1 = first start): the `#<incarnation>` of its workers. */
  incarnation: number
  peerId: string
  keyFile: string
  /** Peer IDs of every node. */
  roster: string[]
  /** Peer ID → node name. */
  names: Record<string, NodeName>
  listen: string
  bootstrap: string[]
  dataDir: string
  quorum: QuorumSystemName
  ttlMsMax: number
  /** process.hrtime.bigint() of the parent at the run's start, as a decimal string. */
  parentStartNs: string
  /** Load, say `loaded`, and start the node only on `go` (the first start: every node starts at once, modules already loaded). */
  waitForGo: boolean
  workload: WorkloadConfig
  net: NetState
}

/** A history event as a child or the parent sends it: `t` in ns since the run's start. */
export interface HistoryEvent {
  t: number
  type: string
  [field: string]: unknown
}

export interface AcquireView {
  key: string
  mode: LockMode
  phase: string
  /** Voters of the current attempt (node names). */
  quorum: NodeName[]
  votes: number
}

export interface ChildStatus {
  mode: Mode
  sharedLocks: boolean
  quietRemainingMs: number
  acquires: AcquireView[]
  /** Workers between the read and the write of an increment. */
  midIncrement: number
}

export type ParentMessage =
  | { type: 'net', state: NetState }
  | { type: 'go' }
  | { type: 'start' }
  | { type: 'status', id: number }
  | { type: 'store-reply', id: number, accepted: boolean, value: number }
  | { type: 'stop' }

export type ChildMessage =
  | { type: 'event', event: HistoryEvent }
  | { type: 'store', id: number, op: 'read', key: string, token: string, worker: string }
  | { type: 'store', id: number, op: 'write', key: string, token: string, worker: string, before: number, value: number }
  | { type: 'status-reply', id: number, status: ChildStatus }
  | { type: 'loaded' }
  | { type: 'up', listen: string[] }
  | { type: 'stopped' }
  | { type: 'fatal', message: string }
