/**
 * lockmesh's libp2p transport: wire format, the per-peer stream service, the
 * roster gater and a libp2p node factory. Loads the Promise.withResolvers
 * shim first (libp2p 3 needs it on Node 20).
 */
import '../polyfills.js'
export { DEFAULT_CODEC_LIMITS, decodeFrames, encodeFrames, encodeFrameEntry, packBatches, validateFrame, type CodecLimits } from './codec.js'
export { HandshakeRefusedError, MalformedFrameError, StreamReplacedError, TransportStoppedError, type HandshakeRefusal } from './errors.js'
export { decodeHandshake, encodeHandshake, judgeHandshake, type HandshakeInfo, type LocalHandshake } from './handshake.js'
export { LOCKMESH_PROTOCOL, LockmeshTransport, lockmeshTransport, type LockmeshTransportComponents, type LockmeshTransportInit, type PeerHandshake, type TransportFaultHook } from './lockmesh-transport.js'
export { createRosterGater, RosterGater, type GaterNode, type RosterGaterStats } from './gater.js'
export { createMeshLibp2p, transportComponents, type MeshLibp2p, type MeshLibp2pOptions, type MeshServices } from './create-libp2p.js'
export type { TransportStats } from './stats.js'
