/**
 * The fenced resource of DESIGN.md §4: per key a counter and two marks.
 * - read with token t: accepted iff t ≥ maxWrite; then maxSeen := max(maxSeen, t)
 * - write with token t: accepted iff t ≥ maxSeen; then maxWrite := maxSeen := t
 *
 * `twoMarks: false` is the mutation: writes are checked against maxWrite only,
 * so a paused writer's stale write slips past a newer reader.
 * Every decision is recorded for the checkers.
 */

export interface StoreDecision {
  /** True time the store decided. */
  t: number
  key: string
  op: 'read' | 'write'
  token: bigint
  accepted: boolean
  /** Value read (reads) or written (writes). */
  value: number
  /** Marks before the decision. */
  maxWrite: bigint
  maxSeen: bigint
  node: number
  handle: number
}

interface KeyState {
  value: number
  maxWrite: bigint
  maxSeen: bigint
}

export class FencedStore {
  readonly decisions: StoreDecision[] = []
  private readonly keys = new Map<string, KeyState>()

  constructor (private readonly twoMarks = true) {}

  private state (key: string): KeyState {
    let s = this.keys.get(key)
    if (s === undefined) {
      s = { value: 0, maxWrite: -1n, maxSeen: -1n }
      this.keys.set(key, s)
    }
    return s
  }

  read (t: number, key: string, token: bigint, node: number, handle: number): StoreDecision {
    const s = this.state(key)
    const accepted = token >= s.maxWrite
    const d: StoreDecision = { t, key, op: 'read', token, accepted, value: s.value, maxWrite: s.maxWrite, maxSeen: s.maxSeen, node, handle }
    if (accepted && token > s.maxSeen) s.maxSeen = token
    this.decisions.push(d)
    return d
  }

  write (t: number, key: string, token: bigint, value: number, node: number, handle: number): StoreDecision {
    const s = this.state(key)
    const accepted = this.twoMarks ? token >= s.maxSeen : token >= s.maxWrite
    const d: StoreDecision = { t, key, op: 'write', token, accepted, value, maxWrite: s.maxWrite, maxSeen: s.maxSeen, node, handle }
    if (accepted) {
      s.value = value
      s.maxWrite = token
      if (token > s.maxSeen) s.maxSeen = token
    }
    this.decisions.push(d)
    return d
  }

  value (key: string): number {
    return this.keys.get(key)?.value ?? 0
  }

  get keyNames (): string[] {
    return [...this.keys.keys()]
  }
}
