/**
 * The raw libp2p floor: N−1 baseline peers (baseline-peer.ts, the lockmesh
 * libp2p stack plus an echo protocol) and this process as node 0, one
 * long-lived stream to each. One operation = two rounds, each a message to
 * the q−1 other members of a write quorum and all their replies — the shape
 * of an uncontended lockmesh acquire (REQUEST/GRANT, COMMIT/COMMITTED) with
 * no protocol work at all.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Stream } from '@libp2p/interface'
import { generatePrivateKey, peerIdOf } from '../../src/create.js'
import { createMeshLibp2p } from '../../src/transport/create-libp2p.js'
import { freePort } from '../acceptance/mesh.js'
import { waitFor } from './cluster.js'
import { forkScript, stopChild, type Child } from './processes.js'
import { messageCounter, RR_MESSAGE_BYTES, RR_PROTOCOL } from './rr-protocol.js'
import { percentile } from './stats.js'

/** A round with no reply by then fails the baseline (a peer died or hung). */
const ROUND_TIMEOUT_MS = 10_000

export interface BaselineResult {
  nodes: number
  /** Peers asked per round (write quorum − 1). */
  fanout: number
  cycles: number
  twoRoundP50Ms: number
  twoRoundP99Ms: number
}

export async function baseline (nodes: number, warmup: number, cycles: number, readyTimeoutMs: number): Promise<BaselineResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'lockmesh-bench-rr-'))
  const keys = await Promise.all(Array.from({ length: nodes }, async () => await generatePrivateKey()))
  const roster = keys.map(peerIdOf)
  const ports: number[] = []
  for (let i = 0; i < nodes; i++) ports.push(await freePort())
  const children: Child[] = []
  const started = new Set<number>()
  const fanout = Math.floor(nodes / 2) // majority write quorum (auto below 10 nodes) minus this node
  let libp2p: Awaited<ReturnType<typeof createMeshLibp2p>>['libp2p'] | null = null
  try {
    for (let i = 1; i < nodes; i++) {
      const dir = join(tmp, `node${i}`)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'node.key'), Buffer.from(privateKeyToProtobuf(keys[i]!)).toString('hex') + '\n')
      await writeFile(join(dir, 'config.json'), JSON.stringify({ keyFile: 'node.key', roster, listen: [`/ip4/127.0.0.1/tcp/${ports[i]!}`], dataDir: 'data' }))
      children.push(forkScript(`rr${i}`, 'baseline-peer', [join(dir, 'config.json')], line => { if (line.includes('"started"')) started.add(i) }))
    }
    libp2p = (await createMeshLibp2p({
      privateKey: keys[0]!, roster, listen: [`/ip4/127.0.0.1/tcp/${ports[0]!}`],
      bootstrap: roster.slice(1).map((id, j) => `/ip4/127.0.0.1/tcp/${ports[j + 1]!}/p2p/${id}`)
    })).libp2p
    await waitFor(() => started.size === nodes - 1, readyTimeoutMs, () => `${started.size}/${nodes - 1} baseline peers started`)
    const node = libp2p
    const streams: Array<{ stream: Stream, waiting: (() => void) | null }> = []
    for (let i = 1; i <= fanout; i++) {
      const stream = await node.dialProtocol(peerIdFromString(roster[i]!), RR_PROTOCOL, { signal: AbortSignal.timeout(readyTimeoutMs) })
      const s = { stream, waiting: null as (() => void) | null }
      const count = messageCounter(() => { const w = s.waiting; s.waiting = null; w?.() })
      stream.addEventListener('message', evt => { count(evt.data) })
      streams.push(s)
    }
    const msg = new Uint8Array(RR_MESSAGE_BYTES)
    const round = async (): Promise<void> => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`baseline: no reply within ${ROUND_TIMEOUT_MS} ms`)) }, ROUND_TIMEOUT_MS) })
      try {
        await Promise.race([timeout, Promise.all(streams.map(async s => {
          const answered = new Promise<void>(resolve => { s.waiting = resolve })
          if (!s.stream.send(msg)) await s.stream.onDrain()
          await answered
        }))])
      } finally {
        clearTimeout(timer)
      }
    }
    const samples: number[] = []
    for (let i = 0; i < warmup + cycles; i++) {
      const t0 = performance.now()
      await round()
      await round()
      if (i >= warmup) samples.push(performance.now() - t0)
    }
    return { nodes, fanout, cycles, twoRoundP50Ms: percentile(samples, 0.5), twoRoundP99Ms: percentile(samples, 0.99) }
  } finally {
    await Promise.resolve(libp2p?.stop()).catch(() => {})
    await Promise.all(children.map(async c => { await stopChild(c) }))
    await rm(tmp, { recursive: true, force: true })
  }
}
