/**
 * One lockmesh mesh of real processes on 127.0.0.1 for the bench:
 *
 * - `embedded` layout: this (app) process embeds node 0 (createLockMesh) and
 *   all workers share it; nodes 1..N−1 are `lockmesh node --config …`
 *   processes (the shipped CLI) — the deployment issue 10 measures.
 * - `spread` layout: nodes 1..N−1 with workers are bench agents (agent.ts: a
 *   process that embeds a node, as an app would, and runs workers on
 *   command), so workers can sit on every node; a node with no workers is a
 *   `lockmesh node` process.
 *
 * Fresh keys and data dirs in a temp dir, everyone bootstraps to everyone,
 * quorum `auto`, `lan` timing. `start` returns once every node reported
 * read-write and the embedded node reaches all N.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { createLockMesh, generatePrivateKey, peerIdOf, type OwnedLockMesh } from '../../src/create.js'
import type { LockMesh } from '../../src/mesh.js'
import type { NodeConfigFile } from '../../src/cli/node-config.js'
import { freePort } from '../acceptance/mesh.js'
import { createNewMemberStore } from '../../src/cli/init.js'
import { alive, forkScript, lockmeshNodeArgs, spawnNode, stopChild, type Child } from './processes.js'

/** `memory`: every node in the bench process over the in-memory transport (memory-cluster.ts): the protocol without libp2p. */
export type Layout = 'embedded' | 'spread' | 'memory'

export interface ClusterOptions {
  nodes: number
  layout: Layout
  /** The mesh's ttlMsMax (also a restarted node's quiet period). */
  ttlMsMax: number
  readyTimeoutMs: number
  /** Print peers' stderr and unexpected lines. */
  verbose: boolean
  /** Spread layout: workers per node; a peer with none runs `lockmesh node` (the CLI), the others agents. Default: every peer an agent. */
  workersPerNode?: number[]
  /** Node/V8 flags for the `lockmesh node` processes. */
  nodeFlags?: string[]
}

export interface Peer {
  index: number
  kind: 'cli' | 'agent'
  configPath: string
  dir: string
  child: Child
  /** Last mode the peer logged (`starting` before its first). */
  mode: string
  started: boolean
}

export interface Cluster {
  options: ClusterOptions
  roster: string[]
  /** Node 0, in the bench process. */
  mesh: LockMesh
  peers: Peer[]
  /** Write quorum size (from the embedded node's status). */
  writeQuorum: number
  startupMs: number
  waitReadWrite: (timeoutMs: number) => Promise<void>
  stop: () => Promise<void>
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** Polls every 10 ms up to `timeoutMs`; throws with `why()` when it runs out. */
export async function waitFor (cond: () => boolean, timeoutMs: number, why: () => string): Promise<number> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${why()}`)
    await sleep(10)
  }
  return performance.now() - t0
}

export async function startCluster (options: ClusterOptions): Promise<Cluster> {
  const t0 = performance.now()
  const n = options.nodes
  const tmp = await mkdtemp(join(tmpdir(), 'lockmesh-bench-'))
  const keys = await Promise.all(Array.from({ length: n }, async () => await generatePrivateKey()))
  const roster = keys.map(peerIdOf)
  const ports: number[] = []
  for (let i = 0; i < n; i++) ports.push(await freePort())
  const addr = (i: number): string => `/ip4/127.0.0.1/tcp/${ports[i]!}/p2p/${roster[i]!}`
  const peers: Peer[] = []
  let mesh: OwnedLockMesh | null = null

  const spawnPeer = (p: Omit<Peer, 'child' | 'mode' | 'started'>): Peer => {
    const peer = p as Peer
    peer.mode = 'starting'
    peer.started = false
    const onLine = (line: string): void => {
      let ev: { event?: string, mode?: string }
      try { ev = JSON.parse(line) as typeof ev } catch { if (options.verbose) process.stderr.write(`[node${p.index}] ${line}\n`); return }
      if (ev.event === 'started') peer.started = true
      else if (ev.event === 'mode' && typeof ev.mode === 'string') peer.mode = ev.mode
    }
    peer.child = p.kind === 'cli'
      ? spawnNode(`node${p.index}`, lockmeshNodeArgs(p.configPath, options.nodeFlags), p.dir, onLine)
      : forkScript(`agent${p.index}`, 'agent', [p.configPath], onLine)
    return peer
  }

  const stop = async (): Promise<void> => {
    // No drain: the bench does not measure stopping, and held locks (the memory scenario) would make every node wait for their leases.
    await mesh?.stop({ drainMs: 0 }).catch(() => {})
    await Promise.all(peers.map(async p => { await stopChild(p.child) }))
    await rm(tmp, { recursive: true, force: true })
  }

  try {
    for (let i = 1; i < n; i++) {
      const dir = join(tmp, `node${i}`)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'node.key'), Buffer.from(privateKeyToProtobuf(keys[i]!)).toString('hex') + '\n', { mode: 0o600 })
      const cfg: Omit<NodeConfigFile, 'mdns'> = {
        keyFile: 'node.key', roster, listen: [`/ip4/127.0.0.1/tcp/${ports[i]!}`],
        bootstrap: roster.map((_r, j) => j).filter(j => j !== i).map(addr), dataDir: 'data',
        quorum: 'auto', ttlMsMax: options.ttlMsMax, timing: 'lan'
      }
      const configPath = join(dir, 'config.json')
      await writeFile(configPath, JSON.stringify(cfg, null, 1))
      // `lockmesh init`: brand-new members (a missing store would mean disk loss and recovery).
      await createNewMemberStore(join(dir, 'data'))
      peers.push(spawnPeer({ index: i, kind: options.layout === 'embedded' || options.workersPerNode?.[i] === 0 ? 'cli' : 'agent', configPath, dir }))
    }
    await createNewMemberStore(join(tmp, 'node0', 'data'))
    mesh = await createLockMesh({
      privateKey: keys[0]!, roster, listen: [`/ip4/127.0.0.1/tcp/${ports[0]!}`],
      bootstrap: roster.slice(1).map((_r, j) => addr(j + 1)), dataDir: join(tmp, 'node0', 'data'),
      quorum: 'auto', ttlMsMax: options.ttlMsMax, timing: 'lan'
    })
  } catch (err) {
    await stop()
    throw err
  }
  const m = mesh
  const why = (): string => `embedded ${m.mode}, reaches ${m.status().reachable.length}/${n}; ` +
    peers.map(p => `node${p.index}: ${!alive(p.child.proc) ? `DEAD (${p.child.tail.slice(-3).join(' | ')})` : p.mode}`).join(', ')
  const waitReadWrite = async (timeoutMs: number): Promise<void> => {
    await waitFor(() => {
      const dead = peers.find(p => !alive(p.child.proc))
      if (dead !== undefined) throw new Error(`node${dead.index} exited: ${dead.child.tail.slice(-5).join(' | ')}`)
      return m.mode === 'read-write' && m.status().reachable.length === n && peers.every(p => p.mode === 'read-write')
    }, timeoutMs, why)
  }
  try {
    await waitReadWrite(options.readyTimeoutMs)
  } catch (err) {
    await stop()
    throw err
  }
  return {
    options,
    roster,
    mesh: m,
    peers,
    writeQuorum: m.status().quorum?.writeSize ?? Math.floor(n / 2) + 1,
    startupMs: Math.round(performance.now() - t0),
    waitReadWrite,
    stop
  }
}
