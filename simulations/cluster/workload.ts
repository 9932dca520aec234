/**
 * The workload of one node process: `workers` loops, each acquiring, using
 * and releasing locks for ever (until `stop()`), and logging every step as a
 * history event.
 *
 * - At least `hotShare` of the acquires go to the ≤ 3 hot keys.
 * - Exclusive holds do a read-pause-write counter increment on the parent's
 *   fenced store; shared holds read it. The write is not preceded by a lease
 *   check: a process paused between its read and its write writes with a
 *   stale token after SIGCONT, which is what fencing is for.
 * - Some acquires are `tryAcquire`, some exclusive holds extend once.
 * - `released` is logged before `release()` is called; `lost` when the
 *   lock's signal aborts for any reason but our own release.
 */
import type { Lock } from '../../src/lock.js'
import type { LockMesh } from '../../src/mesh.js'
import type { HistoryEvent, WorkloadConfig } from './protocol.js'
import { Rng } from './rng.js'

export interface WorkloadIo {
  /** ns since the run's start. */
  now: () => number
  emit: (event: HistoryEvent) => void
  read: (key: string, token: bigint, worker: string) => Promise<{ accepted: boolean, value: number }>
  write: (key: string, token: bigint, worker: string, before: number, value: number) => Promise<{ accepted: boolean }>
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** The history's `reason` for an acquire that threw. */
export function failureReason (err: unknown, stopping: boolean): string {
  const name = (err as Error | undefined)?.name
  switch (name) {
    case 'LockTimeoutError': return 'timeout'
    case 'LockBusyError': return 'busy'
    case 'ReadOnlyError': return 'read-only'
    case 'NoQuorumError': return 'no-quorum'
    case 'QueueFullError': return 'queue-full'
    case 'AbortError': return stopping ? 'run-end' : 'aborted'
    case 'LockLostError': return 'expired'
    default: return name ?? 'error'
  }
}

export class Workload {
  private stopping = false
  private readonly abort = new AbortController()
  private readonly loops: Array<Promise<void>> = []
  private readonly cold: string[]
  /** Exclusive holds between their read and their write right now. */
  midIncrement = 0

  constructor (
    private readonly mesh: LockMesh,
    private readonly node: string,
    private readonly incarnation: number,
    private readonly cfg: WorkloadConfig,
    private readonly io: WorkloadIo
  ) {
    this.cold = cfg.keys.filter(k => !cfg.hotKeys.includes(k))
  }

  start (): void {
    if (this.loops.length > 0 || this.stopping) return
    for (let i = 0; i < this.cfg.workers; i++) this.loops.push(this.worker(i))
  }

  /** Stop: no new acquires, waiting ones fail with `run-end`, holds finish and are released. */
  async stop (graceMs: number): Promise<void> {
    this.stopping = true
    this.abort.abort()
    await Promise.race([Promise.all(this.loops), sleep(graceMs)])
  }

  private async worker (i: number): Promise<void> {
    const rng = new Rng(this.cfg.seed).fork(`${this.node}#${this.incarnation}/w${i}`)
    const worker = `${this.node}.w${i}#${this.incarnation}`
    // Spread the first acquires a little.
    await sleep(rng.range(0, 50))
    while (!this.stopping) {
      const hot = this.cold.length === 0 || rng.chance(this.cfg.hotShare)
      const key = hot ? rng.pick(this.cfg.hotKeys) : rng.pick(this.cold)
      const mode = rng.chance(this.cfg.sharedShare) ? 'shared' : 'exclusive'
      const noWait = rng.chance(this.cfg.tryShare)
      const { io } = this
      io.emit({ t: io.now(), type: 'acquire-start', node: this.node, worker, key, mode, ...(noWait ? { noWait: true } : { waitMs: this.cfg.waitMs }) })
      let lock: Lock
      try {
        const opts = { mode, ttlMs: this.cfg.ttlMs, signal: this.abort.signal } as const
        lock = noWait ? await this.mesh.tryAcquire(key, opts) : await this.mesh.acquire(key, { ...opts, waitMs: this.cfg.waitMs })
      } catch (err) {
        io.emit({ t: io.now(), type: 'acquire-failed', node: this.node, worker, key, reason: failureReason(err, this.stopping) })
        if (!this.stopping) await sleep(rng.range(this.cfg.thinkMs[0], this.cfg.thinkMs[1]) + 100)
        continue
      }
      const t = io.now()
      io.emit({ t, type: 'acquired', node: this.node, worker, key, mode, token: lock.token.toString(), validUntil: t + Math.floor(lock.remainingMs() * 1e6) })
      let closed = false
      const onAbort = (): void => {
        if (closed) return
        closed = true
        const reason = (lock.signal.reason as { reason?: string } | undefined)?.reason ?? 'lost'
        io.emit({ t: io.now(), type: 'lost', node: this.node, worker, key, reason })
      }
      lock.signal.addEventListener('abort', onAbort, { once: true })
      try {
        if (mode === 'exclusive') await this.increment(lock, worker, rng)
        else await this.readShared(lock, worker, rng)
      } catch (err) {
        process.stderr.write(`${worker}: hold of ${key} failed: ${(err as Error).stack ?? String(err)}\n`)
      } finally {
        lock.signal.removeEventListener('abort', onAbort)
        if (!closed && !lock.signal.aborted) {
          closed = true
          io.emit({ t: io.now(), type: 'released', node: this.node, worker, key })
          await lock.release().catch(() => {})
        } else if (!closed) {
          onAbort()
        }
      }
      if (!this.stopping) await sleep(rng.range(this.cfg.thinkMs[0], this.cfg.thinkMs[1]))
    }
  }

  /** Read, pause, write value + 1 (the store checks the token). */
  private async increment (lock: Lock, worker: string, rng: Rng): Promise<void> {
    const r = await this.io.read(lock.key, lock.token, worker)
    if (!r.accepted || lock.signal.aborted) return
    // The pause of read-pause-write; now and then a long one (a slow
    // computation), where a SIGSTOP is most likely to land.
    this.midIncrement++
    try {
      await sleep(rng.chance(0.2) ? rng.range(50, 250) : rng.range(2, 25))
      if (rng.chance(this.cfg.extendShare) && !this.stopping) {
        // Hold past 2/3 of the validity, extending once on the way.
        await sleep(lock.remainingMs() * 0.5)
        try {
          await lock.extend(this.cfg.ttlMs)
          const t = this.io.now()
          this.io.emit({ t, type: 'extended', node: this.node, worker, key: lock.key, validUntil: t + Math.floor(lock.remainingMs() * 1e6) })
        } catch { /* the old validity stands */ }
        await sleep(rng.range(0, 30))
      }
    } finally {
      this.midIncrement--
    }
    // No lease check here: however late an application checks, a pause can
    // land between its check and its write. Writing unchecked makes every
    // pause of a holder mid-increment such a write; the store's marks must
    // turn it away when a newer holder has been there.
    await this.io.write(lock.key, lock.token, worker, r.value, r.value + 1)
  }

  private async readShared (lock: Lock, worker: string, rng: Rng): Promise<void> {
    await this.io.read(lock.key, lock.token, worker)
    await sleep(rng.range(5, 30))
  }
}
