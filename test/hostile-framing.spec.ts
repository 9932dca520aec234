/**
 * Issue 11: the stream reader (defect 2) and fair processing, without the network.
 */
import { expect } from 'chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { InboundScheduler, type InboundItem } from '../src/transport/inbound-scheduler.js'
import { LengthPrefixedReader, prefixBytesMax } from '../src/transport/length-prefixed-reader.js'
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
    // One turn = 16 frames at most; the honest peer's frames went in the first round.
    expect(seen).to.have.length(16)
    expect(seen.slice(0, 6)).to.deep.equal([['flood', 1], ['flood', 2], ['flood', 3], ['flood', 4], ['honest', 1], ['honest', 2]])
    // The rest comes in later turns (the event loop runs in between), in order.
    for (let guard = 0; guard < 1_000 && turns.length > 0; guard++) turns.shift()!()
    const flood = seen.filter(([p]) => p === 'flood').map(([, n]) => n)
    expect(flood).to.deep.equal(Array.from({ length: 4_096 }, (_, i) => i + 1))
    expect(s.yields).to.be.at.least(4_096 / 16 - 1)
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
