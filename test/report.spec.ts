/**
 * The visual report (issue 6, `<out>/report.html`): rendered from a realistic
 * synthetic history and read back structurally (no browser) — one row per
 * node, lock bars, fault marks, mode bands, violations, self-contained, every
 * history string escaped — then, where Debian's chromium is installed, in
 * headless Chromium: a screenshot that is not blank and a DOM with the rows,
 * bars and fault marks.
 */
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { checkHistory, parseHistoryText, type HistoryRecord } from '../simulations/check/index.js'
import { renderReport, reportLink, runReport, writeReport } from '../simulations/cluster/report/index.js'
import type { CheckIo, CheckResult } from '../simulations/check/index.js'
import { HOVER_SCRIPT } from '../simulations/cluster/report/hover-script.js'
import { byClass, scanHtml, type Scan } from './helpers/html-elements.js'
import { pngStats } from './helpers/png-pixels.js'
import { SYNTHETIC_KEYS, syntheticHistory, type SyntheticHistory } from './helpers/synthetic-history.js'

/** Debian's chromium (CI installs it); LOCKMESH_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.LOCKMESH_CHROMIUM ?? '/usr/bin/chromium'
/** LOCKMESH_QUICK=1 (the Node 22 pass in CI) shrinks the long history. */
const QUICK = process.env.LOCKMESH_QUICK === '1'
const EVIL_KEY = '<script>x</script>'

function render (records: HistoryRecord[]): { html: string, scan: Scan } {
  const html = renderReport(records, checkHistory(records))
  return { html, scan: scanHtml(html) }
}

