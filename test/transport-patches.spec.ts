/**
 * The dependency patches in patches/ (applied by `npm install` / `npm ci`
 * through scripts/apply-patches.mjs) are in place and do what they are for
 * (issue 10). Each test fails on the unpatched package.
 */
import '../src/polyfills.js'
import { expect } from 'chai'
import { LengthPrefixedDecoder, multiaddrConnectionPair } from '@libp2p/utils'
import { yamux } from '@libp2p/yamux'
import type { Stream, StreamMuxer } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'

describe('dependency patches (issue 10)', () => {
  it('@libp2p/utils LengthPrefixedDecoder does not ask for a length once a chunk is used up', () => {
    let emptyCalls = 0
    const decoder = new LengthPrefixedDecoder({
      // Like noise's uint16BEDecode: throws RangeError on too few bytes.
      lengthDecoder: (buf: Uint8ArrayList | Uint8Array) => {
        if (buf.byteLength === 0) emptyCalls++
        if (buf.byteLength < 2) throw new RangeError('Could not decode int16BE')
        return buf instanceof Uint8Array ? (buf[0]! << 8) | buf[1]! : buf.getUint16(0)
      },
      encodingLength: () => 2
    })
    const chunk = Uint8Array.from([0, 3, 1, 2, 3, 0, 1, 9])
    const out = [...decoder.decode(chunk)].map(m => [...m.subarray()])
    expect(out).to.deep.equal([[1, 2, 3], [9]])
    expect(emptyCalls, 'a RangeError thrown and caught at the end of the chunk').to.equal(0)
    // A chunk that ends inside a length prefix still waits for more bytes.
    expect([...decoder.decode(Uint8Array.from([0]))]).to.have.length(0)
    expect([...decoder.decode(Uint8Array.from([2, 7, 8]))].map(m => [...m.subarray()])).to.deep.equal([[7, 8]])
  })

  it('@libp2p/yamux sends a window update only once half the window was consumed, not per data frame', async () => {
    const [outConn, inConn] = multiaddrConnectionPair()
    let bytesBack = 0
    // Everything the receiving side writes (window updates here: the sender's stream only sends).
    inConn.addEventListener('message', () => {})
    const origSend = inConn.send.bind(inConn)
    inConn.send = (data: Uint8Array | Uint8ArrayList): boolean => { bytesBack += data.byteLength; return origSend(data) }
    const factory = yamux({ enableKeepAlive: false })()
    const client: StreamMuxer = factory.createStreamMuxer(outConn)
    const server: StreamMuxer = factory.createStreamMuxer(inConn)
    const received: Uint8Array[] = []
    const accepted = new Promise<Stream>(resolve => { server.addEventListener('stream', evt => { resolve(evt.detail) }) })
    const stream = await client.createStream()
    stream.send(Uint8Array.from([0]))
    const remote = await accepted
    remote.addEventListener('message', evt => { if (evt.data.byteLength === 100) received.push(evt.data.subarray()) })
    await new Promise(resolve => setTimeout(resolve, 10))
    const before = bytesBack
    const messages = 200
    for (let i = 0; i < messages; i++) {
      stream.send(new Uint8Array(100).fill(i & 0xff))
      // One data frame each: let it be delivered before the next.
      await new Promise(resolve => setImmediate(resolve))
    }
    const deadline = Date.now() + 5_000
    while (received.length < messages && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5))
    expect(received.length).to.equal(messages)
    // 200 × 100 bytes is far below half of the 256 KiB initial window: no update at all is due.
    // Unpatched: one 12-byte WindowUpdate frame per data frame (2,400 bytes).
    expect(bytesBack - before).to.be.below(12 * 10)
    await client.close().catch(() => {})
    await server.close().catch(() => {})
  })

  it('@libp2p/yamux still grants window: 4 MiB through a 256 KiB initial window arrive whole', async () => {
    const [outConn, inConn] = multiaddrConnectionPair()
    const factory = yamux({ enableKeepAlive: false })()
    const client = factory.createStreamMuxer(outConn)
    const server = factory.createStreamMuxer(inConn)
    let receivedBytes = 0
    server.addEventListener('stream', evt => { evt.detail.addEventListener('message', m => { receivedBytes += m.data.byteLength }) })
    const stream = await client.createStream()
    const total = 4 * 1024 * 1024
    const chunk = new Uint8Array(16 * 1024)
    for (let sent = 0; sent < total; sent += chunk.byteLength) {
      if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(5_000) })
    }
    const deadline = Date.now() + 10_000
    while (receivedBytes < total && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5))
    expect(receivedBytes).to.equal(total)
    await client.close().catch(() => {})
    await server.close().catch(() => {})
  })
})
