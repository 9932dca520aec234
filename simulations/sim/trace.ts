/**
 * The run's fingerprint and its readable transcript. Every observable step
 * (inputs, frames, results, events, faults) is folded into a 64-bit FNV-1a
 * style hash (two 32-bit lanes); the same seed must give the same hash.
 */
import type { Frame, FrameBody } from '../../src/core/types.js'

export class Trace {
  private h1 = 0x811c9dc5
  private h2 = 0x01000193 ^ 0x9e3779b9
  readonly lines: string[] = []

  constructor (readonly keepLines: boolean) {}

  add (line: string): void {
    let a = this.h1
    let b = this.h2
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    this.h1 = Math.imul(a ^ 10, 0x01000193)
    this.h2 = b
    if (this.keepLines) this.lines.push(line)
  }

  /** Fold one number (an integer below 2^53) into the hash. */
  mix (x: number): void {
    const lo = x >>> 0
    const hi = Math.floor(x / 0x100000000) >>> 0
    this.h1 = Math.imul(this.h1 ^ lo, 0x01000193) ^ hi
    let b = Math.imul(this.h2 ^ lo ^ Math.imul(hi, 0x27d4eb2f), 0x5bd1e995)
    b ^= b >>> 15
    this.h2 = b
  }

  mixStr (s: string): void {
    let a = this.h1
    for (let i = 0; i < s.length; i++) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193)
    this.h1 = a
    this.mix(s.length)
  }

  /**
   * A frame sent at true time `t` (µs resolution): every field is hashed
   * without building a string; the readable line only when it is kept.
   */
  frame (t: number, from: string, to: string, f: Frame): void {
    this.mix(Math.round(t * 1000))
    this.mixStr(from)
    this.mixStr(to)
    const h = f.h
    this.mix(Number(h.clock)); this.mix(h.inc); this.mix(h.fn); this.mix(h.ack); this.mix(h.ackInc)
    const b = f.b
    this.mixStr(b.t)
    if (b.t === 'RECOVER') this.mix(b.round)
    else if (b.t === 'CEILING') { this.mix(b.round); this.mix(Number(b.ceiling)); this.mix(b.seenIncarnation); this.mix(b.recovering ? 1 : 0) } else if (b.t !== 'PING' && b.t !== 'PONG') {
      this.mixStr(b.key)
      this.mixStr(b.id.peer); this.mix(b.id.inc); this.mix(b.id.seq)
      switch (b.t) {
        case 'REQUEST': this.mix(Number(b.ts)); this.mixStr(b.mode); this.mix(b.ttlMs); this.mix(b.noWait ? 1 : 0); break
        case 'GRANT': this.mix(b.grantNo.inc); this.mix(b.grantNo.n); this.mix(Number(b.fence)); break
        case 'FAILED': this.mixStr(b.reason); this.mix(b.supersedes?.n ?? -1); this.mix(Math.round((b.quietRemainingMs ?? -1) * 1000)); break
        case 'INQUIRE': case 'YIELD': this.mix(b.grantNo.inc); this.mix(b.grantNo.n); break
        case 'COMMIT': this.mix(b.grantNo.inc); this.mix(b.grantNo.n); this.mix(b.attempt); this.mix(Number(b.token)); break
        case 'COMMITTED': case 'EXTENDED': this.mix(b.attempt); break
        case 'REFUSED': this.mixStr(b.phase); this.mix(b.attempt); this.mixStr(b.reason); break
        case 'EXTEND': this.mix(b.grantNo.n); this.mix(b.attempt); this.mix(b.ttlMs); break
        default: break
      }
    }
    if (this.keepLines) {
      this.lines.push(`${fmtTime(t)} ${from} -> ${to} ${describeBody(b)} c=${h.clock} i=${h.inc} fn=${h.fn} ack=${h.ack}/${h.ackInc}`)
    }
  }

  /** A transcript-only line (not hashed, so `--trace` never changes the hash). */
  note (line: string): void {
    if (this.keepLines) this.lines.push(line)
  }

  get hash (): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0')
  }
}

export function fmtTime (t: number): string {
  return t.toFixed(3).padStart(10)
}

function id (x: { peer: string, inc: number, seq: number }): string {
  return `${x.peer}:${x.inc}.${x.seq}`
}

/** One line per frame body, every field included (the hash depends on it). */
export function describeBody (b: FrameBody): string {
  switch (b.t) {
    case 'PING': case 'PONG': return b.t
    case 'REQUEST': return `REQUEST ${b.key} ${id(b.id)} ts=${b.ts} ${b.mode} ttl=${b.ttlMs}${b.noWait ? ' noWait' : ''}`
    case 'QUEUED': return `QUEUED ${b.key} ${id(b.id)}`
    case 'GRANT': return `GRANT ${b.key} ${id(b.id)} g=${b.grantNo.inc}.${b.grantNo.n} fence=${b.fence}`
    case 'FAILED': return `FAILED ${b.key} ${id(b.id)} ${b.reason}${b.supersedes !== undefined ? ` sup=${b.supersedes.inc}.${b.supersedes.n}` : ''}${b.quietRemainingMs !== undefined ? ` quiet=${b.quietRemainingMs}` : ''}`
    case 'INQUIRE': return `INQUIRE ${b.key} ${id(b.id)} g=${b.grantNo.inc}.${b.grantNo.n}`
    case 'YIELD': return `YIELD ${b.key} ${id(b.id)} g=${b.grantNo.inc}.${b.grantNo.n}`
    case 'CONTENDED': return `CONTENDED ${b.key} ${id(b.id)}`
    case 'COMMIT': return `COMMIT ${b.key} ${id(b.id)} g=${b.grantNo.inc}.${b.grantNo.n} a=${b.attempt} token=${b.token}`
    case 'COMMITTED': return `COMMITTED ${b.key} ${id(b.id)} a=${b.attempt}`
    case 'REFUSED': return `REFUSED ${b.key} ${id(b.id)} ${b.phase} a=${b.attempt} ${b.reason}`
    case 'EXTEND': return `EXTEND ${b.key} ${id(b.id)} g=${b.grantNo.inc}.${b.grantNo.n} a=${b.attempt} ttl=${b.ttlMs}`
    case 'EXTENDED': return `EXTENDED ${b.key} ${id(b.id)} a=${b.attempt}`
    case 'RELEASE': return `RELEASE ${b.key} ${id(b.id)}`
    case 'RELEASED': return `RELEASED ${b.key} ${id(b.id)}`
    case 'RECOVER': return `RECOVER round=${b.round}`
    case 'CEILING': return `CEILING round=${b.round} ceiling=${b.ceiling} seenInc=${b.seenIncarnation}${b.recovering ? ' recovering' : ''}`
  }
}
