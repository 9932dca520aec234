/**
 * The README quickstart against the packed package (issue 4, acceptance):
 * `npm pack` (which builds dist/ through `prepare`) into a temp dir, install
 * the tarball there from the registry like a user would, copy
 * docs/quickstart.mjs verbatim and run it with this Node — and with Node 22
 * through `npx -y node@22` unless LOCKMESH_QUICK is set. Also: the package's
 * files, the `exports` entry, the `lockmesh` bin, and the TypeScript variant
 * (docs/quickstart.ts, `await using`) type-checked and run against the
 * installed types.
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const QUICK = process.env.LOCKMESH_QUICK !== undefined && process.env.LOCKMESH_QUICK !== ''

interface Run { code: number, stdout: string, stderr: string, ms: number }

/** Run a command; never rejects (the test asserts on the result). Killed after `timeoutMs`. */
async function run (cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  const t0 = Date.now()
  return await new Promise(resolve => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - t0 })
    })
  })
}

function explain (r: Run): string {
  return `exit ${r.code} after ${r.ms} ms\n--- stdout\n${r.stdout.slice(-4_000)}\n--- stderr\n${r.stderr.slice(-4_000)}`
}

describe('README quickstart against the packed package (npm pack → npm install → node quickstart.mjs)', function () {
  this.timeout(900_000)
  let dir = ''
  let tarball = ''

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'lockmesh-quickstart-'))
    // npm pack runs `prepare` (the build) first.
    const pack = await run('npm', ['pack', '--pack-destination', dir, '--json', '--foreground-scripts=false'], ROOT, 600_000)
    expect(pack.code, `npm pack\n${explain(pack)}`).to.equal(0)
    const info = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as Array<{ filename: string, files: Array<{ path: string }> }>
    tarball = join(dir, info[0]!.filename)
    const files = info[0]!.files.map(f => f.path)
    for (const needed of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/polyfills.js', 'dist/bin/lockmesh.js', 'dist/simulations/check/cli-check.js', 'dist/simulations/sim/rng.js', 'dist/src/create.js']) {
      expect(files, `the tarball lacks ${needed}`).to.include(needed)
    }
    expect(files.filter(f => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('scratch/')), 'sources or tests in the tarball').to.deep.equal([])
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'quickstart-check', private: true, type: 'module' }, null, 2))
    const install = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'], dir, 600_000)
    expect(install.code, `npm install ${tarball}\n${explain(install)}`).to.equal(0)
    await copyFile(join(ROOT, 'docs/quickstart.mjs'), join(dir, 'quickstart.mjs'))
  })

  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true })
  })

  it(`runs docs/quickstart.mjs as written on this Node (${process.version})`, async () => {
    const r = await run(process.execPath, ['quickstart.mjs'], dir, 120_000)
    expect(r.code, explain(r)).to.equal(0)
    expect(r.stdout, explain(r)).to.match(/^acquired invoice:42 with fencing token \d+$/m)
    console.log(`      ${r.stdout.trim()} (${r.ms} ms, ${process.version})`)
  })

  it('runs docs/quickstart.mjs as written on Node 22 (npx -y node@22)', async function () {
    if (QUICK) {
      console.log('      skipped: LOCKMESH_QUICK is set (the Node 22 run happens in the full-length suite)')
      this.skip()
    }
    const r = await run('npx', ['-y', 'node@22', 'quickstart.mjs'], dir, 300_000)
    expect(r.code, explain(r)).to.equal(0)
    expect(r.stdout, explain(r)).to.match(/^acquired invoice:42 with fencing token \d+$/m)
    const version = await run('npx', ['-y', 'node@22', '--version'], dir, 120_000)
    expect(version.stdout.trim()).to.match(/^v22\./)
    console.log(`      ${r.stdout.trim()} (${r.ms} ms, ${version.stdout.trim()})`)
  })

  it('exposes the public API through the package entry (polyfill first), and the lockmesh bin', async () => {
    const probe = `
      import * as lm from 'lockmesh'
      const names = ['createLockMesh', 'lockMesh', 'loadPrivateKey', 'generatePrivateKey', 'peerIdOf', 'LockMesh', 'Lock', 'FileFenceStore', 'MemoryFenceStore',
        'AbortError', 'InvalidOptionsError', 'LockBusyError', 'LockLostError', 'LockTimeoutError', 'NoQuorumError', 'NotHolderError', 'QueueFullError', 'ReadOnlyError']
      const missing = names.filter(n => lm[n] === undefined)
      if (missing.length > 0) { console.log('missing: ' + missing.join(',')); process.exit(1) }
      if (typeof Promise.withResolvers !== 'function') { console.log('no Promise.withResolvers after import'); process.exit(1) }
      const err = await lm.createLockMesh({}).catch(e => e)
      console.log(err.name + ' ' + new lm.ReadOnlyError('k', []).name)`
    const r = await run(process.execPath, ['--input-type=module', '-e', probe], dir, 60_000)
    expect(r.code, explain(r)).to.equal(0)
    expect(r.stdout.trim()).to.equal('InvalidOptionsError ReadOnlyError')
    const pkg = JSON.parse(await readFile(join(dir, 'node_modules/lockmesh/package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(pkg.bin.lockmesh).to.be.a('string')
    const help = await run(join(dir, 'node_modules/.bin/lockmesh'), ['--help'], dir, 60_000)
    expect(help.code, explain(help)).to.equal(0)
    expect(help.stdout).to.match(/usage: lockmesh/)
    const keygen = await run(join(dir, 'node_modules/.bin/lockmesh'), ['keygen'], dir, 60_000)
    expect(keygen.code, explain(keygen)).to.equal(0)
    expect((JSON.parse(keygen.stdout) as { peerId: string }).peerId).to.match(/^12D3KooW/)
  })

  it('type-checks and runs docs/quickstart.ts (await using) against the installed types', async () => {
    await copyFile(join(ROOT, 'docs/quickstart.ts'), join(dir, 'quickstart.ts'))
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
    const r = await run(process.execPath, [tsc, '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--lib', 'es2023,esnext.disposable', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), '--skipLibCheck', '--outDir', 'out', 'quickstart.ts'], dir, 300_000)
    expect(r.code, `tsc\n${explain(r)}`).to.equal(0)
    const js = await run(process.execPath, ['out/quickstart.js'], dir, 120_000)
    expect(js.code, explain(js)).to.equal(0)
    expect(js.stdout).to.match(/^acquired invoice:42 with fencing token \d+$/m)
  })
})
