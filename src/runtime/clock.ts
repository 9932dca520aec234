/**
 * Where a node's time comes from. The runtime reads the host's clocks; the
 * simulator injects per-node clocks with drift and suspends; tests may pass
 * a fake. The core never reads a clock: the driver stamps every input.
 */

/** A pair of clocks, both in milliseconds. */
export interface Clock {
  /** Monotonic milliseconds (stops while the host is suspended). */
  mono: () => number
  /** Wall-clock milliseconds (keeps running while the host is suspended). */
  wall: () => number
}

/** @deprecated use {@link Clock} (same shape). */
export type RealClock = Clock

/** The host's clocks: `performance.now()` and `Date.now()`. */
export const systemClock: Clock = {
  mono: () => performance.now(),
  wall: () => Date.now()
}
