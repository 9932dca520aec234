/**
 * Issue 11: the stream reader (defect 2) and fair processing, without the network.
 */
import { expect } from 'chai'
import { Uint8ArrayList } from 'uint8arraylist'
import type { Stream } from '@libp2p/interface'
import { DEFAULT_CODEC_LIMITS, decodeFrameBody, encodeFrames } from '../src/transport/codec.js'
import { encodeHandshake, localHandshakeInfo } from '../src/transport/handshake.js'
import { InboundScheduler, type InboundItem } from '../src/transport/inbound-scheduler.js'
import { LengthPrefixedReader, prefixBytesMax } from '../src/transport/length-prefixed-reader.js'
import { Session } from '../src/transport/session.js'
import { lengthPrefixed } from '../src/transport/varint.js'
import type { Frame } from '../src/core/types.js'

const MiB = 1024 * 1024

function reader (max = MiB): LengthPrefixedReader {
  return new LengthPrefixedReader({ messageBytesMax: max, bufferBytesMax: 2 * max + 4 * MiB })
}

function drain (r: LengthPrefixedReader): number[][] {
  const out: number[][] = []
  for (let m = r.next(); m !== null; m = r.next()) out.push([...m.subarray()])
  return out
}

function errorOf (fn: () => unknown): Error | undefined {
  try { fn() } catch (err) { return err as Error }
  return undefined
}

