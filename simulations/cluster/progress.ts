/**
 * The live progress line on stderr (only when stderr is a TTY): elapsed
 * time, grants per second, each node's mode, the faults in force.
 */
import type { ActiveFault } from './chaos.js'
import type { NodeProcess } from './node-process.js'

export interface ProgressSource {
  elapsedMs: () => number
  phase: () => string
  nodes: () => NodeProcess[]
  faults: () => ActiveFault[]
}

function glyph (n: NodeProcess): string {
  if (n.state === 'down') return 'down'
  if (n.state === 'paused') return 'paused'
  if (n.state === 'starting' || n.mode === 'starting') return '..'
  if (n.mode === 'read-write') return 'RW'
  return n.sharedLocks ? 'RO+s' : 'RO'
}

export class Progress {
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly grants: number[] = []
  readonly enabled: boolean

  constructor (private readonly src: ProgressSource, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = stream.isTTY === true
  }

  /** Count one grant (for grants/s). */
  grant (): void {
    if (!this.enabled) return
    this.grants.push(Date.now())
  }

  start (): void {
    if (!this.enabled || this.timer !== null) return
    this.timer = setInterval(() => { this.draw() }, 250)
    this.timer.unref()
  }

  /** Writes a full line above the progress line. */
  log (line: string): void {
    if (this.enabled) this.stream.write(`\r\x1b[2K${line}\n`)
    else this.stream.write(`${line}\n`)
    if (this.timer !== null) this.draw()
  }

  private draw (): void {
    const now = Date.now()
    while (this.grants.length > 0 && this.grants[0]! < now - 1000) this.grants.shift()
    const s = (this.src.elapsedMs() / 1000).toFixed(1)
    const modes = this.src.nodes().map(n => `${n.name} ${glyph(n)}`).join(' ')
    const faults = this.src.faults().map(f => f.label).join('; ')
    let line = `[${s}s ${this.src.phase()}] ${this.grants.length} grants/s | ${modes}${faults === '' ? '' : ` | ${faults}`}`
    const width = this.stream.columns > 20 ? this.stream.columns : 160
    if (line.length > width - 1) line = line.slice(0, width - 2) + '…'
    this.stream.write(`\r\x1b[2K${line}`)
  }

  stop (): void {
    if (this.timer === null) return
    clearInterval(this.timer)
    this.timer = null
    this.stream.write('\r\x1b[2K')
  }
}
