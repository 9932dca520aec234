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
import type { LockMode, Now, Result, Validity } from '../../src/core/types.js'
import type { StoreDecision } from './fenced-store.js'
import type { AcquireRec } from './observer.js'
import type { Rng } from './rng.js'

export type WorkloadKind = 'swarm' | 'light' | 'heavy'
export type Phase = 'safety' | 'drain' | 'live' | 'finish'

export type ClientCommand =
  | { type: 'acquire', cmd: { handle: number, key: string, mode: LockMode, ttlMs: number, noWait: boolean, waitMs: number | null } }
  | { type: 'release', handle: number }
  | { type: 'extend', handle: number, ttlMs: number }
  | { type: 'cancel', handle: number }

export interface WorkloadHost {
  /** Hand a command to the node (queued behind whatever the node is doing). */
  issue: (node: number, cmd: ClientCommand) => void
  /** Run `fn` inside the node's process after `delayMs` (frozen while it is paused; dropped if it dies). */
  later: (node: number, delayMs: number, fn: () => void) => void
  storeRead: (node: number, handle: number, key: string, token: bigint, done: (d: StoreDecision) => void) => void
  storeWrite: (node: number, handle: number, key: string, token: bigint, value: number, done: (d: StoreDecision) => void) => void
  nodeNow: (node: number) => Now
  recordAcquire: (rec: AcquireRec) => void
  trueNow: () => number
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
  handle: number
  key: string
  mode: LockMode
  token: bigint
  validUntil: Validity
  /** True time the client plans to release (Infinity = hold until lost). */
  releaseAt: number
  extendTtlMs: number
  live: boolean
}

export const HOT_KEYS = ['hot0', 'hot1', 'hot2'] as const
const COLD_KEYS = Array.from({ length: 12 }, (_, i) => `cold${i}`)

export class Workload {
  private readonly clients: Client[] = []
  private readonly byHandle = new Map<number, Client>()
  private nextHandle = 1
  private phaseNow: Phase = 'safety'
  private readonly liveActive = new Map<string, number>()
  /** light: the one client currently allowed to work. */
  private lightBusy = false
  exclusiveGrants = 0

  constructor (private readonly host: WorkloadHost, private readonly rng: Rng, readonly opts: WorkloadOptions) {
    for (let node = 0; node < opts.nodes; node++) {
      for (let i = 0; i < opts.clientsPerNode; i++) {
        this.clients.push({ node, gen: 0, state: 'dead', handle: 0, key: '', mode: 'exclusive', token: 0n, validUntil: { mono: 0, wall: 0 }, releaseAt: 0, extendTtlMs: 0, live: false })
      }
    }
  }

  get phase (): Phase { return this.phaseNow }

  setPhase (phase: Phase): void {
    this.phaseNow = phase
    for (const c of this.clients) {
      if (c.state === 'dead') continue
      if (phase === 'drain') {
        // Heal: wind down. Waiting acquires are cancelled, holds end soon.
        if (c.state === 'acquiring') this.host.issue(c.node, { type: 'cancel', handle: c.handle })
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
      this.think(c, this.rng.range(0, 300))
    }
  }

  nodeDown (node: number): void {
    for (const c of this.clients) {
      if (c.node !== node) continue
      c.gen++
      if (c.state === 'acquiring' || c.state === 'holding') this.finishLive(c)
      if (this.opts.kind === 'light' && (c.state === 'acquiring' || c.state === 'holding')) this.lightBusy = false
      c.state = 'dead'
    }
  }

  onResult (node: number, r: Result): void {
    const handle = r.handle
    const c = this.byHandle.get(handle)
    if (c === undefined || c.node !== node || c.handle !== handle) return
    switch (r.type) {
      case 'granted':
        if (c.state !== 'acquiring') return
        if (r.mode === 'exclusive') this.exclusiveGrants++
        c.state = 'holding'
        c.token = r.token
        c.validUntil = r.validUntil
        this.onGranted(c)
        return
      case 'failed':
        if (c.state !== 'acquiring') return
        this.becomeIdle(c)
        return
      case 'lost':
      case 'released':
        if (c.state !== 'holding') return
        this.becomeIdle(c)
        return
      case 'not-holder':
        if (c.state === 'acquiring' && r.command === 'cancel') return
        if (c.state === 'holding' || c.state === 'acquiring') this.becomeIdle(c)
        return
      case 'extended':
        if (c.state !== 'holding') return
        c.validUntil = r.validUntil
        this.planExtend(c)
        return
      case 'extend-failed':
        return
    }
  }

  // -- the client's life ----------------------------------------------------

  private think (c: Client, delayMs: number): void {
    const gen = c.gen
    this.host.later(c.node, delayMs, () => {
      if (c.gen !== gen || c.state !== 'idle') return
      if (this.phaseNow === 'safety' || this.phaseNow === 'live') this.startAcquire(c)
    })
  }

  private becomeIdle (c: Client): void {
    this.finishLive(c)
    if (this.opts.kind === 'light') this.lightBusy = false
    c.state = 'idle'
    this.byHandle.delete(c.handle)
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
    const r = this.rng
    const o = this.opts
    let key: string
    let mode: LockMode = 'exclusive'
    let noWait = false
    let waitMs: number | null = null
    let cancelAfter: number | null = null
    let live = false
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
      if (r.chance(0.1)) cancelAfter = r.range(5, 1500)
    }
    const ttlMs = Math.round(r.range(o.ttlMsMin, o.ttlMsMax))
    const handle = this.nextHandle++
    c.state = 'acquiring'
    c.handle = handle
    c.key = key
    c.mode = mode
    c.live = live
    this.byHandle.set(handle, c)
    this.host.recordAcquire({ t: this.host.trueNow(), node: c.node, handle, key, mode, noWait, waitMs, live })
    this.host.issue(c.node, { type: 'acquire', cmd: { handle, key, mode, ttlMs, noWait, waitMs } })
    if (cancelAfter !== null) {
      const gen = c.gen
      this.host.later(c.node, cancelAfter, () => {
        if (c.gen === gen && c.state === 'acquiring' && c.handle === handle) this.host.issue(c.node, { type: 'cancel', handle })
      })
    }
  }

