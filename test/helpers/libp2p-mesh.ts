/**
 * N lockmesh nodes built by `createLockMesh` on 127.0.0.1 in this process
 * (real libp2p: TCP, Noise, yamux), `timing: 'fast'`, MemoryFenceStore unless
 * a data dir is asked for. Partitions go through each node's RosterGater
 * (block + hang up). Every wait is bounded; `stopAll()` stops every node that
 * was started, crashed ones included.
 */
import '../../src/polyfills.js'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { createLockMesh, type CreateLockMeshOptions, type OwnedLockMesh } from '../../src/create.js'
import { classify, type ModeState } from '../../src/core/detector.js'
import { createQuorumSystem, type QuorumSystem } from '../../src/core/quorum.js'
import type { CoreEvent, QuorumSystemName } from '../../src/core/types.js'
import { MemoryFenceStore } from '../../src/store/memory-fence-store.js'
import { addrOf, freePort, idOf, sortedSpecs, type NodeSpec } from './transport-cluster.js'

export interface MeshNode {
  /** Position in the sorted roster (grid column = index mod columns). */
  index: number
  id: string
  spec: NodeSpec
  mesh: OwnedLockMesh
  store: MemoryFenceStore | null
  /** Crashed: libp2p stopped, LockMesh dropped without stop(). */
  crashed: boolean
  stopped: boolean
}

export interface Libp2pMeshOptions extends Partial<Omit<CreateLockMeshOptions, 'privateKey' | 'roster'>> {
  /** Quorum system; default `auto`. */
  quorum?: QuorumSystemName
}

const DEFAULTS: Partial<CreateLockMeshOptions> = {
  timing: 'fast',
  ttlMsMax: 4_000,
  defaultTtlMs: 1_500,
  defaultWaitMs: 15_000
}

/**
 * Event-loop lag of this process (all nodes share it): a lag beyond the
 * suspicion timeout makes every node suspect every peer, so failures print it.
 */
class LagMonitor {
  private timer: ReturnType<typeof setInterval> | null = null
  private last = 0
  readonly lags: Array<{ at: number, lagMs: number }> = []

  start (): void {
    if (this.timer !== null) return
    this.last = performance.now()
    this.timer = setInterval(() => {
      const now = performance.now()
      const lagMs = now - this.last - 20
      if (lagMs > 100) this.lags.push({ at: now, lagMs })
      if (this.lags.length > 1_000) this.lags.shift()
      this.last = now
    }, 20)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  /** The largest lag in the last `windowMs`, and how many lags over 100 ms. */
  summary (windowMs = 30_000): string {
    const since = performance.now() - windowMs
    const recent = this.lags.filter(l => l.at >= since)
    const max = Math.max(0, ...recent.map(l => l.lagMs))
    return `event-loop lag in the last ${windowMs / 1000} s: max ${max.toFixed(0)} ms, ${recent.length} stalls > 100 ms`
  }
}

/**
 * Each node's detector decisions (suspect, trust, mode) with the process's
 * event-loop lag at that moment: a failed test prints who suspected whom and
 * how late the loop was (the flaky 9-node tests were diagnosed with this).
 */
export class DetectorLog {
  private readonly t0 = performance.now()
  readonly lines: string[] = []
  private static readonly LINES_MAX = 400

  constructor (private readonly lag: LagMonitor) {}

  record (node: number, e: CoreEvent, stalls: number, health: string | undefined): void {
    if (e.type !== 'suspect' && e.type !== 'trust' && e.type !== 'mode') return
    const what = e.type === 'mode' ? `mode ${e.mode}/${String(e.sharedLocks)} reach=${e.reachable.length}` : `${e.type} ${e.peer.slice(-6)}`
    const lastLag = this.lag.lags.at(-1)
    const lag = lastLag === undefined ? '-' : `${lastLag.lagMs.toFixed(0)} ms ${(performance.now() - lastLag.at).toFixed(0)} ms ago`
    this.lines.push(`${(performance.now() - this.t0).toFixed(0).padStart(6)} ms #${node} ${what} (stalls ${stalls}, health ${health ?? '-'}, last lag ${lag})`)
    if (this.lines.length > DetectorLog.LINES_MAX) this.lines.shift()
  }

  summary (): string { return this.lines.length === 0 ? 'no suspicion, trust or mode change' : this.lines.join('\n      ') }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

export class Libp2pMesh {
  readonly nodes: MeshNode[] = []
  /** Every mesh ever created here (twins, restarts), for stopAll(). */
  private readonly extra: OwnedLockMesh[] = []
  readonly quorumSystem: QuorumSystem
  readonly lag = new LagMonitor()
  readonly detector = new DetectorLog(this.lag)
  /** Node index pairs cut by partition() and not yet healed. */
  private readonly cut: Array<[number, number]> = []

  private constructor (readonly specs: NodeSpec[], readonly options: Libp2pMeshOptions) {
    this.quorumSystem = createQuorumSystem(options.quorum ?? 'auto', specs.map(idOf))
    this.lag.start()
  }

