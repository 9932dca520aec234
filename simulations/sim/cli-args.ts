/**
 * `npm run sim -- --seeds <n> [--seed <s>] [--nodes <n>] [--quorum grid|majority|all] [--json] [--trace]`
 *
 * Hidden, test-only flags: `--unsafe <rule>` (repeatable) switches a core
 * safety rule off; `--store-one-mark` switches the store's two-mark rule off;
 * `--faults a,b` forces fault kinds; `--fault-free`; `--full-budget`;
 * `--clock-scale x`; `--workers k`; `--no-measure` skips the message-count runs;
 * `--hold-to-expiry`, `--live-contention`, `--ping-ms`, `--suspicion-ms`,
 * `--retransmit-ms` shape the workload and timings for the mutation suite;
 * `--local-health-max k` caps the cores' local health multiplier (1 = off:
 * the comparison runs of the `burst` fault).
 *
 * `--history <file>` (with `--seeds 1`) writes the seed's history in the
 * format of `lockmesh simulate`'s history.jsonl, for `lockmesh check` / `report`.
 */
import type { QuorumSystemName, SafetyRule } from '../../src/core/types.js'
import type { MeshMutation } from '../../src/mesh.js'
import { FAULT_KINDS, type FaultKind } from './fault-schedule.js'

export const SAFETY_RULES: readonly SafetyRule[] = [
  'quorumIntersection', 'quietPeriod', 'fencePersistence', 'driftFormula', 'validityFromFirstTransmission',
  'extendMaxRule', 'repeatedCommitMaxRule', 'suspicionKeepsCommitted', 'sharedRaisesFence', 'failedOnOvertake',
  'noPartialRepick', 'freshSeqPerAttempt', 'cleanExitMarker', 'wallClockCheck', 'fenceCheck',
  'commitNeedsLiveGrant', 'neverYieldAfterCommit', 'lostOvertakesGranted', 'downgradeOvertakesUpgrade',
  'recoveryAfterQuiet', 'recoveryCoversReads', 'recoveredIncarnation'
]

/** LockMesh's own test-only mutations, also taken by `--unsafe`. */
export const MESH_MUTATIONS: readonly MeshMutation[] = ['resolveCancelled']

export interface CliOptions {
  seeds: number
  seed: number
  nodes: number
  quorum: QuorumSystemName
  json: boolean
  trace: boolean
  unsafe: SafetyRule[]
  meshUnsafe: MeshMutation[]
  storeTwoMarks: boolean
  faults: FaultKind[] | undefined
  faultFree: boolean
  fullBudget: boolean | undefined
  clockScale: number | undefined
  workers: number | undefined
  measure: boolean
  worker: boolean
  holdToExpiry: boolean
  liveContention: boolean
  suspicionMs: number | undefined
  pingMs: number | undefined
  retransmitMs: number | undefined
  /** Cap on the local health multiplier (1 = off); undefined = the core's default (8). */
  localHealthMax: number | undefined
  /** Write the (single) seed's history.jsonl here. */
  history: string | undefined
}

export class UsageError extends Error {
  static readonly NAME = 'UsageError'
  override readonly name = UsageError.NAME
}

export const USAGE = 'usage: npm run sim -- --seeds <n> [--seed <s>] [--nodes <n>] [--quorum grid|majority|all] [--json] [--trace] [--history <file> (one seed)]'

function int (flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} expects an integer >= ${min}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`)
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} expects an integer >= ${min}, got ${value}`)
  return n
}