  private onGranted (c: Client): void {
    const r = this.rng
    const now = this.host.trueNow()
    const o = this.opts
    const validMs = Math.max(0, c.validUntil.mono - this.host.nodeNow(c.node).mono)
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
    this.planExtend(c)
    if (c.mode === 'exclusive') this.readPauseWrite(c, c.handle, r.range(0, 20))
    else this.sharedRead(c, c.handle, r.range(0, 20))
  }

  private planRelease (c: Client, delayMs: number): void {
    const gen = c.gen
    const handle = c.handle
    c.releaseAt = this.host.trueNow() + delayMs
    this.host.later(c.node, delayMs, () => {
      if (c.gen !== gen || c.state !== 'holding' || c.handle !== handle) return
      this.host.issue(c.node, { type: 'release', handle })
    })
  }

  /** Extend at about 2/3 of the remaining validity while the hold is planned to outlast it. */
  private planExtend (c: Client): void {
    if (this.opts.kind !== 'swarm' || c.live || this.phaseNow !== 'safety') return
    const remaining = c.validUntil.mono - this.host.nodeNow(c.node).mono
    if (remaining <= 0 || c.releaseAt === Infinity || c.releaseAt <= this.host.trueNow() + remaining) return
    const gen = c.gen
    const handle = c.handle
    const at = this.rng.chance(0.3) ? this.rng.range(0.2, 0.6) : 2 / 3
    this.host.later(c.node, remaining * at, () => {
      if (c.gen !== gen || c.state !== 'holding' || c.handle !== handle || this.phaseNow !== 'safety') return
      // Sometimes SHORTER than the lease it renews (the voters keep the later end).
      const ttlMs = this.rng.chance(0.3) ? Math.round(this.rng.range(this.opts.ttlMsMin * 0.2, this.opts.ttlMsMin)) : c.extendTtlMs
      this.host.issue(c.node, { type: 'extend', handle, ttlMs })
    })
  }

  /** Read, pause, write: the write goes out whatever happened meanwhile (no re-check). */
  private readPauseWrite (c: Client, handle: number, delayMs: number): void {
    const gen = c.gen
    this.host.later(c.node, delayMs, () => {
      if (c.gen !== gen || c.state !== 'holding' || c.handle !== handle) return
      const token = c.token
      const key = c.key
      this.host.storeRead(c.node, handle, key, token, read => {
        if (c.gen !== gen) return
        if (!read.accepted) {
          if (c.state === 'holding' && c.handle === handle) this.host.issue(c.node, { type: 'release', handle })
          return
        }
        this.host.later(c.node, this.rng.chance(0.3) ? 0 : this.rng.range(0, 150), () => {
          if (c.gen !== gen) return
          this.host.storeWrite(c.node, handle, key, token, read.value + 1, () => {
            if (c.gen !== gen || c.state !== 'holding' || c.handle !== handle) return
            if (this.opts.kind === 'swarm' && this.host.trueNow() + 200 < c.releaseAt) this.readPauseWrite(c, handle, this.rng.range(0, 300))
          })
        })
      })
    })
  }

  private sharedRead (c: Client, handle: number, delayMs: number): void {
    const gen = c.gen
    this.host.later(c.node, delayMs, () => {
      if (c.gen !== gen || c.state !== 'holding' || c.handle !== handle) return
      this.host.storeRead(c.node, handle, c.key, c.token, () => {
        if (c.gen !== gen || c.state !== 'holding' || c.handle !== handle) return
        if (this.opts.kind === 'swarm' && this.host.trueNow() + 200 < c.releaseAt) this.sharedRead(c, handle, this.rng.range(50, 400))
      })
    })
  }
}
