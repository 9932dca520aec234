/**
 * A libp2p node set up for a lockmesh: TCP, Noise, yamux, identify, ping,
 * gossipsub (the signed mesh-topic announcements of src/announce/ only), the roster gater and an optional pnet key.
 *
 * Settings that matter on a loopback or LAN cluster (../shared/LIBP2P-NOTES.md):
 * the cluster's own addresses skip the per-IP inbound rate limit (5/s by
 * default, which a loopback mesh trips), and the transport staggers its first
 * dials (many simultaneous Noise handshakes in one process time out).
 * Bootstrap addresses go into the peer store; the lockmesh transport does the
 * dialling, and keeps redialling roster peers for as long as they are on the
 * roster.
 */
import '../polyfills.js'
import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub, StrictSign, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p, type ServiceFactoryMap } from 'libp2p'
import type { PrivateKey, ServiceMap } from '@libp2p/interface'
import type { Registry } from 'prom-client'
import type { NodeId } from '../core/types.js'
import { InvalidOptionsError } from '../errors.js'
import { RosterGater } from './gater.js'
import type { LockmeshTransportComponents } from './lockmesh-transport.js'

/** Largest yamux stream window we grant (see streamMuxers below). */
export const STREAM_WINDOW_BYTES_MAX = 1024 * 1024

export interface MeshLibp2pOptions<S extends ServiceMap = ServiceMap> {
  privateKey: PrivateKey
  /** Listen multiaddrs, e.g. `/ip4/127.0.0.1/tcp/0`. */
  listen: string[]
  /** Peer ID strings of every voting member; everyone else is refused. */
  roster: NodeId[]
  /** Multiaddrs of (some) roster peers, each ending in `/p2p/<peer ID>`. */
  bootstrap: string[]
  /** pnet pre-shared key (the 95-byte swarm key file contents): a private mesh. */
  psk?: Uint8Array
  /** Test timings: faster connection monitor and dial timeouts. */
  fast?: boolean
  /** Extra addresses (`/ip4/10.0.0.0/ipcidr/8`) allowed past the inbound rate limit. The listen and bootstrap hosts are always allowed. */
  allow?: string[]
  /** More libp2p services (e.g. `lockmesh: lockmeshTransport(init)`). */
  services?: ServiceFactoryMap<S>
  /** Prometheus metrics (libp2p's own and every service's) into this registry (`libp2p.metrics`). */
  metricsRegistry?: Registry
  /** mDNS discovery on the LAN (see MdnsOptions); off by default. */
  mdns?: MdnsOptions
}

/** mDNS peer discovery (`@libp2p/mdns`): roster members on one LAN find each other with no bootstrap list. */
export interface MdnsOptions {
  /** How often to query the LAN (ms). Default 10000 (a node is also found at once when it starts: it queries, and every answer is multicast). */
  intervalMs?: number
  /** The DNS-SD service name answered and queried. Default `_lockmesh._udp.local`, so other libp2p apps on the LAN are not asked. */
  serviceTag?: string
}

/** The mDNS service name lockmesh nodes use by default. */
export const MDNS_SERVICE_TAG = '_lockmesh._udp.local'
/** Shortest mDNS query interval accepted: multicast queries are not free for the rest of the LAN. */
export const MDNS_INTERVAL_MS_MIN = 100

function checkMdns (o: MdnsOptions): void {
  if (typeof o !== 'object' || o === null) throw new InvalidOptionsError('mdns', 'true, or { intervalMs?, serviceTag? }', o)
  if (o.intervalMs !== undefined && !(typeof o.intervalMs === 'number' && Number.isFinite(o.intervalMs) && o.intervalMs >= MDNS_INTERVAL_MS_MIN)) {
    throw new InvalidOptionsError('mdns.intervalMs', `a number of ms >= ${MDNS_INTERVAL_MS_MIN}`, o.intervalMs)
  }
  if (o.serviceTag !== undefined && !(typeof o.serviceTag === 'string' && /^_[a-z0-9-]{1,15}\._(udp|tcp)\.local$/.test(o.serviceTag))) {
    throw new InvalidOptionsError('mdns.serviceTag', 'a DNS-SD service name such as _lockmesh._udp.local', o.serviceTag)
  }
}

export interface MeshServices extends ServiceMap {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
}

export interface MeshLibp2p<S extends ServiceMap = ServiceMap> {
  libp2p: Libp2p<MeshServices & S>
  gater: RosterGater
}

/** The IP part of each address, as an allow-list entry (`/ip4/127.0.0.1`). */
function hostsOf (addrs: Multiaddr[]): string[] {
  const hosts = new Set<string>()
  for (const ma of addrs) {
    const ip = ma.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')
    if (ip?.value === undefined) continue
    if (ip.value === '0.0.0.0' || ip.value === '::') continue
    hosts.add(`/${ip.name}/${ip.value}`)
  }
  return [...hosts]
}

function parseBootstrap (entry: string): { ma: Multiaddr, peer: NodeId } {
  let ma: Multiaddr
  try {
    ma = multiaddr(entry)
  } catch {
    throw new InvalidOptionsError('bootstrap', 'multiaddrs ending in /p2p/<peer ID>', entry)
  }
  const peer = ma.getComponents().findLast(c => c.name === 'p2p')?.value
  if (peer === undefined) throw new InvalidOptionsError('bootstrap', 'multiaddrs ending in /p2p/<peer ID>', entry)
  return { ma, peer }
}

