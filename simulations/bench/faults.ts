/**
 * Fault scenarios on real processes:
 * - partition: SIGSTOP enough peer processes that the embedded node no longer
 *   reaches a write quorum (a hung peer keeps its sockets open: on loopback the
 *   fairest stand-in for a partition), time until it reports read-only; then
 *   SIGCONT, time until it is read-write again;
 * - failover: an agent holds a key, the embedded node waits for it, the agent
 *   is SIGKILLed; time from the kill to the waiter's grant (the holder's lease
 *   must run out at its voters first).
 */
import { callAgent } from './agent-link.js'
import { waitFor, type Cluster } from './cluster.js'

export interface PartitionResult {
  stoppedPeers: number
  /** SIGSTOP → the embedded node's mode leaves read-write. */
  toReadOnlyMs: number
  modeSeen: string
  /** SIGCONT → the embedded node is read-write again. */
  toReadWriteMs: number
}

const PARTITION_WAIT_MS = 30_000

export async function partition (cluster: Cluster): Promise<PartitionResult> {
  const mesh = cluster.mesh
  const stopped = cluster.peers.slice(-(cluster.options.nodes - cluster.writeQuorum + 1))
  const t0 = performance.now()
  for (const p of stopped) p.child.proc.kill('SIGSTOP')
  let toReadOnlyMs = NaN
  let modeSeen = ''
  let tCont = NaN
  try {
    await waitFor(() => mesh.mode !== 'read-write', PARTITION_WAIT_MS, () => `still ${mesh.mode} with ${stopped.length} peers stopped`)
    toReadOnlyMs = performance.now() - t0
    modeSeen = mesh.mode
  } finally {
    // Always resume them, whatever happened.
    tCont = performance.now()
    for (const p of stopped) p.child.proc.kill('SIGCONT')
  }
  await waitFor(() => mesh.mode === 'read-write', PARTITION_WAIT_MS, () => `still ${mesh.mode} after SIGCONT`)
  const toReadWriteMs = performance.now() - tCont
  await cluster.waitReadWrite(PARTITION_WAIT_MS)
  return { stoppedPeers: stopped.length, toReadOnlyMs, modeSeen, toReadWriteMs }
}

export interface FailoverResult {
  ttlMs: number
  /** The holder's grant → its SIGKILL. */
  heldBeforeKillMs: number
  /** SIGKILL → the waiter on the embedded node is granted. */
  failoverMs: number
}

/** The waiter's request is queued at the voters before the kill. */
const QUEUE_SETTLE_MS = 200

export async function failover (cluster: Cluster, ttlMs: number): Promise<FailoverResult> {
  const holder = cluster.peers.filter(p => p.kind === 'agent').at(-1)
  if (holder === undefined) throw new Error('failover needs an agent (spread layout)')
  const key = `failover:${Date.now()}`
  await callAgent(holder, { type: 'hold', key, ttlMs }, 'holding', 30_000)
  const tGrant = performance.now()
  let grantedEarly = false
  const waiter = cluster.mesh.acquire(key, { ttlMs, waitMs: ttlMs * 3 + 10_000 })
  void waiter.then(() => { grantedEarly = true }, () => {})
  await new Promise(resolve => setTimeout(resolve, QUEUE_SETTLE_MS))
  // The holder still holds the key: a grant now would be a mutual exclusion violation (or a bench bug).
  if (grantedEarly) throw new Error(`failover: node 0 was granted ${key} while node${holder.index} held it`)
  const tKill = performance.now()
  holder.child.proc.kill('SIGKILL')
  const lock = await waiter
  const failoverMs = performance.now() - tKill
  await lock.release()
  return { ttlMs, heldBeforeKillMs: tKill - tGrant, failoverMs }
}
