/**
 * A mesh of lockmesh nodes in this process for the acceptance scripts: real
 * libp2p on 127.0.0.1 through the public `createLockMesh`, keys sorted by peer
 * ID (grid column = index mod columns), partitions through each node's roster
 * gater (block + hang-up).
 */
import '../../src/polyfills.js'
import { createServer } from 'node:net'
import { loadavg as osLoad } from 'node:os'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { createLockMesh, type CreateLockMeshOptions, type OwnedLockMesh } from '../../src/create.js'
import { MemoryFenceStore } from '../../src/store/memory-fence-store.js'

export interface AppMesh {
  roster: string[]
  meshes: OwnedLockMesh[]
  /** Cut every link between the two groups of node indexes, both ways. */
  partition: (a: readonly number[], b: readonly number[]) => Promise<void>
  heal: () => Promise<void>
  stop: () => Promise<void>
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Poll `cond` every 5 ms; returns the ms it took, throws after `timeoutMs`. */
export async function waitUntil (what: string, cond: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(5)
  }
  return performance.now() - t0
}

async function canListen (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}

/** A port that was free a moment ago, below the ephemeral range (outbound sockets do not take it meanwhile). */
export async function freePort (): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (await canListen(port)) return port
  }
  throw new Error('no free port found in 100 tries')
}

/**
 * Start `n` nodes, each told every other node's address (as a deployment's
 * config would), one after the other, and wait until every one is read-write.
 */
export async function startMesh (n: number, options: Omit<Partial<CreateLockMeshOptions>, 'privateKey' | 'roster'> = {}, timeoutMs = 30_000): Promise<AppMesh & { startupMs: number }> {
  const t0 = performance.now()
  const keys: Array<{ key: PrivateKey, id: string, port: number }> = []
  for (let i = 0; i < n; i++) {
    const key = await generateKeyPair('Ed25519')
    keys.push({ key, id: peerIdFromPrivateKey(key).toString(), port: await freePort() })
  }
  keys.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const roster = keys.map(k => k.id)
  const meshes: OwnedLockMesh[] = []
  const stop = async (): Promise<void> => { await Promise.all(meshes.map(async m => { await m.stop().catch(() => {}) })) }
  try {
    for (const { key, id, port } of keys) {
      const bootstrap = keys.filter(k => k.id !== id).map(k => `/ip4/127.0.0.1/tcp/${k.port}/p2p/${k.id}`)
      meshes.push(await createLockMesh({ store: new MemoryFenceStore(), ...options, privateKey: key, roster, bootstrap, listen: [`/ip4/127.0.0.1/tcp/${port}`] }))
    }
    await Promise.all(meshes.map(async m => await m.ready({ signal: AbortSignal.timeout(timeoutMs) })))
    await waitUntil('every node read-write', () => meshes.every(m => m.mode === 'read-write'), timeoutMs)
  } catch (err) {
    await stop()
    throw err
  }
  const ids = (xs: readonly number[]): string[] => xs.map(i => roster[i]!)
  const cut: Array<[number, number]> = []
  return {
    roster,
    meshes,
    startupMs: performance.now() - t0,
    partition: async (a, b) => {
      for (const i of a) for (const j of b) cut.push(i < j ? [i, j] : [j, i])
      await Promise.all([
        ...a.map(async i => { await meshes[i]!.gater.block(ids(b)) }),
        ...b.map(async i => { await meshes[i]!.gater.block(ids(a)) })
      ])
    },
    // Lift every block, then one dial per cut pair from the lower peer ID (the
    // side that opens the lockmesh stream) — not one from each side, which
    // doubles the Noise handshakes of a heal in this one process.
    heal: async () => {
      await Promise.all(meshes.map(async m => { await m.gater.unblock(undefined, { redial: false }) }))
      const pairs = cut.splice(0)
      await Promise.all(pairs.map(async ([i, j]) => {
        try { await meshes[i]!.libp2p.dial(peerIdFromString(roster[j]!)) } catch { /* the transport keeps redialling */ }
      }))
    },
    stop
  }
}

export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** Event-loop lag of this process (every node shares it), to read the numbers by. */
export class LagMonitor {
  private timer: ReturnType<typeof setInterval> | null = null
  private last = 0
  maxMs = 0
  over100 = 0

  start (): this {
    this.last = performance.now()
    this.timer = setInterval(() => {
      const now = performance.now()
      const lag = now - this.last - 20
      if (lag > this.maxMs) this.maxMs = lag
      if (lag > 100) this.over100++
      this.last = now
    }, 20)
    this.timer.unref()
    return this
  }

  /** Report and restart the counts. */
  take (): string {
    const text = `event-loop lag max ${this.maxMs.toFixed(0)} ms, ${this.over100} stalls > 100 ms`
    this.maxMs = 0
    this.over100 = 0
    return text
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
  }
}

/** 1, 5 and 15 minute load averages (zeros on Windows). */
export function loadAverage (): string {
  return osLoad().map(x => x.toFixed(2)).join(' ')
}
