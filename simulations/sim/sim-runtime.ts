/**
 * What a simulated host gives the shipped node: a clock (the host's SimClock
 * read at the current true time), timers in virtual time, a fence store on
 * the host's simulated disk, and a transport over the simulated network.
 * Each is the production contract (src/runtime/) implemented on the
 * simulation's event queue, so the node cannot tell the difference.
 */
import type { Frame, NodeId } from '../../src/core/types.js'
import type { Clock } from '../../src/runtime/clock.js'
import type { Timers } from '../../src/runtime/timers.js'
import type { MeshTransport, MeshTransportFactory, MeshTransportHooks } from '../../src/runtime/transport.js'
import type { FenceStore, StoredState } from '../../src/store/fence-store.js'
import type { SimNode } from './sim-node.js'

/**
 * The part of the simulation a host's runtime needs. Every call names the
 * process (node + process generation `inc`): a call from a process that has
 * died does nothing — its microtasks may still run after the crash.
 */
export interface SimWorld {
  readonly t: number
  /** Arm a timer due when the node's monotonic clock reads `monoDue`; returns its id. */
  armTimer: (n: SimNode, inc: number, monoDue: number, fn: () => void) => number
  /** Run `fn` in the node's process at the current instant, behind what is already due. */
  soon: (n: SimNode, inc: number, fn: () => void) => void
  /** Write `state` to the node's disk; `done` runs in its process once durable (never, if it dies first). */
  diskWrite: (n: SimNode, inc: number, state: StoredState, done: () => void) => void
  join: (n: SimNode, inc: number, hooks: MeshTransportHooks) => void
  /** The node's incarnation changed (recovery finished): it handshakes with everyone again. */
  rejoin: (n: SimNode, inc: number) => void
  leave: (n: SimNode, inc: number) => void
  send: (n: SimNode, inc: number, to: NodeId, frame: Frame) => void
}

export function simClock (world: SimWorld, n: SimNode): Clock {
  return {
    mono: () => n.clock.readMono(world.t),
    wall: () => n.clock.readWall(world.t)
  }
}

/** Timers of one process: they die with it. */
export function simTimers (world: SimWorld, n: SimNode, inc: number): Timers {
  return {
    setTimeout: (fn, ms) => world.armTimer(n, inc, n.clock.readMono(world.t) + Math.max(1, ms), fn),
    clearTimeout: handle => { if (n.inc === inc) n.timers.delete(handle as number) },
    setImmediate: fn => { world.soon(n, inc, fn) }
  }
}

/** The host's fence store: the simulated disk, 0–3 ms per write, in order; a crash loses what has not landed. */
export function simStore (world: SimWorld, n: SimNode, inc: number): FenceStore {
  return {
    load: async () => ({ ...n.disk }),
    // A wiped disk is a missing store until the first write lands (the first start is a new member's: `lockmesh init`).
    exists: async () => !n.wiped,
    save: async (state) => { await new Promise<void>(resolve => { world.diskWrite(n, inc, state, resolve) }) }
  }
}

export function simTransport (world: SimWorld, n: SimNode, inc: number): MeshTransportFactory {
  return hooks => ({
    start: async () => { world.join(n, inc, hooks) },
    stop: async () => { world.leave(n, inc) },
    renew: () => { world.rejoin(n, inc) },
    send: (to, frame) => { world.send(n, inc, to, frame) }
  } satisfies MeshTransport)
}
