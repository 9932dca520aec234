/**
 * The run's fingerprint and its readable transcript. Every observable step
 * (inputs, frames, results, events, faults) is folded into a 64-bit FNV-1a
 * style hash (two 32-bit lanes); the same seed must give the same hash.
 */
import type { FrameBody } from '../../src/core/types.js'

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
  }
}
