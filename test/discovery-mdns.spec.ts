/**
 * mDNS discovery (issue 12): three roster nodes, each in its own network
 * namespace on one bridged LAN (198.18.0.0/24, built as test/netns.spec.ts
 * builds it), started with `mdns` and NO bootstrap list, form a full mesh —
 * every node reaches all three on its lockmesh streams. A fourth node that is
 * not on the roster answers mDNS on the same LAN: it is discovered (in the
 * peer store) but never connected. Needs root and `ip netns`; skipped, with
 * the reason printed, without them. Namespaces are removed on every way out.
 */
import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { generatePrivateKey, peerIdOf } from '../src/create.js'
import { checkNetns } from '../simulations/cluster/netns/preflight.js'
import { run } from '../simulations/cluster/netns/run.js'
import { NetnsTopology } from '../simulations/cluster/netns/topology.js'

const HELPER = join(import.meta.dirname, 'helpers', 'mdns-node.ts')
const ROOT = join(import.meta.dirname, '..')
/** Node processes start (tsx + libp2p) and find each other within this, on a loaded host. */
const MESH_MS_MAX = 45_000
/** mDNS query interval in the test (the default is 10 s). */
const QUERY_MS = 1_000

interface Report { self: string, reachable: string[], connected: string[], known: string[] }

class NodeProc {
  last: Report | null = null
  err = ''
  constructor (readonly child: ChildProcess) {
    let buf = ''
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const l of lines) { try { this.last = JSON.parse(l) as Report } catch { /* a partial or foreign line */ } }
    })
    child.stderr!.on('data', (d: Buffer) => { this.err = (this.err + d.toString()).slice(-4000) })
  }

  stop (): void { if (this.child.exitCode === null) this.child.kill('SIGKILL') }
}

describe('discovery: mDNS between network namespaces (root)', function () {
  this.timeout(120_000)
  let topo: NetnsTopology | null = null
  const procs: NodeProc[] = []

  before(async function () {
    try {
      await checkNetns()
    } catch (err) {
      console.log(`      (skipped: ${(err as Error).message})`)
      this.skip()
    }
  })

  after(async () => {
    for (const p of procs) p.stop()
    await topo?.teardown()
  })

  it('3 mDNS-only roster nodes form a full mesh; a non-roster node is discovered but never connected', async () => {
    topo = new NetnsTopology()
    await topo.setup(4)
    // The namespaces have no default route: give multicast one, on the LAN interface.
    for (const s of topo.nodes) await run('ip', ['-n', s.ns, 'route', 'add', '224.0.0.0/4', 'dev', s.nodeIf])
    const keys = await Promise.all([0, 1, 2, 3].map(async () => await generatePrivateKey()))
    const ids = keys.map(peerIdOf)
    const roster = ids.slice(0, 3)
    const stranger = ids[3]!
    for (let i = 0; i < 4; i++) {
      const arg = JSON.stringify({
        keyHex: Buffer.from(privateKeyToProtobuf(keys[i]!)).toString('hex'),
        // The stranger thinks it belongs: it will try to dial the others, who refuse it.
        roster: i < 3 ? roster : ids,
        listen: `/ip4/${topo.node(i).address}/tcp/7100`,
        intervalMs: QUERY_MS,
        lifeMsMax: MESH_MS_MAX + 30_000
      })
      const child = spawn('ip', ['netns', 'exec', topo.node(i).ns, process.execPath, '--import', 'tsx', HELPER, arg], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
      procs.push(new NodeProc(child))
    }
    const nodes = procs.slice(0, 3)
    const t0 = Date.now()
    const full = (): boolean => nodes.every(p => p.last !== null && p.last.reachable.length === 3)
    while (!full() && Date.now() - t0 < MESH_MS_MAX && procs.every(p => p.child.exitCode === null)) await new Promise(resolve => setTimeout(resolve, 100))
    const state = procs.map((p, i) => `  #${i} ${JSON.stringify(p.last)}${p.child.exitCode !== null ? ` exited ${p.child.exitCode}: ${p.err}` : ''}`).join('\n')
    expect(full(), `no full mesh within ${MESH_MS_MAX} ms\n${state}`).to.equal(true)
    console.log(`      full mesh of 3 mDNS-only nodes ${Date.now() - t0} ms after spawning them (includes process start; loaded host)`)
    // Found by mDNS, refused by the gater: the stranger is in some peer store, on no connection.
    await new Promise(resolve => setTimeout(resolve, 2 * QUERY_MS))
    expect(nodes.some(p => p.last!.known.includes(stranger)), state).to.equal(true)
    for (const p of nodes) expect(p.last!.connected, state).to.not.include(stranger)
    for (const p of nodes) expect(p.last!.connected.every(c => roster.includes(c)), state).to.equal(true)
  })
})
