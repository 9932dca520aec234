/**
 * The fenced resource of `lockmesh simulate`, run by the parent (the
 * harness, not the code under test). Per key a counter value and DESIGN.md's
 * two marks: a read needs token ≥ maxWrite, a write needs token ≥ maxSeen
 * (the highest token of any accepted read or write). Every decision is
 * logged, stamped when it is made: `store-read` / `store-write` (token,
 * accepted, value), and for each write of an increment a `counter` record
 * (before, after, accepted).
 */
import type { HistoryEvent } from './protocol.js'

interface KeyState { value: number, maxWrite: bigint | null, maxSeen: bigint | null }

export interface StoreCaller { node: string, worker: string }

export class FencedStore {
  private readonly keys = new Map<string, KeyState>()

  constructor (private readonly log: (e: HistoryEvent) => void, private readonly now: () => number) {}

  private state (key: string): KeyState {
    let s = this.keys.get(key)
    if (s === undefined) this.keys.set(key, s = { value: 0, maxWrite: null, maxSeen: null })
    return s
  }

  read (key: string, token: bigint, who: StoreCaller): { accepted: boolean, value: number } {
    const s = this.state(key)
    const accepted = s.maxWrite === null || token >= s.maxWrite
    if (accepted && (s.maxSeen === null || token > s.maxSeen)) s.maxSeen = token
    this.log({ t: this.now(), type: 'store-read', node: who.node, worker: who.worker, key, token: token.toString(), accepted, value: s.value })
    return { accepted, value: s.value }
  }

  /** The write of a read-pause-write increment: `before` is the value the worker read. */
  write (key: string, token: bigint, who: StoreCaller, before: number, value: number): { accepted: boolean } {
    const s = this.state(key)
    const accepted = s.maxSeen === null || token >= s.maxSeen
    if (accepted) {
      s.value = value
      s.maxWrite = token
      if (s.maxSeen === null || token > s.maxSeen) s.maxSeen = token
    }
    const t = this.now()
    this.log({ t, type: 'store-write', node: who.node, worker: who.worker, key, token: token.toString(), accepted, value })
    this.log({ t, type: 'counter', node: who.node, worker: who.worker, key, token: token.toString(), before, after: value, accepted })
    return { accepted }
  }

  /** Final counter values (for the summary). */
  values (): Record<string, number> {
    return Object.fromEntries([...this.keys].map(([k, s]) => [k, s.value]))
  }
}
