/**
 * The history `lockmesh simulate` writes to `<out>/history.jsonl` (issue 5),
 * as types, and a tolerant reader.
 *
 * Line 1 is the run's config; every other line is an event stamped with `t`,
 * nanoseconds since the run's start (`validUntil` is on the same scale; every
 * field named `…Ms` is milliseconds). Unknown record types are kept as
 * `unknown` records (more may be added); a line that is not JSON, or a known
 * type with a missing or mistyped field, becomes a `malformed` record carrying
 * its line number — the reader never throws on content.
 *
 * The deterministic simulator (`npm run sim`, simulations/sim/observer.ts)
 * writes the same records, plus what only a simulated world knows: every
 * REQUEST's first send and delivery per voter (`request-sent`,
 * `request-delivered`, `release-sent`: fairness and attempt-id reuse), the
 * core's `attempt-restart` / `suspicion-drop` notes, and ground-truth
 * reachability (`truth`). Optional fields it adds: config `faultFree`,
 * `livenessFromMs`, `unsafeNoIntersection`; acquire-start `live`; acquired
 * `id`; node-exit `how`. A `lockmesh simulate` history carries none of them,
 * and the checkers that need them say so in a note instead of guessing.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { LockMode, Mode, QuorumSystemName } from '../../src/core/types.js'

export type NodeName = string

interface RecordBase {
  /** 1-based line number in the history file. */
  line: number
}

export interface ConfigRecord extends RecordBase {
  type: 'config'
  roster: NodeName[]
  quorum: QuorumSystemName
  ttlMs: number
  ttlMsMax: number
  /** Time the failure detector needs to notice a change (ms), at the configured suspicion timeout. */
  detectionMs: number
  /**
   * The nodes' local health multiplier cap (`localHealthMax`, Lifeguard): a
   * node slowed by its own host may take detectionMs × this to suspect a
   * peer. Absent = 8, the shipped default; 1 = the multiplier was off.
   */
  detectionCap?: number
  /**
   * Simulator: a node's steps run late only while some process is frozen
   * (paused, suspended, in a burst) — a fact of the simulated world, so a
   * node's local health multiplier can exceed 1 only near a freeze, and the
   * modes checker uses detection × cap only there (detection otherwise).
   */
  healthyUnlessFrozen?: boolean
  /** Time a better mode must hold before a node upgrades (ms). */
  stableMs: number
  /** ρ, the clock rate error bound. */
  drift: number
  /** The stated liveness bound (ms); liveness is skipped without it. */
  livenessBoundMs?: number
  /** Simulator: the run injected no fault of any kind (fairness over the whole run, fault-free-restart). */
  faultFree?: boolean
  /** Simulator: when its liveness phase began (ms since the start); fairness is judged from there. */
  livenessFromMs?: number
  /** Test-only mutation: the nodes ran quorums that need not intersect (the mode oracle follows them). */
  unsafeNoIntersection?: boolean
}

interface EventBase extends RecordBase {
  /** Nanoseconds since the run's start. */
  t: number
  node?: NodeName
  /** `<id>#<incarnation>` */
  worker?: string
  key?: string
}

export interface AcquireStartRecord extends EventBase {
  type: 'acquire-start'
  worker: string
  key: string
  mode: LockMode
  /** The acquire's wait bound (ms); absent = no bound. */
  waitMs?: number
  /** tryAcquire: `busy` is a valid answer. */
  noWait?: boolean
  /**
   * Simulator: the harness states which acquires liveness judges (true = must
   * end acquired, or busy for a tryAcquire, within `waitMs`). When any
   * acquire-start carries it, it replaces the liveness-phase rule.
   */
  live?: boolean
}

export interface AcquiredRecord extends EventBase {
  type: 'acquired'
  worker: string
  key: string
  mode: LockMode
  token: bigint
  /** End of the holder's belief (ns, run scale). */
  validUntil: number
  /** Simulator: the attempt id (`peer:incarnation.seq`) the grant came from (fairness). */
  id?: string
}

export interface AcquireFailedRecord extends EventBase {
  type: 'acquire-failed'
  worker: string
  key: string
  /** e.g. timeout, busy, read-only, no-quorum, queue-full, aborted, killed, run-end */
  reason: string
}

