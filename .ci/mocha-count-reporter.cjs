'use strict'
/**
 * Mocha's `spec` reporter, plus a machine-readable count file for .ci/run
 * (CI does not parse mocha's human summary).
 *
 *   mocha --reporter ./.ci/mocha-count-reporter.cjs --reporter-option output=<file>
 *
 * writes {"passes":N,"failures":N,"pending":N,"tests":N} to <file> when the
 * run ends. No file = the run never finished (type error, a spec that failed
 * to load, a crash) — .ci/run counts that as a failure.
 */
const fs = require('node:fs')
const path = require('node:path')
const { reporters } = require('mocha')

class CountReporter extends reporters.Spec {
  constructor (runner, options) {
    super(runner, options)
    const output = options && options.reporterOption && options.reporterOption.output
    if (typeof output !== 'string' || output === '') throw new Error('mocha-count-reporter: --reporter-option output=<file> is required')
    runner.once('end', () => {
      const { passes, failures, pending, tests } = this.stats
      fs.mkdirSync(path.dirname(output), { recursive: true })
      fs.writeFileSync(output, JSON.stringify({ passes, failures, pending, tests }) + '\n')
    })
  }
}

module.exports = CountReporter
