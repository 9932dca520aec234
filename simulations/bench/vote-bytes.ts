/**
 * Heap bytes per held lock in one voter (issue 10: ≤ 1 KiB per held lock per
 * voter), without processes, libp2p or garbage: a bare Voter (src/core/voter.ts)
 * is given REQUEST then COMMIT for `--locks` distinct keys from `--peers`
 * requesters — fresh key and peer strings per frame, as decoded frames carry —
 * and the live heap after a full GC is compared with the one before.
 * RSS figures (simulations/bench/memory.ts, node-rss.ts) add the runtime's
 * garbage and slack on top; this is the voter's own share.
 *
 *   node --expose-gc --import tsx simulations/bench/vote-bytes.ts [--locks 10000] [--peers 4] [--json]
 */
import { defaultCoreConfig } from '../../src/core/config.js'
import type { StepContext } from '../../src/core/context.js'
import type { FrameBody, GrantNo, NodeId } from '../../src/core/types.js'
import { Voter } from '../../src/core/voter.js'

type Body<T extends FrameBody['t']> = Extract<FrameBody, { t: T }>

export interface VoteBytes { locks: number, peers: number, votes: number, heapBytesBefore: number, heapBytesAfter: number, bytesPerVote: number }

/** A fresh copy of `s` (a decoded frame's strings are new each time). */
const fresh = (s: string): string => Buffer.from(s, 'latin1').toString('latin1')

function fullGc (): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with node --expose-gc')
  gc(); gc()
}

export function measureVoteBytes (locks: number, peers: number): VoteBytes {
  const config = defaultCoreConfig('voter', ['voter'])
  let grant: { grantNo: GrantNo, fence: bigint } | null = null
  const ctx: StepContext = {
    config,
    self: 'voter',
    incarnation: 1,
    now: { mono: 1_000, wall: 1_000 },
    send: (_to: NodeId, b: FrameBody) => { if (b.t === 'GRANT') grant = { grantNo: b.grantNo, fence: b.fence } },
    result: () => {},
    event: () => {},
    count: () => {},
    off: () => false
  }
  // Peer ids as long as libp2p's (52 characters).
  const peerIds = Array.from({ length: peers }, (_x, i) => `12D3KooW${String(i).padStart(44, 'x')}`)
  const voter = new Voter(() => ctx, { isSuspected: () => false }, 1n << 20n, 0)
  const run = `held:${1_733_000_000_000}:`
  fullGc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < locks; i++) {
    const from = peerIds[i % peers]!
    const key = fresh(`${run}${i % peers}:${i}`)
    const id = { peer: fresh(from), inc: 1, seq: i + 1 }
    const req: Body<'REQUEST'> = { t: 'REQUEST', key, id, ts: BigInt(1_000_000 + i), mode: 'exclusive', ttlMs: 60_000, noWait: false }
    grant = null
    voter.onRequest(from, req)
    const g = grant as { grantNo: GrantNo, fence: bigint } | null
    if (g === null) throw new Error(`no GRANT for ${key}`)
    voter.onCommit(from, { t: 'COMMIT', key: fresh(key), id: { peer: fresh(from), inc: 1, seq: i + 1 }, grantNo: { ...g.grantNo }, attempt: 1, token: g.fence + 1n })
  }
  fullGc()
  const after = process.memoryUsage().heapUsed
  const votes = voter.status().committed
  if (votes !== locks) throw new Error(`${votes} committed votes, expected ${locks}`)
  return { locks, peers, votes, heapBytesBefore: before, heapBytesAfter: after, bytesPerVote: Math.round((after - before) / votes) }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(name)
    const n = i < 0 ? dflt : Number(process.argv[i + 1])
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`${name} takes an integer 1..1000000`)
    return n
  }
  const r = measureVoteBytes(arg('--locks', 10_000), arg('--peers', 4))
  if (process.argv.includes('--json')) console.log(JSON.stringify(r))
  else console.log(`${new Date().toISOString()} node ${process.version}: ${r.votes} committed votes from ${r.peers} requesters; live heap ${(r.heapBytesBefore / 2 ** 20).toFixed(2)} -> ${(r.heapBytesAfter / 2 ** 20).toFixed(2)} MiB = ${r.bytesPerVote} bytes per held lock in this voter`)
}