export async function createMeshLibp2p<S extends ServiceMap = ServiceMap> (options: MeshLibp2pOptions<S>): Promise<MeshLibp2p<S>> {
  if (!Array.isArray(options.roster) || options.roster.length === 0) throw new InvalidOptionsError('roster', 'a non-empty array of peer ID strings', options.roster)
  if (!Array.isArray(options.listen)) throw new InvalidOptionsError('listen', 'an array of multiaddr strings', options.listen)
  if (!Array.isArray(options.bootstrap)) throw new InvalidOptionsError('bootstrap', 'an array of multiaddr strings', options.bootstrap)
  if (options.psk !== undefined && !(options.psk instanceof Uint8Array)) throw new InvalidOptionsError('psk', 'a Uint8Array (swarm key file contents)', options.psk)
  if (options.mdns !== undefined) checkMdns(options.mdns)
  const bootstrap = options.bootstrap.map(parseBootstrap)
  const listen = options.listen.map(a => multiaddr(a))
  const fast = options.fast === true
  const gater = new RosterGater(options.roster)
  // Loaded only when asked for: a node without mDNS, metrics or a swarm key does not pay
  // for their modules in memory (issue 10: ~46 MiB of an idle node's RSS was modules).
  const mdns = options.mdns !== undefined ? (await import('@libp2p/mdns')).mdns : undefined
  const preSharedKey = options.psk !== undefined ? (await import('@libp2p/pnet')).preSharedKey : undefined
  const prometheusMetrics = options.metricsRegistry !== undefined ? (await import('@libp2p/prometheus-metrics')).prometheusMetrics : undefined

  const libp2p = await createLibp2p<MeshServices & S>({
    privateKey: options.privateKey,
    start: false,
    addresses: { listen: options.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // A 1 MiB stream window (yamux grows it to 16 MiB by default): when the transport pauses a
    // flooding peer's stream, at most one window more arrives, well inside libp2p's 4 MiB read
    // buffer (overflowing it resets the stream). Lockmesh frames need no more on a LAN.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: STREAM_WINDOW_BYTES_MAX } })],
    ...(options.psk !== undefined && preSharedKey !== undefined ? { connectionProtector: preSharedKey({ psk: options.psk }) } : {}),
    connectionGater: gater.gater,
    // Discovered peers go into the peer store; only roster peers are dialled
    // (src/announce/announcer.ts) and the gater refuses everyone else.
    ...(options.mdns !== undefined && mdns !== undefined ? { peerDiscovery: [mdns({ interval: options.mdns.intervalMs ?? 10_000, serviceTag: options.mdns.serviceTag ?? MDNS_SERVICE_TAG })] } : {}),
    ...(options.metricsRegistry !== undefined && prometheusMetrics !== undefined ? { metrics: prometheusMetrics({ registry: options.metricsRegistry }) } : {}),
    connectionManager: {
      allow: [...hostsOf([...listen, ...bootstrap.map(b => b.ma)]), ...(options.allow ?? [])],
      inboundConnectionThreshold: 50,
      maxIncomingPendingConnections: 50,
      dialTimeout: fast ? 3_000 : 10_000,
      addressDialTimeout: fast ? 2_000 : 6_000,
      reconnectRetryInterval: fast ? 200 : 1_000
    },
    // Liveness is the core's job (PING/PONG frames on the stream); the
    // connection monitor only clears dead connections. Kept lenient: a
    // loaded host (a stalled event loop) must not lose healthy connections.
    connectionMonitor: fast
      ? { pingInterval: 1_000, pingTimeout: { minTimeout: 2_000, maxTimeout: 5_000 } }
      : { pingInterval: 5_000, pingTimeout: { minTimeout: 5_000, maxTimeout: 15_000 } },
    services: {
      identify: identify(),
      ping: ping(),
      // The mesh topic (src/announce/): every message signed by its sender's peer key, and verified.
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false, globalSignaturePolicy: StrictSign }),
      ...options.services
    } as unknown as ServiceFactoryMap<MeshServices & S>
  })
  gater.attach(libp2p)

  for (const { ma, peer } of bootstrap) {
    if (peer === libp2p.peerId.toString() || !gater.allows(peer)) continue
    await libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: [ma.decapsulateCode(421)] })
  }
  await libp2p.start()
  return { libp2p, gater }
}

/** The transport's components taken from a running libp2p node (for a transport that is not a libp2p service). */
export function transportComponents (libp2p: Libp2p): LockmeshTransportComponents {
  return {
    registrar: {
      handle: async (protocol, handler, options) => { await libp2p.handle(protocol, handler, options) },
      unhandle: async (protocol, options) => { await libp2p.unhandle(protocol, options) }
    },
    connectionManager: {
      openStream: async (peer, protocol, options) => await libp2p.dialProtocol(peer, protocol, options),
      openConnection: async (peer, options) => await libp2p.dial(peer, options),
      getConnections: (peer) => libp2p.getConnections(peer)
    },
    peerId: libp2p.peerId,
    events: libp2p,
    logger: libp2p.logger
  }
}
