/**
 * lockmesh as a libp2p service (`lockMesh(init)`) registers its series on the
 * app's libp2p metrics (`components.metrics`, here @libp2p/prometheus-metrics
 * into the app's prom-client registry): the app's scrape carries them.
 * A one-member roster: the node alone is a quorum.
 */
import { expect } from 'chai'
import { Registry } from 'prom-client'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { generatePrivateKey, lockMesh, peerIdOf } from '../src/create.js'
import type { LockMesh } from '../src/mesh.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'
import { createMeshLibp2p } from '../src/transport/create-libp2p.js'
import { until, value } from './helpers/observe.js'

describe('metrics: lockMesh() as a service uses the app\'s libp2p metrics', function () {
  this.timeout(30_000)

  it('the app\'s registry carries lockmesh\'s series next to libp2p\'s, and they move', async () => {
    const key = await generatePrivateKey()
    const registry = new Registry()
    const { libp2p } = await createMeshLibp2p({
      privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'], roster: [peerIdOf(key)], bootstrap: [], fast: true, metricsRegistry: registry,
      services: { lockmesh: lockMesh({ roster: [peerIdOf(key)], store: new MemoryFenceStore(), timing: 'fast' }) }
    })
    try {
      const mesh = (libp2p.services as unknown as { lockmesh: LockMesh }).lockmesh
      await mesh.ready({ signal: AbortSignal.timeout(10_000) })
      const read = async (): Promise<ReturnType<typeof parsePrometheusTextFormat>> => parsePrometheusTextFormat(await registry.metrics())
      const before = await read()
      expect(before.some(f => f.name.startsWith('libp2p_')), 'libp2p\'s own series').to.equal(true)
      expect(value(before, 'lockmesh_mode', { mode: 'read-write' })).to.equal(1)
      // The local health multiplier (status().core.localHealth): 1 when healthy, never past its cap of 8.
      expect(value(before, 'lockmesh_local_health_multiplier')).to.be.within(1, 8)
      const lock = await mesh.acquire('svc-key', { waitMs: 5000 })
      const held = await read()
      expect(value(held, 'lockmesh_locks_held', { mode: 'exclusive' })).to.equal(1)
      expect(value(held, 'lockmesh_acquires_total', { outcome: 'granted' })).to.equal(value(before, 'lockmesh_acquires_total', { outcome: 'granted' }) + 1)
      await lock.release()
      await until('locks_held 0', 5000, async () => value(await read(), 'lockmesh_locks_held', { mode: 'exclusive' }) === 0)
    } finally {
      await libp2p.stop()
    }
  })
})
