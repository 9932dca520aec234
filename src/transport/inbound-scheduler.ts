/**
 * Fair processing of received frames: one bounded FIFO queue per peer,
 * drained round-robin in slices, yielding to the event loop between turns.
 *
 * Why: a peer's 4,096-frame batch handed to the core synchronously stalled the
 * event loop 0.3–2.2 s, long enough for every peer (and the node itself) to
 * look dead (issue 11). Here one peer gets at most `sliceFramesMax` frames
 * before the next peer's turn, and a turn ends after `turnFramesMax` frames or
 * `turnMsMax` ms, so timers, I/O and other peers' frames run in between.
 * A peer whose queue is full (in frames or in bytes) is told to stop reading
 * (the transport pauses its stream: backpressure lands on that peer's link only).
 *
 * A peer with nothing waiting goes next, ahead of a backlog. While light peers
 * are active and only backlogged peers (queue not emptied for `backlogMs`) have
 * frames left, turns are `backlogGapMs` apart: the loop idles in between, so a
 * light peer's frame is handled as it arrives, and a flooder gets a bounded share.
 *
 * The transport queues frames still encoded (`P` = their bytes) and decodes
 * each in `deliver`: what a flood costs to decode is then spent inside this
 * budget, in the flooder's share of the turns, not at read time.
 */
import type { Frame, NodeId } from '../core/types.js'

export interface InboundItem<Tag, P = Frame> {
  /** The frame (or its still-encoded bytes). */
  frame: P
  /** When its bytes were read (the clock given to the scheduler). */
  readAt: number
  /** Who delivered it (the transport passes the session, to skip frames of a replaced stream). */
  tag: Tag
}

export interface InboundSchedulerOptions<Tag, P = Frame> {
  /** Frames queued per peer before it is told to stop reading. */
  queueFramesMax: number
  /** Bytes (`sizeOf`) queued per peer before it is told to stop reading. Default: no byte bound. */
  queueBytesMax?: number
  /** Bytes one queued frame holds (default 0: only the frame bound applies). */
  sizeOf?: (frame: P) => number
  /** Frames of one peer handled before the next peer's turn. */
  sliceFramesMax: number
  /** Frames handled in one event-loop turn, all peers together. */
  turnFramesMax: number
  /** A turn ends after this long even if frames remain. */
  turnMsMax: number
  now: () => number
  deliver: (peer: NodeId, item: InboundItem<Tag, P>, ageMs: number) => void
  /** The peer's queue drained to half: it may read again. */
  roomAgain: (peer: NodeId) => void
  /** Runs `fn` on a later event-loop turn (default setImmediate). */
  defer?: (fn: () => void) => void
  /**
   * A peer whose frames have waited this long without its queue ever emptying is backlogged
   * (a flooder, or a peer sending faster than we work). Default: never (no gaps).
   */
  backlogMs?: number
  /**
   * While a light peer (one that had nothing waiting) was served within the last `backlogMs`,
   * and only backlogged peers have frames left after a turn, the next turn waits this long: the
   * event loop is idle meanwhile, so a light peer's frame is handled as it arrives (its arrival
   * brings the turn forward), and backlogged peers get a bounded share of the time. Default 1.
   */
  backlogGapMs?: number
  /** Runs `fn` after `ms` (default setTimeout); returns a cancel function. */
  later?: (fn: () => void, ms: number) => () => void
}

/** A FIFO with O(1) shift (an array and a head index, compacted as it drains). */
class Fifo<T> {
  private items: T[] = []
  private head = 0

  get length (): number { return this.items.length - this.head }

  push (item: T): void { this.items.push(item) }

  shift (): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head]
    this.items[this.head++] = undefined as T
    if (this.head >= 1_024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  clear (): void { this.items = []; this.head = 0 }
}

export class InboundScheduler<Tag, P = Frame> {
  private readonly queues = new Map<NodeId, Fifo<InboundItem<Tag, P>>>()
  /** Bytes queued per peer (`sizeOf`). */
  private readonly bytes = new Map<NodeId, number>()
  private readonly queueBytesMax: number
  private readonly sizeOf: (frame: P) => number
  /** Peers with frames waiting, in round-robin order. */
  private ring: NodeId[] = []
  private next = 0
  /** Peers told to stop reading. */
  private readonly full = new Set<NodeId>()
  private scheduled = false
  /** Cancels the gap timer while one runs. */
  private gap: (() => void) | null = null
  /** When each waiting peer's queue last went from empty to non-empty. */
  private readonly waitingSince = new Map<NodeId, number>()
  /** When a light peer's frames were last queued. */
  private lightAt = -Infinity
  /** Turns that waited a gap because only backlogged peers had frames left (diagnostics, tests). */
  gaps = 0
  private stopped = false
  /** Most frames ever queued for one peer (diagnostics, tests). */
  queuedMaxSeen = 0
  /** Most bytes ever queued for one peer (diagnostics, tests). */
  queuedBytesMaxSeen = 0
  /** Turns that ended with frames still waiting (yielded to the event loop). */
  yields = 0

  constructor (private readonly opts: InboundSchedulerOptions<Tag, P>) {
    this.queueBytesMax = opts.queueBytesMax ?? Infinity
    this.sizeOf = opts.sizeOf ?? (() => 0)
  }

  /** Frames waiting for `peer`. */
  queued (peer: NodeId): number { return this.queues.get(peer)?.length ?? 0 }

  /** Bytes waiting for `peer`. */
  queuedBytes (peer: NodeId): number { return this.bytes.get(peer) ?? 0 }

  /** True while `peer` may add more (its queue is below both bounds). */
  hasRoom (peer: NodeId): boolean { return this.queued(peer) < this.opts.queueFramesMax && this.queuedBytes(peer) < this.queueBytesMax }

