/**
 * Core configuration: defaults, validation and the config hash exchanged in
 * the handshake (two nodes with different hashes must not vote together:
 * their quorums need not intersect).
 */
import { CoreConfigError } from './config-error.js'
import { createQuorumSystem } from './quorum.js'
import { LOCAL_HEALTH_MAX_DEFAULT } from './local-health.js'
import type { CoreConfig, NodeId } from './types.js'

/** 2: disk-loss recovery (RECOVER / CEILING frames; boot id and recovering flag in the handshake). */
export const PROTOCOL_VERSION = 2

/** The largest local health multiplier a config may ask for (the mode checker's bound assumes it). */
export const LOCAL_HEALTH_MAX_CAP = LOCAL_HEALTH_MAX_DEFAULT

/** LAN defaults; tests and the simulator override the timings. */
export function defaultCoreConfig (self: NodeId, roster: readonly NodeId[], overrides: Partial<CoreConfig> = {}): CoreConfig {
  const config: CoreConfig = {
    self,
    roster: [...roster],
    quorum: 'auto',
    ttlMsMax: 60_000,
    driftRho: 0.01,
    marginMs: 5,
    maxClockJump: 1n << 40n,
    pingIntervalMs: 250,
    suspicionTimeoutMs: 1_500,
    stallThresholdMs: 500,
    stableMs: 2_000,
    retransmitMs: 400,
    tombstoneMs: 30_000,
    limits: {
      queuePerKeyMax: 1_024,
      requestsPerPeerMax: 4_096,
      keysMax: 100_000,
      tombstonesMax: 100_000,
      acquiresMax: 10_000,
      releasesMax: 100_000,
      keyLengthMax: 512,
      strayReleasesPerSecMax: 64,
      tombstonesPerPeerMax: 16_384,
      tombstoneBytesPerPeerMax: 4 * 1024 * 1024
    },
    version: PROTOCOL_VERSION,
    ...overrides
  }
  if (overrides.limits !== undefined) config.limits = { ...defaultLimits(), ...overrides.limits }
  return config
}

/** The default bounds (one source: the codec derives its key length from here). */
export function defaultLimits (): CoreConfig['limits'] {
  return defaultCoreConfig('x', ['x']).limits
}

function positive (name: string, value: unknown, integer = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new CoreConfigError(name, integer ? 'a positive integer' : 'a positive finite number', value)
  }
}

/** Throws CoreConfigError naming the first bad field. */
export function validateCoreConfig (config: CoreConfig): void {
  if (!Array.isArray(config.roster) || config.roster.length === 0) throw new CoreConfigError('roster', 'a non-empty array of node ids', config.roster)
  if (new Set(config.roster).size !== config.roster.length) throw new CoreConfigError('roster', 'distinct node ids', config.roster)
  if (!config.roster.includes(config.self)) throw new CoreConfigError('self', `one of the roster (${config.roster.length} nodes)`, config.self)
  if (!['grid', 'majority', 'all', 'auto'].includes(config.quorum)) throw new CoreConfigError('quorum', "'grid' | 'majority' | 'all' | 'auto'", config.quorum)
  positive('ttlMsMax', config.ttlMsMax)
  if (typeof config.driftRho !== 'number' || !(config.driftRho >= 0 && config.driftRho < 0.5)) throw new CoreConfigError('driftRho', 'a number in [0, 0.5)', config.driftRho)
  if (typeof config.marginMs !== 'number' || !(config.marginMs >= 0) || !Number.isFinite(config.marginMs)) throw new CoreConfigError('marginMs', 'a finite number >= 0', config.marginMs)
  if (config.ttlMsMax < minTtlMs(config)) throw new CoreConfigError('ttlMsMax', `at least ${minTtlMs(config)} (the smallest ttl with a positive validity after marginMs and driftRho)`, config.ttlMsMax)
  if (typeof config.maxClockJump !== 'bigint' || config.maxClockJump <= 0n) throw new CoreConfigError('maxClockJump', 'a positive bigint', config.maxClockJump)
  positive('pingIntervalMs', config.pingIntervalMs)
  positive('suspicionTimeoutMs', config.suspicionTimeoutMs)
  if (config.suspicionTimeoutMs <= config.pingIntervalMs) throw new CoreConfigError('suspicionTimeoutMs', `more than pingIntervalMs (${config.pingIntervalMs})`, config.suspicionTimeoutMs)
  positive('stallThresholdMs', config.stallThresholdMs)
  if (config.localHealthMax !== undefined && !(Number.isInteger(config.localHealthMax) && config.localHealthMax >= 1 && config.localHealthMax <= LOCAL_HEALTH_MAX_CAP)) {
    throw new CoreConfigError('localHealthMax', `an integer in 1..${LOCAL_HEALTH_MAX_CAP} (1 = off)`, config.localHealthMax)
  }
  positive('stableMs', config.stableMs)
  positive('retransmitMs', config.retransmitMs)
  positive('tombstoneMs', config.tombstoneMs)
  if (config.ceilingStep !== undefined) positive('ceilingStep', config.ceilingStep, true)
  for (const [name, value] of Object.entries(config.limits)) positive(`limits.${name}`, value, true)
}

/**
 * The validity span of a lease of `ttlMs`: what a requester may count on
 * after the first transmission of its COMMIT round, ttl·(1−ρ)/(1+ρ) − margin
 * (DESIGN.md §4). The requester and `minTtlMs` share this one formula.
 */
export function validitySpanMs (config: Pick<CoreConfig, 'driftRho' | 'marginMs'>, ttlMs: number, driftFormula = true): number {
  const rho = config.driftRho
  const factor = driftFormula ? (1 - rho) / (1 + rho) : 1
  return ttlMs * factor - config.marginMs
}

/**
 * The smallest whole-ms ttl whose validity span is positive. A shorter ttl
 * leaves the holder no time at all (every COMMIT round would have ended before
 * it was sent), so acquire and extend refuse it up front (issue 9, item 2).
 */
export function minTtlMs (config: Pick<CoreConfig, 'driftRho' | 'marginMs'>): number {
  let ttlMs = Math.max(1, Math.ceil(config.marginMs * (1 + config.driftRho) / (1 - config.driftRho)))
  // Float rounding: step up (bounded: a few ulps) until the span is really positive.
  for (let i = 0; i < 4 && validitySpanMs(config, ttlMs) <= 0; i++) ttlMs++
  return ttlMs
}

/** 64-bit FNV-1a: a pure, stable fingerprint (not a security measure: Noise authenticates). */
export function fnv1a64 (text: string): bigint {
  let hash = 0xcbf29ce484222325n
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i))
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return hash
}

/** hash(sorted roster, quorum system, layout, ttlMsMax, ρ, version) as 16 hex digits. */
export function configHash (config: Pick<CoreConfig, 'roster' | 'quorum' | 'ttlMsMax' | 'driftRho' | 'version'>): string {
  const roster = [...config.roster].sort()
  const system = createQuorumSystem(config.quorum, roster)
  const canonical = JSON.stringify({ roster, quorum: system.name, layout: system.layout, ttlMsMax: config.ttlMsMax, rho: config.driftRho, version: config.version })
  return fnv1a64(canonical).toString(16).padStart(16, '0')
}

/** A small stable hash of a key, used to spread quorum choices. */
export function keySpread (key: string): number {
  return Number(fnv1a64(key) & 0x7fffffffn)
}
