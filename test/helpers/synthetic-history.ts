/**
 * A realistic synthetic `history.jsonl` (issue 5's format) for the report
 * specs: N nodes (default 5, grid quorum so all three modes show up), two
 * workers per node on a few keys (the first three hot), exclusive holds with
 * a read-pause-write counter increment on a fenced store, shared holds with a
 * read, and a fault schedule — a partition, a kill (with restart), an
 * isolation and a pause past the lease — with the mode changes each causes.
 *
 * Seeded and deterministic: a 1 ms step simulation of workers, a global lock
 * table (a hold blocks its key until released or its lease ends), the
 * store's two marks, and the true reachability deciding what can be granted.
 * The result passes `checkHistory` (the spec checks that); `injectOverlap`
 * adds a rogue exclusive hold overlapping another one on a hot key.
 */
import { classify } from '../../src/core/detector.js'
import { createQuorumSystem, type QuorumSystem } from '../../src/core/quorum.js'
import { parseHistoryText, type HistoryRecord } from '../../simulations/check/history.js'

export interface SyntheticOptions {
  seed?: number
  durationMs?: number
  nodes?: number
  workersPerNode?: number
  /** Keys in use; the first three are hot (≥ half the acquires). */
  keys?: string[]
  quorum?: 'grid' | 'majority'
  /** Add a rogue exclusive hold overlapping another one (a mutual-exclusion violation). */
  injectOverlap?: boolean
}

export interface SyntheticHistory {
  lines: string[]
  text: string
  records: HistoryRecord[]
  roster: string[]
  keys: string[]
}

export const SYNTHETIC_KEYS = ['orders', 'inventory', 'ledger', 'user:17', 'user:42', 'cart:9']

const CONFIG = { ttlMs: 1000, ttlMsMax: 1000, detectionMs: 300, stableMs: 500, drift: 0.01, livenessBoundMs: 3000 }
const WAIT_MS = 2500

/** mulberry32 */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Fault {
  id: string
  kind: 'partition' | 'kill' | 'isolate' | 'pause'
  start: number
  end: number
  nodes: string[]
  links: Array<[string, string]>
}

interface Hold {
  key: string
  mode: 'exclusive' | 'shared'
  token: number
  validUntil: number
  releaseAt: number
  readAt: number
  writeAt: number
  read?: { ok: boolean, value: number }
  wrote: boolean
}

interface Worker {
  name: string
  node: string
  inc: number
  state: 'idle' | 'waiting' | 'holding'
  nextAt: number
  key: string
  mode: 'exclusive' | 'shared'
  since: number
  readyAt: number
  hold?: Hold
}

interface Entry { worker: Worker, mode: 'exclusive' | 'shared', validUntil: number, released: boolean }

