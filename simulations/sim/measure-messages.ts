/**
 * Messages per exclusive acquire (protocol frames between distinct nodes,
 * request to released, retransmissions included, PING/PONG excluded) in
 * fault-free runs, for the README's table:
 *
 *   npx tsx simulations/sim/measure-messages.ts [--nodes 4,9,25,49,100] [--quorum grid,majority,all]
 *
 * light = one exclusive acquire at a time in the whole mesh; heavy = every
 * node's client on one hot key. Prints a markdown table.
 */
import type { QuorumSystemName } from '../../src/core/types.js'
import { runSeed } from './run-seed.js'

function list (flag: string, fallback: string): string[] {
  const i = process.argv.indexOf(flag)
  return (i >= 0 ? process.argv[i + 1] ?? fallback : fallback).split(',')
}

const nodes = list('--nodes', '4,9,25,49,100').map(Number)
const quorums = list('--quorum', 'grid,majority,all') as QuorumSystemName[]

process.stdout.write('| N | quorum | light | heavy | Ricart–Agrawala 2(N−1) | Maekawa 3√N–5√N |\n|---|---|---|---|---|---|\n')
for (const n of nodes) {
  for (const q of quorums) {
    const cell = async (workload: 'light' | 'heavy'): Promise<string> => {
      const r = await runSeed({ seed: 1, nodes: n, quorum: q, workload })
      return r.stats.windowAcquires > 0 ? (r.stats.windowFrames / r.stats.windowAcquires).toFixed(1) : '–'
    }
    const sq = Math.sqrt(n)
    process.stdout.write(`| ${n} | ${q} | ${await cell('light')} | ${await cell('heavy')} | ${2 * (n - 1)} | ${(3 * sq).toFixed(0)}–${(5 * sq).toFixed(0)} |\n`)
  }
}
