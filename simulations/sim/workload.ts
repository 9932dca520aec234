/**
 * Clients on every node, acting like applications embedding a node.
 *
 * Swarm workload (safety phase): at least half of the acquires go to ≤ 3 hot
 * keys; exclusive and shared; tryAcquire, finite and infinite waits, cancels;
 * holds that release early, extend (sometimes with a SHORTER ttl), or run
 * until the lock is lost. Inside each exclusive hold: read, pause, write a
 * counter in the fenced store — the write is issued without re-checking the
 * lock (a paused process resumes mid-operation). Shared holders read.
 *
 * Liveness phase: bounded contention (≤ `liveContendersMax` clients per key),
 * every acquire carries the stated wait bound; the checker demands it ends
 * granted (or busy for tryAcquire) within it.
 *
 * `light` / `heavy` are the fault-free message-count workloads: one exclusive
 * acquire at a time in the whole mesh, or every client on one hot key.
 */
import type { LockMode } from '../../src/core/types.js'
import type { Lock } from '../../src/lock.js'
import type { LockMesh } from '../../src/mesh.js'
import type { StoreDecision } from './fenced-store.js'
import type { AcquireRec } from './observer.js'
import type { Rng } from './rng.js'

export type WorkloadKind = 'swarm' | 'light' | 'heavy'
export type Phase = 'safety' | 'drain' | 'live' | 'finish'

/** What the application code sees of its host, and what the observer records of it. */
export interface WorkloadHost {
  /** The node embedded in this application process (null while it is down or starting). */
  mesh: (node: number) => LockMesh | null
  /** Run `fn` inside the node's process after `delayMs` (frozen while it is paused; dropped if it dies). */
  later: (node: number, delayMs: number, fn: () => void) => void
  storeRead: (node: number, handle: number, key: string, token: bigint, done: (d: StoreDecision) => void) => void
  storeWrite: (node: number, handle: number, key: string, token: bigint, value: number, done: (d: StoreDecision) => void) => void
  trueNow: () => number
  record: WorkloadRecorder
}

/** What the application saw, as the observer records it (`handle` = the workload's call id). */
export interface WorkloadRecorder {
  acquire: (rec: AcquireRec) => void
  granted: (node: number, handle: number, lock: Lock) => void
  failed: (node: number, handle: number, reason: string) => void
  lost: (node: number, handle: number) => void
  releaseIssued: (node: number, handle: number, lock: Lock) => void
}

export interface WorkloadOptions {
  kind: WorkloadKind
  nodes: number
  clientsPerNode: number
  ttlMsMin: number
  ttlMsMax: number
  liveBoundMs: number
  liveContendersMax: number
  /** How many keys the liveness phase uses (1 = everyone on one hot key). */
  liveKeys: number
  /** Safety phase: hold every lock until it is lost. */
  holdToExpiry: boolean
  thinkMeanMs: number
}

type State = 'idle' | 'acquiring' | 'holding' | 'dead'

interface Client {
  node: number
  gen: number
  state: State
  /** The workload's id of the current acquire call (the observer's handle). */
  handle: number
  key: string
  mode: LockMode
  lock: Lock | null
  /** Cancels the current acquire. */
  abort: AbortController | null
  /** Ends a `using()` body early. */
  finishUsing: (() => void) | null
  /** The lock was given back by the app (its signal's abort is not a loss). */
  releasing: boolean
  /** A clean stop of the node is under way: no new work. */
  stopping: boolean
  /** True time the client plans to release (Infinity = hold until lost). */
  releaseAt: number
  extendTtlMs: number
  live: boolean
}

export const HOT_KEYS = ['hot0', 'hot1', 'hot2'] as const
const COLD_KEYS = Array.from({ length: 12 }, (_, i) => `cold${i}`)

/** Error name → the failure the observer records. */
const FAILURE_OF_ERROR: Record<string, string> = {
  LockTimeoutError: 'timeout',
  AbortError: 'cancelled',
  LockBusyError: 'busy',
  ReadOnlyError: 'read-only',
  NoQuorumError: 'no-quorum',
  QueueFullError: 'queue-full',
  InvalidOptionsError: 'invalid',
  LockLostError: 'lost-before-handout'
}

