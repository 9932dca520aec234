/**
 * One node process of `lockmesh simulate` (run as compiled JavaScript:
 * `node dist/simulations/cluster/child.js <config.json>`): a real lockmesh
 * node (createLockMesh, file fence store in its own data directory, `fast`
 * timings) plus the workload's workers. It reports history events to the
 * parent over IPC, asks the parent's fenced store to read and write, answers
 * status queries, and obeys network-fault commands: gater block/unblock
 * (partition, isolate, bridge) and the transport's fault hook (one-way drop,
 * slow delay).
 */
import '../../src/polyfills.js'
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Registry } from 'prom-client'
import { createLockMesh, loadPrivateKey, type OwnedLockMesh } from '../../src/create.js'
import { acquireLatency } from './metrics-summary.js'
import { SIM_TIMING, STALL_MS } from './timings.js'
import type { ChildConfig, ChildMessage, ChildStatus, HistoryEvent, NetState, ParentMessage } from './protocol.js'
import { Workload } from './workload.js'

const cfg = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as ChildConfig
const parentStart = BigInt(cfg.parentStartNs)
const now = (): number => Number(process.hrtime.bigint() - parentStart)
const peerOf = new Map(Object.entries(cfg.names).map(([peer, name]) => [name, peer]))

function send (msg: ChildMessage): void {
  if (!process.connected) return
  try { process.send!(msg) } catch { /* the parent is gone */ }
}
const emit = (event: HistoryEvent): void => { send({ type: 'event', event }) }

// Network faults as the parent last described them (peer IDs).
let blocked = new Set<string>()
let dropTo = new Set<string>()
let delayTo = new Map<string, number>()

let mesh: OwnedLockMesh | null = null
// This node's Prometheus metrics (lockmesh's and libp2p's): written next to its
// data directory and summarised into the history when the node stops.
const registry = new Registry()
let workload: Workload | null = null
let stopping: Promise<void> | null = null

async function applyNet (state: NetState): Promise<void> {
  const peers = (names: string[]): string[] => names.flatMap(n => { const p = peerOf.get(n); return p === undefined ? [] : [p] })
  dropTo = new Set(peers(state.drop))
  delayTo = new Map(Object.entries(state.delayMs).flatMap(([n, ms]) => { const p = peerOf.get(n); return p === undefined ? [] : [[p, ms] as [string, number]] }))
  const next = new Set(peers(state.block))
  const lift = [...blocked].filter(p => !next.has(p))
  const add = [...next].filter(p => !blocked.has(p))
  blocked = next
  if (mesh === null) return
  if (add.length > 0) await mesh.gater.block(add)
  if (lift.length > 0) await mesh.gater.unblock(lift)
}

// Store requests waiting for the parent's answer.
let nextId = 1
const waiting = new Map<number, (reply: { accepted: boolean, value: number }) => void>()
type StoreRequest = Extract<ChildMessage, { type: 'store' }>
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never
async function storeCall (msg: WithoutId<StoreRequest>): Promise<{ accepted: boolean, value: number }> {
  const id = nextId++
  return await new Promise(resolve => {
    waiting.set(id, resolve)
    send({ ...msg, id } as ChildMessage)
  })
}

function status (): ChildStatus {
  const s = mesh!.status()
  const nameOf = (p: string): string => cfg.names[p] ?? p
  return {
    mode: s.mode,
    sharedLocks: s.sharedLocks,
    quietRemainingMs: s.core?.quietRemainingMs ?? 0,
    midIncrement: workload?.midIncrement ?? 0,
    acquires: (s.core?.acquires ?? []).map(a => ({ key: a.key, mode: a.mode, phase: a.phase, quorum: a.quorum.map(nameOf), votes: a.votes }))
  }
}

// Event-loop delay, reported in output.log at the end (a loaded host shows here first).
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()

// Stalls: when this process could not run for STALL_MS or more (host
// overload, SIGSTOP), its frames were held that long, which breaks the
// checker's assumption that delays stay below the suspicion timeout. Each one
// is reported as a `stall` fault naming no links (reachability unknown while
// it lasts), after the fact, with its true start and end.
const TICK_MS = 50
let lastTick = now()
let stalls = 0
setInterval(() => {
  const t = now()
  if (t - lastTick - TICK_MS * 1e6 >= STALL_MS * 1e6 && stopping === null) {
    const id = `stall-${cfg.name}#${cfg.incarnation}-${++stalls}`
    const stalledMs = Math.round((t - lastTick) / 1e6)
    emit({ t: lastTick, type: 'fault-start', fault: 'stall', id, node: cfg.name, nodes: [cfg.name], links: [], hitHolder: false, stalledMs })
    emit({ t, type: 'fault-end', fault: 'stall', id, node: cfg.name, nodes: [cfg.name], links: [] })
  }
  lastTick = t
}, TICK_MS).unref()

