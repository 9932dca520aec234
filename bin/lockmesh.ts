#!/bin/sh
//bin/sh -c :; [ "$1" = node ] && exec node --max-semi-space-size=2 --v8-pool-size=1 --max-old-space-size=1024 "$0" "$@"
//bin/sh -c :; exec node "$0" "$@"
/*
 * The two lines above run under sh (the shebang) and are comments to Node.
 * `lockmesh node` re-executes itself — exec: same process, no second one —
 * with the Node flags that keep a node small (NODE_PROCESS_FLAGS in
 * src/cli/node-flags.ts; test/cli-node-flags.spec.ts keeps the two equal):
 * V8 takes them only at start, and `#!/usr/bin/env -S node <flags>` fails on
 * busybox. The other commands run with Node's defaults. Flags given on the
 * command line (`node <flags> dist/bin/lockmesh.js node …`) skip these lines;
 * so does Windows without a POSIX sh (run it that way there).
 */
/**
 * The `lockmesh` command. It lives above both the library (src/) and the
 * simulation harness (simulations/): nothing in src/ imports simulations/.
 *
 *   lockmesh keygen [--out <file>]          write a private key, print its peer ID
 *   lockmesh init --config <file.json>      create a brand-new member's fence store
 *   lockmesh node --config <file.json>      run one node from a config file
 *   lockmesh status --connect <host:port>   every roster member as one node sees it
 *   lockmesh simulate [options]             a local multi-process mesh under chaos
 *   lockmesh check <history.jsonl>          check a recorded history
 *   lockmesh report <history.jsonl>         render report.html from a history
 */
import '../src/polyfills.js'
import { runInit } from '../src/cli/init.js'
import { runKeygen } from '../src/cli/keygen.js'
import { runNode } from '../src/cli/node.js'

const USAGE = `usage: lockmesh <command> [options]

commands:
  keygen [--out <file>]        write a new private key file; print its peer ID
  init --config <file.json>    create the fence store of a brand-new member (once,
       | --data-dir <dir>      before its first start); a node started without one
                               recovers its fences from its peers instead
  node --config <file.json>    run one lockmesh node from a JSON config file
       [--mdns] [--metrics <host:port> [--metrics-token-file <file>]]
                               serve /metrics (Prometheus) and /status (JSON);
                               loopback only unless a bearer token file is given
  status --connect <host:port> [--token-file <file>] [--watch] [--json]
                               a table of every roster member as the node at
                               <host:port> (its --metrics address) sees it
  simulate [options]           run a local mesh of real processes under a contended
                               workload and chaos; record and check the history
                               (lockmesh simulate --help)
  check <history.jsonl>        check a recorded history (exit 1 on any violation)
  report <history.jsonl>       render report.html (timeline, modes, faults, latency)
`

async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'keygen': return await runKeygen(rest)
    case 'init': return await runInit(rest)
    case 'node': return await runNode(rest)
    case 'status': {
      const { runStatus } = await import('../src/cli/status.js')
      return await runStatus(rest)
    }
    case 'simulate': {
      const { runSimulate } = await import('../simulations/cluster/simulate.js')
      return await runSimulate(rest)
    }
    case 'check': {
      const { runCheck } = await import('../simulations/check/cli-check.js')
      return await runCheck(rest)
    }
    case 'report': {
      const { runReport } = await import('../simulations/cluster/report/cli-report.js')
      return await runReport(rest)
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      process.stderr.write(`lockmesh: unknown command '${command}'\n${USAGE}`)
      return 2
  }
}

main(process.argv.slice(2)).then(code => { process.exitCode = code }, (err: unknown) => {
  const e = err as Error
  process.stderr.write(`lockmesh: ${e.name === 'InvalidOptionsError' || e.name === 'StatusFetchError' ? e.message : (e.stack ?? String(e))}\n`)
  process.exitCode = 2
})
