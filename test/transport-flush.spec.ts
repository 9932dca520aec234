/**
 * Issue 10: a peer link flushes the frames queued in one synchronous run in
 * one `send()` from a microtask — before any later macrotask (setImmediate,
 * timers), not on the next event-loop turn. On the code before (flush on
 * setImmediate) the first test fails.
 */
import { expect } from 'chai'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Frame } from '../src/core/types.js'
import { DEFAULT_CODEC_LIMITS, decodeFrames, encodeFrameEntry } from '../src/transport/codec.js'
import { PeerLink } from '../src/transport/peer-link.js'
import type { Session } from '../src/transport/session.js'
import { emptyStats } from '../src/transport/stats.js'
import { LengthPrefixedReader } from '../src/transport/length-prefixed-reader.js'

const PEER = '12D3KooWSTPxnnK6st4EhJraMBVQm4PLzEBbvUMU2DFuUpWqdYxZ'

function link (): { link: PeerLink, sent: Uint8Array[] } {
  const sent: Uint8Array[] = []
  const l = new PeerLink({ peer: PEER, peerId: peerIdFromString(PEER), dialer: true, limits: DEFAULT_CODEC_LIMITS, queueFramesMax: 1_000, queueBytesMax: 1 << 20, stats: emptyStats() })
  l.session = { state: 'up', send: (b: Uint8Array) => { sent.push(b); return true }, drained: async () => {} } as unknown as Session
  return { link: l, sent }
}

/** A PING whose frame number `fn` tells the frames apart. */
function ping (n: number): Frame {
  return { h: { clock: 1n, inc: 1, fn: n, ack: 0, ackInc: 0 }, b: { t: 'PING' } }
}

/** The frames inside one write (length-prefixed batches). */
function framesIn (bytes: Uint8Array): Frame[] {
  const r = new LengthPrefixedReader({ messageBytesMax: DEFAULT_CODEC_LIMITS.frameBytesMax, bufferBytesMax: 1 << 24 })
  r.push(bytes)
  const out: Frame[] = []
  for (let m = r.next(); m !== null; m = r.next()) out.push(...decodeFrames(m.subarray(), DEFAULT_CODEC_LIMITS))
  return out
}

describe('transport: peer link flush (issue 10)', () => {
  it('frames queued in one synchronous run leave in one send(), before the next macrotask', async () => {
    const { link: l, sent } = link()
    for (let i = 1; i <= 3; i++) l.enqueue({ entry: encodeFrameEntry(ping(i)), t: 'PING' })
    expect(sent, 'nothing is written synchronously').to.have.length(0)
    let immediateRan = false
    setImmediate(() => { immediateRan = true })
    await Promise.resolve()
    await Promise.resolve()
    expect(immediateRan).to.equal(false)
    expect(sent, 'one write, from a microtask').to.have.length(1)
    expect(framesIn(sent[0]!).map(f => f.h.fn)).to.deep.equal([1, 2, 3])
  })

  it('a later run gets its own write; dispose() drops what waits', async () => {
    const { link: l, sent } = link()
    l.enqueue({ entry: encodeFrameEntry(ping(1)), t: 'PING' })
    await new Promise(resolve => setImmediate(resolve))
    l.enqueue({ entry: encodeFrameEntry(ping(2)), t: 'PING' })
    await new Promise(resolve => setImmediate(resolve))
    expect(sent).to.have.length(2)
    l.enqueue({ entry: encodeFrameEntry(ping(3)), t: 'PING' })
    l.dispose()
    await new Promise(resolve => setImmediate(resolve))
    expect(sent, 'nothing after dispose').to.have.length(2)
  })
})
