/**
 * Property-based tests of everything a peer's bytes reach (issue 11), in the
 * normal run: the frame decoder, the stream reader, the handshake decoder and
 * the core stepped with arbitrary frames from a roster peer.
 *
 * Seeded: the seed is printed; replay with LOCKMESH_PROPERTY_SEED=<seed>.
 * LOCKMESH_QUICK=1 runs a quarter of the cases (Node 22 leg of CI); the full
 * run does more than 100,000 cases in total, each target's count printed.
 */
import { expect } from 'chai'
import fc from 'fast-check'
import { PROTOCOL_VERSION, keySpread } from '../src/core/config.js'
import { createQuorumSystem } from '../src/core/quorum.js'
import type { Frame, FrameBody, Result } from '../src/core/types.js'
import { decodeFrames, encodeFrames, validateFrame } from '../src/transport/codec.js'
import { decodeHandshake, encodeHandshake, type HandshakeInfo } from '../src/transport/handshake.js'
import { LengthPrefixedReader } from '../src/transport/length-prefixed-reader.js'
import { lengthPrefixed } from '../src/transport/varint.js'
import { arbBodyOf, arbHeader, arbId, arbKey, FRAME_TYPES, mutate, mutateBytes, REQUESTER_TYPES, VOTER_TYPES } from './helpers/frame-arbitraries.js'
import { HandCluster } from './helpers/hand-cluster.js'

const SEED = process.env.LOCKMESH_PROPERTY_SEED !== undefined ? Number(process.env.LOCKMESH_PROPERTY_SEED) : (Date.now() ^ (Math.random() * 2 ** 31)) | 0
const SCALE = process.env.LOCKMESH_QUICK === '1' ? 0.25 : 1
const runs = (n: number): number => Math.max(100, Math.round(n * SCALE))
const counts: Record<string, number> = {}

function params<T> (target: string, numRuns: number, extra: Partial<fc.Parameters<T>> = {}): fc.Parameters<T> {
  counts[target] = numRuns
  return { seed: SEED, numRuns, ...extra }
}

function isMalformed (err: unknown): boolean {
  return (err as Error)?.name === 'MalformedFrameError'
}

const CODEC_POOLS = { keys: ['k0', 'k1', 'x'.repeat(512)], peers: ['12D3KooWpeer', 'n1'] }

/** Any valid frame of any type (for the codec). */
const arbCodecFrame: fc.Arbitrary<Frame> = fc.constantFrom(...FRAME_TYPES).chain(t => fc.record({
  h: fc.record({ clock: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), inc: fc.nat(), fn: fc.nat(), ack: fc.nat(), ackInc: fc.nat() }),
  b: arbBodyOf(t, arbKey(CODEC_POOLS), arbId(fc.constantFrom(...CODEC_POOLS.peers), fc.nat()))
}))