  /** Queues one batch of `peer`'s frames (in order); false = full now, stop reading. */
  enqueue (peer: NodeId, frames: readonly P[], readAt: number, tag: Tag): boolean {
    if (this.stopped) return false
    let q = this.queues.get(peer)
    if (q === undefined) { q = new Fifo(); this.queues.set(peer, q) }
    // A peer with nothing waiting goes next, not behind a backlogged one: a light peer's frame
    // waits for at most the slice in progress, however long a flooder's queue is.
    if (q.length === 0 && frames.length > 0) {
      if (this.next > this.ring.length) this.next = 0
      this.ring.splice(this.next, 0, peer)
      const now = this.opts.now()
      this.waitingSince.set(peer, now)
      this.lightAt = now
    }
    let bytes = this.queuedBytes(peer)
    for (const frame of frames) { q.push({ frame, readAt, tag }); bytes += this.sizeOf(frame) }
    this.bytes.set(peer, bytes)
    if (q.length > this.queuedMaxSeen) this.queuedMaxSeen = q.length
    if (bytes > this.queuedBytesMaxSeen) this.queuedBytesMaxSeen = bytes
    this.schedule()
    if (!this.hasRoom(peer)) { this.full.add(peer); return false }
    return true
  }

  /** Drops everything waiting for `peer` (its stream went down or was replaced). */
  clear (peer: NodeId): void {
    const q = this.queues.get(peer)
    if (q === undefined) return
    q.clear()
    this.queues.delete(peer)
    this.bytes.delete(peer)
    this.waitingSince.delete(peer)
    this.ring = this.ring.filter(p => p !== peer)
    this.full.delete(peer)
  }

  stop (): void {
    this.stopped = true
    if (this.gap !== null) { this.gap(); this.gap = null }
    for (const peer of [...this.queues.keys()]) this.clear(peer)
  }

  private schedule (): void {
    if (this.scheduled || this.stopped) return
    // A light peer's frame arrived during a gap: a turn for light peers only comes now (the
    // backlog keeps its own pace: the gap timer is left running).
    if (this.gap !== null) {
      this.scheduled = true
      const defer = this.opts.defer ?? ((fn: () => void) => { setImmediate(fn) })
      defer(() => {
        this.scheduled = false
        // The gap may have ended meanwhile: then this turn is the backlog's too.
        this.drain(this.gap !== null)
      })
      return
    }
    this.scheduled = true
    const defer = this.opts.defer ?? ((fn: () => void) => { setImmediate(fn) })
    defer(() => {
      this.scheduled = false
      this.drain()
    })
  }

  /** One turn: slices round-robin until the turn's budget is spent or nothing waits. */
  drain (lightOnly = false): void {
    if (this.stopped) return
    const o = this.opts
    const start = o.now()
    let handled = 0
    let skipped = 0
    while (this.ring.length > 0 && handled < o.turnFramesMax) {
      if (this.next >= this.ring.length) this.next = 0
      const peer = this.ring[this.next]!
      if (lightOnly && this.isBacklogged(peer, start)) {
        // A gap's light-only turn: backlogged peers wait for the gap's end.
        if (++skipped >= this.ring.length) break
        this.next++
        continue
      }
      const q = this.queues.get(peer)
      let slice = 0
      const sliceMax = Math.min(o.sliceFramesMax, o.turnFramesMax - handled)
      while (q !== undefined && q.length > 0 && slice < sliceMax && !this.stopped) {
        const item = q.shift()!
        slice++
        this.bytes.set(peer, this.queuedBytes(peer) - this.sizeOf(item.frame))
        o.deliver(peer, item, Math.max(0, o.now() - item.readAt))
      }
      handled += slice
      if (this.stopped) return
      // deliver() may have cleared this peer (its stream closed): the ring changed under us.
      const current = this.queues.get(peer)
      if (current === undefined || current.length === 0) {
        const i = this.ring.indexOf(peer)
        if (i >= 0) { this.ring.splice(i, 1); if (i < this.next) this.next-- }
        this.waitingSince.delete(peer)
      } else {
        this.next++
      }
      if (current !== undefined && this.full.has(peer) && current.length <= o.queueFramesMax / 2 && this.queuedBytes(peer) <= this.queueBytesMax / 2) {
        this.full.delete(peer)
        o.roomAgain(peer)
      }
      if (o.now() - start >= o.turnMsMax) break
    }
    if (this.ring.length > 0) {
      this.yields++
      if (this.gap !== null && this.onlyBacklogLeft()) return
      if (this.onlyBacklogLeft()) this.scheduleAfterGap()
      else this.schedule()
    }
  }

  private isBacklogged (peer: NodeId, now: number): boolean {
    return this.opts.backlogMs !== undefined && now - (this.waitingSince.get(peer) ?? now) >= this.opts.backlogMs
  }

  /** Light peers were served lately and every peer with frames left is backlogged. */
  private onlyBacklogLeft (): boolean {
    const backlogMs = this.opts.backlogMs
    if (backlogMs === undefined) return false
    const now = this.opts.now()
    if (now - this.lightAt > backlogMs) return false
    for (const peer of this.ring) if (!this.isBacklogged(peer, now)) return false
    return true
  }

  private scheduleAfterGap (): void {
    if (this.scheduled || this.gap !== null || this.stopped) return
    this.gaps++
    const later = this.opts.later ?? ((fn: () => void, ms: number) => { const t = setTimeout(fn, ms); return () => { clearTimeout(t) } })
    this.gap = later(() => {
      this.gap = null
      this.schedule()
    }, this.opts.backlogGapMs ?? 1)
  }
}