async function stop (): Promise<void> {
  stopping ??= (async () => {
    const ms = (ns: number): string => (ns / 1e6).toFixed(1)
    process.stderr.write(`${cfg.name}#${cfg.incarnation}: event-loop delay p50 ${ms(loopDelay.percentile(50))} ms, p99 ${ms(loopDelay.percentile(99))} ms, max ${ms(loopDelay.max)} ms\n`)
    try {
      await workload?.stop(4000)
      if (mesh !== null) await recordMetrics()
      await mesh?.stop()
    } catch (err) {
      process.stderr.write(`${cfg.name}: stop failed: ${(err as Error).stack ?? String(err)}\n`)
    }
  })()
  await stopping
}

/** The node's metrics at its stop: metrics-<incarnation>.prom beside its data, and a `metrics` history record. */
async function recordMetrics (): Promise<void> {
  try {
    await writeFile(join(dirname(cfg.dataDir), `metrics-${cfg.incarnation}.prom`), await registry.metrics())
    emit({ t: now(), type: 'metrics', node: cfg.name, incarnation: cfg.incarnation, acquire: acquireLatency(await registry.getMetricsAsJSON()) })
  } catch (err) {
    process.stderr.write(`${cfg.name}: recording metrics failed: ${String(err)}\n`)
  }
}

process.on('message', (raw: ParentMessage) => {
  switch (raw.type) {
    case 'net':
      applyNet(raw.state).catch(err => { process.stderr.write(`${cfg.name}: net: ${String(err)}\n`) })
      return
    case 'start':
      workload?.start()
      return
    case 'status':
      if (mesh !== null) send({ type: 'status-reply', id: raw.id, status: status() })
      return
    case 'store-reply': {
      const resolve = waiting.get(raw.id)
      waiting.delete(raw.id)
      resolve?.({ accepted: raw.accepted, value: raw.value })
      return
    }
    case 'go':
      return
    case 'stop':
      void stop().then(() => {
        if (process.connected) process.send!({ type: 'stopped' } satisfies ChildMessage, () => { process.exit(0) })
        else process.exit(0)
      })
  }
})
// The parent went away: stop and leave.
process.on('disconnect', () => { void stop().then(() => process.exit(0)) })
// Ctrl-C in a terminal reaches every process of the group: the parent decides.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => { void stop().then(() => process.exit(0)) })
process.on('uncaughtException', err => {
  process.stderr.write(`${cfg.name}: uncaught: ${err.stack ?? String(err)}\n`)
  send({ type: 'fatal', message: err.message })
  process.exit(1)
})

let go: () => void = () => {}
const goSignal = new Promise<void>(resolve => { go = resolve })
process.on('message', (msg: ParentMessage) => { if (msg.type === 'go') go() })

const privateKey = await loadPrivateKey(cfg.keyFile)
if (cfg.waitForGo) {
  send({ type: 'loaded' })
  await goSignal
}
await applyNet(cfg.net)
mesh = await createLockMesh({
  privateKey,
  roster: cfg.roster,
  listen: [cfg.listen],
  bootstrap: cfg.bootstrap,
  dataDir: cfg.dataDir,
  // The first spawn is a brand-new member (fresh data dir); later ones find their store.
  newMember: cfg.incarnation === 1,
  quorum: cfg.quorum,
  ttlMsMax: cfg.ttlMsMax,
  defaultTtlMs: cfg.workload.ttlMs,
  defaultWaitMs: cfg.workload.waitMs,
  // Timings as an object, never 'fast': `timing: 'fast'` also gives libp2p
  // a 1 s connection-monitor ping, which aborts healthy connections on a
  // loaded host (a ping still in flight makes the next one fail: ping allows
  // one outbound stream).
  timing: { ...SIM_TIMING },
  metricsRegistry: registry,
  faultHook: {
    dropOutbound: to => dropTo.has(to),
    delayOutboundMs: to => delayTo.get(to) ?? 0
  }
})
emit({ t: now(), type: 'node-start', node: cfg.name, incarnation: cfg.incarnation })
mesh.addEventListener('mode', e => {
  if (stopping !== null) return
  emit({ t: now(), type: 'mode', node: cfg.name, mode: e.detail.mode, sharedLocks: e.detail.sharedLocks, reachable: e.detail.reachable.map(p => cfg.names[p] ?? p).sort() })
})
mesh.addEventListener('error', e => { process.stderr.write(`${cfg.name}: mesh error: ${e.detail.stack ?? String(e.detail)}\n`) })
if (blocked.size > 0) await mesh.gater.block([...blocked])
workload = new Workload(mesh, cfg.name, cfg.incarnation, cfg.workload, {
  now,
  emit,
  read: async (key, token, worker) => await storeCall({ type: 'store', op: 'read', key, token: token.toString(), worker }),
  write: async (key, token, worker, before, value) => await storeCall({ type: 'store', op: 'write', key, token: token.toString(), worker, before, value })
})
send({ type: 'up', listen: mesh.libp2p.getMultiaddrs().map(String) })
