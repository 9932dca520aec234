/**
 * The two ways in:
 * - `createLockMesh(options)`: builds and owns its libp2p node;
 * - `lockMesh(init)`: a libp2p service for apps that already run libp2p.
 */
import './polyfills.js'
import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import type { ComponentLogger, Metrics, PrivateKey } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'
import type { Registry } from 'prom-client'
import { Announcer } from './announce/announcer.js'
import type { NodeId } from './core/types.js'
import { InvalidOptionsError } from './errors.js'
import { LockMesh, type LockMeshInit, type StopOptions } from './mesh.js'
import { MeshLog } from './metrics/mesh-log.js'
import { MeshMetrics } from './metrics/mesh-metrics.js'
import { combineObservers } from './metrics/observer.js'
import { TimedFenceStore } from './metrics/timed-store.js'
import type { FenceStore } from './store/fence-store.js'
import { FENCE_STORE_FILE, FileFenceStore } from './store/file-fence-store.js'
import { createMeshLibp2p, transportComponents, type MdnsOptions, type MeshServices } from './transport/create-libp2p.js'
import type { RosterGater } from './transport/gater.js'
import { LockmeshTransport, type LockmeshTransportComponents, type TransportFaultHook } from './transport/lockmesh-transport.js'

export interface CreateLockMeshOptions extends Omit<LockMeshInit, 'self' | 'transport' | 'store'> {
  /** This node's libp2p identity (see `lockmesh keygen` and `loadPrivateKey`). */
  privateKey: PrivateKey
  /** Peer ID strings of every voting member, this node included. */
  roster: NodeId[]
  /** Listen multiaddrs. Default `/ip4/127.0.0.1/tcp/0`. */
  listen?: string[]
  /** Multiaddrs of roster peers, each ending in `/p2p/<peer ID>`. */
  bootstrap?: string[]
  /** Directory for the fence store (created if missing; one running node per directory). */
  dataDir?: string
  /** Or any FenceStore (tests: MemoryFenceStore). One of `dataDir` / `store` is required. */
  store?: FenceStore
  /** pnet pre-shared key: the swarm key file's contents. */
  psk?: Uint8Array
  /** Test-only: drop / delay outbound frames (chaos harness). */
  faultHook?: TransportFaultHook
  /**
   * Collect Prometheus metrics (libp2p's and lockmesh's, through libp2p's
   * metrics interface and @libp2p/prometheus-metrics) into this prom-client
   * Registry: serve `registry.metrics()`. prom-client's metrics are
   * process-wide: one node with metrics per process.
   */
  metricsRegistry?: Registry
  /** How often this node announces itself on the mesh topic (ms). Default: 1000 with `fast` timing, 2000 otherwise. */
  announceIntervalMs?: number
  /**
   * mDNS discovery for a LAN: `true` (or options) and roster members find each
   * other with no bootstrap list. Only roster peers are dialled; the gater
   * refuses everyone else. Multicast must reach the nodes (one LAN segment).
   */
  mdns?: boolean | MdnsOptions
}

/** Metrics and logs of one node, wired to its mesh (see src/metrics/). */
class Observability {
  readonly metrics: MeshMetrics | null
  readonly log: MeshLog
  constructor (metrics: Metrics | undefined, logger: ComponentLogger) {
    this.metrics = metrics === undefined ? null : new MeshMetrics(metrics)
    this.log = new MeshLog(logger)
  }

  get observer (): LockMeshInit['observer'] { return combineObservers(this.metrics?.observer, this.log.observer) }
  wrapStore (store: FenceStore, logger: ComponentLogger): FenceStore {
    return new TimedFenceStore(store, ms => { this.metrics?.storeWrite(ms) }, logger.forComponent('lockmesh:store'))
  }

  attach (mesh: LockMesh): void { this.metrics?.attach(mesh); this.log.attach(mesh) }
  detach (): void { this.metrics?.detach(); this.log.detach() }
}

/** A LockMesh that owns its libp2p node: `stop()` stops both. */
export class OwnedLockMesh extends LockMesh {
  /** The mesh-topic announcer: the live view of every roster member (`announcer.view()`). */
  announcer: Announcer | null = null
  /** Where this node's metrics are (when `metricsRegistry` was given). */
  readonly metricsRegistry: Registry | null
  /** @internal */
  observability: Observability | null = null

