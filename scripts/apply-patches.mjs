#!/usr/bin/env node
/**
 * postinstall: applies patches/ to node_modules with patch-package — but only
 * in lockmesh's own checkout (development, CI, the bench), where patch-package
 * (a devDependency) and patches/ are present. An application that installs
 * lockmesh as a dependency has neither: this script then does nothing and
 * exits 0, so its install never breaks (it runs the unpatched, slower
 * dependencies; see README "Performance patches").
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
if (!existsSync(join(root, 'patches'))) process.exit(0)
let bin
try {
  bin = join(dirname(createRequire(join(root, 'package.json')).resolve('patch-package/package.json')), 'index.js')
} catch {
  process.exit(0) // installed without devDependencies (e.g. npm ci --omit=dev): nothing to patch with
}
// --error-on-fail: a patch that no longer applies (a dependency moved) fails the install loudly.
const run = spawnSync(process.execPath, [bin, '--error-on-fail'], { cwd: root, stdio: 'inherit' })
process.exit(run.status ?? 1)