  /** Keys and ports for `n` nodes (sorted by peer ID); nothing started (see startNode). */
  static async prepare (n: number, options: Libp2pMeshOptions = {}): Promise<Libp2pMesh> {
    return new Libp2pMesh(await sortedSpecs(n), options)
  }

  /**
   * Start `n` nodes and wait until every one is read-write (a node that came
   * up before its peers starts read-only and upgrades after the stable period).
   */
  static async start (n: number, options: Libp2pMeshOptions = {}, timeoutMs = 30_000): Promise<Libp2pMesh> {
    const cluster = await Libp2pMesh.prepare(n, options)
    try {
      await Promise.all(cluster.specs.map(async (_spec, i) => { await cluster.startNode(i) }))
      await cluster.ready(timeoutMs)
      await cluster.waitReadWrite(timeoutMs)
    } catch (err) {
      await cluster.stopAll()
      throw err
    }
    return cluster
  }

  get roster (): string[] { return this.specs.map(idOf) }
  get meshes (): OwnedLockMesh[] { return this.nodes.map(n => n.mesh) }
  get live (): MeshNode[] { return this.nodes.filter(n => !n.crashed && !n.stopped) }

  node (i: number): MeshNode {
    const node = this.nodes[i]
    if (node === undefined) throw new Error(`no node ${i}`)
    return node
  }

  mesh (i: number): OwnedLockMesh { return this.node(i).mesh }

  /** createLockMesh options for node `i` (what startNode passes). */
  optionsFor (i: number, overrides: Partial<CreateLockMeshOptions> = {}): CreateLockMeshOptions {
    const spec = this.specs[i]!
    return {
      ...DEFAULTS,
      ...this.options,
      privateKey: spec.key,
      roster: this.roster,
      listen: [`/ip4/127.0.0.1/tcp/${spec.port}`],
      bootstrap: this.specs.filter(s => s !== spec).map(addrOf),
      ...overrides
    }
  }

  /** (Re)start node `i` on its port with a fresh MemoryFenceStore (or the given options). */
  async startNode (i: number, overrides: Partial<CreateLockMeshOptions> = {}): Promise<MeshNode> {
    const spec = this.specs[i]!
    const usesDir = overrides.dataDir !== undefined || this.options.dataDir !== undefined
    const store = overrides.store instanceof MemoryFenceStore ? overrides.store : usesDir ? null : new MemoryFenceStore()
    let mesh: OwnedLockMesh | undefined
    let lastErr: unknown
    for (let attempt = 0; attempt < 3 && mesh === undefined; attempt++) {
      try {
        const log = this.detector
        const observer = {
          coreEvent: (e: CoreEvent) => {
            const core = mesh?.status().core
            const h = core?.localHealth
            log.record(i, e, core?.counters.stalls ?? 0, h === undefined ? undefined : `×${h.multiplier} late-wake ${h.evidence['late-wake']} late-frames ${h.evidence['late-frames']} slow-acks ${h.evidence['slow-acks']}`)
          }
        }
        mesh = await createLockMesh(this.optionsFor(i, { ...(store !== null ? { store } : {}), observer, ...overrides }))
      } catch (err) {
        // The port was free when drawn; if something took it since, draw another.
        if (!/EADDRINUSE|address already in use/i.test(String((err as Error)?.message))) throw err
        lastErr = err
        spec.port = await freePort()
      }
    }
    if (mesh === undefined) throw lastErr as Error
    const node: MeshNode = { index: i, id: idOf(spec), spec, mesh, store, crashed: false, stopped: false }
    const old = this.nodes[i]
    if (old !== undefined) this.extra.push(old.mesh)
    this.nodes[i] = node
    return node
  }

  /** Another createLockMesh with node `i`'s private key (a second process with the same key). */
  async startTwin (i: number, overrides: Partial<CreateLockMeshOptions> = {}): Promise<OwnedLockMesh> {
    const mesh = await createLockMesh(this.optionsFor(i, { listen: [`/ip4/127.0.0.1/tcp/${await freePort()}`], store: new MemoryFenceStore(), ...overrides }))
    this.extra.push(mesh)
    return mesh
  }

  /** Track a mesh built by hand so stopAll() stops it. */
  track (mesh: OwnedLockMesh): OwnedLockMesh {
    this.extra.push(mesh)
    return mesh
  }

  async ready (timeoutMs = 20_000): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      await Promise.all(this.live.map(async n => await n.mesh.ready({ signal })))
    } catch (err) {
      throw new Error(`ready() not reached within ${timeoutMs} ms (${(err as Error).message})\n${this.describe()}`)
    }
  }

  /** The mode the quorum predicates give a node whose reachable set (itself included) is `side`. */
  expectedMode (side: readonly string[]): ModeState {
    return classify(this.quorumSystem, new Set(side))
  }

  /** Cut every link between the two groups of node indexes, both ways (gater block + hang-up). */
  async partition (a: readonly number[], b: readonly number[]): Promise<void> {
    for (const i of a) for (const j of b) this.cut.push([i, j])
    const ids = (xs: readonly number[]): string[] => xs.map(i => this.node(i).id)
    await Promise.all([
      ...a.map(async i => { await this.node(i).mesh.gater.block(ids(b)) }),
      ...b.map(async i => { await this.node(i).mesh.gater.block(ids(a)) })
    ])
  }

