/**
 * The bench's workers, the same code in the app process and in agents: each
 * worker loops acquire → read the fenced counter → yield → write value + 1 →
 * release until its time is up. A critical section counts when its acquire
 * finished within the duration and the store accepted its write; lost updates
 * are the counted sections minus the counters' final values (the caller sums).
 */
import type { LockMesh } from '../../src/mesh.js'
import type { LockMode } from '../../src/core/types.js'

/** The fenced resource the workers increment (in-process, or in the app over IPC for agents). */
export interface CounterStore {
  /** The value, or null when the token is fenced off. */
  read: (key: string, token: bigint) => Promise<number | null> | number | null
  /** True when accepted. */
  write: (key: string, token: bigint, value: number) => Promise<boolean> | boolean
}

export interface WorkSpec {
  workers: number
  durationMs: number
  ttlMs: number
  /** `one`: every worker on `key`; `many`: a key out of `keys` chosen uniformly per section. */
  keys: { kind: 'one', key: string } | { kind: 'many', prefix: string, count: number }
  mode: LockMode
  /** Seed of the key choice (many keys), so a run can be replayed. */
  seed: number
}

export interface WorkResult {
  /** Accepted sections per worker (exclusive), or completed shared holds. */
  perWorker: number[]
  /** From starting to acquire until acquired, ms, every section (retries included). */
  acquireMs: number[]
  /** Reads or writes the store turned away (a token fenced off). */
  fenced: number
  /** Acquires refused by kind (ReadOnlyError, LockTimeoutError, …), retried. */
  refused: Record<string, number>
  /** Most shared holders seen at once (shared mode). */
  concurrentMax: number
  /** Accepted writes of sections whose acquire finished after the end (not in the rate; in the lost-update sum). */
  late: number
}

/** How long an acquire may wait past the end of the run before it is given up (ms). */
const WAIT_PAST_END_MS = 10_000
/** Pause after a refused acquire (read-only mesh, timeout) before the next try. */
const RETRY_PAUSE_MS = 20

/** A tiny seeded PRNG (mulberry32): the many-keys choice is reproducible from the seed. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const yieldTurn = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

export async function runWorkers (mesh: LockMesh, store: CounterStore, spec: WorkSpec): Promise<WorkResult> {
  const result: WorkResult = { perWorker: new Array<number>(spec.workers).fill(0), acquireMs: [], fenced: 0, refused: {}, concurrentMax: 0, late: 0 }
  const end = performance.now() + spec.durationMs
  let holding = 0
  const worker = async (w: number): Promise<void> => {
    const rnd = prng(spec.seed * 1_000 + w)
    while (performance.now() < end) {
      const key = spec.keys.kind === 'one' ? spec.keys.key : `${spec.keys.prefix}${Math.floor(rnd() * spec.keys.count)}`
      const t0 = performance.now()
      let lock
      try {
        lock = await mesh.acquire(key, { ttlMs: spec.ttlMs, mode: spec.mode, waitMs: Math.max(1, Math.ceil(end + WAIT_PAST_END_MS - t0)) })
      } catch (err) {
        const name = (err as Error).name
        result.refused[name] = (result.refused[name] ?? 0) + 1
        await new Promise(resolve => setTimeout(resolve, RETRY_PAUSE_MS))
        continue
      }
      const t1 = performance.now()
      const inTime = t1 <= end
      if (inTime) result.acquireMs.push(t1 - t0)
      try {
        if (spec.mode === 'shared') {
          holding++
          result.concurrentMax = Math.max(result.concurrentMax, holding)
          await yieldTurn()
          holding--
          if (inTime) result.perWorker[w]!++
        } else {
          const v = await store.read(key, lock.token)
          if (v === null) { result.fenced++ } else {
            await yieldTurn()
            if (!await store.write(key, lock.token, v + 1)) result.fenced++
            else if (inTime) result.perWorker[w]!++
            else result.late++
          }
        }
      } finally {
        await lock.release().catch(() => {})
      }
    }
  }
  await Promise.all(Array.from({ length: spec.workers }, async (_x, w) => { await worker(w) }))
  return result
}
