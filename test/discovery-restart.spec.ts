/**
 * Issue 12: restarted nodes find everyone from one bootstrap address. Five
 * nodes on 127.0.0.1 in this process (real libp2p, `fast` timing); three are
 * stopped and restarted, each with the address of ONE survivor only. Through
 * the mesh topic (src/announce/) every node learns the others and the mesh is
 * full again — every node reaches all five on its direct lockmesh streams —
 * within 3 s of the last restart.
 */
import '../src/polyfills.js'
import { expect } from 'chai'
import { AnnouncementInvalidError, decodeAnnouncement, encodeAnnouncement, type Announcement } from '../src/announce/announcement.js'
import { Libp2pMesh } from './helpers/libp2p-mesh.js'
import { addrOf, freePort } from './helpers/transport-cluster.js'

/** The bound of the acceptance item: restarted to full mesh. */
const FULL_MESH_MS_MAX = 3_000

describe('discovery: peer hints in announcements', () => {
  const peer = '12D3KooWPeerA'
  const base: Announcement = { v: 1, peer, incarnation: 3, seq: 1, mode: 'read-write', sharedLocks: true, reachable: [peer], state: 'running', quietRemainingMs: 0, locksHeld: 0, listen: ['/ip4/127.0.0.1/tcp/1'] }

  it('round-trips hints; an announcement without them (an older node) still decodes', () => {
    const withHints: Announcement = { ...base, peers: [{ peer: '12D3KooWPeerB', incarnation: 2, listen: ['/ip4/127.0.0.1/tcp/2'] }] }
    expect(decodeAnnouncement(encodeAnnouncement(withHints), peer)).to.deep.equal(withHints)
    expect(decodeAnnouncement(encodeAnnouncement(base), peer)).to.deep.equal(base)
  })

  it('refuses malformed hints with a typed reason', () => {
    const bad = (peers: unknown): string => {
      try {
        decodeAnnouncement(new TextEncoder().encode(JSON.stringify({ ...base, peers })), peer)
      } catch (err) {
        expect(err).to.be.instanceOf(AnnouncementInvalidError)
        return (err as AnnouncementInvalidError).reason
      }
      throw new Error('accepted')
    }
    expect(bad('x')).to.match(/not a list/)
    expect(bad([null])).to.match(/not an object/)
    expect(bad([{ incarnation: 1, listen: [] }])).to.match(/no peer ID/)
    expect(bad([{ peer: 'p', incarnation: -1, listen: [] }])).to.match(/incarnation/)
    expect(bad([{ peer: 'p', incarnation: 1, listen: new Array(100).fill('/ip4/1.2.3.4/tcp/1') }])).to.match(/listen/)
  })
})

describe('discovery: restarted nodes with one bootstrap address each', function () {
  this.timeout(90_000)
  let cluster: Libp2pMesh | null = null

  afterEach(async () => {
    await cluster?.stopAll()
    cluster = null
  })

  it(`three nodes restarted with one survivor's address each reach a full mesh of 5 within ${FULL_MESH_MS_MAX} ms`, async () => {
    const c = cluster = await Libp2pMesh.start(5, { quorum: 'majority' })
    const restarted = [2, 3, 4]
    // One survivor each, not the same one for all three.
    const survivorOf: Record<number, number> = { 2: 0, 3: 1, 4: 0 }
    await Promise.all(restarted.map(async i => { await c.stop(i) }))
    // New ports: the survivors' peer stores hold only the old addresses, so
    // nothing but the mesh topic can tell anyone where the restarted nodes are.
    for (const i of restarted) c.specs[i]!.port = await freePort()
    const t0 = performance.now()
    await Promise.all(restarted.map(async i => {
      const store = c.node(i).store
      await c.startNode(i, { bootstrap: [addrOf(c.specs[survivorOf[i]!]!)], ...(store !== null ? { store } : {}) })
    }))
    const startedMs = performance.now() - t0
    const ids = c.roster.slice().sort()
    const full = (): boolean => c.live.every(n => {
      const r = n.mesh.status().reachable
      return r.length === ids.length
    })
    const t1 = performance.now()
    await c.waitFor('every node reaching all five', full, 20_000)
    const fullMs = performance.now() - t1
    console.log(`      full mesh ${Math.round(fullMs)} ms after the last restart (restarts took ${Math.round(startedMs)} ms; loaded host)`)
    // What the restarted nodes dialled after learning addresses on the mesh topic.
    const dials = c.live.reduce((n, x) => n + (x.mesh.announcer?.stats().dials ?? 0), 0)
    expect(dials).to.be.greaterThan(0)
    expect(fullMs, `${c.describe()}\n  ${c.lag.summary()}`).to.be.lessThan(FULL_MESH_MS_MAX)
  })
})