describe('length-prefixed reader (issue 11, defect 2)', () => {
  it('a prefix that cannot be a valid length is a MalformedFrameError as soon as its bytes show it', () => {
    expect(prefixBytesMax(MiB)).to.equal(3)
    const cases: Array<[string, number[]]> = [
      ['eleven 0xff bytes', new Array(11).fill(0xff)],
      ['2^63 as a varint', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ['four continuation bytes (more than a 1 MiB length needs)', [0x80, 0x80, 0x80, 0x80]],
      ['1 MiB + 1', [0x81, 0x80, 0x40]],
      ['2^31', [0x80, 0x80, 0x80, 0x80, 0x08]]
    ]
    for (const [name, bytes] of cases) {
      const r = reader()
      r.push(Uint8Array.from(bytes))
      const err = errorOf(() => r.next())
      expect(err?.name, name).to.equal('MalformedFrameError')
    }
    // The same prefixes fed one byte at a time: the error comes by the 4th byte, never "need more" forever.
    for (const [name, bytes] of cases) {
      const r = reader()
      let err: Error | undefined
      for (const b of bytes) {
        r.push(Uint8Array.of(b))
        err = errorOf(() => r.next())
        if (err !== undefined) break
      }
      expect(err?.name, `${name}, byte by byte`).to.equal('MalformedFrameError')
    }
  })

  it('splits messages across any chunking, keeps partial ones without throwing, and refuses to buffer past its bound', () => {
    const messages = [[], [1], new Array(200).fill(7), new Array(20_000).fill(3)].map(m => Uint8Array.from(m))
    const wire = new Uint8ArrayList(...messages.map(m => lengthPrefixed(m))).subarray()
    for (const chunk of [1, 2, 3, 127, 128, 4096, wire.byteLength]) {
      const r = reader()
      const got: number[][] = []
      for (let i = 0; i < wire.byteLength; i += chunk) {
        r.push(wire.subarray(i, i + chunk))
        got.push(...drain(r))
      }
      expect(got.map(m => m.length), `chunk ${chunk}`).to.deep.equal(messages.map(m => m.byteLength))
      expect(r.bufferedBytes).to.equal(0)
    }
    const small = new LengthPrefixedReader({ messageBytesMax: 100, bufferBytesMax: 300 })
    small.push(new Uint8Array(300))
    expect(errorOf(() => { small.push(new Uint8Array(1)) })?.name).to.equal('MalformedFrameError')
  })
})

function frame (n: number): Frame {
  return { h: { clock: BigInt(n), inc: 1, fn: n, ack: 0, ackInc: 0 }, b: { t: 'PING' } }
}

describe('inbound scheduler: fair, bounded processing (issue 11)', () => {
  function scheduler (opts: { queueFramesMax?: number } = {}): { s: InboundScheduler<string>, seen: Array<[string, number]>, turns: Array<() => void>, room: string[], clock: { t: number } } {
    const seen: Array<[string, number]> = []
    const turns: Array<() => void> = []
    const room: string[] = []
    const clock = { t: 0 }
    const s = new InboundScheduler<string>({
      queueFramesMax: opts.queueFramesMax ?? 10_000,
      sliceFramesMax: 4,
      turnFramesMax: 16,
      turnMsMax: 1_000,
      now: () => clock.t,
      deliver: (peer: string, item: InboundItem<string>) => { seen.push([peer, item.frame.h.fn]) },
      roomAgain: peer => { room.push(peer) },
      defer: fn => { turns.push(fn) }
    })
    return { s, seen, turns, room, clock }
  }

  it('one flooding peer cannot hold the loop: turns are bounded, peers alternate in slices, each peer\'s order is kept', () => {
    const { s, seen, turns } = scheduler()
    s.enqueue('flood', Array.from({ length: 4_096 }, (_, i) => frame(i + 1)), 0, 'x')
    s.enqueue('honest', [frame(1), frame(2)], 0, 'x')
    expect(turns).to.have.length(1)
    turns.shift()!()
    // One turn = 16 frames at most; the honest peer's frames went first (a peer with nothing
    // waiting goes ahead of a backlog), then the flood in slices.
    expect(seen).to.have.length(16)
    expect(seen.slice(0, 6)).to.deep.equal([['honest', 1], ['honest', 2], ['flood', 1], ['flood', 2], ['flood', 3], ['flood', 4]])
    // The rest comes in later turns (the event loop runs in between), in order.
    for (let guard = 0; guard < 1_000 && turns.length > 0; guard++) turns.shift()!()
    const flood = seen.filter(([p]) => p === 'flood').map(([, n]) => n)
    expect(flood).to.deep.equal(Array.from({ length: 4_096 }, (_, i) => i + 1))
    expect(s.yields).to.be.at.least(4_096 / 16 - 1)
  })

  it('a frame from a peer with nothing waiting goes next, ahead of a backlog, however long the backlog is', () => {
    const { s, seen, turns } = scheduler()
    s.enqueue('flood', Array.from({ length: 1_000 }, (_, i) => frame(i + 1)), 0, 'x')
    s.enqueue('busy', Array.from({ length: 100 }, (_, i) => frame(i + 1)), 0, 'x')
    for (let turn = 0; turn < 10; turn++) {
      turns.shift()!()
      // Mid-backlog, a light peer sends one frame: it is the first one of the next turn.
      s.enqueue(`light${turn}`, [frame(1)], 0, 'x')
      const before = seen.length
      turns.shift()!()
      expect(seen[before], `turn ${turn}`).to.deep.equal([`light${turn}`, 1])
    }
    for (let guard = 0; guard < 1_000 && turns.length > 0; guard++) turns.shift()!()
    // Nobody lost or reordered anything.
    expect(seen.filter(([p]) => p === 'flood').map(([, n]) => n)).to.deep.equal(Array.from({ length: 1_000 }, (_, i) => i + 1))
    expect(seen.filter(([p]) => p === 'busy').map(([, n]) => n)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(seen).to.have.length(1_110)
  })

  it('bounds each peer\'s queue in bytes too: full past the byte bound, room again only once frames and bytes are both at half', () => {
    const room: string[] = []
    const turns: Array<() => void> = []
    const s = new InboundScheduler<string, Uint8Array>({
      queueFramesMax: 1_000,
      queueBytesMax: 1_000,
      sizeOf: b => b.byteLength,
      sliceFramesMax: 1,
      turnFramesMax: 1,
      turnMsMax: 1_000,
      now: () => 0,
      deliver: () => {},
      roomAgain: peer => { room.push(peer) },
      defer: fn => { turns.push(fn) }
    })
    // 9 frames of 100 bytes: room; the 10th reaches 1,000 bytes: stop reading (far below 1,000 frames).
    expect(s.enqueue('p', Array.from({ length: 9 }, () => new Uint8Array(100)), 0, 'x')).to.equal(true)
    expect(s.enqueue('p', [new Uint8Array(100)], 0, 'x')).to.equal(false)
    expect(s.queuedBytes('p')).to.equal(1_000)
    expect(s.queuedBytesMaxSeen).to.equal(1_000)
    // One frame per turn: no room signal until 500 bytes remain.
    for (let i = 0; i < 4; i++) turns.shift()!()
    expect(s.queuedBytes('p')).to.equal(600)
    expect(room).to.deep.equal([])
    turns.shift()!()
    expect(s.queuedBytes('p')).to.equal(500)
    expect(room).to.deep.equal(['p'])
    s.clear('p')
    expect(s.queuedBytes('p')).to.equal(0)
  })

  it('a backlogged peer gets turns with idle gaps while light peers are active; a light frame in a gap is handled at once, without the backlog', () => {
    const seen: Array<[string, number]> = []
    const turns: Array<() => void> = []
    const gaps: Array<() => void> = []
    const clock = { t: 0 }
    const s = new InboundScheduler<string>({
      queueFramesMax: 10_000,
      sliceFramesMax: 4,
      turnFramesMax: 8,
      turnMsMax: 1_000,
      backlogMs: 20,
      backlogGapMs: 1,
      now: () => clock.t,
      deliver: (peer, item) => { seen.push([peer, item.frame.h.fn]) },
      roomAgain: () => {},
      defer: fn => { turns.push(fn) },
      later: fn => { gaps.push(fn); return () => { gaps.splice(gaps.indexOf(fn), 1) } }
    })
    s.enqueue('flood', Array.from({ length: 100 }, (_, i) => frame(i + 1)), 0, 'x')
    // Not backlogged yet (waiting < 20 ms): turns follow each other at once.
    turns.shift()!()
    expect(turns).to.have.length(1)
    expect(gaps).to.have.length(0)
    clock.t = 30
    s.enqueue('light', [frame(1)], 0, 'x')
    turns.shift()!()
    // The light peer went first; only the backlog is left: the next turn waits for a gap.
    expect(seen.filter(([p]) => p === 'light')).to.deep.equal([['light', 1]])
    expect(turns).to.have.length(0)
    expect(gaps).to.have.length(1)
    expect(s.gaps).to.equal(1)
    // A light frame during the gap: a turn at once, for it alone; the gap keeps running.
    const before = seen.length
    s.enqueue('light', [frame(2)], 0, 'x')
    expect(turns).to.have.length(1)
    turns.shift()!()
    expect(seen.slice(before)).to.deep.equal([['light', 2]])
    expect(gaps).to.have.length(1)
    // The gap ends: the backlog's turn.
    gaps.shift()!()
    turns.shift()!()
    expect(seen.slice(before + 1).every(([p]) => p === 'flood')).to.equal(true)
    expect(seen.length).to.equal(before + 1 + 8)
    // A light frame, then the gap ends before its turn runs: that turn serves the backlog too.
    // (the backlog's turn left only the backlog: a new gap)
    expect(turns).to.have.length(0)
    expect(gaps).to.have.length(1)
    const mark = seen.length
    s.enqueue('light', [frame(3)], 0, 'x')
    gaps.shift()!()
    expect(turns).to.have.length(1)
    turns.shift()!()
    expect(seen.slice(mark)[0]).to.deep.equal(['light', 3])
    expect(seen.slice(mark + 1).length).to.be.above(0)
    expect(seen.slice(mark + 1).every(([p]) => p === 'flood')).to.equal(true)
    // Without light peers for backlogMs (every sender busy: a saturated mesh), no gaps.
    clock.t = 100
    const gapsBefore = s.gaps
    for (let guard = 0; guard < 100 && (turns.length > 0 || gaps.length > 0); guard++) (turns.shift() ?? gaps.shift())!()
    expect(s.gaps).to.equal(gapsBefore)
    expect(seen.filter(([p]) => p === 'flood').map(([, n]) => n)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1))
  })

  it('a turn also ends on time, whatever its frame budget', () => {
    const { s, seen, turns, clock } = scheduler()
    s.enqueue('slow', Array.from({ length: 100 }, (_, i) => frame(i + 1)), 0, 'x')
    const original = seen.push.bind(seen)
    seen.push = (...items) => { clock.t += 600; return original(...items) }
    turns.shift()!()
    expect(seen.length).to.equal(4) // one slice, then 1,000 ms had passed
    expect(turns).to.have.length(1)
  })

  it('a full queue says stop reading; room again at half; clear drops a peer\'s frames', () => {
    const { s, turns, room } = scheduler({ queueFramesMax: 20 })
    expect(s.enqueue('p', Array.from({ length: 10 }, (_, i) => frame(i)), 0, 'x')).to.equal(true)
    expect(s.enqueue('p', Array.from({ length: 12 }, (_, i) => frame(i)), 0, 'x')).to.equal(false)
    expect(s.hasRoom('p')).to.equal(false)
    turns.shift()!() // 16 handled: 6 left
    expect(room).to.deep.equal(['p'])
    s.clear('p')
    expect(s.queued('p')).to.equal(0)
  })
})

/**
 * A stream that behaves like @libp2p/utils' AbstractMessageStream over yamux, fed by hand: while
 * paused, bytes wait in its read buffer and the window is shut; resume() hands the buffer over in
 * one synchronous 'message' event and only then opens the window again.
 */
class FakeStream extends EventTarget {
  maxReadBufferLength = 4 * 1024 * 1024
  status = 'open'
  readStatus: 'readable' | 'paused' = 'readable'
  /** yamux grants window (false while paused). */
  windowOpen = true
  resumed = 0
  private buffered: number[] = []
  send (): boolean { return true }
  pause (): void {
    if (this.readStatus === 'paused') return
    this.readStatus = 'paused'
    this.windowOpen = false
  }
  resume (): void {
    if (this.readStatus === 'readable') return
    this.readStatus = 'readable'
    this.resumed++
    if (this.buffered.length > 0) { const bytes = Uint8Array.from(this.buffered); this.buffered = []; this.dispatch(bytes) }
    this.windowOpen = true
  }
  abort (): void { this.status = 'aborted' }
  async onDrain (): Promise<void> {}
  push (bytes: Uint8Array): void {
    if (this.readStatus === 'paused') this.buffered.push(...bytes)
    else this.dispatch(bytes)
  }
  private dispatch (bytes: Uint8Array): void {
    const evt = new Event('message') as Event & { data: Uint8Array }
    evt.data = bytes
    this.dispatchEvent(evt)
  }
}

describe('session: backpressure at read time (issue 11)', () => {
  const local = localHandshakeInfo({ configHash: 'abcd', incarnation: 1, clock: 1n, quietRemainingMs: 0 })
  const header = (fn: number): Frame['h'] => ({ clock: 1n, inc: 1, fn, ack: 0, ackInc: 0 })

  function session (accept: (frames: Uint8Array[]) => boolean): { stream: FakeStream, s: Session, batches: Uint8Array[][] } {
    const stream = new FakeStream()
    const batches: Uint8Array[][] = []
    const s = new Session({
      peer: 'p',
      opener: 'p',
      stream: stream as unknown as Stream,
      local,
      limits: DEFAULT_CODEC_LIMITS,
      handshakeTimeoutMs: 60_000,
      handlers: {
        handshake: (sess, remote) => { sess.markUp(remote); return true },
        batch: (_s, frames) => { batches.push(frames); return accept(frames) },
        malformed: () => {},
        closed: () => {}
      }
    })
    stream.push(lengthPrefixed(encodeHandshake(local)))
    expect(s.state).to.equal('up')
    return { stream, s, batches }
  }

  const batch = (from: number, n: number): Uint8Array => lengthPrefixed(encodeFrames(Array.from({ length: n }, (_, i) => ({ h: header(from + i), b: { t: 'PING' } }))))
  const fns = (batches: Uint8Array[][]): number[] => batches.flat().map(b => decodeFrameBody(b).h.fn)

  it('a full queue pauses the stream and stops pulling: later batches stay unread, in order, until resumeReading()', () => {
    let room = false
    const { stream, s, batches } = session(() => room)
    // Three batches in one chunk: the first fills the queue, the other two must wait unpulled.
    stream.push(new Uint8Array([...batch(1, 3), ...batch(4, 3), ...batch(7, 3)]))
    expect(batches).to.have.length(1)
    expect(stream.windowOpen).to.equal(false)
    expect(s.paused).to.equal(true)
    // Room for one more batch only: resuming pulls one, stays paused, does not resume the stream.
    s.resumeReading()
    expect(batches).to.have.length(2)
    expect(stream.resumed).to.equal(0)
    expect(stream.windowOpen).to.equal(false)
    room = true
    s.resumeReading()
    expect(batches).to.have.length(3)
    expect(stream.resumed).to.equal(1)
    expect(stream.windowOpen).to.equal(true)
    expect(s.paused).to.equal(false)
    // Split, not decoded: the transport decodes each frame in its turn; nothing lost or reordered.
    expect(batches.flat().every(b => b instanceof Uint8Array)).to.equal(true)
    expect(fns(batches)).to.deep.equal(Array.from({ length: 9 }, (_, i) => i + 1))
  })

  it('a queue that fills again while resume() hands over the paused bytes keeps the window shut', () => {
    let room = 0
    const { stream, s, batches } = session(() => room-- > 0)
    stream.push(batch(1, 2))
    expect(stream.windowOpen).to.equal(false)
    // What the peer sent meanwhile waits in the stream's read buffer (the window it still had).
    stream.push(new Uint8Array([...batch(3, 2), ...batch(5, 2), ...batch(7, 2)]))
    expect(batches).to.have.length(1)
    // Room for one batch: resume() hands over all three, the second one fills the queue again.
    room = 1
    s.resumeReading()
    expect(batches).to.have.length(3)
    expect(s.paused).to.equal(true)
    // The pause asked for inside resume() sticks: no window for the peer, nothing more pulled.
    expect(stream.windowOpen).to.equal(false)
    expect(stream.readStatus).to.equal('paused')
    room = 10
    s.resumeReading()
    expect(fns(batches)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8])
    expect(stream.windowOpen).to.equal(true)
  })
})