describe('property suite: hostile input (issue 11)', function () {
  this.timeout(120_000)

  before(() => { console.log(`      seed ${SEED} (replay: LOCKMESH_PROPERTY_SEED=${SEED})${SCALE < 1 ? ', quick: a quarter of the cases' : ''}`) })
  after(() => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0)
    console.log(`      cases: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}; total ${total}`)
  })

  it('frame decoder: valid batches round-trip; mutated or random bytes decode to valid frames or throw MalformedFrameError, nothing else', () => {
    let decoded = 0
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.array(arbCodecFrame, { minLength: 0, maxLength: 4 }).map(fs => ({ bytes: encodeFrames(fs), frames: fs as Frame[] | null })) },
      { weight: 3, arbitrary: fc.array(arbCodecFrame, { minLength: 1, maxLength: 3 }).chain(fs => mutateBytes(encodeFrames(fs))).map(bytes => ({ bytes, frames: null })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map(bytes => ({ bytes, frames: null })) }
    )
    fc.assert(fc.property(input, ({ bytes, frames }) => {
      let out: Frame[]
      try {
        out = decodeFrames(bytes)
      } catch (err) {
        if (!isMalformed(err)) throw err
        return frames === null // a valid batch must decode
      }
      decoded++
      for (const f of out) validateFrame(f)
      if (frames !== null) expect(out).to.deep.equal(frames.map(f => ({ h: f.h, b: stripUndefined(f.b) })))
      return true
    }), params('frame decoder', runs(30_000)))
    expect(decoded).to.be.above(0)
  })

  it('stream reader: any chunking of any byte stream yields messages within the bound or a MalformedFrameError; the buffer stays bounded', () => {
    const bufferBytesMax = 3 * 4096
    const wire = fc.array(fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map(m => lengthPrefixed(m)),
      fc.uint8Array({ minLength: 1, maxLength: 12 })
    ), { maxLength: 8 }).map(parts => { const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0)); let o = 0; for (const p of parts) { all.set(p, o); o += p.byteLength } return all })
    fc.assert(fc.property(wire, fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
      const reader = new LengthPrefixedReader({ messageBytesMax: 4096, bufferBytesMax })
      try {
        for (let i = 0; i < bytes.byteLength; i += chunk) {
          reader.push(bytes.subarray(i, i + chunk))
          for (let m = reader.next(), guard = 0; m !== null && guard < 10_000; m = reader.next(), guard++) expect(m.byteLength).to.be.at.most(4096)
          expect(reader.bufferedBytes).to.be.at.most(bufferBytesMax)
        }
      } catch (err) {
        if (!isMalformed(err)) throw err
      }
    }), params('stream reader', runs(15_000)))
  })

  it('handshake decoder: mutated or random bytes give a valid handshake or MalformedFrameError, nothing else', () => {
    const valid: fc.Arbitrary<HandshakeInfo> = fc.record({
      configHash: fc.string({ minLength: 1, maxLength: 128 }), incarnation: fc.nat(), clock: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
      quietRemainingMs: fc.integer({ min: 0, max: 2 ** 32 - 1 }), version: fc.constantFrom(PROTOCOL_VERSION, 0, 2 ** 32 - 1)
    })
    const input = fc.oneof(
      valid.map(hs => ({ bytes: encodeHandshake(hs), hs: hs as HandshakeInfo | null })),
      valid.chain(hs => mutateBytes(encodeHandshake(hs))).map(bytes => ({ bytes, hs: null })),
      fc.uint8Array({ maxLength: 600 }).map(bytes => ({ bytes, hs: null }))
    )
    fc.assert(fc.property(input, ({ bytes, hs }) => {
      try {
        const out = decodeHandshake(bytes)
        expect(out.clock >= 0n && out.clock < 1n << 63n).to.equal(true)
        if (hs !== null) expect(out).to.deep.equal(hs)
      } catch (err) {
        if (!isMalformed(err)) throw err
        return hs === null
      }
      return true
    }), params('handshake decoder', runs(40_000)))
  })

  it('core: arbitrary frames from a roster peer never throw, stay within the limits, and honest acquires keep being granted with increasing tokens', () => {
    const limits = { tombstonesMax: 1_000, tombstonesPerPeerMax: 200, tombstoneBytesPerPeerMax: 64 * 1024, queuePerKeyMax: 16, requestsPerPeerMax: 64, keysMax: 500, releasesMax: 500, acquiresMax: 50, strayReleasesPerSecMax: 8 }
    const c = new HandCluster({ nodes: 5, config: { limits: limits as never } })
    c.bootPastQuiet()
    // Keys whose quorums (majority 3 of 5) exclude the insider n1 for both honest requesters (n0, n2): n1 votes on none of them.
    const q = createQuorumSystem('majority', c.ids)
    const good: string[] = []
    for (let i = 0; good.length < 3 && i < 10_000; i++) {
      const key = `g${i}`
      if (['n0', 'n2'].every(r => q.pick('write', new Set(c.ids), r, keySpread(key))?.includes('n1') === false)) good.push(key)
    }
    expect(good, 'keys whose quorums exclude the insider').to.have.length(3)
    const pools = { keys: [...good, 'k0', 'k1'], peers: c.ids }
    const key = arbKey(pools)
    const inc1 = fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) })
    // The header's incarnation is the stream's (the transport drops any other), so always 1 here.
    const one = fc.constant(1)
    const voterFrame = fc.constantFrom(...VOTER_TYPES).chain(t => fc.record({ h: arbHeader(one), b: arbBodyOf(t, key, arbId(fc.constant('n1'), inc1)) }))
    const requesterFrame = fc.constantFrom(...REQUESTER_TYPES).chain(t => fc.record({ h: arbHeader(one), b: arbBodyOf(t, key, arbId(fc.constantFrom('n0', 'n0', 'n0', 'n2'), inc1)) }))
    const validFrame: fc.Arbitrary<Frame> = fc.oneof({ weight: 5, arbitrary: voterFrame }, { weight: 5, arbitrary: requesterFrame }, { weight: 1, arbitrary: fc.constantFrom<FrameBody>({ t: 'PING' }, { t: 'PONG' }).chain(b => fc.record({ h: arbHeader(one), b: fc.constant(b) })) })
    const frame = fc.oneof({ weight: 3, arbitrary: validFrame }, { weight: 1, arbitrary: validFrame.chain(f => mutate(f)) })

    let frames = 0
    let reached = 0
    const handles = { n0: 1, n2: 1 }
    const open = new Map<string, number>() // node -> handle in flight or held
    const seen = { n0: 0, n2: 0 }
    const lastToken = new Map<string, bigint>()
    let grants = 0
    const counter = (name: string, cs: Record<string, number>): number => cs[name] ?? 0
    const rejectedish = (cs: Record<string, number>): number => counter('rejectedFrames', cs) + counter('foreignAnswers', cs) + counter('staleFrames', cs)
    const sumIn = (cs: Record<string, number>): number => { let n = 0; for (const [k, v] of Object.entries(cs)) if (k.startsWith('in.') && k !== 'in.PING' && k !== 'in.PONG') n += v; return n }

    /** Honest workload: each honest node holds at most one acquire; released as soon as granted. */
    const workload = (rng: number): void => {
      for (const node of ['n0', 'n2'] as const) {
        const results = c.node(node).results
        const fresh: Result[] = results.slice(seen[node])
        seen[node] = results.length
        for (const r of fresh) {
          if (r.type === 'granted' && r.mode === 'exclusive' && good.includes(r.key)) {
            grants++
            const before = lastToken.get(r.key) ?? -1n
            if (r.token <= before) throw new Error(`token order: ${node} got ${r.key} with token ${r.token}, an earlier holder had ${before}`)
            lastToken.set(r.key, r.token)
            c.release(node, r.handle)
            open.delete(node)
          } else if ((r.type === 'failed' || r.type === 'lost') && open.get(node) === r.handle) {
            open.delete(node)
          }
        }
        if (!open.has(node)) {
          const h = handles[node]++
          open.set(node, h)
          c.acquire(node, { handle: h, key: good[(rng + h) % good.length]!, waitMs: 4_000 })
        }
      }
    }

    fc.assert(fc.property(fc.array(frame, { minLength: 1, maxLength: 3 }), fc.nat(), (batch, rng) => {
      for (const f of batch) {
        // A mutated header incarnation that is a valid number never gets past the transport (it checks it against the stream's).
        if (typeof f?.h === 'object' && f.h !== null && Number.isSafeInteger(f.h.inc) && f.h.inc >= 0) f.h.inc = 1
        const before = c.core('n0').status().counters
        c.input('n0', { type: 'frame', now: c.now('n0'), from: 'n1', frame: f })
        const after = c.core('n0').status().counters
        frames++
        if (sumIn(after) > sumIn(before) && rejectedish(after) === rejectedish(before)) reached++
      }
      c.advance(20)
      workload(rng)
      const s = c.core('n0').status()
      expect(s.voter.tombstones).to.be.at.most(limits.tombstonesMax)
      expect(s.voter.tombstoneBytes).to.be.at.most(5 * (limits.tombstoneBytesPerPeerMax + 8 * 1024))
      expect(s.voter.keys).to.be.at.most(limits.keysMax + 1)
      expect(s.voter.tracked).to.be.at.most(5 * limits.requestsPerPeerMax)
      expect(s.pendingReleases).to.be.at.most(limits.releasesMax)
      // The hand cluster's log would grow with every frame: keep the tail only.
      if (c.log.length > 10_000) c.log.splice(0, c.log.length - 1_000)
    }), params('core (runs of 1-3 frames)', runs(20_000), { endOnFailure: true }))

    // After the storm: an honest acquire is granted.
    c.advance(6_000)
    workload(0)
    c.acquire('n2', { handle: 999_999, key: good[0]! })
    c.advance(6_000)
    const final = c.granted('n2', 999_999)
    const share = reached / frames
    console.log(`      core: ${frames} frames, ${(100 * share).toFixed(0)}% reached a voter or requester handler; ${grants} honest grants`)
    expect(share, 'share of frames reaching a handler').to.be.at.least(0.3)
    expect(grants, 'honest grants during the storm').to.be.above(runs(20_000) / 20)
    expect(final, 'an honest acquire after the storm').to.not.equal(undefined)
  })
})

/** The decoder leaves optional fields out; the generator may have set them undefined. */
function stripUndefined (b: FrameBody): FrameBody {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as FrameBody
}