  /**
   * Lift every block, then dial once per cut pair from the lower peer ID (the
   * side that opens the lockmesh stream; the gater's own redial dials from
   * both sides, doubling the Noise handshakes in this one process).
   * `redial: false` leaves the reconnection to the transport's redial loop.
   */
  async heal (options: { redial?: boolean } = {}): Promise<void> {
    await Promise.all(this.live.map(async n => { await n.mesh.gater.unblock(undefined, { redial: false }) }))
    const pairs = this.cut.splice(0)
    if (options.redial === false) return
    await Promise.all(pairs.map(async ([i, j]) => {
      const [lo, hi] = i < j ? [this.node(i), this.node(j)] : [this.node(j), this.node(i)]
      if (lo.crashed || lo.stopped || hi.crashed || hi.stopped) return
      try { await lo.mesh.libp2p.dial(peerIdFromString(hi.id)) } catch { /* the transport keeps redialling */ }
    }))
  }

  /** Wait until every listed node reaches exactly its side and reports the mode the predicate gives for it. */
  async waitModes (sides: ReadonlyArray<readonly number[]>, timeoutMs: number): Promise<number> {
    const t0 = Date.now()
    const expected = sides.flatMap(side => {
      const want = this.expectedMode(side.map(i => this.node(i).id))
      const ids = side.map(i => this.node(i).id).sort()
      return side.map(i => ({ i, want, ids }))
    })
    await this.waitFor(`modes ${sides.map(s => `[${s.join(',')}]`).join(' | ')} → ${expected.map(e => `${e.i}:${e.want.mode}/${String(e.want.sharedLocks)}`).join(' ')}`,
      () => expected.every(({ i, want, ids }) => {
        const m = this.mesh(i)
        return m.mode === want.mode && m.sharedLocks === want.sharedLocks && sameIds(m.status().reachable, ids)
      }), timeoutMs)
    return Date.now() - t0
  }

  /** Every live node read-write and reaching every live node. */
  async waitReadWrite (timeoutMs: number): Promise<number> {
    const t0 = Date.now()
    const ids = (): string[] => this.live.map(n => n.id).sort()
    await this.waitFor('every node read-write', () => this.live.every(n => n.mesh.mode === 'read-write' && sameIds(n.mesh.status().reachable, ids())), timeoutMs)
    return Date.now() - t0
  }

  /** No voter holds a vote or a queued request (any key). */
  async waitNoVotes (timeoutMs: number, nodes: MeshNode[] = this.live): Promise<void> {
    await this.waitFor('no vote or queued request on any voter', () => nodes.every(n => {
      const v = n.mesh.status().core?.voter
      return v !== undefined && v.votes === 0 && v.queued === 0
    }), timeoutMs)
  }

  /**
   * A crash: libp2p stops under the node (its peers see the connections
   * close), the LockMesh is dropped without stop() — no RELEASE, no clean
   * exit. Nothing it sends leaves any more; stopAll() tidies its timers up.
   */
  async crash (i: number): Promise<void> {
    const node = this.node(i)
    node.crashed = true
    await node.mesh.libp2p.stop()
  }

  async waitFor (what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describe()}\n  ${this.lag.summary()}`)
      await sleep(10)
    }
  }

  describe (): string {
    return this.nodes.map(n => {
      const s = n.mesh.status()
      const t = s.transport
      return `  #${n.index} ${n.id.slice(-6)}${n.crashed ? ' (crashed)' : ''}${n.stopped ? ' (stopped)' : ''} ${s.mode}/${String(s.sharedLocks)} reachable=[${s.reachable.map(r => r.slice(-6)).join(',')}] ` +
        `votes=${s.core?.voter.votes ?? '-'} queued=${s.core?.voter.queued ?? '-'} acquires=${JSON.stringify(s.core?.acquires.map(a => `${a.key}:${a.phase}`) ?? [])} ` +
        `up=${t === null ? '-' : t.streamsUp} blocked=${n.mesh.gater.blockedPeers().length}`
    }).join('\n')
  }

  async stop (i: number): Promise<void> {
    const node = this.node(i)
    if (node.stopped) return
    node.stopped = true
    await node.mesh.stop()
  }

  /** Stop everything this cluster started (crashed nodes and twins too). */
  async stopAll (): Promise<void> {
    this.lag.stop()
    const all = [...this.nodes.map(n => n.mesh), ...this.extra]
    for (const n of this.nodes) n.stopped = true
    await Promise.all(all.map(async m => {
      try { await m.stop() } catch { /* already down */ }
    }))
  }
}

function sameIds (a: readonly string[], sortedB: readonly string[]): boolean {
  const sa = [...a].sort()
  return sa.length === sortedB.length && sa.every((x, i) => x === sortedB[i])
}

export function keyOf (cluster: Libp2pMesh, i: number): PrivateKey {
  return cluster.specs[i]!.key
}

export async function rejection (p: Promise<unknown>): Promise<Error> {
  try { await p } catch (err) { return err as Error }
  throw new Error('expected a rejection')
}