export class Workload {
  private readonly clients: Client[] = []
  private nextHandle = 1
  private phaseNow: Phase = 'safety'
  private readonly liveActive = new Map<string, number>()
  /** light: the one client currently allowed to work. */
  private lightBusy = false
  /** Exclusive locks handed to the apps (the "acquisitions"). */
  exclusiveGrants = 0
  /** Shared locks handed to the apps (not counted as acquisitions). */
  sharedGrants = 0

  constructor (private readonly host: WorkloadHost, private readonly rng: Rng, readonly opts: WorkloadOptions) {
    for (let node = 0; node < opts.nodes; node++) {
      for (let i = 0; i < opts.clientsPerNode; i++) {
        this.clients.push({
          node, gen: 0, state: 'dead', handle: 0, key: '', mode: 'exclusive', lock: null, abort: null, finishUsing: null,
          releasing: false, stopping: false, releaseAt: 0, extendTtlMs: 0, live: false
        })
      }
    }
  }

  get phase (): Phase { return this.phaseNow }

  setPhase (phase: Phase): void {
    this.phaseNow = phase
    for (const c of this.clients) {
      if (c.state === 'dead' || c.stopping) continue
      if (phase === 'drain') {
        // Heal: wind down. Waiting acquires are cancelled, holds end soon.
        if (c.state === 'acquiring') c.abort?.abort()
        if (c.state === 'holding') this.planRelease(c, this.rng.range(0, 200))
      }
      // Under live contention everyone starts at once: concurrent requests overtake each other.
      if ((phase === 'live' || phase === 'safety') && c.state === 'idle') this.think(c, this.opts.liveKeys === 1 && phase === 'live' ? this.rng.range(0, 1) : this.rng.range(0, 100))
    }
  }

  nodeUp (node: number): void {
    for (const c of this.clients) {
      if (c.node !== node) continue
      c.gen++
      c.state = 'idle'
      c.stopping = false
      c.lock = null
      this.think(c, this.rng.range(0, 300))
    }
  }

  /** `stop()` was called: clients start nothing new; what the node aborts is still recorded. */
  nodeStopping (node: number): void {
    for (const c of this.clients) if (c.node === node) c.stopping = true
  }

  nodeDown (node: number): void {
    for (const c of this.clients) {
      if (c.node !== node) continue
      c.gen++
      if (c.state === 'acquiring' || c.state === 'holding') this.finishLive(c)
      if (this.opts.kind === 'light' && (c.state === 'acquiring' || c.state === 'holding')) this.lightBusy = false
      c.state = 'dead'
      c.lock = null
    }
  }

  /**
   * The applications on `node` give up their waiting acquires now (the
   * simulator aims this at moments when the node's results wait behind a
   * fence-store write: a grant may be held back exactly then).
   */
  cancelWaiting (node: number): void {
    if (this.phaseNow !== 'safety') return
    for (const c of this.clients) {
      if (c.node === node && c.state === 'acquiring' && c.abort !== null && !c.abort.signal.aborted) c.abort.abort()
    }
  }

  // -- the client's life ----------------------------------------------------

  private think (c: Client, delayMs: number): void {
    const gen = c.gen
    this.host.later(c.node, delayMs, () => {
      if (c.gen !== gen || c.state !== 'idle' || c.stopping) return
      if (this.phaseNow === 'safety' || this.phaseNow === 'live') this.startAcquire(c)
    })
  }

  private becomeIdle (c: Client): void {
    this.finishLive(c)
    if (this.opts.kind === 'light') this.lightBusy = false
    c.state = 'idle'
    c.lock = null
    c.abort = null
    c.finishUsing = null
    const k = this.opts.kind
    const burst = this.phaseNow === 'live' && this.opts.liveKeys === 1
    this.think(c, k === 'heavy' || burst ? this.rng.range(0.5, 5) : k === 'light' ? this.rng.range(50, 80) : this.rng.exp(this.opts.thinkMeanMs))
  }

  private finishLive (c: Client): void {
    if (!c.live) return
    c.live = false
    this.liveActive.set(c.key, (this.liveActive.get(c.key) ?? 1) - 1)
  }

