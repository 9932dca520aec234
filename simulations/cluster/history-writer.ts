/**
 * Writes `<out>/history.jsonl`: the config line first, then one event per
 * line as it happens (children's events as they arrive, so lines are not in
 * `t` order; the checker sorts). `t` is ns since the run's start, read from
 * process.hrtime.bigint() by whichever process saw the event.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import type { HistoryEvent } from './protocol.js'

export class HistoryWriter {
  private readonly stream: WriteStream
  private closed = false
  /** Events written, by type. */
  readonly counts = new Map<string, number>()
  private readonly listeners: Array<(e: HistoryEvent) => void> = []

  constructor (readonly path: string, readonly startNs: bigint) {
    this.stream = createWriteStream(path, { flags: 'w' })
  }

  /** ns since the run's start, now. */
  now (): number { return Number(process.hrtime.bigint() - this.startNs) }

  config (fields: Record<string, unknown>): void {
    this.line({ type: 'config', ...fields })
  }

  event (e: HistoryEvent): void {
    if (this.closed) return
    this.counts.set(e.type, (this.counts.get(e.type) ?? 0) + 1)
    this.line(e)
    for (const l of this.listeners) l(e)
  }

  onEvent (listener: (e: HistoryEvent) => void): void { this.listeners.push(listener) }

  private line (o: Record<string, unknown>): void {
    if (this.closed) return
    this.stream.write(JSON.stringify(o, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v) + '\n')
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await new Promise<void>((resolve, reject) => { this.stream.end((err?: Error | null) => { if (err != null) reject(err); else resolve() }) })
  }
}