export function syntheticHistory (opts: SyntheticOptions = {}): SyntheticHistory {
  const rand = rng(opts.seed ?? 1)
  const between = (a: number, b: number): number => a + Math.floor(rand() * (b - a + 1))
  const D = opts.durationMs ?? 60_000
  const n = opts.nodes ?? 5
  const roster = Array.from({ length: n }, (_, i) => `n${i}`)
  const keys = opts.keys ?? SYNTHETIC_KEYS
  const hot = keys.slice(0, Math.min(3, keys.length))
  const quorumName = opts.quorum ?? 'grid'
  const quorum: QuorumSystem = createQuorumSystem(quorumName, roster)

  const out: Array<{ t: number, seq: number, rec: Record<string, unknown> }> = []
  let seq = 0
  const emit = (tMs: number, rec: Record<string, unknown>): void => { out.push({ t: tMs, seq: seq++, rec }) }

  // ---- fault schedule (fractions of the run, jittered) ----
  const at = (f: number): number => Math.round(D * (f + (rand() - 0.5) * 0.02))
  const pick = (i: number): string => roster[i % roster.length]!
  const faults: Fault[] = []
  const pairs = (a: string[], b: string[]): Array<[string, string]> => a.flatMap(x => b.flatMap(y => [[x, y], [y, x]] as Array<[string, string]>))
  {
    const minority = roster.slice(0, Math.floor(n / 2))
    const majority = roster.slice(Math.floor(n / 2))
    const s = at(0.2)
    faults.push({ id: 'f1', kind: 'partition', start: s, end: s + Math.round(D * 0.13), nodes: minority, links: pairs(minority, majority) })
    const k = at(0.5)
    faults.push({ id: 'f2', kind: 'kill', start: k, end: k + Math.round(D * 0.05), nodes: [pick(3)], links: [] })
    const i = at(0.7)
    const iso = pick(1)
    faults.push({ id: 'f3', kind: 'isolate', start: i, end: i + Math.round(D * 0.08), nodes: [iso], links: pairs([iso], roster.filter(x => x !== iso)) })
    const p = at(0.86)
    faults.push({ id: 'f4', kind: 'pause', start: p, end: p + 2500, nodes: [pick(2)], links: [] })
  }
  const activeFaults = (t: number): Fault[] => faults.filter(f => f.start <= t && t < f.end)
  const down = (x: string, t: number): boolean => activeFaults(t).some(f => f.kind === 'kill' && f.nodes.includes(x))
  const paused = (x: string, t: number): boolean => activeFaults(t).some(f => f.kind === 'pause' && f.nodes.includes(x))
  const reach = (x: string, t: number): Set<string> => {
    const live = activeFaults(t)
    const r = new Set([x])
    for (const p of roster) {
      if (p === x || down(p, t) || paused(p, t)) continue
      if (live.some(f => f.links.some(([a, b]) => (a === x && b === p) || (a === p && b === x)))) continue
      r.add(p)
    }
    return r
  }

  // ---- mode schedule: after every change of the truth, the classified mode (downgrades ~detection, upgrades ~detection + stable) ----
  type ModeState = { mode: string, sharedLocks: boolean }
  const modeChanges = new Map<string, Array<{ t: number, m: ModeState }>>(roster.map(x => [x, []]))
  const starts = new Map<string, number[]>(roster.map(x => [x, [between(1, 20)]]))
  for (const f of faults) if (f.kind === 'kill') for (const x of f.nodes) starts.get(x)!.push(f.end)
  {
    const instants = [...new Set(faults.flatMap(f => [f.start, f.end]))].sort((a, b) => a - b)
    for (const x of roster) {
      const list = modeChanges.get(x)!
      let cur: ModeState = { mode: 'read-write', sharedLocks: true }
      list.push({ t: starts.get(x)![0]! + between(350, 650), m: cur })
      for (const T of instants) {
        if (down(x, T) || paused(x, T)) continue
        const want = classify(quorum, reach(x, T))
        const restarted = starts.get(x)!.includes(T)
        if (!restarted && want.mode === cur.mode && want.sharedLocks === cur.sharedLocks) continue
        const upgrade = restarted || want.mode === 'read-write' || (want.sharedLocks && !cur.sharedLocks)
        list.push({ t: T + (upgrade ? between(600, 760) : between(250, 420)), m: want })
        cur = want
      }
      // A change that would land while the node is down or frozen is never logged.
      modeChanges.set(x, list.filter(c => !down(x, c.t) && !paused(x, c.t)))
    }
  }
  const modeAt = (x: string, t: number): ModeState => {
    let m: ModeState = { mode: 'starting', sharedLocks: false }
    const restart = Math.max(...starts.get(x)!.filter(s => s <= t), 0)
    for (const c of modeChanges.get(x)!) if (c.t <= t && c.t >= restart) m = c.m
    return m
  }

  // ---- config, starts, modes, faults ----
  const lines: string[] = [JSON.stringify({ type: 'config', roster, quorum: quorumName, ...CONFIG })]
  for (const x of roster) emit(starts.get(x)![0]!, { type: 'node-start', node: x })
  for (const [x, list] of modeChanges) for (const c of list) emit(c.t, { type: 'mode', node: x, mode: c.m.mode, sharedLocks: c.m.sharedLocks })

  // ---- workers, lock table, store ----
  const workers: Worker[] = []
  const workersPerNode = opts.workersPerNode ?? 2
  for (const x of roster) {
    for (let i = 0; i < workersPerNode; i++) {
      workers.push({ name: `${x}.w${i}`, node: x, inc: 1, state: 'idle', nextAt: 1200 + between(0, 400), key: '', mode: 'exclusive', since: 0, readyAt: 0 })
    }
  }
  const wid = (w: Worker): string => `${w.name}#${w.inc}`
  const table = new Map<string, Entry[]>(keys.map(k => [k, []]))
  const tokens = new Map<string, number>(keys.map(k => [k, 0]))
  const store = new Map<string, { value: number, maxWrite: number, maxSeen: number }>(keys.map(k => [k, { value: 0, maxWrite: -1, maxSeen: -1 }]))
  const holding = (t: number): Set<string> => new Set(workers.filter(w => w.state === 'holding' && w.hold !== undefined && t < w.hold.validUntil).map(w => w.node))

  const base = (w: Worker): Record<string, unknown> => ({ node: w.node, worker: wid(w), key: w.key })
  const storeOp = (t: number, w: Worker, h: Hold, type: 'store-read' | 'store-write'): boolean => {
    const s = store.get(h.key)!
    const ok = type === 'store-read' ? h.token >= s.maxWrite : h.token >= s.maxSeen
    const value = type === 'store-read' ? s.value : (h.read?.value ?? 0) + 1
    if (ok) {
      s.maxSeen = Math.max(s.maxSeen, h.token)
      if (type === 'store-write') { s.maxWrite = h.token; s.value = value }
    }
    emit(t, { type, ...base(w), token: String(h.token), accepted: ok, value })
    if (type === 'store-read') h.read = { ok, value }
    else emit(t, { type: 'counter', ...base(w), before: value - 1, after: value, accepted: ok })
    return ok
  }
  const closeHold = (t: number, w: Worker, how: 'released' | 'lost', reason?: string): void => {
    const e = table.get(w.key)!.find(x => x.worker === w && !x.released)
    if (how === 'released' && e !== undefined) e.released = true
    emit(t, { type: how, ...base(w), ...(reason !== undefined ? { reason } : {}) })
    w.state = 'idle'
    w.hold = undefined
    w.nextAt = t + between(20, 300)
  }

  const faultEvents = faults.flatMap(f => [{ t: f.start, f, start: true }, { t: f.end, f, start: false }]).sort((a, b) => a.t - b.t)
  let fe = 0
  for (let t = 0; t < D; t++) {
    // Faults at this instant.
    while (fe < faultEvents.length && faultEvents[fe]!.t <= t) {
      const { f, start } = faultEvents[fe++]!
      const rec = { fault: f.kind, nodes: f.nodes, links: f.links, id: f.id }
      if (start) {
        const held = holding(t)
        const touched = new Set([...f.nodes, ...f.links.flat()])
        emit(t, { type: 'fault-start', ...rec, hitHolder: [...touched].some(x => held.has(x)) })
        if (f.kind === 'kill') {
          for (const x of f.nodes) {
            for (const w of workers.filter(w => w.node === x)) {
              if (w.state === 'holding') closeHold(t, w, 'lost', 'killed')
              else if (w.state === 'waiting') emit(t, { type: 'acquire-failed', ...base(w), reason: 'killed' })
              w.state = 'idle'
              w.inc++
              w.nextAt = f.end + CONFIG.ttlMsMax + between(100, 400)
            }
            emit(t, { type: 'node-exit', node: x })
          }
        }
      } else {
        emit(t, { type: 'fault-end', ...rec })
        if (f.kind === 'kill') for (const x of f.nodes) emit(t, { type: 'node-start', node: x })
      }
    }

    for (const w of workers) {
      if (down(w.node, t) || paused(w.node, t)) continue
      const m = modeAt(w.node, t)
      if (w.state === 'idle' && t >= w.nextAt) {
        w.key = rand() < 0.65 ? hot[between(0, hot.length - 1)]! : keys[between(0, keys.length - 1)]!
        w.mode = rand() < 0.3 ? 'shared' : 'exclusive'
        emit(t, { type: 'acquire-start', ...base(w), mode: w.mode, waitMs: WAIT_MS })
        const allowed = m.mode === 'read-write' || (m.mode === 'read-only' && m.sharedLocks && w.mode === 'shared')
        if (!allowed) {
          emit(t + 0.3, { type: 'acquire-failed', ...base(w), reason: m.mode === 'starting' ? 'no-quorum' : 'read-only' })
          w.nextAt = t + between(50, 300)
          continue
        }
        w.state = 'waiting'
        w.since = t
        w.readyAt = t + between(2, 9)
      } else if (w.state === 'waiting' && t - w.since >= WAIT_MS) {
        emit(t, { type: 'acquire-failed', ...base(w), reason: 'timeout' })
        w.state = 'idle'
        w.nextAt = t + between(50, 300)
      } else if (w.state === 'holding' && w.hold !== undefined) {
        const h = w.hold
        if (t >= h.validUntil) {
          // Came back from a pause past its lease: finish the pending write (the store decides), then learn it is lost.
          if (h.mode === 'exclusive' && h.read?.ok === true && !h.wrote) { h.wrote = true; storeOp(t, w, h, 'store-write') }
          closeHold(t + 1, w, 'lost', 'expired')
        } else if (t >= h.readAt && h.read === undefined) {
          if (!storeOp(t, w, h, 'store-read')) closeHold(t + 1, w, 'released')
        } else if (h.mode === 'exclusive' && t >= h.writeAt && !h.wrote) {
          h.wrote = true
          storeOp(t, w, h, 'store-write')
        } else if (t >= h.releaseAt) {
          closeHold(t, w, 'released')
        }
      }
    }

    // Grants, oldest waiter first per key; a blocked exclusive waiter keeps later ones behind it.
    for (const key of keys) {
      const waiting = workers.filter(w => w.state === 'waiting' && w.key === key).sort((a, b) => a.since - b.since || a.name.localeCompare(b.name))
      const entries = table.get(key)!.filter(e => !e.released && t < e.validUntil)
      table.set(key, entries)
      for (const w of waiting) {
        if (t < w.readyAt || down(w.node, t) || paused(w.node, t)) continue
        const r = reach(w.node, t)
        const m = modeAt(w.node, t)
        const nodeOk = w.mode === 'exclusive'
          ? m.mode === 'read-write' && quorum.isWriteQuorum(r)
          : (m.mode === 'read-write' || m.sharedLocks) && quorum.isReadQuorum(r)
        if (!nodeOk) continue
        const free = w.mode === 'exclusive' ? entries.length === 0 : entries.every(e => e.mode === 'shared')
        if (!free) { if (w.mode === 'exclusive') break; continue }
        const token = tokens.get(key)! + 1
        tokens.set(key, token)
        const dur = w.mode === 'exclusive' ? between(25, 140) : between(40, 240)
        const h: Hold = { key, mode: w.mode, token, validUntil: t + CONFIG.ttlMs, releaseAt: t + dur, readAt: t + between(1, 5), writeAt: t + dur - between(1, 5), wrote: false }
        emit(t, { type: 'acquired', ...base(w), mode: w.mode, token: String(token), validUntil: Math.round((t + CONFIG.ttlMs) * 1e6) })
        entries.push({ worker: w, mode: w.mode, validUntil: h.validUntil, released: false })
        w.state = 'holding'
        w.hold = h
      }
    }
  }
  for (const w of workers) {
    if (w.state === 'waiting') emit(D, { type: 'acquire-failed', ...base(w), reason: 'run-end' })
    else if (w.state === 'holding') emit(D, { type: 'released', ...base(w) })
  }

  if (opts.injectOverlap === true) injectOverlap(out, hot[0] ?? keys[0]!, D, roster, emit)

  out.sort((a, b) => a.t - b.t || a.seq - b.seq)
  for (const e of out) lines.push(JSON.stringify({ t: Math.round(e.t * 1e6), ...e.rec }))
  const text = lines.join('\n') + '\n'
  return { lines, text, records: parseHistoryText(text), roster, keys }
}

/** A rogue exclusive hold on `key` overlapping the first exclusive hold granted after 40 % of the run, reusing its token. */
function injectOverlap (out: Array<{ t: number, rec: Record<string, unknown> }>, key: string, D: number, roster: string[],
  emit: (t: number, rec: Record<string, unknown>) => void): void {
  const victim = [...out].sort((a, b) => a.t - b.t).find(e => e.t > D * 0.4 && e.rec.type === 'acquired' && e.rec.key === key && e.rec.mode === 'exclusive')
  if (victim === undefined) return
  const node = roster.find(x => x !== victim.rec.node) ?? roster[0]!
  const common = { node, worker: `${node}.rogue#1`, key }
  const t = victim.t + 5
  emit(t - 2, { type: 'acquire-start', ...common, mode: 'exclusive', waitMs: WAIT_MS })
  emit(t, { type: 'acquired', ...common, mode: 'exclusive', token: victim.rec.token, validUntil: Math.round((t + 1000) * 1e6) })
  emit(t + 60, { type: 'released', ...common })
}
