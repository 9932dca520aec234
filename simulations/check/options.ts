/** Knobs of `checkHistory` and the checkers that take time bounds. */
export interface CheckOptions {
  /** Added to every time bound (liveness deadline, mode settling) for logging delays (ms). Default 0. */
  slackMs?: number
  /** At most this many violations of one kind are listed (all are counted). Default 20. */
  maxPerKind?: number
}
