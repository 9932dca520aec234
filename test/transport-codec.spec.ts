import '../src/polyfills.js'
import { expect } from 'chai'
import { INT63_MAX } from '../src/core/ids.js'
import type { AttemptId, FailedReason, Frame, FrameBody, FrameType, GrantNo, RefusedReason } from '../src/core/types.js'
import { DEFAULT_CODEC_LIMITS, decodeFrameBody, decodeFrames, encodeFrameEntry, encodeFrames, packBatches, splitBatch, type CodecLimits } from '../src/transport/codec.js'
import { decodeHandshake, encodeHandshake, judgeHandshake, localHandshakeInfo } from '../src/transport/handshake.js'
import * as pb from '../src/transport/pb/lockmesh.js'

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Gen {
  constructor (readonly next: () => number) {}
  int (max: number): number { return Math.floor(this.next() * (max + 1)) }
  pick<T> (items: readonly T[]): T { return items[this.int(items.length - 1)] as T }
  bool (): boolean { return this.next() < 0.5 }
  /** Numbers biased to the edges: 0, small, near 2^32, near 2^53. */
  uint (max = Number.MAX_SAFE_INTEGER): number {
    switch (this.int(4)) {
      case 0: return 0
      case 1: return this.int(Math.min(max, 1000))
      case 2: return Math.max(0, max - this.int(3))
      case 3: return Math.min(max, 2 ** 32 - 1 + this.int(2))
      default: return Math.floor(this.next() * max)
    }
  }
  /** Bigints biased to 0 and to just below 2^63. */
  u63 (): bigint {
    switch (this.int(3)) {
      case 0: return 0n
      case 1: return INT63_MAX - BigInt(this.int(5))
      case 2: return BigInt(this.int(1_000_000))
      default: return (BigInt(this.int(2 ** 31 - 1)) << 32n) | BigInt(this.int(2 ** 32 - 1))
    }
  }
  key (max = DEFAULT_CODEC_LIMITS.keyLengthMax): string {
    const alphabet = ['a', 'z', '/', ':', ' ', 'é', 'ß', '锁', '🔒', '\u0000', '\uffff']
    let s = ''
    const want = this.pick([1, 2, 8, 40, max])
    while (s.length < want) {
      const c = this.pick(alphabet)
      if (s.length + c.length > want) break
      s += c
    }
    return s.length === 0 ? 'k' : s
  }
  id (): AttemptId { return { peer: this.pick(['n0', '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo', 'x'.repeat(128)]), inc: this.uint(), seq: this.uint() } }
  grantNo (): GrantNo { return { inc: this.uint(), n: this.uint() } }
}

const TYPES: FrameType[] = ['REQUEST', 'QUEUED', 'GRANT', 'FAILED', 'INQUIRE', 'YIELD', 'CONTENDED', 'COMMIT', 'COMMITTED', 'REFUSED', 'EXTEND', 'EXTENDED', 'RELEASE', 'RELEASED', 'PING', 'PONG', 'RECOVER', 'CEILING']

