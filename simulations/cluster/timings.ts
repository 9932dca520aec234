/**
 * The failure-detection timings every simulated node runs with, and the
 * figures the history's config line states from them.
 *
 * Tighter than the `lan` preset, looser than `fast`: the simulation runs N
 * node processes on a machine that may have two cores and other work, where
 * an event loop can stall for a second or two (measured: p99 0.2–0.6 s, max
 * ~2 s at load 10). A suspicion timeout below such stalls makes nodes accuse
 * healthy peers, and the modes check rightly reports it.
 */
import type { CoreConfig } from '../../src/core/types.js'

export const SIM_TIMING = {
  pingIntervalMs: 200,
  suspicionTimeoutMs: 2000,
  stallThresholdMs: 700,
  stableMs: 1000,
  retransmitMs: 200,
  tombstoneMs: 10_000,
  marginMs: 5
} satisfies Partial<CoreConfig>

/**
 * A node process that could not run for this long reports a `stall` (half
 * the suspicion timeout: with a ping interval of lateness on top, a peer may
 * already be close to suspecting it).
 */
export const STALL_MS = SIM_TIMING.suspicionTimeoutMs / 2

/** Reconnecting a healed link or a restarted node, on a busy host (measured: 2–5 s for a node joining 6–8 peers at load 7). */
export const RECONNECT_MS = 3000

export interface RunTimings {
  ttlMsMax: number
  detectionMs: number
  stableMs: number
  drift: number
  livenessBoundMs: number
  /** waitMs of the workload's blocking acquires (above the bound, so liveness checks them). */
  waitMs: number
}

export function runTimings (ttlMs: number): RunTimings {
  const livenessBoundMs = Math.max(6000, 3 * ttlMs)
  return {
    // Also a restarted node's quiet period.
    ttlMsMax: Math.max(3000, ttlMs),
    // A lapse is noticed within the suspicion timeout after the last frame
    // (a ping interval late at worst); a node that was itself stalled
    // re-probes for one more timeout before accusing. A healed link or a
    // restarted node is trusted once it has reconnected (dial, Noise and
    // stream handshakes: seconds on a busy two-core host) and frames flow both
    // ways.
    detectionMs: 2 * (SIM_TIMING.suspicionTimeoutMs + SIM_TIMING.pingIntervalMs) + RECONNECT_MS,
    stableMs: SIM_TIMING.stableMs,
    drift: 0.01,
    livenessBoundMs,
    waitMs: livenessBoundMs + 3000
  }
}