export interface ReleasedRecord extends EventBase {
  type: 'released'
  worker: string
  key: string
}

export interface LostRecord extends EventBase {
  type: 'lost'
  worker: string
  key: string
  reason?: string
}

/** Optional: a successful extension moves the belief deadline. */
export interface ExtendedRecord extends EventBase {
  type: 'extended'
  worker: string
  key: string
  validUntil: number
}

export interface StoreOpRecord extends EventBase {
  type: 'store-read' | 'store-write'
  key: string
  token: bigint
  accepted: boolean
  /** Value read (reads) or written (writes). */
  value: number
}

export interface CounterRecord extends EventBase {
  type: 'counter'
  key: string
  before: number
  after: number
  accepted: boolean
}

interface FaultFields extends EventBase {
  /** partition, isolate, bridge, one-way, kill, pause, slow, … */
  fault: string
  nodes: NodeName[]
  /** Directed links cut: frames from `from` to `to` are dropped. */
  links: Array<[from: NodeName, to: NodeName]>
  /** Whether the fault hit a holder or one of its voters (harness's view). */
  hitHolder?: boolean
  /** Pairs a fault-end with its fault-start when present. */
  id?: string
}

export interface FaultStartRecord extends FaultFields { type: 'fault-start' }
export interface FaultEndRecord extends FaultFields { type: 'fault-end' }
export type FaultRecord = FaultStartRecord | FaultEndRecord

export interface HealRecord extends EventBase {
  type: 'heal'
}

export interface ModeRecord extends EventBase {
  type: 'mode'
  node: NodeName
  mode: Mode
  sharedLocks: boolean
}

export interface NodeLifeRecord extends EventBase {
  type: 'node-start' | 'node-exit'
  node: NodeName
  /** node-exit: `crash` or `exit` (clean), when known. */
  how?: string
}

/**
 * Simulator: ground truth from this instant until the next `truth` record.
 * `running` = processes up and not frozen (paused, host suspended); `cut` =
 * directed links that drop every frame; `clean` = no random loss,
 * duplication or reordering is active. Where present, these replace the
 * reachability the checkers would rebuild from fault records.
 */
export interface TruthRecord extends EventBase {
  type: 'truth'
  running: NodeName[]
  cut: Array<[from: NodeName, to: NodeName]>
  clean: boolean
}

/** Simulator: the first transmission (`request-sent`) or delivery (`request-delivered`) of a REQUEST at one voter. */
export interface RequestRecord extends EventBase {
  type: 'request-sent' | 'request-delivered'
  from: NodeName
  to: NodeName
  key: string
  /** Attempt id `peer:incarnation.seq`. */
  id: string
  peer: string
  inc: number
  seq: number
  /** Lamport timestamp: with peer, inc, seq the priority order of DESIGN.md §4. */
  ts: bigint
  mode: LockMode
  noWait: boolean
}

/** Simulator: the first RELEASE of an attempt id a requester sent to one voter. */
export interface ReleaseSentRecord extends EventBase {
  type: 'release-sent'
  from: NodeName
  to: NodeName
  id: string
}

/** Simulator: the core's attempt-restart / suspicion-drop notes (DESIGN.md §5.7). */
export interface CoreNoteRecord extends EventBase {
  type: 'attempt-restart' | 'suspicion-drop'
  node: NodeName
  key: string
  why: string
}

/** A node's acquire latency from its own metrics, recorded when it stopped (report only). */
export interface MetricsRecord extends EventBase {
  type: 'metrics'
  node: NodeName
  incarnation: number
  acquire: Record<'exclusive' | 'shared', LatencyFields>
}

export interface LatencyFields { count: number, meanMs: number | null, p50Ms: number | null, p99Ms: number | null, failed: number }

/** A record type this checker does not know (kept, ignored). */
export interface UnknownRecord extends EventBase {
  type: 'unknown'
  recordType: string
}

/** A line the reader could not use. */
export interface MalformedRecord extends RecordBase {
  type: 'malformed'
  error: string
  /** The line, cut to 200 characters. */
  text: string
}