function body (g: Gen, t: FrameType): FrameBody {
  const key = g.key()
  const u32 = 2 ** 32 - 1
  switch (t) {
    case 'REQUEST': return { t, key, id: g.id(), ts: g.u63(), mode: g.pick(['exclusive', 'shared'] as const), ttlMs: Math.max(1, g.uint(2 ** 31 - 1)), noWait: g.bool() }
    case 'QUEUED': case 'CONTENDED': case 'RELEASE': case 'RELEASED': return { t, key, id: g.id() }
    case 'GRANT': return { t, key, id: g.id(), grantNo: g.grantNo(), fence: g.u63() }
    case 'FAILED': {
      const b: FrameBody = { t, key, id: g.id(), reason: g.pick<FailedReason>(['priority', 'quiet', 'queue-full', 'busy', 'invalid']) }
      if (g.bool()) b.supersedes = g.grantNo()
      if (g.bool()) b.quietRemainingMs = g.uint(u32)
      return b
    }
    case 'INQUIRE': case 'YIELD': return { t, key, id: g.id(), grantNo: g.grantNo() }
    case 'COMMIT': return { t, key, id: g.id(), grantNo: g.grantNo(), attempt: g.uint(u32), token: g.u63() }
    case 'COMMITTED': case 'EXTENDED': return { t, key, id: g.id(), attempt: g.uint(u32) }
    case 'REFUSED': return { t, key, id: g.id(), phase: g.pick(['commit', 'extend'] as const), attempt: g.uint(u32), reason: g.pick<RefusedReason>(['no-grant', 'fence', 'expired', 'invalid', 'stopped']) }
    case 'EXTEND': return { t, key, id: g.id(), grantNo: g.grantNo(), attempt: g.uint(u32), ttlMs: Math.max(1, g.uint(2 ** 31 - 1)) }
    case 'PING': case 'PONG': return { t }
    case 'RECOVER': return { t, round: g.uint(u32) }
    case 'CEILING': return { t, round: g.uint(u32), ceiling: g.u63(), seenIncarnation: g.uint(), recovering: g.bool() }
  }
}

function frame (g: Gen, t: FrameType = g.pick(TYPES)): Frame {
  return { h: { clock: g.u63(), inc: g.uint(), fn: g.uint(), ack: g.uint(), ackInc: g.uint() }, b: body(g, t) }
}

function ping (): Frame {
  return { h: { clock: 1n, inc: 1, fn: 1, ack: 0, ackInc: 0 }, b: { t: 'PING' } }
}

function varint (value: bigint): number[] {
  const out: number[] = []
  while (value >= 0x80n) { out.push(Number(value & 0x7fn) | 0x80); value >>= 7n }
  out.push(Number(value))
  return out
}

function expectMalformed (fn: () => unknown, reason?: RegExp): void {
  let caught: unknown
  try { fn() } catch (err) { caught = err }
  expect(caught, 'expected MalformedFrameError').to.be.instanceOf(Error)
  expect((caught as Error).name).to.equal('MalformedFrameError')
  if (reason !== undefined) expect((caught as Error).message).to.match(reason)
}

