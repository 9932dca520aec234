/**
 * lockmesh's Prometheus series, registered through libp2p's metrics interface
 * (`components.metrics`): an app that exports libp2p metrics gets these too.
 *
 * Gauges and cumulative counters are calculated at scrape time from the
 * mesh's `status()` and the transport's counters (nothing on the hot path);
 * only acquire outcomes, suspicions, lost locks, mode time and store writes
 * are recorded as they happen. libp2p's calculated counters add what
 * `calculate` returns at every scrape, so those return the change since the
 * last scrape (`Deltas`).
 */
import type { CounterGroup, HistogramGroup, Histogram, Metrics } from '@libp2p/interface'
import type { CoreEvent, LockMode, Mode } from '../core/types.js'
import type { LockMesh, MeshObserver } from '../mesh.js'
import { ACQUIRE_BUCKETS_S, HELP, METRIC, OUTCOMES, STORE_BUCKETS_S, outcomeOf } from './names.js'

/** Turns cumulative counters into per-scrape increments (never negative). */
class Deltas {
  private readonly last = new Map<string, number>()
  take (values: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [k, v] of Object.entries(values)) {
      out[k] = Math.max(0, v - (this.last.get(k) ?? 0))
      this.last.set(k, Math.max(v, this.last.get(k) ?? 0))
    }
    return out
  }
}

const MODES: readonly Mode[] = ['starting', 'read-write', 'read-only']
/** The stall probe's period; lateness beyond `stallThresholdMs` counts as stall time. */
const STALL_PROBE_MS = 100

export interface MeshMetricsOptions {
  /** Timer lateness counted as a stall (ms). Default: the mesh's `stallThresholdMs`. */
  stallThresholdMs?: number
}

export class MeshMetrics {
  private mesh: LockMesh | null = null
  private readonly acquire: Record<LockMode, HistogramGroup>
  private readonly settled: CounterGroup
  private readonly failed: CounterGroup
  private readonly lost: CounterGroup
  private readonly storeWrites: Histogram
  private readonly suspicions = { n: 0 }
  private readonly modeChanges = { n: 0 }
  private readOnlyMs = 0
  private readOnlySince: number | null = null
  private stallMs = 0
  private stallTimer: ReturnType<typeof setInterval> | null = null
  private readonly onMode = (e: CustomEvent<{ mode: Mode }>): void => { this.modeChanged(e.detail.mode) }
  private readonly onLost = (e: CustomEvent<{ reason?: string }>): void => { this.lost.increment({ [lossReason(e.detail.reason)]: true }) }

  /** Hooks to pass as `LockMeshInit.observer` (or combine with others). */
  readonly observer: MeshObserver = {
    acquireSettled: ({ mode, durationMs, error }) => {
      const outcome = outcomeOf(error)
      this.acquire[mode].observe({ [outcome]: durationMs / 1000 })
      this.settled.increment({ [outcome]: true })
      if (outcome !== 'granted') this.failed.increment({ [outcome]: true })
    },
    coreEvent: (e: CoreEvent) => {
      if (e.type === 'suspect') this.suspicions.n++
    }
  }

