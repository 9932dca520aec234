/**
 * How one `Ready` is applied — the single place that knows the order: the
 * persist request first (the driver writes it, then feeds `persisted`),
 * frames (to itself or to peers), results, events, then the wake-ups. The
 * CoreDriver (production and simulator) and the hand-stepped test cluster
 * both apply Ready batches through this function; they differ only in their
 * sinks (async disk and timers, or a test's hand).
 */
import type { CoreEvent, Frame, NodeId, PersistedState, Ready, Result } from '../core/types.js'

export interface ReadySink {
  /** Write `state` durably, then feed `{ type: 'persisted', batch }` (never re-entrantly). */
  persist: (batch: number, state: PersistedState) => void
  /** A frame to this node itself: feed it back as input, never re-entrantly. */
  sendSelf: (frame: Frame) => void
  send: (to: NodeId, frame: Frame) => void
  result: (r: Result) => void
  event: (e: CoreEvent) => void
  /** Tick the core when the monotonic clock reaches `mono` or the wall clock reaches `wall` (null: no deadline). */
  wake: (mono: number | null, wall: number | null) => void
}

export function applyReady (ready: Ready, self: NodeId, sink: ReadySink): void {
  if (ready.persist !== null) sink.persist(ready.persist.batch, ready.persist.state)
  for (const f of ready.frames) {
    if (f.to === self) sink.sendSelf(f.frame)
    else sink.send(f.to, f.frame)
  }
  for (const r of ready.results) sink.result(r)
  for (const e of ready.events) sink.event(e)
  sink.wake(ready.wakeAt, ready.wakeAtWall ?? null)
}