export type EventRecord =
  | AcquireStartRecord | AcquiredRecord | AcquireFailedRecord | ReleasedRecord | LostRecord | ExtendedRecord
  | StoreOpRecord | CounterRecord | FaultRecord | HealRecord | ModeRecord | NodeLifeRecord | MetricsRecord | UnknownRecord
  | TruthRecord | RequestRecord | ReleaseSentRecord | CoreNoteRecord

export type HistoryRecord = ConfigRecord | EventRecord | MalformedRecord

const QUORUMS: readonly string[] = ['grid', 'majority', 'all', 'auto']
const MODES: readonly string[] = ['starting', 'read-write', 'read-only']

class FieldError extends Error {}

type Json = Record<string, unknown>

function str (o: Json, f: string): string {
  const v = o[f]
  if (typeof v !== 'string') throw new FieldError(`field "${f}" must be a string`)
  return v
}

function optStr (o: Json, f: string): string | undefined {
  const v = o[f]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  throw new FieldError(`field "${f}" must be a string`)
}

/** A finite number; numeric strings are accepted. */
function num (o: Json, f: string): number {
  const v = o[f]
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new FieldError(`field "${f}" must be a finite number`)
  return n
}

function optNum (o: Json, f: string): number | undefined {
  return o[f] === undefined || o[f] === null ? undefined : num(o, f)
}

function bool (o: Json, f: string): boolean {
  const v = o[f]
  if (typeof v !== 'boolean') throw new FieldError(`field "${f}" must be a boolean`)
  return v
}

function optBool (o: Json, f: string): boolean | undefined {
  return o[f] === undefined || o[f] === null ? undefined : bool(o, f)
}

/** A token: a decimal string (or a safe integer). */
function token (o: Json, f: string): bigint {
  const v = o[f]
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim())
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  throw new FieldError(`field "${f}" must be a decimal integer string`)
}

function lockMode (o: Json): LockMode {
  const v = o.mode
  if (v !== 'exclusive' && v !== 'shared') throw new FieldError('field "mode" must be "exclusive" or "shared"')
  return v
}

function nodeList (o: Json, f: string): NodeName[] {
  const v = o[f]
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || !v.every(x => typeof x === 'string' || typeof x === 'number')) throw new FieldError(`field "${f}" must be an array of node names`)
  return v.map(String)
}

function linkList (o: Json, f = 'links'): Array<[NodeName, NodeName]> {
  const v = o[f]
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new FieldError(`field "${f}" must be an array of [from, to] pairs`)
  return v.map(pair => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(x => typeof x === 'string' || typeof x === 'number')) {
      throw new FieldError(`field "${f}" must be an array of [from, to] pairs`)
    }
    return [String(pair[0]), String(pair[1])] as [NodeName, NodeName]
  })
}

function rosterOf (o: Json): NodeName[] {
  const v = o.roster
  if (!Array.isArray(v) || v.length === 0) throw new FieldError('field "roster" must be a non-empty array')
  return v.map(x => {
    if (typeof x === 'string') return x
    if (typeof x === 'object' && x !== null && typeof (x as Json).id === 'string') return (x as Json).id as string
    throw new FieldError('roster entries must be node names (or objects with a string "id")')
  })
}

function parseConfig (o: Json, line: number): ConfigRecord {
  const quorum = o.quorum ?? 'auto'
  if (typeof quorum !== 'string' || !QUORUMS.includes(quorum)) throw new FieldError(`field "quorum" must be one of ${QUORUMS.join(', ')}`)
  const rec: ConfigRecord = {
    type: 'config',
    line,
    roster: rosterOf(o),
    quorum: quorum as QuorumSystemName,
    ttlMs: num(o, 'ttlMs'),
    ttlMsMax: num(o, 'ttlMsMax'),
    detectionMs: num(o, 'detectionMs'),
    stableMs: num(o, 'stableMs'),
    drift: num(o, 'drift')
  }
  const bound = optNum(o, 'livenessBoundMs')
  if (bound !== undefined) rec.livenessBoundMs = bound
  const faultFree = optBool(o, 'faultFree')
  if (faultFree !== undefined) rec.faultFree = faultFree
  const liveFrom = optNum(o, 'livenessFromMs')
  if (liveFrom !== undefined) rec.livenessFromMs = liveFrom
  const cap = optNum(o, 'detectionCap')
  if (cap !== undefined) rec.detectionCap = cap
  const healthy = optBool(o, 'healthyUnlessFrozen')
  if (healthy !== undefined) rec.healthyUnlessFrozen = healthy
  const unsafe = optBool(o, 'unsafeNoIntersection')
  if (unsafe !== undefined) rec.unsafeNoIntersection = unsafe
  return rec
}

