/**
 * The simulated mesh's processes: identities, ports and roster; spawning
 * every node, waiting for the mesh, restarting killed nodes, and stopping
 * (and reaping) every process on every way out.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { QuorumSystemName } from '../../src/core/types.js'
import type { FencedStore } from './fenced-store.js'
import type { HistoryWriter } from './history-writer.js'
import { NodeProcess } from './node-process.js'
import type { ChildConfig, NodeName, WorkloadConfig } from './protocol.js'

export interface ClusterInit {
  nodes: number
  dir: string
  childScript: string
  quorum: QuorumSystemName
  ttlMsMax: number
  workload: Omit<WorkloadConfig, 'seed'>
  seed: number
  history: HistoryWriter
  store: FencedStore
  onCrash: (node: NodeProcess, code: number | null, signal: NodeJS.Signals | null) => void
  /** Where node i listens and what runs it (`--net netns`); default 127.0.0.1, plain `node`. */
  placement?: (index: number) => { host: string, commandPrefix: string[] }
}

export interface Identity { name: NodeName, peerId: string, host: string, port: number, keyFile: string, dir: string }

/** Free TCP ports on 127.0.0.1 (all held open until every one is known, so they differ). */
async function freePorts (n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, async () => await new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => { resolve(s) })
  })))
  const ports = servers.map(s => (s.address() as { port: number }).port)
  await Promise.all(servers.map(async s => { await new Promise(resolve => s.close(resolve)) }))
  return ports
}

/** Node names n1…nN (zero-padded from 10 nodes) given in peer-ID order, so names sort like the peer IDs. */
export function nodeNames (n: number): NodeName[] {
  const width = String(n).length
  return Array.from({ length: n }, (_x, i) => `n${String(i + 1).padStart(width, '0')}`)
}

export class Cluster {
  readonly ids: Identity[] = []
  readonly nodes = new Map<NodeName, NodeProcess>()
  readonly names: Record<string, NodeName> = {}
  private setUp = false

  constructor (private readonly init: ClusterInit) {}

  get roster (): NodeName[] { return this.ids.map(i => i.name) }

  /** Keys, ports, directories. */
  async setup (): Promise<void> {
    const keys = await Promise.all(Array.from({ length: this.init.nodes }, async () => await generateKeyPair('Ed25519')))
    const withIds = keys.map(k => ({ k, peerId: peerIdFromPrivateKey(k).toString() })).sort((a, b) => a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0)
    const ports = await freePorts(this.init.nodes)
    const names = nodeNames(this.init.nodes)
    withIds.forEach(({ k, peerId }, i) => {
      const name = names[i]!
      const dir = join(this.init.dir, 'nodes', name)
      mkdirSync(join(dir, 'data'), { recursive: true })
      const keyFile = join(dir, 'key')
      writeFileSync(keyFile, Buffer.from(privateKeyToProtobuf(k)).toString('hex') + '\n', { mode: 0o600 })
      this.ids.push({ name, peerId, host: this.init.placement?.(i).host ?? '127.0.0.1', port: ports[i]!, keyFile, dir })
      this.names[peerId] = name
    })
    for (const [i, id] of this.ids.entries()) {
      this.nodes.set(id.name, new NodeProcess({
        name: id.name,
        peerId: id.peerId,
        dir: id.dir,
        childScript: this.init.childScript,
        history: this.init.history,
        store: this.init.store,
        config: inc => this.childConfig(id, inc),
        onCrash: this.init.onCrash,
        commandPrefix: this.init.placement?.(i).commandPrefix
      }))
    }
    this.setUp = true
  }

  private childConfig (id: Identity, incarnation: number): ChildConfig {
    return {
      name: id.name,
      incarnation,
      peerId: id.peerId,
      keyFile: id.keyFile,
      roster: this.ids.map(i => i.peerId),
      names: { ...this.names },
      listen: `/ip4/${id.host}/tcp/${id.port}`,
      bootstrap: this.ids.filter(i => i !== id).map(i => `/ip4/${i.host}/tcp/${i.port}/p2p/${i.peerId}`),
      dataDir: join(id.dir, 'data'),
      quorum: this.init.quorum,
      ttlMsMax: this.init.ttlMsMax,
      parentStartNs: this.init.history.startNs.toString(),
      waitForGo: false,
      workload: { ...this.init.workload, seed: this.init.seed },
      net: { block: [], drop: [], delayMs: {} }
    }
  }

  /**
   * Starts every node: all processes load their modules at once (the heavy
   * part of a start), and once every one has loaded, the nodes start one
   * after the other, each when the previous one listens (a whole mesh doing
   * its Noise handshakes at once on a small, busy machine forms slowly).
   */
  async spawnAll (signal: AbortSignal): Promise<void> {
    if (!this.setUp) throw new Error('setup() first')
    const nodes = [...this.nodes.values()]
    let loaded = 0
    let allLoaded!: () => void
    const everyoneLoaded = new Promise<void>(resolve => { allLoaded = resolve })
    const onAbort = (): void => { allLoaded() }
    signal.addEventListener('abort', onAbort, { once: true })
    // Node i goes once all have loaded and node i-1 listens.
    let previous: Promise<unknown> = everyoneLoaded
    const spawns = nodes.map(n => {
      const go = previous.then(() => {})
      const p = n.spawn(120_000, { onLoaded: () => { if (++loaded === nodes.length) allLoaded() }, go })
      previous = Promise.all([go, p.catch(() => {})])
      return p
    })
    try {
      await Promise.all(spawns)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    if (signal.aborted) throw new Error('interrupted')
  }

  /** Resolves once every node reports `read-write` and its start-up quiet period is over (or rejects after `timeoutMs`). */
  async waitForMesh (timeoutMs: number, signal: AbortSignal): Promise<void> {
    const until = Date.now() + timeoutMs
    const ready = async (): Promise<boolean> => {
      const nodes = [...this.nodes.values()]
      if (!nodes.every(n => n.mode === 'read-write')) return false
      const statuses = await Promise.all(nodes.map(async n => await n.status(3000)))
      return statuses.every(s => s !== null && s.mode === 'read-write' && s.quietRemainingMs <= 0)
    }
    while (!await ready()) {
      if (signal.aborted) throw new Error('interrupted')
      if (Date.now() > until) {
        const modes = [...this.nodes.values()].map(n => `${n.name} ${n.state}/${n.mode}`).join(', ')
        throw new Error(`the mesh did not come up within ${timeoutMs} ms (${modes})`)
      }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }

  /** Graceful stop of every node at once; SIGKILL after `graceMs`. */
  async stopAll (graceMs: number): Promise<void> {
    await Promise.all([...this.nodes.values()].map(async n => { await n.stop(graceMs) }))
  }

  /** Synchronous last resort (process 'exit'). */
  killAllNow (): void {
    for (const n of this.nodes.values()) n.killNow()
  }
}