export function parseArgs (argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    seeds: 1, seed: 1, nodes: 9, quorum: 'auto', json: false, trace: false, unsafe: [], meshUnsafe: [], storeTwoMarks: true,
    faults: undefined, faultFree: false, fullBudget: undefined, clockScale: undefined, workers: undefined, measure: true, worker: false,
    holdToExpiry: false, liveContention: false, suspicionMs: undefined, pingMs: undefined, retransmitMs: undefined, localHealthMax: undefined, history: undefined
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const next = (): string | undefined => argv[++i]
    switch (a) {
      case '--seeds': o.seeds = int(a, next(), 1); break
      case '--seed': o.seed = int(a, next(), 0); break
      case '--nodes': o.nodes = int(a, next(), 1); break
      case '--quorum': {
        const q = next()
        if (q !== 'grid' && q !== 'majority' && q !== 'all' && q !== 'auto') throw new UsageError(`--quorum expects grid, majority or all, got ${q === undefined ? 'nothing' : JSON.stringify(q)}`)
        o.quorum = q
        break
      }
      case '--json': o.json = true; break
      case '--trace': o.trace = true; break
      case '--unsafe': {
        const r = next()
        if (r !== undefined && (MESH_MUTATIONS as readonly string[]).includes(r)) { o.meshUnsafe.push(r as MeshMutation); break }
        if (r === undefined || !(SAFETY_RULES as readonly string[]).includes(r)) throw new UsageError(`--unsafe expects one of ${[...SAFETY_RULES, ...MESH_MUTATIONS].join(', ')}, got ${r === undefined ? 'nothing' : JSON.stringify(r)}`)
        o.unsafe.push(r as SafetyRule)
        break
      }
      case '--store-one-mark': o.storeTwoMarks = false; break
      case '--faults': {
        const list = (next() ?? '').split(',').filter(x => x !== '')
        for (const k of list) if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new UsageError(`--faults expects kinds among ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(k)}`)
        o.faults = list as FaultKind[]
        break
      }
      case '--fault-free': o.faultFree = true; break
      case '--full-budget': o.fullBudget = true; break
      case '--clock-scale': {
        const v = Number(next())
        if (!(v > 0 && v < 10)) throw new UsageError('--clock-scale expects a number in (0, 10)')
        o.clockScale = v
        break
      }
      case '--workers': o.workers = int(a, next(), 1); break
      case '--no-measure': o.measure = false; break
      case '--worker': o.worker = true; break
      case '--hold-to-expiry': o.holdToExpiry = true; break
      case '--live-contention': o.liveContention = true; break
      case '--suspicion-ms': o.suspicionMs = int(a, next(), 1); break
      case '--ping-ms': o.pingMs = int(a, next(), 1); break
      case '--retransmit-ms': o.retransmitMs = int(a, next(), 1); break
      case '--local-health-max': o.localHealthMax = int(a, next(), 1); break
      case '--history': {
        const f = next()
        if (f === undefined || f === '' || f.startsWith('--')) throw new UsageError('--history expects a file name')
        o.history = f
        break
      }
      default: throw new UsageError(`unknown argument ${JSON.stringify(a)}\n${USAGE}`)
    }
  }
  if (o.history !== undefined && o.seeds !== 1) throw new UsageError('--history writes one seed: use it with --seeds 1')
  return o
}

/** The command line that replays one seed with the same settings. */
export function replayCommand (o: CliOptions, seed: number): string {
  const parts = ['npm run sim --', '--seeds 1', `--seed ${seed}`, `--nodes ${o.nodes}`]
  if (o.quorum !== 'auto') parts.push(`--quorum ${o.quorum}`)
  for (const r of [...o.unsafe, ...o.meshUnsafe]) parts.push(`--unsafe ${r}`)
  if (!o.storeTwoMarks) parts.push('--store-one-mark')
  if (o.faults !== undefined) parts.push(`--faults ${o.faults.join(',')}`)
  if (o.faultFree) parts.push('--fault-free')
  if (o.fullBudget === true) parts.push('--full-budget')
  if (o.clockScale !== undefined) parts.push(`--clock-scale ${o.clockScale}`)
  if (o.holdToExpiry) parts.push('--hold-to-expiry')
  if (o.liveContention) parts.push('--live-contention')
  if (o.pingMs !== undefined) parts.push(`--ping-ms ${o.pingMs}`)
  if (o.suspicionMs !== undefined) parts.push(`--suspicion-ms ${o.suspicionMs}`)
  if (o.retransmitMs !== undefined) parts.push(`--retransmit-ms ${o.retransmitMs}`)
  if (o.localHealthMax !== undefined) parts.push(`--local-health-max ${o.localHealthMax}`)
  parts.push('--trace')
  return parts.join(' ')
}
