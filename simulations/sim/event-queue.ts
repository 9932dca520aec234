/**
 * The simulator's agenda: a binary min-heap ordered by (true time, insertion
 * sequence), so events at the same instant run in the order they were
 * scheduled — deterministic by construction.
 */

interface Entry<T> {
  t: number
  seq: number
  item: T
}

export class EventQueue<T> {
  private readonly heap: Array<Entry<T>> = []
  private seq = 0

  get size (): number { return this.heap.length }

  push (t: number, item: T): void {
    if (!Number.isFinite(t)) throw new RangeError(`event at non-finite time ${t}`)
    const e: Entry<T> = { t, seq: this.seq++, item }
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(e, h[p]!)) break
      h[i] = h[p]!
      i = p
    }
    h[i] = e
  }

  peekTime (): number | undefined {
    return this.heap[0]?.t
  }

  /** The earliest entry (read its `t` and `item`; the queue keeps no reference). */
  pop (): Readonly<Entry<T>> | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      let i = 0
      const n = h.length
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const c = r < n && less(h[r]!, h[l]!) ? r : l
        if (!less(h[c]!, last)) break
        h[i] = h[c]!
        i = c
      }
      h[i] = last
    }
    return top
  }
}

function less<T> (a: Entry<T>, b: Entry<T>): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq)
}
