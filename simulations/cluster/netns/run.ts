/**
 * Running the system tools `--net netns` drives (`ip`, `iptables-restore`,
 * `nft`): asynchronously during a run, synchronously on the way out (a
 * process 'exit' listener cannot wait). A failure says which command failed
 * and what the tool printed.
 */
import { execFile, execFileSync, spawn } from 'node:child_process'

export class CommandError extends Error {
  override readonly name = 'CommandError'
  constructor (readonly command: string[], readonly code: number | string | null, readonly stderr: string) {
    super(`\`${command.join(' ')}\` failed (${String(code)})${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`)
  }
}

/** Runs `cmd args…` (with `input` on stdin when given); resolves to its stdout. */
export async function run (cmd: string, args: readonly string[], input?: string): Promise<string> {
  if (input === undefined) {
    return await new Promise((resolve, reject) => {
      execFile(cmd, args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        if (err === null) { resolve(stdout); return }
        const e = err as NodeJS.ErrnoException & { code?: number | string }
        reject(new CommandError([cmd, ...args], e.code ?? null, stderr === '' ? e.message : stderr))
      })
    })
  }
  return await new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.on('error', err => { reject(new CommandError([cmd, ...args], (err as NodeJS.ErrnoException).code ?? null, err.message)) })
    child.on('close', code => {
      if (code === 0) resolve(stdout)
      else reject(new CommandError([cmd, ...args], code, `${stderr}${stderr.endsWith('\n') || stderr === '' ? '' : '\n'}input:\n${input}`))
    })
    child.stdin.on('error', () => { /* reported by 'close' */ })
    child.stdin.end(input)
  })
}

/** Synchronous `run` (for the 'exit' path); never throws, returns stdout or null. */
export function runSync (cmd: string, args: readonly string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 })
  } catch {
    return null
  }
}