/** Copies the optional common fields that are present. */
function base (o: Json, line: number): EventBase {
  const b: EventBase = { line, t: num(o, 't') }
  const node = optStr(o, 'node')
  const worker = optStr(o, 'worker')
  const key = optStr(o, 'key')
  if (node !== undefined) b.node = node
  if (worker !== undefined) b.worker = worker
  if (key !== undefined) b.key = key
  return b
}

function parseEvent (o: Json, type: string, line: number): EventRecord {
  const b = base(o, line)
  switch (type) {
    case 'acquire-start': {
      const r: AcquireStartRecord = { ...b, type, worker: str(o, 'worker'), key: str(o, 'key'), mode: lockMode(o) }
      const waitMs = optNum(o, 'waitMs')
      const noWait = optBool(o, 'noWait')
      const live = optBool(o, 'live')
      if (waitMs !== undefined) r.waitMs = waitMs
      if (noWait !== undefined) r.noWait = noWait
      if (live !== undefined) r.live = live
      return r
    }
    case 'acquired': {
      const r: AcquiredRecord = { ...b, type, worker: str(o, 'worker'), key: str(o, 'key'), mode: lockMode(o), token: token(o, 'token'), validUntil: num(o, 'validUntil') }
      const id = optStr(o, 'id')
      if (id !== undefined) r.id = id
      return r
    }
    case 'acquire-failed':
      return { ...b, type, worker: str(o, 'worker'), key: str(o, 'key'), reason: optStr(o, 'reason') ?? 'unknown' }
    case 'released':
      return { ...b, type, worker: str(o, 'worker'), key: str(o, 'key') }
    case 'lost': {
      const r: LostRecord = { ...b, type, worker: str(o, 'worker'), key: str(o, 'key') }
      const reason = optStr(o, 'reason')
      if (reason !== undefined) r.reason = reason
      return r
    }
    case 'extended':
      return { ...b, type, worker: str(o, 'worker'), key: str(o, 'key'), validUntil: num(o, 'validUntil') }
    case 'store-read':
    case 'store-write':
      return { ...b, type, key: str(o, 'key'), token: token(o, 'token'), accepted: bool(o, 'accepted'), value: num(o, 'value') }
    case 'counter':
      return { ...b, type, key: optStr(o, 'key') ?? '', before: num(o, 'before'), after: num(o, 'after'), accepted: bool(o, 'accepted') }
    case 'fault-start':
    case 'fault-end': {
      const r: FaultRecord = { ...b, type, fault: str(o, 'fault'), nodes: nodeList(o, 'nodes'), links: linkList(o) }
      const hit = optBool(o, 'hitHolder')
      const id = optStr(o, 'id')
      if (hit !== undefined) r.hitHolder = hit
      if (id !== undefined) r.id = id
      return r
    }
    case 'heal':
      return { ...b, type }
    case 'mode': {
      const mode = str(o, 'mode')
      if (!MODES.includes(mode)) throw new FieldError(`field "mode" must be one of ${MODES.join(', ')}`)
      return { ...b, type, node: str(o, 'node'), mode: mode as Mode, sharedLocks: optBool(o, 'sharedLocks') ?? mode === 'read-write' }
    }
    case 'node-start':
    case 'node-exit': {
      const r: NodeLifeRecord = { ...b, type, node: str(o, 'node') }
      const how = optStr(o, 'how')
      if (how !== undefined) r.how = how
      return r
    }
    case 'truth':
      return { ...b, type, running: nodeList(o, 'running'), cut: linkList(o, 'cut'), clean: bool(o, 'clean') }
    case 'request-sent':
    case 'request-delivered': {
      return {
        ...b, type, from: str(o, 'from'), to: str(o, 'to'), key: str(o, 'key'), id: str(o, 'id'), peer: str(o, 'peer'),
        inc: num(o, 'inc'), seq: num(o, 'seq'), ts: token(o, 'ts'), mode: lockMode(o), noWait: optBool(o, 'noWait') ?? false
      }
    }
    case 'release-sent':
      return { ...b, type, from: str(o, 'from'), to: str(o, 'to'), id: str(o, 'id') }
    case 'attempt-restart':
    case 'suspicion-drop':
      return { ...b, type, node: str(o, 'node'), key: str(o, 'key'), why: optStr(o, 'why') ?? '' }
    case 'metrics':
      return { ...b, type, node: str(o, 'node'), incarnation: num(o, 'incarnation'), acquire: latencyFields(o.acquire) }
    default:
      return { ...b, type: 'unknown', recordType: type }
  }
}

