/**
 * fast-check generators for lockmesh frames: valid frames of every type (from
 * small pools, so they hit real state), and mutations of them (a field
 * replaced by garbage, bytes flipped, cut or spliced).
 */
import fc from 'fast-check'
import { INT63_MAX } from '../../src/core/ids.js'
import type { AttemptId, FrameBody, FrameHeader, GrantNo } from '../../src/core/types.js'

export const FRAME_TYPES = ['REQUEST', 'QUEUED', 'GRANT', 'FAILED', 'INQUIRE', 'YIELD', 'CONTENDED', 'COMMIT', 'COMMITTED', 'REFUSED', 'EXTEND', 'EXTENDED', 'RELEASE', 'RELEASED', 'PING', 'PONG'] as const

/** Frames a voter handles (sent by requesters) and frames a requester handles (sent by voters). */
export const VOTER_TYPES = ['REQUEST', 'YIELD', 'COMMIT', 'EXTEND', 'RELEASE'] as const
export const REQUESTER_TYPES = ['QUEUED', 'GRANT', 'FAILED', 'INQUIRE', 'CONTENDED', 'COMMITTED', 'REFUSED', 'EXTENDED', 'RELEASED'] as const

const u63 = fc.oneof(fc.bigInt({ min: 0n, max: 100n }), fc.bigInt({ min: 0n, max: INT63_MAX }), fc.constantFrom(INT63_MAX, INT63_MAX - 1n, 1n << 40n))
const small = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }))

export interface Pools {
  keys: readonly string[]
  peers: readonly string[]
}

export function arbKey (pools: Pools): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pools.keys) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).filter(s => s.isWellFormed()) })
}

export function arbId (peer: fc.Arbitrary<string>, inc: fc.Arbitrary<number>): fc.Arbitrary<AttemptId> {
  return fc.record({ peer, inc, seq: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: small }) })
}

const arbGrantNo: fc.Arbitrary<GrantNo> = fc.record({ inc: fc.oneof(fc.constantFrom(1, 2), small), n: fc.oneof(fc.integer({ min: 0, max: 60 }), small) })
const ttl = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(1, 2 ** 31 - 1))

/** A valid body of type `t` with the given id generator. */
export function arbBodyOf (t: typeof FRAME_TYPES[number], key: fc.Arbitrary<string>, id: fc.Arbitrary<AttemptId>): fc.Arbitrary<FrameBody> {
  switch (t) {
    case 'PING': case 'PONG': return fc.constant({ t })
    case 'REQUEST': return fc.record({ t: fc.constant(t), key, id, ts: u63, mode: fc.constantFrom('exclusive' as const, 'shared' as const), ttlMs: ttl, noWait: fc.boolean() })
    case 'QUEUED': case 'CONTENDED': case 'RELEASE': case 'RELEASED': return fc.record({ t: fc.constant(t), key, id })
    case 'GRANT': return fc.record({ t: fc.constant(t), key, id, grantNo: arbGrantNo, fence: u63 })
    case 'FAILED': return fc.record({ t: fc.constant(t), key, id, reason: fc.constantFrom('priority' as const, 'quiet' as const, 'queue-full' as const, 'busy' as const, 'invalid' as const), supersedes: arbGrantNo, quietRemainingMs: fc.integer({ min: 0, max: 10_000 }) }, { requiredKeys: ['t', 'key', 'id', 'reason'] })
    case 'INQUIRE': case 'YIELD': return fc.record({ t: fc.constant(t), key, id, grantNo: arbGrantNo })
    case 'COMMIT': return fc.record({ t: fc.constant(t), key, id, grantNo: arbGrantNo, attempt: fc.integer({ min: 0, max: 20 }), token: u63 })
    case 'COMMITTED': case 'EXTENDED': return fc.record({ t: fc.constant(t), key, id, attempt: fc.integer({ min: 0, max: 20 }) })
    case 'REFUSED': return fc.record({ t: fc.constant(t), key, id, phase: fc.constantFrom('commit' as const, 'extend' as const), attempt: fc.integer({ min: 0, max: 20 }), reason: fc.constantFrom('no-grant' as const, 'fence' as const, 'expired' as const, 'invalid' as const, 'stopped' as const) })
    case 'EXTEND': return fc.record({ t: fc.constant(t), key, id, grantNo: arbGrantNo, attempt: fc.integer({ min: 0, max: 20 }), ttlMs: ttl })
  }
}

export function arbHeader (inc: fc.Arbitrary<number>): fc.Arbitrary<FrameHeader> {
  return fc.record({ clock: u63, inc, fn: fc.constant(0), ack: fc.constant(0), ackInc: fc.constant(0) })
}

/** Garbage to put in place of a field: wrong types, out-of-range numbers, absent. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -1n, 1n << 64n, '', 'x'.repeat(600), {}, [], true),
  fc.anything({ maxDepth: 1 })
)

/** `value` with one field (at any depth ≤ 2) replaced by garbage, or deleted. */
export function mutate<T extends object> (value: T): fc.Arbitrary<T> {
  const paths: string[][] = []
  const walk = (v: unknown, path: string[]): void => {
    if (v === null || typeof v !== 'object' || path.length >= 2) return
    for (const k of Object.keys(v)) { paths.push([...path, k]); walk((v as Record<string, unknown>)[k], [...path, k]) }
  }
  walk(value, [])
  if (paths.length === 0) return fc.constant(value)
  return fc.tuple(fc.constantFrom(...paths), garbage, fc.boolean()).map(([path, g, del]) => {
    const copy = structuredClone(value) as Record<string, unknown>
    let target = copy
    for (const k of path.slice(0, -1)) target = target[k] as Record<string, unknown>
    const last = path[path.length - 1]!
    if (del) Reflect.deleteProperty(target, last)
    else target[last] = g
    return copy as T
  })
}

/** Byte-level mutations of an encoding: flips, cuts, splices, insertions. */
export function mutateBytes (bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = Math.max(1, bytes.byteLength)
  return fc.oneof(
    fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map(edits => {
      const out = Uint8Array.from(bytes)
      for (const [i, b] of edits) if (i < out.length) out[i] = b
      return out
    }),
    fc.nat(n).map(cut => bytes.subarray(0, cut)),
    fc.tuple(fc.nat(n), fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([at, ins]) => {
      const out = new Uint8Array(bytes.byteLength + ins.byteLength)
      out.set(bytes.subarray(0, at)); out.set(ins, at); out.set(bytes.subarray(at), at + ins.byteLength)
      return out
    })
  )
}
