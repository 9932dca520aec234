/**
 * Timers as the node's runtime uses them. Production passes the host's
 * (`systemTimers`); the simulator passes timers in virtual time that freeze
 * with a paused process and follow its monotonic clock — so every timer the
 * shipped code arms is stepped by the simulator too.
 *
 * Contract (what Node's own timers promise, no more):
 * - `setTimeout(fn, ms)` runs `fn` once, no earlier than `ms` of the
 *   MONOTONIC clock from now (a suspended host does not advance it), unless
 *   cleared first;
 * - `setImmediate(fn)` runs `fn` on a later turn of the event loop: after the
 *   current synchronous work and its microtasks, after I/O already waiting —
 *   never re-entrantly, never in a microtask.
 */
export type TimerHandle = unknown

export interface Timers {
  setTimeout: (fn: () => void, ms: number) => TimerHandle
  clearTimeout: (handle: TimerHandle) => void
  setImmediate: (fn: () => void) => void
}

/** The host's timers. Timers are `unref`'d only where the caller says so. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => { clearTimeout(handle as ReturnType<typeof setTimeout>) },
  setImmediate: fn => { setImmediate(fn) }
}
