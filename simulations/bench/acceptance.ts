/**
 * Issue 10's acceptance criteria that this bench can judge on its own (the
 * comparisons with ZooKeeper need the side-by-side anchors run), each from the
 * run's medians at the issue's mesh size (5 nodes, or the largest size run
 * below it). `pass` is null when the run has no figure for it.
 */
import type { BenchResult } from './run-bench.js'
import { round } from './stats.js'

export interface Criterion { criterion: string, measured: string, bound: string, pass: boolean | null }

const ISSUE_NODES = 5

export function acceptance (r: BenchResult): { nodes: number, criteria: Criterion[] } {
  const n = r.settings.nodes.includes(ISSUE_NODES) ? ISSUE_NODES : Math.max(...r.settings.nodes.filter(x => x <= ISSUE_NODES), r.settings.nodes[0]!)
  const med = (kind: string, path: string): number | undefined => r.summary[`${kind}-${n}`]?.[path]?.median
  const maxOf = (kind: string, re: RegExp): number | undefined => {
    const xs = Object.entries(r.summary[`${kind}-${n}`] ?? {}).filter(([k]) => re.test(k)).map(([, v]) => v.max)
    return xs.length === 0 ? undefined : Math.max(...xs)
  }
  const row = (criterion: string, value: number | undefined, bound: number, unit: string, le = true): Criterion => ({
    criterion,
    measured: value === undefined ? '—' : `${round(value)}${unit}`,
    bound: `${le ? '≤' : '≥'} ${bound}${unit}`,
    pass: value === undefined ? null : le ? value <= bound : value >= bound
  })
  const acq = med('embedded', 'uncontended.acquireP50Ms')
  const raw = med('baseline', 'baseline.twoRoundP50Ms')
  const cliHeld = r.runs.filter(x => x.kind === 'spread' && x.nodes === n).flatMap(x => Object.values(x.scenarios.heldLocks?.perNode ?? {}))
    .filter(p => p.kind === 'cli' && p.rssHeldMiB !== null).map(p => p.rssHeldMiB!)
  const lost = r.runs.filter(x => x.nodes === n).reduce((a, x) => a + (x.scenarios.hotKey?.lostUpdates ?? 0) + (x.scenarios.manyKeys?.lostUpdates ?? 0), 0)
  return {
    nodes: n,
    criteria: [
      row('uncontended acquire p50 ÷ raw libp2p two rounds p50', acq !== undefined && raw !== undefined ? acq / raw : undefined, 2.5, '×'),
      row('hot key, 8 clients on node 0: max ÷ min per-client count (worst rep)', r.summary[`embedded-${n}`]?.['hotKey.fairness']?.max, 2, '×'),
      row('hot key, clients spread over the nodes: max ÷ min per-client count (worst rep)', r.summary[`spread-${n}`]?.['hotKey.fairness']?.max, 2, '×'),
      row('lost updates, every run at this size', lost, 0, ''),
      row(`failover after SIGKILL of the holder (TTL ${r.settings.ttlMs} ms; worst rep)`, r.summary[`spread-${n}`]?.['failover.failoverMs']?.max, r.settings.ttlMs + 1000, ' ms'),
      row('`lockmesh node` RSS idle (largest peer, worst rep)', maxOf('embedded', /^rssIdle\.node[1-9]\d*$/), 80, ' MiB'),
      row('`lockmesh node` RSS after the scenarios (largest peer, worst rep)', maxOf('embedded', /^rssAfter\.node[1-9]\d*$/), 80, ' MiB'),
      row(`\`lockmesh node\` RSS with ${r.settings.heldLocks} locks held (largest)`, cliHeld.length === 0 ? undefined : Math.max(...cliHeld), 80, ' MiB'),
      row('bytes per held lock per voter (peers, median)', med('spread', 'heldLocks.bytesPerVoteMedian'), 1024, ' B')
    ]
  }
}
