/**
 * The chaos harness's per-node latency from each node's metrics: quantiles
 * from buckets (as PromQL's histogram_quantile), a summary read from a real
 * MeshMetrics registry, and the report's per-node table from history records.
 */
import { expect } from 'chai'
import { Registry } from 'prom-client'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import { parseHistoryLine } from '../simulations/check/history.js'
import { acquireLatency, quantileFromBuckets } from '../simulations/cluster/metrics-summary.js'
import { renderNodeLatencyTable } from '../simulations/cluster/report/tables-html.js'
import type { ReportModel } from '../simulations/cluster/report/model.js'
import { MeshMetrics } from '../src/metrics/mesh-metrics.js'

const silentLogger: ComponentLogger = { forComponent: () => Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as unknown as Logger }

describe('chaos harness: acquire latency per node from its metrics', () => {
  it('estimates quantiles from cumulative buckets like histogram_quantile', () => {
    const b: Array<[number, number]> = [[0.01, 0], [0.1, 50], [1, 100], [Infinity, 100]]
    expect(quantileFromBuckets(0.5, b)).to.be.closeTo(0.1, 1e-9)
    expect(quantileFromBuckets(0.25, b)).to.be.closeTo(0.055, 1e-9)
    expect(quantileFromBuckets(0.99, b)).to.be.closeTo(0.982, 1e-9)
    expect(quantileFromBuckets(0.99, [[1, 1], [Infinity, 10]])).to.equal(1)
    expect(quantileFromBuckets(0.5, [[1, 0], [Infinity, 0]])).to.equal(null)
  })

  it('summarises a node\'s acquire histograms (granted vs not) and the record round-trips through the history reader', async () => {
    const registry = new Registry()
    const metrics = prometheusMetrics({ registry, collectDefaultMetrics: false })({ logger: silentLogger })
    const m = new MeshMetrics(metrics)
    for (const ms of [2, 4, 6, 8, 40]) m.observer.acquireSettled!({ mode: 'exclusive', durationMs: ms })
    m.observer.acquireSettled!({ mode: 'exclusive', durationMs: 3000, error: Object.assign(new Error('t'), { name: 'LockTimeoutError' }) })
    m.observer.acquireSettled!({ mode: 'shared', durationMs: 1 })
    const lat = acquireLatency(await registry.getMetricsAsJSON())
    expect(lat.exclusive).to.include({ count: 5, failed: 1, meanMs: 12 })
    expect(lat.exclusive.p50Ms).to.be.within(2.5, 10)
    expect(lat.exclusive.p99Ms).to.be.within(25, 50)
    expect(lat.shared).to.include({ count: 1, failed: 0 })
    const rec = parseHistoryLine(JSON.stringify({ t: 1, type: 'metrics', node: 'n1', incarnation: 2, acquire: lat }), 1)
    expect(rec).to.deep.include({ type: 'metrics', node: 'n1', incarnation: 2 })
    expect(parseHistoryLine(JSON.stringify({ t: 1, type: 'metrics', node: 'n1', incarnation: 2, acquire: { exclusive: { count: -1 } } }), 2)?.type).to.equal('malformed')

    const html = renderNodeLatencyTable({ nodeLatency: [rec] } as unknown as ReportModel)
    expect(html).to.include('<table class="node-latency">')
    expect(html).to.include('n1</td>'.replace('</td>', '#2</td>'))
    expect(html).to.include('12 ms')
    expect(renderNodeLatencyTable({ nodeLatency: [] } as unknown as ReportModel)).to.include('No node recorded')
  })
})