/** Resource URLs that would make the page fetch from the network. */
function remoteResources (html: string): string[] {
  const found: string[] = []
  for (const re of [/\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\/[^\s"'>]*/gi, /url\(\s*["']?\s*(?:https?:)?\/\/[^)]*\)/gi, /@import/gi]) {
    for (const m of html.matchAll(re)) found.push(m[0])
  }
  return found
}

describe('report: report.html from a history', () => {
  let synth: SyntheticHistory
  let result: CheckResult
  let html: string
  let scan: Scan
  before(() => {
    synth = syntheticHistory({ seed: 7, keys: [...SYNTHETIC_KEYS.slice(0, 3), EVIL_KEY, ...SYNTHETIC_KEYS.slice(3)] })
    result = checkHistory(synth.records)
    html = renderReport(synth.records, result, { historyPath: '/runs/a/history.jsonl' })
    scan = scanHtml(html)
  })

  it('the synthetic history is a clean run with every fault kind it claims', () => {
    expect(result.violations, JSON.stringify(result.violations.slice(0, 3))).to.deep.equal([])
    expect(Object.keys(result.stats.faults).sort()).to.deep.equal(['isolate', 'kill', 'partition', 'pause'])
    expect(result.stats.acquired).to.be.greaterThan(1000)
    expect(result.stats.acquiredShared).to.be.greaterThan(100)
    // Deterministic: the same seed gives the same lines.
    expect(syntheticHistory({ seed: 7, keys: synth.keys }).text).to.equal(synth.text)
  })

  it('is one well-formed page with one node-row per node, lock bars, fault marks and mode bands', () => {
    expect(html.startsWith('<!doctype html>')).to.equal(true)
    expect(scan.errors).to.deep.equal([])
    const rows = byClass(scan, 'node-row')
    expect(rows.map(r => r.attrs['data-node'])).to.deep.equal(synth.roster)
    const bars = byClass(scan, 'lock-bar')
    expect(bars.length).to.be.greaterThan(100)
    for (const b of bars) {
      expect(b.attrs['data-mode']).to.be.oneOf(['exclusive', 'shared'])
      expect(b.attrs['data-token']).to.match(/^\d+(…\d+)?$/)
      expect(b.attrs['data-key']).to.be.a('string')
    }
    expect(new Set(bars.map(b => b.attrs['data-mode']))).to.deep.equal(new Set(['exclusive', 'shared']))
    const faults = byClass(scan, 'fault-mark')
    expect(faults.map(f => f.attrs['data-fault']).sort()).to.deep.equal(['isolate', 'kill', 'partition', 'pause'])
    const bands = new Set(byClass(scan, 'mode-band').map(b => b.attrs['data-mode']))
    for (const m of ['read-write', 'read-only-shared', 'read-only', 'down']) expect(bands, m).to.include(m)
    expect(byClass(scan, 'violation-mark')).to.have.length(0)
  })

  it('puts the tokens in each bar\'s <title> for hover', () => {
    const title = /<rect class="lock-bar" [^>]*data-token="(\d+)"[^>]*><title>([^<]*)<\/title>/.exec(html)
    expect(title, 'a single-hold bar with a title').to.not.equal(null)
    expect(title![2]).to.include(`token ${title![1]}`)
  })

  it('shows the run facts, the latency histogram and the grants chart', () => {
    expect(html).to.include('no violations').and.include('grid quorum').and.include('Acquire latency').and.include('Grants per second')
    expect(html).to.include(`${result.stats.acquired}`.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f'))
    for (const reason of Object.keys(result.stats.failedByReason)) expect(html).to.include(reason)
    expect(scan.elements.filter(e => e.name === 'svg' && (e.attrs.class ?? '').includes('latency'))).to.have.length(1)
    expect(scan.elements.filter(e => e.name === 'svg' && (e.attrs.class ?? '').includes('rate'))).to.have.length(1)
    expect(byClass(scan, 'lat-bin').length).to.be.greaterThan(3)
  })

  it('is self-contained: no remote resources, no external scripts, styles or fonts', () => {
    expect(remoteResources(html)).to.deep.equal([])
    expect(html).to.not.match(/https?:\/\//)
    const external = scan.elements.filter(e => (e.name === 'script' && e.attrs.src !== undefined) || e.name === 'link' || e.name === 'img' || e.name === 'iframe')
    expect(external).to.deep.equal([])
    // The one inline script parses, and reads nothing from the history.
    expect(() => new Function(HOVER_SCRIPT)).to.not.throw()
    expect(html).to.include(`<script>${HOVER_SCRIPT}</script>`)
  })

  it('escapes every string from the history', () => {
    expect(html).to.include('&lt;script&gt;x&lt;/script&gt;')
    expect(html).to.not.include(EVIL_KEY)
    expect(scan.elements.filter(e => e.name === 'script')).to.have.length(1) // the page's own cursor script
    expect(byClass(scan, 'lock-bar').some(b => b.attrs['data-key'] === EVIL_KEY)).to.equal(true)

    const nasty = synth.text +
      JSON.stringify({ t: 59_000_000_000, type: 'fault-start', fault: '<img src=x onerror=alert(1)>', nodes: ['n0"><b>'], links: [] }) + '\n' +
      '{"t": 1, "type": "acqu <b>bold</b>\n'
    const { html: h2, scan: s2 } = render(parseHistoryText(nasty))
    expect(s2.errors).to.deep.equal([])
    expect(s2.elements.filter(e => e.name === 'img')).to.deep.equal([])
    expect(h2).to.not.include('<b>bold</b>').and.not.include('n0"><b>')
    expect(h2).to.include('&lt;img src=x onerror=alert(1)&gt;')
    expect(byClass(s2, 'fault-mark').some(f => f.attrs['data-fault'] === '<img src=x onerror=alert(1)>')).to.equal(true)
  })

  it('highlights violations on the timeline and lists them with their explanation', () => {
    const bad = syntheticHistory({ seed: 7, injectOverlap: true })
    const r = checkHistory(bad.records)
    expect(r.violations.map(v => v.kind)).to.include('mutual-exclusion')
    const page = renderReport(bad.records, r)
    const s = scanHtml(page)
    const marks = byClass(s, 'violation-mark')
    expect(marks.length).to.equal(r.violations.length)
    expect(marks.map(m => m.attrs['data-kind'])).to.include('mutual-exclusion')
    expect(page).to.include('violation').and.include('two holders believed they held the same key')
    expect(page).to.include('rogue')
  })

  it('renders empty and config-only histories without throwing', () => {
    const empty = render([])
    expect(empty.scan.errors).to.deep.equal([])
    expect(empty.html).to.include('No events')
    expect(byClass(empty.scan, 'node-row')).to.have.length(0)

    const config = render(parseHistoryText('{"type":"config","roster":["a","b","c"],"quorum":"majority","ttlMs":1000,"ttlMsMax":1000,"detectionMs":300,"stableMs":500,"drift":0.01}\n'))
    expect(config.scan.errors).to.deep.equal([])
    expect(byClass(config.scan, 'node-row').map(r => r.attrs['data-node'])).to.deep.equal(['a', 'b', 'c'])
    expect(byClass(config.scan, 'lock-bar')).to.have.length(0)
  })

  it('thins thousands of holds into a bounded number of bars', function () {
    this.timeout(120_000)
    const big = syntheticHistory({ seed: 3, durationMs: QUICK ? 120_000 : 300_000, workersPerNode: 4 })
    const r = checkHistory(big.records)
    expect(r.stats.acquired).to.be.greaterThan(QUICK ? 4000 : 10_000)
    const t0 = Date.now()
    const page = renderReport(big.records, r)
    const ms = Date.now() - t0
    const s = scanHtml(page)
    const bars = byClass(s, 'lock-bar')
    expect(bars.length).to.be.within(100, 8000)
    expect(bars.reduce((n, b) => n + Number(b.attrs['data-count'] ?? 1), 0)).to.equal(r.stats.acquired)
    expect(page.length).to.be.below(4_000_000)
    expect(ms).to.be.below(20_000)
  })
})

describe('report: writeReport and lockmesh report', () => {
  let dir: string
  before(() => { dir = mkdtempSync(join(tmpdir(), 'lockmesh-report-')) })
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  function io (): CheckIo & { lines: string[], errors: string[] } {
    const lines: string[] = []
    const errors: string[] = []
    return { lines, errors, out: l => { lines.push(l) }, err: l => { errors.push(l) } }
  }

  it('writes report.html next to the history and returns its path', async () => {
    const history = join(dir, 'history.jsonl')
    writeFileSync(history, syntheticHistory({ seed: 2, durationMs: 20_000 }).text)
    const out = await writeReport(history)
    expect(out).to.equal(join(dir, 'report.html'))
    const page = readFileSync(out, 'utf8')
    expect(page).to.include(history)
    expect(byClass(scanHtml(page), 'node-row')).to.have.length(5)
    expect(reportLink(out)).to.equal(`report: ${pathToFileURL(out).href}`)
  })

  it('lockmesh report writes the page (or --out) and prints its link; bad input exits 2', async () => {
    const history = join(dir, 'h2.jsonl')
    writeFileSync(history, syntheticHistory({ seed: 4, durationMs: 10_000 }).text)
    const a = io()
    expect(await runReport([history, '--out', join(dir, 'custom', 'r.html')], a)).to.equal(0)
    expect(a.lines).to.deep.equal([reportLink(join(dir, 'custom', 'r.html'))])
    expect(existsSync(join(dir, 'custom', 'r.html'))).to.equal(true)

    const b = io()
    expect(await runReport([join(dir, 'missing.jsonl')], b)).to.equal(2)
    expect(b.errors.join('\n')).to.match(/lockmesh report: .*missing\.jsonl/)
    expect(await runReport([], io())).to.equal(2)
    expect(await runReport(['--bogus', history], io())).to.equal(2)
  })
})

describe('report: headless Chromium', () => {
  let dir: string
  let reportPath: string
  const roster = ['n0', 'n1', 'n2', 'n3', 'n4']

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockmesh-report-chromium-'))
    const history = join(dir, 'history.jsonl')
    writeFileSync(history, syntheticHistory({ seed: 11 }).text)
    reportPath = await writeReport(history)
  })
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  function chromium (args: string[]): Promise<{ stdout: string, stderr: string }> {
    const profile = mkdtempSync(join(dir, 'profile-'))
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--hide-scrollbars', `--user-data-dir=${profile}`]
    return new Promise((resolve, reject) => {
      execFile(CHROMIUM, [...flags, ...args, pathToFileURL(reportPath).href], { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(-2000)}`))
        else resolve({ stdout, stderr })
      })
    })
  }

  it('renders to a PNG that is not blank and to a DOM with the rows, bars and fault marks', async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      skipped: ${CHROMIUM} not found — install Debian's chromium (apt-get install -y chromium) to render report.html headless`)
      this.skip()
    }
    this.timeout(180_000)
    const png = join(dir, 'report.png')
    await chromium([`--screenshot=${png}`, '--window-size=1400,900'])
    expect(existsSync(png), 'chromium wrote the screenshot').to.equal(true)
    const bytes = readFileSync(png)
    const stats = pngStats(bytes)
    expect({ width: stats.width, height: stats.height }).to.deep.equal({ width: 1400, height: 900 })
    expect(bytes.length, 'PNG size').to.be.greaterThan(20_000)
    expect(stats.distinctColors, 'distinct colours').to.be.greaterThan(50)
    expect(stats.dominantShare, 'share of the most common colour').to.be.below(0.9)

    const { stdout } = await chromium(['--dump-dom'])
    const dom = scanHtml(stdout)
    const rows = byClass(dom, 'node-row')
    expect(rows.map(r => r.attrs['data-node'])).to.deep.equal(roster)
    expect(byClass(dom, 'lock-bar').length).to.be.greaterThan(0)
    expect(byClass(dom, 'fault-mark').length).to.be.greaterThan(0)
    expect(byClass(dom, 'mode-band').length).to.be.greaterThan(0)
  })
})
