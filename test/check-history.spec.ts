/**
 * `lockmesh check` — the history reader (issue 5): every record type parsed to
 * its typed form; bad lines become `malformed` records and
 * `malformed-history` findings with their line numbers, never exceptions.
 */
import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkHistory, parseHistoryLine, parseHistoryText, readHistoryFile } from '../simulations/check/index.js'
import { cleanHistory, ns } from './helpers/check-builder.js'

describe('check: history reader', () => {
  it('parses the config and every event type of the format', () => {
    const records = parseHistoryText([
      '{"type":"config","roster":["n1","n0"],"quorum":"majority","ttlMs":1000,"ttlMsMax":2000,"detectionMs":300,"stableMs":500,"drift":0.01,"livenessBoundMs":3000}',
      '{"t":1000,"type":"acquire-start","node":"n0","worker":"w0#1","key":"k","mode":"exclusive","waitMs":500}',
      '{"t":2000,"type":"acquired","node":"n0","worker":"w0#1","key":"k","mode":"exclusive","token":"18446744073709551615","validUntil":5000}',
      '{"t":2500,"type":"store-write","node":"n0","worker":"w0#1","key":"k","token":"7","accepted":false,"value":3}',
      '{"t":2600,"type":"counter","key":"k","before":2,"after":3,"accepted":true}',
      '{"t":3000,"type":"fault-start","fault":"one-way","nodes":["n0"],"links":[["n0","n1"]],"hitHolder":true}',
      '{"t":3100,"type":"mode","node":"n0","mode":"read-only","sharedLocks":false}',
      '{"t":3200,"type":"lost","worker":"w0#1","key":"k","reason":"killed"}',
      '{"t":3300,"type":"heal"}',
      '{"t":3400,"type":"something-new","extra":1}'
    ].join('\n'))
    expect(records.map(r => r.type)).to.deep.equal(['config', 'acquire-start', 'acquired', 'store-write', 'counter', 'fault-start', 'mode', 'lost', 'heal', 'unknown'])
    const [config, start, acquired, write, counter, fault] = records
    expect(config).to.include({ type: 'config', quorum: 'majority', ttlMsMax: 2000, livenessBoundMs: 3000, line: 1 })
    expect(start).to.include({ t: 1000, waitMs: 500, mode: 'exclusive', worker: 'w0#1' })
    expect(acquired).to.include({ token: 18446744073709551615n, validUntil: 5000 })
    expect(write).to.include({ type: 'store-write', token: 7n, accepted: false, value: 3 })
    expect(counter).to.include({ before: 2, after: 3, accepted: true })
    expect(fault).to.deep.include({ fault: 'one-way', links: [['n0', 'n1']], hitHolder: true })
  })

  it('reports malformed lines with their line numbers instead of throwing', () => {
    const lines = cleanHistory().lines()
    lines.splice(3, 0, '{"t": 12, "type": "acquired", "worker"')                                   // truncated JSON
    lines.splice(5, 0, JSON.stringify({ t: ns(1), type: 'acquired', worker: 'x#1', key: 'k', mode: 'exclusive', validUntil: 5 })) // no token
    lines.splice(7, 0, '[1, 2, 3]')
    lines.splice(9, 0, JSON.stringify({ t: 'soon', type: 'heal' }))
    lines.push('{"t":99')                                                                              // half-written last line
    let records: ReturnType<typeof parseHistoryText> = []
    expect(() => { records = parseHistoryText(lines.join('\n')) }).not.to.throw()
    const malformed = records.filter(r => r.type === 'malformed')
    expect(malformed.map(m => m.line)).to.deep.equal([4, 6, 8, 10, lines.length])
    const result = checkHistory(records)
    const found = result.violations.filter(v => v.kind === 'malformed-history')
    expect(found.map(v => v.line)).to.deep.equal([4, 6, 8, 10, lines.length])
    expect(found[1]!.details).to.match(/token/)
    expect(result.violations.every(v => v.kind === 'malformed-history')).to.equal(true)
    expect(result.stats.malformedLines).to.equal(5)
  })

  it('reports a history without a config record, and still checks what it can', () => {
    const lines = cleanHistory().lines().slice(1)
    const result = checkHistory(parseHistoryText(lines.join('\n')))
    expect(result.violations.map(v => v.kind)).to.deep.equal(['malformed-history'])
    expect(result.notes.join(' ')).to.match(/liveness not checked/).and.to.match(/modes not checked/)
    expect(result.stats.acquired).to.be.greaterThan(0)
  })

  it('streams a file; blank lines are skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockmesh-check-'))
    try {
      const file = join(dir, 'history.jsonl')
      writeFileSync(file, cleanHistory().lines().join('\r\n') + '\r\n\r\nnot json\r\n')
      const records = await readHistoryFile(file)
      expect(records[0]!.type).to.equal('config')
      expect(records.at(-1)).to.include({ type: 'malformed', line: cleanHistory().lines().length + 2 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('parseHistoryLine returns null for a blank line', () => {
    expect(parseHistoryLine('   ', 3)).to.equal(null)
  })
})
