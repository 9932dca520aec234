/**
 * `lockmesh check <history.jsonl>` through `runCheck`: the summary, the
 * `--json` object as the last stdout line, and the exit code (issue 5).
 */
import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCheck, type CheckIo } from '../simulations/check/index.js'
import { cleanHistory, W } from './helpers/check-builder.js'

describe('check: lockmesh check CLI', () => {
  let dir: string
  before(() => { dir = mkdtempSync(join(tmpdir(), 'lockmesh-check-cli-')) })
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  async function run (argv: string[]): Promise<{ code: number, out: string[], err: string[] }> {
    const out: string[] = []
    const err: string[] = []
    const io: CheckIo = { out: l => { out.push(...l.split('\n')) }, err: l => { err.push(l) } }
    const code = await runCheck(argv, io)
    return { code, out, err }
  }

  function write (name: string, text: string): string {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }

  it('exits 0 on a clean history, with the JSON object as the last stdout line', async () => {
    const file = write('clean.jsonl', cleanHistory().text())
    const { code, out } = await run([file, '--json'])
    expect(code).to.equal(0)
    expect(out.join('\n')).to.include('violations: none').and.include('partition 1 (hit a holder or its voters 0)')
    const json = JSON.parse(out.at(-1)!)
    expect(json).to.include.keys('nodes', 'durationMs', 'acquired', 'acquiredExclusive', 'failedByReason', 'faults', 'violations', 'lostUpdates', 'latencyMs', 'history')
    expect(json).to.deep.include({
      nodes: 5,
      durationMs: 10000,
      acquired: 9,
      acquiredExclusive: 7,
      failedByReason: { 'read-only': 1, busy: 1, 'run-end': 1 },
      faults: { partition: { injected: 1, hitHolder: 0 } },
      violations: [],
      lostUpdates: 0,
      history: file
    })
    expect(json.latencyMs).to.include({ p50: 5, p99: 110 })
  })

  it('exits non-zero on a history with an injected overlap and explains it', async () => {
    const h = cleanHistory()
      .hold({ worker: W.c, node: 'n2', key: 'hot', token: 1, fromMs: 7000, toMs: 7300 })
      .hold({ worker: W.d, node: 'n3', key: 'hot', token: 2, fromMs: 7100, toMs: 7400 })
    const file = write('overlap.jsonl', h.text())
    const { code, out } = await run(['--json', file])
    expect(code).to.equal(1)
    const text = out.join('\n')
    expect(text).to.include('violations: 1').and.include('✗ mutual-exclusion ×1')
    const json = JSON.parse(out.at(-1)!)
    expect(json.violations).to.have.length(1)
    expect(json.violations[0]).to.include({ kind: 'mutual-exclusion' })
    expect(json.violations[0].details).to.be.a('string')
  })

  it('computes hitHolder when the fault-start does not say', async () => {
    const h = cleanHistory()
      .hold({ worker: W.c, node: 'n2', key: 'hot', token: 1, fromMs: 7000, toMs: 7300 })
      .at(7100, 'fault-start', { fault: 'pause', nodes: ['n2'], links: [] })
      .at(7200, 'fault-end', { fault: 'pause', nodes: ['n2'], links: [] })
      .at(7400, 'fault-start', { fault: 'pause', nodes: ['n2'], links: [] })
      .at(7450, 'fault-end', { fault: 'pause', nodes: ['n2'], links: [] })
    const { out } = await run([write('hit.jsonl', h.text()), '--json'])
    expect(JSON.parse(out.at(-1)!).faults.pause).to.deep.equal({ injected: 2, hitHolder: 1 })
  })

  it('exits non-zero on malformed lines without throwing', async () => {
    const file = write('bad.jsonl', cleanHistory().text() + '{"t": 1, "type": "acqu\n')
    const { code, out } = await run([file])
    expect(code).to.equal(1)
    expect(out.join('\n')).to.include('malformed-history')
  })

  it('exits 2 on a missing file or bad usage', async () => {
    expect((await run([join(dir, 'nope.jsonl')])).code).to.equal(2)
    expect((await run([])).code).to.equal(2)
    expect((await run(['--bogus', 'x'])).code).to.equal(2)
    expect((await run(['--slack-ms', 'abc', 'x'])).code).to.equal(2)
  })
})