function latencyFields (v: unknown): MetricsRecord['acquire'] {
  if (typeof v !== 'object' || v === null) throw new FieldError('field "acquire" must be an object')
  const one = (m: unknown, mode: string): LatencyFields => {
    if (typeof m !== 'object' || m === null) throw new FieldError(`field "acquire.${mode}" must be an object`)
    const o = m as Json
    const n = (f: string): number => { const x = o[f]; if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new FieldError(`field "acquire.${mode}.${f}" must be a number >= 0`); return x }
    const nn = (f: string): number | null => o[f] === null ? null : n(f)
    return { count: n('count'), meanMs: nn('meanMs'), p50Ms: nn('p50Ms'), p99Ms: nn('p99Ms'), failed: n('failed') }
  }
  const a = v as Json
  return { exclusive: one(a.exclusive, 'exclusive'), shared: one(a.shared, 'shared') }
}

/**
 * One line of the history. Returns null for a blank line; a `malformed`
 * record for anything unusable; never throws.
 */
export function parseHistoryLine (text: string, line: number): HistoryRecord | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  const malformed = (error: string): MalformedRecord => ({ type: 'malformed', line, error, text: trimmed.slice(0, 200) })
  let o: unknown
  try {
    o = JSON.parse(trimmed)
  } catch (err) {
    return malformed(`not JSON (${(err as Error).message})`)
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return malformed('not a JSON object')
  const obj = o as Json
  if (typeof obj.type !== 'string') return malformed('field "type" must be a string')
  try {
    return obj.type === 'config' ? parseConfig(obj, line) : parseEvent(obj, obj.type, line)
  } catch (err) {
    if (err instanceof FieldError) return malformed(`${obj.type}: ${err.message}`)
    return malformed(`${obj.type}: ${String(err)}`)
  }
}

/** Every record of a history held in memory (tests, small files). */
export function parseHistoryText (text: string): HistoryRecord[] {
  const out: HistoryRecord[] = []
  text.split(/\r?\n/).forEach((l, i) => {
    const r = parseHistoryLine(l, i + 1)
    if (r !== null) out.push(r)
  })
  return out
}

/** Streams a history file record by record. Only I/O errors (missing file) reject. */
export async function * readHistory (path: string): AsyncGenerator<HistoryRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let n = 0
  for await (const l of lines) {
    n++
    const r = parseHistoryLine(l, n)
    if (r !== null) yield r
  }
}

export async function readHistoryFile (path: string): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = []
  for await (const r of readHistory(path)) out.push(r)
  return out
}

/** Nanoseconds per millisecond: history `t` / `validUntil` are ns, `…Ms` fields ms. */
export const NS_PER_MS = 1e6

export function nsToMs (ns: number): number { return ns / NS_PER_MS }
export function msToNs (ms: number): number { return ms * NS_PER_MS }

/** `12.345 ms` — how the checkers print instants and spans. */
export function fmtMs (ns: number): string {
  if (!Number.isFinite(ns)) return ns > 0 ? '∞' : '-∞'
  return `${nsToMs(ns).toFixed(3)} ms`
}