  private startAcquire (c: Client): void {
    const mesh = this.host.mesh(c.node)
    if (mesh === null) return
    const r = this.rng
    const o = this.opts
    let key: string
    let mode: LockMode = 'exclusive'
    let noWait = false
    let waitMs: number | null = null
    let cancelAfter: number | null = null
    let live = false
    let viaUsing = false
    if (o.kind === 'light') {
      if (this.lightBusy) { this.think(c, r.range(20, 60)); return }
      this.lightBusy = true
      key = r.pick(COLD_KEYS)
    } else if (o.kind === 'heavy') {
      key = HOT_KEYS[0]
    } else if (this.phaseNow === 'live') {
      const free = [...HOT_KEYS, ...COLD_KEYS.slice(0, 3)].slice(0, o.liveKeys).filter(k => (this.liveActive.get(k) ?? 0) < o.liveContendersMax)
      if (free.length === 0) { this.think(c, r.range(20, 100)); return }
      key = r.pick(free)
      this.liveActive.set(key, (this.liveActive.get(key) ?? 0) + 1)
      live = true
      mode = r.chance(0.3) ? 'shared' : 'exclusive'
      noWait = r.chance(0.1)
      waitMs = o.liveBoundMs
    } else {
      key = r.chance(0.65) ? r.pick(HOT_KEYS) : r.pick(COLD_KEYS)
      mode = r.chance(0.3) ? 'shared' : 'exclusive'
      noWait = r.chance(0.15)
      waitMs = r.chance(0.3) ? null : r.range(50, 3000)
      // Cancels at any moment: many right around the grant (a few ms in), some long after.
      if (r.chance(0.2)) cancelAfter = r.chance(0.6) ? r.range(0.5, 30) : r.range(5, 1500)
      viaUsing = !noWait && !o.holdToExpiry && r.chance(0.2)
    }
    const ttlMs = Math.round(r.range(o.ttlMsMin, o.ttlMsMax))
    const handle = this.nextHandle++
    const gen = c.gen
    const abort = new AbortController()
    c.state = 'acquiring'
    c.handle = handle
    c.key = key
    c.mode = mode
    c.live = live
    c.abort = abort
    c.releasing = false
    this.host.record.acquire({ t: this.host.trueNow(), node: c.node, handle, key, mode, noWait, waitMs, live })
    const options = { mode, ttlMs, signal: abort.signal }
    const current = (): boolean => c.gen === gen && c.handle === handle
    const onFailure = (err: unknown): void => {
      if (!current() || c.state !== 'acquiring') return
      const name = err instanceof Error ? err.name : 'Error'
      this.host.record.failed(c.node, handle, FAILURE_OF_ERROR[name] ?? name)
      this.becomeIdle(c)
    }
    if (viaUsing) {
      mesh.using(key, async (signal, lock) => {
        if (!current()) return
        this.onGranted(c, lock)
        // The body runs until the plan says release, or the lock is lost.
        await new Promise<void>(resolve => {
          c.finishUsing = resolve
          signal.addEventListener('abort', () => { resolve() }, { once: true })
        })
        // using() releases right after the body returns: the app's belief ends here.
        if (current() && c.state === 'holding' && !signal.aborted) {
          c.releasing = true
          this.host.record.releaseIssued(c.node, handle, lock)
        }
      }, { ...options, waitMs: waitMs ?? Infinity }).then(() => {
        if (current() && c.state === 'holding') this.becomeIdle(c)
      }, onFailure)
    } else {
      const p = noWait ? mesh.tryAcquire(key, options) : mesh.acquire(key, { ...options, waitMs: waitMs ?? Infinity })
      p.then(lock => {
        if (!current() || c.state !== 'acquiring') { lock.release().catch(() => {}); return }
        this.onGranted(c, lock)
      }, onFailure)
    }
    if (cancelAfter !== null) {
      this.host.later(c.node, cancelAfter, () => {
        if (current() && c.state === 'acquiring') abort.abort()
      })
    }
  }

  private onGranted (c: Client, lock: Lock): void {
    const r = this.rng
    const now = this.host.trueNow()
    const o = this.opts
    const gen = c.gen
    const handle = c.handle
    if (lock.mode === 'exclusive') this.exclusiveGrants++
    else this.sharedGrants++
    c.state = 'holding'
    c.lock = lock
    this.host.record.granted(c.node, handle, lock)
    lock.signal.addEventListener('abort', () => {
      if (c.gen !== gen || c.handle !== handle || c.releasing) return
      this.host.record.lost(c.node, handle)
      if (c.state === 'holding') this.becomeIdle(c)
    }, { once: true })
    const validMs = lock.remainingMs()
    if (o.kind !== 'swarm') {
      c.releaseAt = now + (o.kind === 'heavy' ? r.range(2, 10) : r.range(5, 15))
    } else if (c.live) {
      c.releaseAt = now + r.range(10, 150)
    } else if (this.phaseNow !== 'safety') {
      c.releaseAt = now + r.range(0, 100)
    } else if (o.holdToExpiry) {
      c.releaseAt = Infinity
    } else {
      const style = r.float()
      if (style < 0.55) c.releaseAt = now + r.range(5, Math.max(10, validMs * 0.8))
      else if (style < 0.8) c.releaseAt = now + r.range(validMs, validMs * 3 + 500)
      else c.releaseAt = Infinity // hold until the lock is lost
    }
    c.extendTtlMs = Math.round(r.range(o.ttlMsMin * 0.8, o.ttlMsMax))
    if (c.releaseAt !== Infinity) this.planRelease(c, c.releaseAt - now)
    if (c.finishUsing === null) this.planExtend(c)
    if (c.mode === 'exclusive') this.readPauseWrite(c, handle, r.range(0, 20))
    else this.sharedRead(c, handle, r.range(0, 20))
  }

