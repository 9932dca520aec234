/**
 * Redial delays: exponential from `baseMs` to `maxMs`, with ±`jitter` spread so
 * a mesh that lost many links at once does not redial in lockstep.
 */
export interface BackoffOptions {
  baseMs: number
  maxMs: number
  /** Fraction of the delay drawn at random on either side (0.2 = ±20%). */
  jitter: number
}

export function backoffDelayMs (attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const raw = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(0, attempt), 30))
  const spread = raw * options.jitter * (2 * random() - 1)
  return Math.max(0, Math.round(raw + spread))
}
