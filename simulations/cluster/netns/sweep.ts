/**
 * Removes what dead runs left: namespaces (and root-namespace links, which a
 * run never makes but a crashed older one might have) named `lm<pid>-…`
 * whose pid no longer runs a Node.js process. What still runs inside such a
 * namespace (orphaned node processes of that run) is killed first. A live
 * run's objects, and this process's own, are left alone.
 */
import { readFileSync } from 'node:fs'
import { ownerPid } from './names.js'
import { run } from './run.js'
import { parseLinkNames, parseNetnsList } from './topology.js'

/** Whether `pid` is a running Node.js process (a recycled pid running something else counts as dead). */
export function runAlive (pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? ''
    return /node|lockmesh/.test(argv0)
  } catch {
    return true
  }
}

export interface SweepResult { namespaces: string[], links: string[] }

/** Deletes the leftovers of dead runs; returns what it removed. */
export async function sweep (ip = 'ip', alive: (pid: number) => boolean = runAlive): Promise<SweepResult> {
  const dead = (name: string): boolean => { const pid = ownerPid(name); return pid !== null && !alive(pid) }
  const namespaces = parseNetnsList(await run(ip, ['netns', 'list'])).filter(dead)
  for (const ns of namespaces) {
    const pids = await run(ip, ['netns', 'pids', ns]).catch(() => '')
    for (const p of pids.split(/\s+/).filter(p => /^\d+$/.test(p))) {
      try { process.kill(Number(p), 'SIGKILL') } catch { /* gone */ }
    }
    await run(ip, ['netns', 'del', ns]).catch(() => {})
  }
  const links = parseLinkNames(await run(ip, ['-o', 'link'])).filter(dead)
  for (const l of links) await run(ip, ['link', 'del', l]).catch(() => {})
  return { namespaces, links }
}