  constructor (init: LockMeshInit, readonly libp2p: Libp2p<MeshServices>, readonly gater: RosterGater, private readonly releaseDataDir: () => Promise<void>, registry?: Registry) {
    super(init)
    this.metricsRegistry = registry ?? null
  }

  /** Drain and stop the lock manager (see LockMesh.stop), then libp2p. */
  override async stop (options: StopOptions = {}): Promise<void> {
    // The announcer keeps telling peers "draining" while the drain runs.
    await super.stop(options)
    this.announcer?.stop()
    this.observability?.detach()
    await this.libp2p.stop()
    await this.releaseDataDir()
  }
}

/** Build a lockmesh node with its own libp2p node, start it, and return it (call `ready()` next). */
export async function createLockMesh (options: CreateLockMeshOptions): Promise<OwnedLockMesh> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options', 'an object', options)
  if (options.privateKey === undefined) throw new InvalidOptionsError('privateKey', 'a libp2p PrivateKey (lockmesh keygen; loadPrivateKey(file))', options.privateKey)
  const self = peerIdOf(options.privateKey)
  if (!Array.isArray(options.roster) || !options.roster.includes(self)) throw new InvalidOptionsError('roster', `an array of peer IDs that includes this node (${self})`, options.roster)
  if (options.mdns !== undefined && typeof options.mdns !== 'boolean' && (typeof options.mdns !== 'object' || options.mdns === null)) {
    throw new InvalidOptionsError('mdns', 'a boolean, or { intervalMs?, serviceTag? }', options.mdns)
  }
  let store = options.store
  let releaseDataDir = async (): Promise<void> => {}
  if (store === undefined) {
    if (typeof options.dataDir !== 'string') throw new InvalidOptionsError('dataDir', 'a directory path (or pass `store`)', options.dataDir)
    releaseDataDir = await lockDataDir(options.dataDir)
    store = new FileFenceStore(join(options.dataDir, FENCE_STORE_FILE))
  }
  const { libp2p, gater } = await createMeshLibp2p({
    privateKey: options.privateKey,
    listen: options.listen ?? ['/ip4/127.0.0.1/tcp/0'],
    roster: options.roster,
    bootstrap: options.bootstrap ?? [],
    ...(options.psk !== undefined ? { psk: options.psk } : {}),
    fast: options.timing === 'fast',
    ...(options.mdns === true ? { mdns: {} } : typeof options.mdns === 'object' && options.mdns !== null ? { mdns: options.mdns } : {}),
    // libp2p's connection monitor opens a ping stream every interval whether
    // or not the last one has finished, and aborts the connection when that
    // fails. With @libp2p/ping's one outbound stream per connection, a ping
    // slower than the interval (a loaded host; the ping timeout is longer than
    // the interval) failed with "Too many outbound protocol streams" and took
    // a healthy connection — and every lockmesh stream on it — down. Allow a
    // few overlapping pings: only the monitor's own timeout clears a connection.
    services: { ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 8 }) },
    ...(options.metricsRegistry !== undefined ? { metricsRegistry: options.metricsRegistry } : {})
  })
  const components = transportComponents(libp2p)
  try {
    const obs = new Observability(libp2p.metrics, libp2p.logger)
    const mesh = new OwnedLockMesh({
      ...options,
      self,
      store: obs.wrapStore(store, libp2p.logger),
      observer: combineObservers(obs.observer, options.observer),
      transport: hooks => new LockmeshTransport(components, { roster: options.roster, ...hooks, ...(options.faultHook !== undefined ? { faultHook: options.faultHook } : {}) })
    }, libp2p, gater, releaseDataDir, options.metricsRegistry)
    mesh.observability = obs
    await mesh.start()
    obs.attach(mesh)
    mesh.announcer = new Announcer(libp2p, mesh, {
      intervalMs: options.announceIntervalMs ?? (options.timing === 'fast' ? 1000 : 2000),
      dialDiscovered: options.mdns !== undefined && options.mdns !== false
    }, libp2p.logger.forComponent('lockmesh:announce'))
    mesh.announcer.start()
    mesh.announcer.dialBootstrap(options.bootstrap ?? [])
    return mesh
  } catch (err) {
    await libp2p.stop()
    await releaseDataDir()
    throw err
  }
}

