/** Facts about the machine and the code a bench run measured, recorded with every result. */
import { execFileSync } from 'node:child_process'
import { cpus, freemem, loadavg, totalmem } from 'node:os'

export interface MachineFacts {
  cores: number
  cpuModel: string
  memoryMiB: number
  freeMemoryMiB: number
  /** 1-, 5- and 15-minute load averages. */
  loadAverage: number[]
  node: string
  platform: string
  commit: string
  /** Uncommitted changes under src/ or bin/ when the run started. */
  dirty: boolean
}

function git (root: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function machineFacts (root: string): MachineFacts {
  const c = cpus()
  return {
    cores: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMiB: Math.round(freemem() / 2 ** 20),
    loadAverage: loadavg().map(x => Math.round(x * 100) / 100),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git(root, ['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    dirty: git(root, ['status', '--porcelain', '--', 'src', 'bin']) !== ''
  }
}

/** The load average right now (1-minute), sampled at the start and end of each scenario. */
export function load1 (): number { return Math.round(loadavg()[0]! * 100) / 100 }
