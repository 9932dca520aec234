/**
 * lockmesh: a distributed lock manager with no lock server — every process
 * embeds a node, the nodes form a libp2p mesh, a lock is granted when a
 * quorum of nodes votes for it.
 *
 * ```js
 * import { createLockMesh, loadPrivateKey } from 'lockmesh'
 *
 * const mesh = await createLockMesh({ privateKey, roster, bootstrap, dataDir })
 * await mesh.ready()
 * const lock = await mesh.acquire('invoice:42', { ttlMs: 5000 })
 * try {
 *   await store.write(value, { fencingToken: lock.token })
 * } finally {
 *   await lock.release()
 * }
 * ```
 *
 * The `Promise.withResolvers` shim (libp2p 3 needs it on Node 20) loads
 * before anything else, so importing this module first is enough.
 */
import './polyfills.js'

export { createLockMesh, generatePrivateKey, lockMesh, loadPrivateKey, OwnedLockMesh, peerIdOf, type CreateLockMeshOptions } from './create.js'
export {
  LockMesh,
  type AcquireOptions,
  type LockEventDetail,
  type LockMeshEvents,
  type LockMeshInit,
  type MeshStatus,
  type MeshTransport,
  type MeshTransportFactory,
  type MeshTransportHooks,
  type ModeEventDetail,
  type ReleaseResult,
  type StopOptions
} from './mesh.js'
export { Lock } from './lock.js'
export {
  AbortError,
  InvalidOptionsError,
  LockBusyError,
  LockError,
  LockLostError,
  LockTimeoutError,
  NoQuorumError,
  NotHolderError,
  QueueFullError,
  ReadOnlyError
} from './errors.js'
export { FileFenceStore } from './store/file-fence-store.js'
export { MemoryFenceStore } from './store/memory-fence-store.js'
export {
  FenceStoreClosedError,
  FenceStoreCorruptError,
  FenceStoreMissingError,
  FenceStoreRegressionError,
  type FenceStore,
  type StoredState
} from './store/fence-store.js'
export { TIMING_PRESETS, type TimingPreset } from './runtime/presets.js'
export type { Clock, RealClock } from './runtime/clock.js'
export type { Timers, TimerHandle } from './runtime/timers.js'
export type { LocalHandshake, PeerHandshake } from './runtime/transport.js'
export type { CoreConfig, CoreLimits, LockMode, Mode, NodeId, QuorumSystemName } from './core/types.js'
export type { QuorumFigures } from './core/quorum.js'
export type { TransportStats } from './transport/stats.js'
export { LOCKMESH_PROTOCOL } from './transport/lockmesh-transport.js'
