/**
 * Failure-detection timing presets. `lan`: a LAN or loopback mesh in
 * production. `fast`: tests (quick detection, more PING traffic).
 */
import type { CoreConfig } from '../core/types.js'

export type TimingPreset = 'lan' | 'fast'

export const TIMING_PRESETS: Record<TimingPreset, Partial<CoreConfig>> = {
  lan: {
    pingIntervalMs: 250,
    suspicionTimeoutMs: 1_500,
    stallThresholdMs: 500,
    stableMs: 2_000,
    retransmitMs: 400,
    tombstoneMs: 30_000,
    marginMs: 5
  },
  fast: {
    pingIntervalMs: 100,
    suspicionTimeoutMs: 600,
    stallThresholdMs: 300,
    stableMs: 500,
    retransmitMs: 150,
    tombstoneMs: 10_000,
    marginMs: 5
  }
}