  constructor (metrics: Metrics, private readonly options: MeshMetricsOptions = {}) {
    const hist = (name: string, help: string): HistogramGroup => metrics.registerHistogramGroup(name, { label: 'outcome', help, buckets: ACQUIRE_BUCKETS_S })
    this.acquire = {
      exclusive: hist(METRIC.acquireExclusiveSeconds, HELP.acquireExclusiveSeconds),
      shared: hist(METRIC.acquireSharedSeconds, HELP.acquireSharedSeconds)
    }
    this.settled = metrics.registerCounterGroup(METRIC.acquires, { label: 'outcome', help: HELP.acquires })
    this.failed = metrics.registerCounterGroup(METRIC.acquiresFailed, { label: 'reason', help: HELP.acquiresFailed })
    this.lost = metrics.registerCounterGroup(METRIC.locksLost, { label: 'reason', help: HELP.locksLost })
    this.storeWrites = metrics.registerHistogram(METRIC.fenceStoreWriteSeconds, { help: HELP.fenceStoreWriteSeconds, buckets: STORE_BUCKETS_S })
    // Series that exist from the first scrape, so rate() has a start.
    this.settled.increment(Object.fromEntries(OUTCOMES.map(o => [o, 0])))
    this.failed.increment(Object.fromEntries(OUTCOMES.filter(o => o !== 'granted').map(o => [o, 0])))
    this.lost.increment({ expired: 0, 'wall-clock': 0, stopped: 0 })

    const status = (): ReturnType<LockMesh['status']> | null => this.mesh?.status() ?? null
    metrics.registerMetricGroup(METRIC.locksHeld, {
      label: 'mode', help: HELP.locksHeld,
      calculate: () => {
        const locks = status()?.locks ?? []
        return { exclusive: locks.filter(l => l.mode === 'exclusive').length, shared: locks.filter(l => l.mode === 'shared').length }
      }
    })
    metrics.registerMetric(METRIC.acquiresInFlight, { help: HELP.acquiresInFlight, calculate: () => (status()?.core?.acquires ?? []).filter(a => a.phase !== 'held').length })
    metrics.registerMetric(METRIC.queueDepth, { help: HELP.queueDepth, calculate: () => status()?.core?.voter.queued ?? 0 })
    metrics.registerMetric(METRIC.votesHeld, { help: HELP.votesHeld, calculate: () => status()?.core?.voter.votes ?? 0 })
    metrics.registerMetric(METRIC.quietRemainingSeconds, { help: HELP.quietRemainingSeconds, calculate: () => (status()?.core?.quietRemainingMs ?? 0) / 1000 })
    metrics.registerMetric(METRIC.incarnation, { help: HELP.incarnation, calculate: () => status()?.incarnation ?? 0 })
    metrics.registerMetric(METRIC.localHealthMultiplier, { help: HELP.localHealthMultiplier, calculate: () => status()?.core?.localHealth.multiplier ?? 1 })
    metrics.registerMetricGroup(METRIC.mode, {
      label: 'mode', help: HELP.mode,
      calculate: () => { const m = this.mesh?.mode ?? 'starting'; return Object.fromEntries(MODES.map(x => [x, x === m ? 1 : 0])) }
    })
    metrics.registerMetricGroup(METRIC.peers, {
      label: 'state', help: HELP.peers,
      calculate: () => {
        const peers = status()?.core?.peers ?? []
        return {
          reachable: peers.filter(p => p.reachable).length,
          unreachable: peers.filter(p => !p.reachable).length,
          quiet: peers.filter(p => p.quiet).length
        }
      }
    })

    const counter = (name: string, help: string, read: () => number): void => {
      const d = new Deltas()
      metrics.registerCounter(name, { help, calculate: () => d.take({ v: read() }).v ?? 0 })
    }
    const counterGroup = (name: string, label: string, help: string, read: () => Record<string, number>): void => {
      const d = new Deltas()
      metrics.registerCounterGroup(name, { label, help, calculate: () => d.take(read()) })
    }
    counter(METRIC.attemptRestarts, HELP.attemptRestarts, () => status()?.core?.counters.attemptRestarts ?? 0)
    counter(METRIC.suspicions, HELP.suspicions, () => this.suspicions.n)
    counter(METRIC.modeChanges, HELP.modeChanges, () => this.modeChanges.n)
    counter(METRIC.readOnlySeconds, HELP.readOnlySeconds, () => this.readOnlyTotalMs() / 1000)
    counter(METRIC.eventLoopStallSeconds, HELP.eventLoopStallSeconds, () => this.stallMs / 1000)
    counterGroup(METRIC.framesSent, 'type', HELP.framesSent, () => status()?.transport?.framesOut ?? {})
    counterGroup(METRIC.framesReceived, 'type', HELP.framesReceived, () => status()?.transport?.framesIn ?? {})
    counterGroup(METRIC.handshakeRefusals, 'reason', HELP.handshakeRefusals, () => status()?.transport?.refusals ?? {})
    counterGroup(METRIC.framesRejected, 'reason', HELP.framesRejected, () => {
      const s = status()
      const c = s?.core?.counters ?? {}
      const t = s?.transport
      return {
        malformed: t?.malformedFrames ?? 0,
        rejected: c.rejectedFrames ?? 0,
        'stale-incarnation': c.staleFrames ?? 0,
        'no-stream': t?.droppedNoStream ?? 0,
        'queue-full': t?.droppedQueueFull ?? 0
      }
    })
  }

  /** Start reading `mesh` (its status at scrape time, its events) and probing the event loop. */
  attach (mesh: LockMesh): void {
    this.mesh = mesh
    mesh.addEventListener('mode', this.onMode)
    mesh.addEventListener('lock-lost', this.onLost)
    const thresholdMs = this.options.stallThresholdMs ?? mesh.config.stallThresholdMs
    let last = performance.now()
    this.stallTimer = setInterval(() => {
      const now = performance.now()
      const lateMs = now - last - STALL_PROBE_MS
      if (lateMs >= thresholdMs) this.stallMs += lateMs
      last = now
    }, STALL_PROBE_MS)
    this.stallTimer.unref()
  }

  /** Stop the probe and the listeners (the registered series stay, frozen). */
  detach (): void {
    if (this.stallTimer !== null) clearInterval(this.stallTimer)
    this.stallTimer = null
    this.mesh?.removeEventListener('mode', this.onMode)
    this.mesh?.removeEventListener('lock-lost', this.onLost)
  }

  /** One fence-store write took this long. */
  storeWrite (durationMs: number): void { this.storeWrites.observe(durationMs / 1000) }

  private modeChanged (mode: Mode): void {
    this.modeChanges.n++
    const now = performance.now()
    if (this.readOnlySince !== null) { this.readOnlyMs += now - this.readOnlySince; this.readOnlySince = null }
    if (mode === 'read-only') this.readOnlySince = now
  }

  private readOnlyTotalMs (): number {
    return this.readOnlyMs + (this.readOnlySince !== null ? performance.now() - this.readOnlySince : 0)
  }
}

function lossReason (reason: string | undefined): string {
  return reason === 'expired' || reason === 'wall-clock' || reason === 'stopped' ? reason : 'other'
}
