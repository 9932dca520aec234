/**
 * Memory: VmRSS of every process of a cluster (idle, after the scenarios),
 * and bytes per held lock — every node acquires its share of `count` locks on
 * distinct keys (spread layout: a voter accepts at most `requestsPerPeerMax`,
 * 4,096, requests from one peer, so one requester cannot hold 10,000), then
 * each process's RSS growth is divided by the votes its voter holds. The locks
 * stay held: this is a configuration's last scenario.
 */
import { callAgent } from './agent-link.js'
import type { Cluster } from './cluster.js'
import { holdMany } from './hold-many.js'
import { alive, rssKiB } from './processes.js'

/** MiB per process: `node0` is the bench process (embedded node + bench code), the others the peer processes. */
export type RssSnapshot = Record<string, number | null>

export function rssSnapshot (cluster: Cluster): RssSnapshot {
  const mib = (pid: number | undefined): number | null => { const r = rssKiB(pid); return r === null ? null : Math.round(r.rssKiB / 1024 * 10) / 10 }
  const snap: RssSnapshot = { node0: mib(process.pid) }
  for (const p of cluster.peers) snap[`node${p.index}`] = mib(p.child.proc.pid)
  return snap
}

export interface HeldLocksResult {
  requested: number
  held: number
  failed: Record<string, number>
  acquireSeconds: number
  /** Per process: RSS before and with the locks held (MiB), votes its voter held, bytes per vote. */
  perNode: Record<string, { rssBeforeMiB: number | null, rssHeldMiB: number | null, votes: number, bytesPerVote: number | null }>
  /** Median over the peer processes (node1..) of bytes per vote held. */
  bytesPerVoteMedian: number | null
}

/** Acquires in flight over the whole mesh (split over its nodes): more only floods a 2-core host into read-only modes. */
const CONCURRENCY_TOTAL = 64

export async function heldLocks (cluster: Cluster, count: number, ttlMs: number, timeLimitMs: number): Promise<HeldLocksResult> {
  if (cluster.options.layout !== 'spread') throw new Error('heldLocks needs the spread layout (agents hold locks)')
  // A peer killed by the failover scenario holds nothing.
  const peers = cluster.peers.filter(p => alive(p.child.proc))
  const n = peers.length + 1
  const share = Math.ceil(count / n)
  const concurrency = Math.ceil(CONCURRENCY_TOTAL / n)
  const before = rssSnapshot(cluster)
  const t0 = performance.now()
  const prefix = `held:${Date.now()}:`
  const [own, ...others] = await Promise.all([
    holdMany(cluster.mesh, `${prefix}0:`, share, concurrency, ttlMs, timeLimitMs),
    ...peers.map(async p => await callAgent(p, { type: 'hold-many', prefix: `${prefix}${p.index}:`, count: share, concurrency, ttlMs, timeLimitMs }, 'held', timeLimitMs + 30_000))
  ])
  const acquireSeconds = (performance.now() - t0) / 1000
  const held = own.locks.length + others.reduce((a, r) => a + r.held, 0)
  const failed: Record<string, number> = { ...own.failed }
  for (const r of others) for (const [k, v] of Object.entries(r.failed)) failed[k] = (failed[k] ?? 0) + v
  const after = rssSnapshot(cluster)
  const votes: Record<string, number> = { node0: cluster.mesh.status().core?.voter.votes ?? 0 }
  for (const p of peers) votes[`node${p.index}`] = (await callAgent(p, { type: 'status' }, 'status', 10_000)).votes
  const perNode: HeldLocksResult['perNode'] = {}
  for (const name of Object.keys(before)) {
    const b = before[name] ?? null
    const a = after[name] ?? null
    const v = votes[name] ?? 0
    perNode[name] = { rssBeforeMiB: b, rssHeldMiB: a, votes: v, bytesPerVote: b === null || a === null || v === 0 ? null : Math.round((a - b) * 2 ** 20 / v) }
  }
  const peerBytes = Object.entries(perNode).filter(([k, r]) => k !== 'node0' && r.bytesPerVote !== null).map(([, r]) => r.bytesPerVote!).sort((x, y) => x - y)
  // The locks stay held: the cluster stops next (its drain is bounded), which costs less than 10,000 releases.
  return {
    requested: share * n,
    held,
    failed,
    acquireSeconds: Math.round(acquireSeconds * 10) / 10,
    perNode,
    bytesPerVoteMedian: peerBytes.length === 0 ? null : peerBytes[Math.floor(peerBytes.length / 2)]!
  }
}
