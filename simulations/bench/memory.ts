/**
 * Memory: VmRSS of every process of a cluster (idle, after the scenarios),
 * and bytes per held lock — every node acquires its share of `count` locks on
 * distinct keys (spread layout: a voter accepts at most `requestsPerPeerMax`,
 * 4,096, requests from one peer, so one requester cannot hold 10,000), then
 * each process's RSS growth is divided by the votes its voter holds. The
 * spread layout's `lockmesh node` peers (nodes without workers) only vote.
 * The locks stay held: this is a configuration's last scenario.
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
  /**
   * Per process: RSS before and with the locks held (MiB), votes its voter
   * held, bytes per vote. `lockmesh node` processes (no IPC) report no votes:
   * theirs are derived — held × write quorum − the votes the others report —
   * split evenly among them (`votesDerived`).
   */
  perNode: Record<string, { kind: 'bench' | 'agent' | 'cli', rssBeforeMiB: number | null, rssHeldMiB: number | null, votes: number, votesDerived: boolean, bytesPerVote: number | null }>
  /** Median over the peer processes (node1..) of bytes per vote held. */
  bytesPerVoteMedian: number | null
  /** The same over the `lockmesh node` processes alone (null when the layout has none). */
  cliBytesPerVoteMedian: number | null
}

const median = (xs: number[]): number | null => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? null : s[Math.floor(s.length / 2)]! }

/** Acquires in flight over the whole mesh (split over its nodes): more only floods a 2-core host into read-only modes. */
const CONCURRENCY_TOTAL = 64

export async function heldLocks (cluster: Cluster, count: number, ttlMs: number, timeLimitMs: number): Promise<HeldLocksResult> {
  if (cluster.options.layout !== 'spread') throw new Error('heldLocks needs the spread layout (agents hold locks)')
  // Requesters: node 0 and the live agents (one killed by the failover holds nothing); `lockmesh node` peers only vote.
  const peers = cluster.peers.filter(p => alive(p.child.proc) && p.kind === 'agent')
  const cliPeers = cluster.peers.filter(p => alive(p.child.proc) && p.kind === 'cli')
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
  const reported = Object.values(votes).reduce((a, v) => a + v, 0)
  const cliVotes = cliPeers.length === 0 ? 0 : Math.max(0, Math.round((held * cluster.writeQuorum - reported) / cliPeers.length))
  for (const p of cliPeers) votes[`node${p.index}`] = cliVotes
  const kindOf = (name: string): 'bench' | 'agent' | 'cli' => name === 'node0' ? 'bench' : cluster.peers.find(p => `node${p.index}` === name)?.kind ?? 'agent'
  const perNode: HeldLocksResult['perNode'] = {}
  for (const name of Object.keys(votes)) {
    const b = before[name] ?? null
    const a = after[name] ?? null
    const v = votes[name] ?? 0
    const kind = kindOf(name)
    perNode[name] = { kind, rssBeforeMiB: b, rssHeldMiB: a, votes: v, votesDerived: kind === 'cli', bytesPerVote: b === null || a === null || v === 0 ? null : Math.round((a - b) * 2 ** 20 / v) }
  }
  const bytesOf = (kinds: string[]): number[] => Object.values(perNode).filter(r => kinds.includes(r.kind) && r.bytesPerVote !== null).map(r => r.bytesPerVote!)
  // The locks stay held: the cluster stops next (its drain is bounded), which costs less than 10,000 releases.
  return {
    requested: share * n,
    held,
    failed,
    acquireSeconds: Math.round(acquireSeconds * 10) / 10,
    perNode,
    bytesPerVoteMedian: median(bytesOf(['agent', 'cli'])),
    cliBytesPerVoteMedian: median(bytesOf(['cli']))
  }
}
