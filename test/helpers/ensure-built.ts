/**
 * Specs that spawn the `lockmesh` CLI or node processes run compiled
 * JavaScript: rebuild dist/ when a source under bin/, src/ or simulations/
 * is newer than it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const CLI = join(ROOT, 'dist', 'bin', 'lockmesh.js')

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p))
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

/** dist/ must hold the current sources: the node processes run compiled JavaScript. */
export function ensureBuilt (): void {
  const child = join(ROOT, 'dist', 'simulations', 'cluster', 'child.js')
  const built = existsSync(child) && existsSync(CLI) ? Math.min(statSync(child).mtimeMs, statSync(CLI).mtimeMs) : 0
  const sources = Math.max(...['bin', 'src', join('simulations', 'cluster'), join('simulations', 'check'), join('simulations', 'sim')].map(d => newestMtime(join(ROOT, d))))
  if (built < sources) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
}