  private holding (c: Client, gen: number, handle: number): boolean {
    return c.gen === gen && c.state === 'holding' && c.handle === handle
  }

  private planRelease (c: Client, delayMs: number): void {
    const gen = c.gen
    const handle = c.handle
    c.releaseAt = this.host.trueNow() + delayMs
    this.host.later(c.node, delayMs, () => {
      if (!this.holding(c, gen, handle)) return
      this.release(c)
    })
  }

  private release (c: Client): void {
    const lock = c.lock
    if (lock === null) return
    if (c.finishUsing !== null) { c.finishUsing(); return }
    c.releasing = true
    this.host.record.releaseIssued(c.node, c.handle, lock)
    lock.release().catch(() => {})
    this.becomeIdle(c)
  }

  /** Extend at about 2/3 of the remaining validity while the hold is planned to outlast it. */
  private planExtend (c: Client): void {
    if (this.opts.kind !== 'swarm' || c.live || this.phaseNow !== 'safety' || c.lock === null) return
    const remaining = c.lock.remainingMs()
    if (remaining <= 0 || c.releaseAt === Infinity || c.releaseAt <= this.host.trueNow() + remaining) return
    const gen = c.gen
    const handle = c.handle
    const lock = c.lock
    const at = this.rng.chance(0.3) ? this.rng.range(0.2, 0.6) : 2 / 3
    this.host.later(c.node, remaining * at, () => {
      if (!this.holding(c, gen, handle) || this.phaseNow !== 'safety') return
      // Sometimes SHORTER than the lease it renews (the voters keep the later end).
      const ttlMs = this.rng.chance(0.3) ? Math.round(this.rng.range(this.opts.ttlMsMin * 0.2, this.opts.ttlMsMin)) : c.extendTtlMs
      lock.extend(ttlMs).then(() => {
        if (!this.holding(c, gen, handle)) return
            this.planExtend(c)
      }, () => { /* the lease ends at its current validity; the signal says when */ })
    })
  }

  /** Read, pause, write: the write goes out whatever happened meanwhile (no re-check). */
  private readPauseWrite (c: Client, handle: number, delayMs: number): void {
    const gen = c.gen
    this.host.later(c.node, delayMs, () => {
      if (!this.holding(c, gen, handle)) return
        const token = c.lock!.token
      const key = c.key
      this.host.storeRead(c.node, handle, key, token, read => {
        if (c.gen !== gen) return
        if (!read.accepted) {
          if (this.holding(c, gen, handle)) this.release(c)
          return
        }
        this.host.later(c.node, this.rng.chance(0.3) ? 0 : this.rng.range(0, 150), () => {
          if (c.gen !== gen) return
          this.host.storeWrite(c.node, handle, key, token, read.value + 1, () => {
            if (!this.holding(c, gen, handle)) return
            if (this.opts.kind === 'swarm' && this.host.trueNow() + 200 < c.releaseAt) this.readPauseWrite(c, handle, this.rng.range(0, 300))
          })
        })
      })
    })
  }

  private sharedRead (c: Client, handle: number, delayMs: number): void {
    const gen = c.gen
    this.host.later(c.node, delayMs, () => {
      if (!this.holding(c, gen, handle)) return
        this.host.storeRead(c.node, handle, c.key, c.lock!.token, () => {
        if (!this.holding(c, gen, handle)) return
        if (this.opts.kind === 'swarm' && this.host.trueNow() + 200 < c.releaseAt) this.sharedRead(c, handle, this.rng.range(50, 400))
      })
    })
  }
}