/**
 * A libp2p service: `services: { lockmesh: lockMesh({ roster, store }) }`.
 * The node's own peer ID is `self`. Start/stop follow libp2p's.
 */
export function lockMesh (init: Omit<LockMeshInit, 'self' | 'transport'>): (components: LockmeshTransportComponents & { metrics?: Metrics }) => LockMesh {
  return components => {
    const self = components.peerId.toString()
    // The app's libp2p metrics (components.metrics), when it has any, carry lockmesh's series too.
    const obs = new Observability(components.metrics, components.logger)
    const mesh = new ServiceLockMesh(obs, {
      ...init,
      self,
      store: obs.wrapStore(init.store, components.logger),
      observer: combineObservers(obs.observer, init.observer),
      transport: hooks => new LockmeshTransport(components, { roster: init.roster, ...hooks })
    })
    obs.attach(mesh)
    return mesh
  }
}

/** The service's LockMesh: its metrics probe and log listeners stop with it. */
class ServiceLockMesh extends LockMesh {
  constructor (private readonly obs: Observability, init: LockMeshInit) { super(init) }
  override async stop (options: StopOptions = {}): Promise<void> {
    await super.stop(options)
    this.obs.detach()
  }
}

/** A new Ed25519 node identity (what `lockmesh keygen` writes to a file). */
export async function generatePrivateKey (): Promise<PrivateKey> {
  return await generateKeyPair('Ed25519')
}

/** The peer ID string of a node's private key: what goes in every node's `roster`. */
export function peerIdOf (privateKey: PrivateKey): NodeId {
  try {
    return peerIdFromPrivateKey(privateKey).toString()
  } catch (err) {
    throw new InvalidOptionsError('privateKey', 'a libp2p PrivateKey (generatePrivateKey(); loadPrivateKey(file))', `${String(privateKey)} (${(err as Error).message})`)
  }
}

/** Read a key file written by `lockmesh keygen` (protobuf-encoded private key, hex or raw). */
export async function loadPrivateKey (path: string): Promise<PrivateKey> {
  const { privateKeyFromProtobuf } = await import('@libp2p/crypto/keys')
  const raw = await readFile(path)
  const text = raw.toString('utf8').trim()
  const bytes = /^[0-9a-f]+$/i.test(text) ? Buffer.from(text, 'hex') : raw
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new InvalidOptionsError('keyFile', 'a private key file written by `lockmesh keygen`', `${path} (${(err as Error).message})`)
  }
}

/** Data directories held by running nodes of this process (the LOCK file's pid cannot tell them apart). */
const heldDataDirs = new Set<string>()

/**
 * One running node per data directory: a LOCK file with our pid. A LOCK of a
 * dead process is stale and taken over; one of a live process — this one
 * included, while a node of ours holds the directory — is refused.
 */
async function lockDataDir (dir: string): Promise<() => Promise<void>> {
  const abs = resolve(dir)
  const refuse = (by: string): InvalidOptionsError => new InvalidOptionsError('dataDir', 'a data directory no other running node uses', `${dir} (locked by ${by})`)
  if (heldDataDirs.has(abs)) throw refuse(`another node in this process, pid ${process.pid}`)
  heldDataDirs.add(abs)
  try {
    await mkdir(abs, { recursive: true })
    const lockPath = join(abs, 'LOCK')
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(lockPath, 'wx')
        await fh.writeFile(String(process.pid))
        await fh.close()
        let released = false
        return async () => {
          if (released) return
          released = true
          await rm(lockPath, { force: true })
          heldDataDirs.delete(abs)
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
        const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim())
        // Our own pid without an entry in heldDataDirs: left by an earlier run that reused our pid.
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw refuse(`pid ${pid}`)
        await rm(lockPath, { force: true })
      }
    }
    throw new InvalidOptionsError('dataDir', 'a lockable data directory', dir)
  } catch (err) {
    heldDataDirs.delete(abs)
    throw err
  }
}

function isAlive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' }
}
