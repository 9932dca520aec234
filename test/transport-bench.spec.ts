import '../src/polyfills.js'
import { expect } from 'chai'
import { frameFrom, sortedSpecs, TransportCluster, type TestNode } from './helpers/transport-cluster.js'

/**
 * Measurements on loopback (printed; the assertions are loose floors so a
 * loaded CI machine passes). LOCKMESH_QUICK=1 shrinks the runs.
 */
const QUICK = process.env.LOCKMESH_QUICK === '1'

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
}

describe('transport: loopback measurements', function () {
  this.timeout(120_000)
  let cluster: TransportCluster | undefined

  afterEach(async () => {
    await cluster?.stopAll()
    cluster = undefined
  })

  it('frame round trip (PING -> PONG over the long-lived streams)', async () => {
    cluster = new TransportCluster(await sortedSpecs(2))
    let pong: (() => void) | undefined
    const a = await cluster.start(cluster.specs[0]!, { onFrame: (_n, _from, f) => { if (f.b.t === 'PONG') pong?.() } })
    const b = await cluster.start(cluster.specs[1]!, {
      onFrame: (node, from, f) => { if (f.b.t === 'PING') node.transport.send(from, frameFrom(node, { t: 'PONG' })) }
    })
    await cluster.meshed([a, b])
    const rounds = QUICK ? 100 : 1_000
    const rtts: number[] = []
    for (let i = 0; i < rounds + 20; i++) {
      const done = new Promise<void>(resolve => { pong = resolve })
      const t0 = performance.now()
      a.transport.send(b.id, frameFrom(a, { t: 'PING' }))
      await done
      if (i >= 20) rtts.push(performance.now() - t0)
    }
    rtts.sort((x, y) => x - y)
    console.log(`      round trip over ${rounds}: p50 ${percentile(rtts, 0.5).toFixed(3)} ms, p90 ${percentile(rtts, 0.9).toFixed(3)} ms, p99 ${percentile(rtts, 0.99).toFixed(3)} ms`)
    expect(percentile(rtts, 0.5)).to.be.below(50)
  })

  it('one-way throughput: coalesced turns vs one frame per turn', async () => {
    cluster = new TransportCluster(await sortedSpecs(2))
    const a = await cluster.start(cluster.specs[0]!)
    let received = 0
    let target = 0
    let reached: (() => void) | undefined
    const b = await cluster.start(cluster.specs[1]!, { onFrame: () => { if (++received === target) reached?.() } })
    await cluster.meshed([a, b])
    const key = 'bench/key'
    const body = (seq: number): { t: 'QUEUED', key: string, id: { peer: string, inc: number, seq: number } } => ({ t: 'QUEUED', key, id: { peer: a.id, inc: 1, seq } })

    async function run (total: number, perTurn: number): Promise<{ fps: number, sends: number }> {
      received = 0
      target = total
      const done = new Promise<void>(resolve => { reached = resolve })
      const before = a.transport.stats()
      const t0 = performance.now()
      let sent = 0
      await new Promise<void>(resolve => {
        const turn = (): void => {
          for (let i = 0; i < perTurn && sent < total; i++) a.transport.send(b.id, frameFrom(a, body(sent++)))
          if (sent < total) setImmediate(turn)
          else resolve()
        }
        turn()
      })
      await done
      const seconds = (performance.now() - t0) / 1000
      const after = a.transport.stats()
      return { fps: total / seconds, sends: after.sendCalls - before.sendCalls }
    }

    const single = await run(QUICK ? 1_000 : 5_000, 1)
    const coalesced = await run(QUICK ? 20_000 : 100_000, 1_000)
    const drops = a.transport.stats()
    console.log(`      one frame per turn: ${Math.round(single.fps)} frames/s (${single.sends} send() calls)`)
    console.log(`      1000 frames per turn: ${Math.round(coalesced.fps)} frames/s (${coalesced.sends} send() calls, ${drops.drainWaits} drain waits, ${drops.droppedQueueFull} dropped)`)
    expect(drops.droppedQueueFull).to.equal(0)
    expect(coalesced.fps).to.be.above(single.fps)
    check(b)
  })
})

function check (node: TestNode): void {
  expect(node.transport.stats().malformedFrames).to.equal(0)
}
