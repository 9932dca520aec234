/** What a bench run measures and how long: the full run, `--quick`, and the smoke test's tiny one. */
import { NODE_PROCESS_FLAGS } from '../../src/cli/node-flags.js'

export interface BenchSettings {
  label: 'full' | 'quick' | 'custom'
  /** Repetitions of every configuration (the report shows medians and min–max). */
  reps: number
  /** Mesh sizes; each gets the configurations of `kinds`. */
  nodes: number[]
  /** Which configurations run per mesh size: in-memory transport, the raw libp2p baseline, the embedded layout, the spread layout. */
  kinds: Array<'memory' | 'baseline' | 'embedded' | 'spread'>
  /** Workers per node in the spread layout, node 0 (the bench process) first. */
  spread: Record<number, number[]>
  /** Workers of the hot-key, many-keys and shared scenarios (embedded layout: all on node 0). */
  workers: number
  /** Workers on node 0 of the in-memory mesh (the README's former in-memory row used 10). */
  memoryWorkers: number
  ttlMs: number
  /** The mesh's ttlMsMax: long enough to hold `heldLocks` locks while they are counted. */
  ttlMsMax: number
  uncontendedWarmup: number
  uncontendedCycles: number
  contentionMs: number
  manyKeys: number
  /** Locks held at once for the memory figure (0: skip). */
  heldLocks: number
  heldLocksTimeLimitMs: number
  /** Mesh size whose spread layout runs the failover (once per rep; 0: skip). */
  failoverNodes: number
  partition: boolean
  /** Idle time before the idle RSS sample. */
  idleMs: number
  readyTimeoutMs: number
  seed: number
  /**
   * Node/V8 flags for every `lockmesh node` process the bench starts. Default:
   * the ones the `lockmesh` bin gives `lockmesh node` (NODE_PROCESS_FLAGS; the
   * bench starts the script with `node`, which skips the bin's sh header).
   */
  nodeFlags: string[]
  /** A line for the report's head (e.g. "shared machine, other jobs running"). */
  note?: string
}

const SPREAD: Record<number, number[]> = { 3: [5, 2, 1], 5: [4, 2, 1, 1, 0], 9: [2, 1, 1, 1, 1, 1, 1, 0, 0] }

export const FULL: BenchSettings = {
  label: 'full',
  reps: 3,
  nodes: [3, 5, 9],
  kinds: ['memory', 'baseline', 'embedded', 'spread'],
  spread: SPREAD,
  workers: 8,
  memoryWorkers: 10,
  ttlMs: 5_000,
  ttlMsMax: 60_000,
  uncontendedWarmup: 200,
  uncontendedCycles: 2_000,
  contentionMs: 10_000,
  manyKeys: 1_000,
  heldLocks: 10_000,
  heldLocksTimeLimitMs: 40_000,
  failoverNodes: 5,
  partition: true,
  idleMs: 3_000,
  readyTimeoutMs: 60_000,
  seed: 1,
  nodeFlags: [...NODE_PROCESS_FLAGS]
}

/** Under 3 minutes: one rep, 3 and 5 nodes, 2 s scenarios, 10,000 held locks still. */
export const QUICK: BenchSettings = {
  ...FULL,
  label: 'quick',
  reps: 1,
  nodes: [3, 5],
  uncontendedWarmup: 50,
  uncontendedCycles: 300,
  contentionMs: 2_000,
  idleMs: 1_000
}

/** Workers per node for a layout: embedded puts all on node 0. */
export function workersPerNode (s: BenchSettings, layout: 'embedded' | 'spread' | 'memory', nodes: number): number[] {
  if (layout === 'embedded') return [s.workers, ...new Array<number>(nodes - 1).fill(0)]
  if (layout === 'memory') return [s.memoryWorkers, ...new Array<number>(nodes - 1).fill(0)]
  const w = s.spread[nodes]
  if (w !== undefined && w.length === nodes) return w
  // Round-robin over every node when no layout is given for this size.
  return Array.from({ length: nodes }, (_x, i) => Math.floor(s.workers / nodes) + (i < s.workers % nodes ? 1 : 0))
}
