/**
 * `lockmesh init`: creates a brand-new member's fence store once (incarnation
 * 0, clean exit: its first start votes at once) and never touches an
 * existing one; the data directory comes from `--data-dir` or the node's
 * config file.
 */
import { expect } from 'chai'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNewMemberStore, runInit } from '../src/cli/init.js'
import { FENCE_STORE_FILE, FileFenceStore } from '../src/store/file-fence-store.js'

/** Run `fn` with process stdout/stderr captured. */
async function captured (fn: () => Promise<number>): Promise<{ code: number, out: string, err: string }> {
  const out: string[] = []
  const err: string[] = []
  const o = process.stdout.write.bind(process.stdout)
  const e = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((s: string) => { out.push(String(s)); return true }) as typeof process.stdout.write
  process.stderr.write = ((s: string) => { err.push(String(s)); return true }) as typeof process.stderr.write
  try {
    return { code: await fn(), out: out.join(''), err: err.join('') }
  } finally {
    process.stdout.write = o
    process.stderr.write = e
  }
}

describe('lockmesh init', function () {
  let dir = ''
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'lockmesh-init-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('--data-dir: creates the store once (incarnation 0, clean exit), then refuses with exit 1', async () => {
    const data = join(dir, 'data')
    const first = await captured(async () => await runInit(['--data-dir', data]))
    expect(first.code).to.equal(0)
    expect(first.out).to.match(/created .*fence-store\.json for a new member/)
    expect(await new FileFenceStore(join(data, FENCE_STORE_FILE)).load()).to.deep.equal({ incarnation: 0, ceiling: 0n, cleanExit: true })
    const before = await readFile(join(data, FENCE_STORE_FILE), 'utf8')
    const again = await captured(async () => await runInit(['--data-dir', data]))
    expect(again.code).to.equal(1)
    expect(again.err).to.match(/exists already; a store is never re-created/)
    expect(await readFile(join(data, FENCE_STORE_FILE), 'utf8')).to.equal(before)
  })

  it('--config: the data directory is the config\'s, relative to the config file', async () => {
    const cfg = join(dir, 'node.json')
    await writeFile(cfg, JSON.stringify({ keyFile: 'k', roster: ['p'], dataDir: 'd' }))
    const r = await captured(async () => await runInit(['--config', cfg]))
    expect(r.code).to.equal(0)
    expect((await createNewMemberStore(join(dir, 'd'))).created).to.equal(false)
  })

  it('bad arguments are a typed error naming what was expected', async () => {
    for (const argv of [[], ['--data-dir'], ['--config', 'a', '--data-dir', 'b'], ['--what']]) {
      const err = await runInit(argv).then(() => null, (e: Error) => e)
      expect(err?.name, JSON.stringify(argv)).to.equal('InvalidOptionsError')
    }
  })
})
