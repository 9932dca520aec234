/**
 * The Node flags recommended for a `lockmesh node` process (src/cli/node-flags.ts)
 * are accepted by this Node and give the young generation they promise.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { NODE_PROCESS_FLAGS } from '../src/cli/node-flags.js'

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
})