describe('transport codec', () => {
  it('round-trips every FrameBody variant exactly (seeded property test, bigints near 2^63)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const g = new Gen(rng(seed))
      for (const t of TYPES) {
        const frames = Array.from({ length: 1 + g.int(5) }, () => frame(g, t))
        const decoded = decodeFrames(encodeFrames(frames))
        expect(decoded, `seed ${seed} type ${t}`).to.deep.equal(frames)
      }
    }
  })

  it('round-trips mixed batches and keeps their order', () => {
    const g = new Gen(rng(99))
    for (let i = 0; i < 50; i++) {
      const frames = Array.from({ length: g.int(60) }, () => frame(g))
      expect(decodeFrames(encodeFrames(frames))).to.deep.equal(frames)
    }
  })

  it('keeps the extremes: 2^63-1 clocks and tokens, MAX_SAFE_INTEGER counters, 512-unit keys', () => {
    const f: Frame = {
      h: { clock: INT63_MAX, inc: Number.MAX_SAFE_INTEGER, fn: Number.MAX_SAFE_INTEGER, ack: Number.MAX_SAFE_INTEGER, ackInc: Number.MAX_SAFE_INTEGER },
      b: { t: 'COMMIT', key: '🔒'.repeat(256), id: { peer: 'p', inc: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER }, grantNo: { inc: Number.MAX_SAFE_INTEGER, n: 2 ** 53 - 2 }, attempt: 2 ** 32 - 1, token: INT63_MAX }
    }
    expect(decodeFrames(encodeFrames([f]))).to.deep.equal([f])
  })

  it('packs entries into batches within the limits, in order', () => {
    const g = new Gen(rng(7))
    const limits: CodecLimits = { ...DEFAULT_CODEC_LIMITS, framesPerBatchMax: 7, frameBytesMax: 2000 }
    const frames = Array.from({ length: 200 }, () => frame(g, g.pick(['PING', 'QUEUED', 'GRANT'])))
    const small = frames.map(f => ({ ...f, b: f.b.t === 'PING' ? f.b : { ...f.b, key: 'k' } } as Frame))
    const batches = packBatches(small.map(f => encodeFrameEntry(f, limits)), limits)
    expect(batches.length).to.be.greaterThan(200 / 7 - 1)
    const back = batches.flatMap(b => {
      expect(b.byteLength).to.be.at.most(2000)
      const decoded = decodeFrames(b, limits)
      expect(decoded.length).to.be.at.most(7)
      return decoded
    })
    expect(back).to.deep.equal(small)
  })

  it('encodes and checks the handshake', () => {
    const hs = localHandshakeInfo({ configHash: '0123456789abcdef', incarnation: 7, clock: INT63_MAX, quietRemainingMs: 12.2 })
    expect(hs.quietRemainingMs).to.equal(13)
    expect(decodeHandshake(encodeHandshake(hs))).to.deep.equal(hs)
    expect(judgeHandshake(hs, hs, undefined)).to.deep.equal({ ok: true })
    expect(judgeHandshake(hs, { ...hs, configHash: 'x' }, undefined)).to.include({ ok: false, reason: 'config-hash' })
    expect(judgeHandshake(hs, { ...hs, version: 99 }, undefined)).to.include({ ok: false, reason: 'version' })
    expect(judgeHandshake(hs, hs, 8)).to.include({ ok: false, reason: 'stale-incarnation' })
    expect(judgeHandshake(hs, hs, 7)).to.deep.equal({ ok: true })
    expectMalformed(() => decodeHandshake(new Uint8Array([0xff, 0xff, 0xff])))
    expectMalformed(() => decodeHandshake(new Uint8Array(0)), /configHash/)
    expectMalformed(() => decodeHandshake(pb.Handshake.encode({ configHash: 'h', incarnation: 1, clock: 1n << 63n, quietRemainingMs: 0, version: 1 })), /clock/)
  })

  it('handshake boot id and recovering flag: an equal incarnation with another boot id is refused; a recovering peer (incarnation 0) is served', () => {
    const local = localHandshakeInfo({ configHash: 'h', incarnation: 1, clock: 1n, quietRemainingMs: 0, bootId: 'mine' })
    const peer = localHandshakeInfo({ configHash: 'h', incarnation: 5, clock: 1n, quietRemainingMs: 0, bootId: 'aaaa' })
    expect(decodeHandshake(encodeHandshake(peer))).to.deep.equal(peer)
    // The same process again (a reconnect): served.
    expect(judgeHandshake(local, peer, 5, 'aaaa')).to.deep.equal({ ok: true })
    // Another process with the same incarnation (a store restored from an old backup): refused, with the reason.
    const twin = { ...peer, bootId: 'bbbb' }
    const refused = judgeHandshake(local, twin, 5, 'aaaa')
    expect(refused).to.include({ ok: false, reason: 'boot-id' })
    expect((refused as { detail: string }).detail).to.match(/incarnation 5 again with another boot id/)
    // A newer incarnation with any boot id: served. Peers that send no boot id are judged as before.
    expect(judgeHandshake(local, { ...twin, incarnation: 6 }, 5, 'aaaa')).to.deep.equal({ ok: true })
    expect(judgeHandshake(local, { ...peer, bootId: '' }, 5, '')).to.deep.equal({ ok: true })
    // Recovering: incarnation 0 whatever we saw, and nothing else.
    const recovering = localHandshakeInfo({ configHash: 'h', incarnation: 0, clock: 1n, quietRemainingMs: 0, bootId: 'cccc', recovering: true })
    expect(judgeHandshake(local, decodeHandshake(encodeHandshake(recovering)), 5, 'aaaa')).to.deep.equal({ ok: true })
    expectMalformed(() => encodeHandshake({ ...recovering, incarnation: 3 }), /recovering handshake has incarnation 0/)
    expectMalformed(() => encodeHandshake({ ...peer, bootId: 'x'.repeat(65) }), /bootId/)
  })

  describe('malformed input throws MalformedFrameError, never anything else', () => {
    const entry = (f: pb.Frame): Uint8Array => pb.Batch.encode({ frames: [f] })
    const h = { clock: 1n, inc: 1, fn: 1, ack: 0, ackInc: 0 }
    const id = { peer: 'p', inc: 1, seq: 1 }

    it('random garbage', () => {
      const g = new Gen(rng(3))
      for (let i = 0; i < 2000; i++) {
        const bytes = new Uint8Array(g.int(64)).map(() => g.int(255))
        try { decodeFrames(bytes) } catch (err) { expect((err as Error).name, `garbage #${i}`).to.equal('MalformedFrameError') }
      }
    })

    it('truncated and bit-flipped valid batches', () => {
      const g = new Gen(rng(4))
      for (let i = 0; i < 300; i++) {
        const bytes = encodeFrames(Array.from({ length: 1 + g.int(4) }, () => frame(g)))
        const cut = bytes.subarray(0, g.int(bytes.byteLength - 1))
        const flipped = bytes.slice()
        flipped[g.int(bytes.byteLength - 1)] ^= 1 << g.int(7)
        for (const b of [cut, flipped]) {
          try { decodeFrames(b) } catch (err) { expect((err as Error).name).to.equal('MalformedFrameError') }
        }
      }
    })

    it('split then decode one by one (what the receiver does, issue 11) agrees with decodeFrames, and throws only MalformedFrameError', () => {
      const g = new Gen(rng(11))
      const attempt = (fn: () => Frame[]): Frame[] | Error => { try { return fn() } catch (err) { expect((err as Error).name).to.equal('MalformedFrameError'); return err as Error } }
      let compared = 0
      for (let i = 0; i < 500; i++) {
        const frames = Array.from({ length: 1 + g.int(6) }, () => frame(g))
        const bytes = encodeFrames(frames)
        // Valid batches: the same frames, in order, from bytes that are views (no copy) of the batch.
        const parts = splitBatch(bytes)
        expect(parts.every(p => p.buffer === bytes.buffer)).to.equal(true)
        expect(parts.map(p => decodeFrameBody(p))).to.deep.equal(frames)
        const flipped = bytes.slice()
        flipped[g.int(bytes.byteLength - 1)] ^= 1 << g.int(7)
        for (const b of [bytes.subarray(0, g.int(bytes.byteLength - 1)), flipped]) {
          const whole = attempt(() => decodeFrames(b))
          const split = attempt(() => splitBatch(b).map(p => decodeFrameBody(p)))
          if (!(whole instanceof Error) && !(split instanceof Error)) { expect(split).to.deep.equal(whole); compared++ }
        }
      }
      expect(compared).to.be.above(50)
      // Framing the split checks itself: a group wire type, a truncated entry, too many frames.
      expectMalformed(() => splitBatch(Uint8Array.of(0x0b)), /wire type/)
      expectMalformed(() => splitBatch(Uint8Array.of(0x0a, 0x05, 0x01)), /truncated/)
      expectMalformed(() => splitBatch(encodeFrames([ping(), ping(), ping()]), { ...DEFAULT_CODEC_LIMITS, framesPerBatchMax: 2 }), /frames in one batch/)
    })

    it('missing header, body, id or grant number; two bodies', () => {
      expectMalformed(() => decodeFrames(entry({ ping: {} })), /header/)
      expectMalformed(() => decodeFrames(entry({ h })), /no body/)
      expectMalformed(() => decodeFrames(entry({ h, ping: {}, pong: {} })), /2 bodies/)
      expectMalformed(() => decodeFrames(entry({ h, queued: { key: 'k' } })), /attempt id/)
      expectMalformed(() => decodeFrames(entry({ h, grant: { key: 'k', id, fence: 1n } })), /grantNo/)
    })

    it('out-of-range values', () => {
      expectMalformed(() => decodeFrames(entry({ h: { ...h, clock: 1n << 63n }, ping: {} })), /h\.clock/)
      expectMalformed(() => decodeFrames(entry({ h, grant: { key: 'k', id, grantNo: { inc: 1, n: 1 }, fence: (1n << 64n) - 1n } })), /fence/)
      expectMalformed(() => decodeFrames(entry({ h, queued: { key: '', id } })), /key/)
      expectMalformed(() => decodeFrames(entry({ h, queued: { key: 'k'.repeat(513), id } })), /key/)
      expectMalformed(() => decodeFrames(entry({ h, queued: { key: 'k', id: { ...id, peer: '' } } })), /id\.peer/)
      expectMalformed(() => decodeFrames(entry({ h, request: { key: 'k', id, ts: 1n, mode: pb.LockMode.LOCK_MODE_EXCLUSIVE, ttlMs: 0, noWait: false } })), /ttlMs/)
      expectMalformed(() => decodeFrames(entry({ h, request: { key: 'k', id, ts: 1n, mode: pb.LockMode.LOCK_MODE_UNSPECIFIED, ttlMs: 10, noWait: false } })), /mode/)
      expectMalformed(() => decodeFrames(entry({ h, refused: { key: 'k', id, phase: pb.Phase.PHASE_UNSPECIFIED, attempt: 1, reason: pb.RefusedReason.REFUSED_FENCE } })), /phase/)
      // An enum number this version does not know: FAILED's reason (field 3, varint) is its last field.
      const unknownEnum = encodeFrames([{ h, b: { t: 'FAILED', key: 'k', id, reason: 'busy' } }])
      expect([...unknownEnum.subarray(-2)]).to.deep.equal([0x18, 4])
      unknownEnum[unknownEnum.length - 1] = 42
      expectMalformed(() => decodeFrames(unknownEnum), /protobuf/)
      // A 64-bit field the core holds as a number, beyond 2^53: cannot be held exactly.
      const header = Uint8Array.from([0x08, 1, 0x10, 1, 0x18, ...varint(1n << 60n)])
      const f = Uint8Array.from([0x0a, header.byteLength, ...header, 0x82, 0x01, 0]) // h, then ping (field 16) = {}
      expectMalformed(() => decodeFrames(Uint8Array.from([0x0a, f.byteLength, ...f])), /protobuf|h\.fn/)
    })

    it('size and count bounds', () => {
      const limits: CodecLimits = { ...DEFAULT_CODEC_LIMITS, framesPerBatchMax: 3, frameBytesMax: 100 }
      const four = pb.Batch.encode({ frames: [1, 2, 3, 4].map(() => ({ h, ping: {} })) })
      expectMalformed(() => decodeFrames(four, limits), /too many/)
      expectMalformed(() => decodeFrames(new Uint8Array(101), limits), /bytes/)
      expectMalformed(() => encodeFrames([ping(), ping(), ping(), ping()], limits), /frames in one batch/)
      expectMalformed(() => encodeFrameEntry({ h, b: { t: 'QUEUED', key: 'k'.repeat(200), id } }, limits), /bytes/)
    })

    it('the encoder refuses what the decoder would refuse', () => {
      expectMalformed(() => encodeFrames([{ h: { ...h, fn: -1 }, b: { t: 'PING' } }]), /h\.fn/)
      expectMalformed(() => encodeFrames([{ h: { ...h, fn: 1.5 }, b: { t: 'PING' } }]), /h\.fn/)
      expectMalformed(() => encodeFrames([{ h: { ...h, clock: -1n }, b: { t: 'PING' } }]), /h\.clock/)
      expectMalformed(() => encodeFrames([{ h, b: { t: 'QUEUED', key: 'a\ud800b', id } }]), /well-formed/)
      expectMalformed(() => encodeFrames([{ h, b: { t: 'NOPE' } } as unknown as Frame]), /unknown frame type/)
      expectMalformed(() => encodeFrames([{ h, b: { t: 'EXTEND', key: 'k', id, grantNo: { inc: 1, n: 1 }, attempt: 1, ttlMs: 2 ** 31 } }]), /ttlMs/)
    })
  })
})
