/**
 * The flooding insider of simulations/flood/flood.ts, in its own process (its
 * CPU is not the victims'): a roster key, a bare libp2p node that writes the
 * /lockmesh protocol by hand. Reads one JSON job per line on stdin:
 *   {"kind":"RELEASE","frames":100000}
 * sends that many frames of that kind to the victim as fast as the link
 * takes them (waiting for drain only), and prints {"sent":n,"ms":t} per job.
 * A PING every 100 ms acknowledges everything, so the victim trusts it.
 */
import '../../src/polyfills.js'
import { createInterface } from 'node:readline'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { PROTOCOL_VERSION } from '../../src/core/config.js'
import type { Frame, FrameBody, FrameType } from '../../src/core/types.js'
import { encodeFrames } from '../../src/transport/codec.js'
import { createMeshLibp2p } from '../../src/transport/create-libp2p.js'
import { encodeHandshake } from '../../src/transport/handshake.js'
import { LOCKMESH_PROTOCOL } from '../../src/transport/lockmesh-transport.js'
import { lengthPrefixed } from '../../src/transport/varint.js'

interface Setup { key: string, roster: string[], victimAddr: string, victimId: string, victimInc: number, configHash: string }

const setup = JSON.parse(process.env.FLOOD_SETUP ?? '{}') as Setup
const privateKey = privateKeyFromProtobuf(Buffer.from(setup.key, 'hex'))
const node = await createMeshLibp2p({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], roster: setup.roster, bootstrap: [], fast: true })
const self = node.libp2p.peerId.toString()
const inc = 1
const stream = await node.libp2p.dialProtocol(multiaddr(setup.victimAddr), LOCKMESH_PROTOCOL)
stream.addEventListener('message', () => {}) // read and discard the answers
stream.send(lengthPrefixed(encodeHandshake({ configHash: setup.configHash, incarnation: inc, clock: 1n, quietRemainingMs: 0, version: PROTOCOL_VERSION })))
let fn = 0
const header = (): Frame['h'] => ({ clock: 1n, inc, fn: ++fn, ack: 2 ** 40, ackInc: setup.victimInc })
const keepalive = setInterval(() => {
  try { stream.send(lengthPrefixed(encodeFrames([{ h: header(), b: { t: 'PING' } }]))) } catch { clearInterval(keepalive) }
}, 100)

let seq = 1_000_000
/** The i-th frame of a flood of `kind`: each one what an insider would send to do the most harm with it. */
function body (kind: FrameType, i: number): FrameBody {
  const mine = { peer: self, inc, seq: ++seq }
  const theirs = { peer: setup.victimId, inc: setup.victimInc, seq: ++seq }
  const g = { inc: 1, n: i + 1 }
  switch (kind) {
    case 'PING': case 'PONG': return { t: kind }
    // Distinct ids on 5,000 keys, lowest priority: queue caps answer the excess.
    case 'REQUEST': return { t: kind, key: `flood-${i % 5_000}`, id: mine, ts: 1n << 62n, mode: 'exclusive', ttlMs: 1_000, noWait: false }
    // Never-seen ids with 512-character keys: tombstones (issue 11, defect 3).
    case 'RELEASE': return { t: kind, key: `${i}:`.padEnd(512, 'x'), id: mine }
    case 'YIELD': return { t: kind, key: 'hot', id: mine, grantNo: g }
    case 'COMMIT': return { t: kind, key: 'hot', id: mine, grantNo: g, attempt: 1, token: BigInt(i + 1) }
    case 'EXTEND': return { t: kind, key: 'hot', id: mine, grantNo: g, attempt: 1, ttlMs: 1_000 }
    // Answers naming the victim's own attempts it no longer runs: strays (defect 4).
    case 'GRANT': return { t: kind, key: 'hot', id: theirs, grantNo: g, fence: 0n }
    case 'INQUIRE': return { t: kind, key: 'hot', id: theirs, grantNo: g }
    case 'COMMITTED': case 'EXTENDED': return { t: kind, key: 'hot', id: theirs, attempt: 1 }
    case 'FAILED': return { t: kind, key: 'hot', id: theirs, reason: 'priority', supersedes: g }
    case 'REFUSED': return { t: kind, key: 'hot', id: theirs, phase: 'commit', attempt: 1, reason: 'fence' }
    case 'QUEUED': case 'CONTENDED': case 'RELEASED': return { t: kind, key: 'hot', id: theirs }
    // Recovery queries: each one costs the victim an answer (bounded by its send queue).
    case 'RECOVER': return { t: kind, round: i }
    case 'CEILING': return { t: kind, round: i, ceiling: 1n << 62n, seenIncarnation: 2 ** 40, recovering: false }
  }
}

const BATCH_FRAMES = 1_024
for await (const line of createInterface({ input: process.stdin })) {
  const job = JSON.parse(line) as { kind: FrameType, frames: number }
  const t0 = performance.now()
  let sent = 0
  for (let i = 0; i < job.frames && stream.status === 'open'; i += BATCH_FRAMES) {
    const frames: Frame[] = []
    for (let j = i; j < Math.min(job.frames, i + BATCH_FRAMES); j++) frames.push({ h: header(), b: body(job.kind, j) })
    if (!stream.send(lengthPrefixed(encodeFrames(frames)))) await stream.onDrain({ signal: AbortSignal.timeout(120_000) })
    sent += frames.length
  }
  console.log(JSON.stringify({ sent, ms: Math.round(performance.now() - t0), open: stream.status === 'open' }))
}
clearInterval(keepalive)
await node.libp2p.stop()
