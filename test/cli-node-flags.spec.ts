/**
 * The Node flags recommended for a `lockmesh node` process (src/cli/node-flags.ts)
 * are accepted by this Node, give the young generation they promise, and the
 * `lockmesh` bin applies them to `lockmesh node` by itself (its sh header).
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_PROCESS_FLAGS } from '../src/cli/node-flags.js'

const BIN_SOURCE = join(import.meta.dirname, '..', 'bin', 'lockmesh.ts')
const NEW_SPACE_MIB = "const v8 = require('node:v8'); const s = v8.getHeapSpaceStatistics().find(x => x.space_name === 'new_space'); console.log(s.space_size / 2 ** 20)"

function newSpaceMiB (flags: readonly string[]): number {
  // Allocate a little garbage first: the young generation grows on demand up to its bound.
  const r = spawnSync(process.execPath, [...flags, '-e', `let a = []; for (let i = 0; i < 2e6; i++) { a.push({ i }); if (a.length > 1e5) a = [] }; ${NEW_SPACE_MIB}`], { encoding: 'utf8', timeout: 30_000 })
  expect(r.status, r.stderr).to.equal(0)
  return Number(r.stdout.trim())
}

describe('lockmesh node process flags (issue 10)', () => {
  it('are valid Node flags and bound the young generation to 2 × 2 MiB (the default grows past it)', () => {
    expect(newSpaceMiB(NODE_PROCESS_FLAGS)).to.be.at.most(4)
    expect(newSpaceMiB([]), 'without them (shows the check can fail)').to.be.greaterThan(4)
  })

  it('cap the heap at 1 GiB (V8 then grows the old generation by ~1.6× its live size between full GCs, not 4×)', () => {
    const r = spawnSync(process.execPath, [...NODE_PROCESS_FLAGS, '-e', "console.log(require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20)"], { encoding: 'utf8', timeout: 30_000 })
    expect(r.status, r.stderr).to.equal(0)
    expect(Number(r.stdout.trim())).to.be.within(1024, 1100)
  })

  describe('the bin applies them to `lockmesh node` only', () => {
    // The bin's sh header run by sh, with a stand-in `node` first on PATH that prints the arguments it got.
    let dir: string
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lockmesh-bin-'))
      copyFileSync(BIN_SOURCE, join(dir, 'lockmesh.js'))
      chmodSync(join(dir, 'lockmesh.js'), 0o755)
      writeFileSync(join(dir, 'node'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
      chmodSync(join(dir, 'node'), 0o755)
    })
    after(() => { rmSync(dir, { recursive: true, force: true }) })

    function argsNodeGets (args: string[]): string[] {
      const r = spawnSync(join(dir, 'lockmesh.js'), args, { encoding: 'utf8', timeout: 10_000, env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } })
      expect(r.status, r.stderr).to.equal(0)
      return r.stdout.split('\n').filter(l => l !== '')
    }

    it('sets the flags in the same line as NODE_PROCESS_FLAGS', () => {
      const header = readFileSync(BIN_SOURCE, 'utf8').split('\n').slice(0, 3)
      expect(header[0]).to.equal('#!/bin/sh')
      expect(header[1]).to.include(`exec node ${NODE_PROCESS_FLAGS.join(' ')} "$0" "$@"`)
    })

    it('`lockmesh node …` starts Node with the flags, then the script and every argument (spaces kept)', () => {
      expect(argsNodeGets(['node', '--config', 'a b.json'])).to.deep.equal([...NODE_PROCESS_FLAGS, join(dir, 'lockmesh.js'), 'node', '--config', 'a b.json'])
    })

    it('other commands start Node without them', () => {
      expect(argsNodeGets(['status', '--connect', '127.0.0.1:1'])).to.deep.equal([join(dir, 'lockmesh.js'), 'status', '--connect', '127.0.0.1:1'])
      expect(argsNodeGets([])).to.deep.equal([join(dir, 'lockmesh.js')])
    })
  })
})
