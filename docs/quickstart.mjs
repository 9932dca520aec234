// quickstart.mjs — three lockmesh nodes in one process: acquire a lock, print
// its fencing token, release it, stop. Plain JavaScript (Node.js 20.19+ or 22.12+):
//
//   npm install lockmesh
//   node quickstart.mjs
import { once } from 'node:events'
import { createLockMesh, generatePrivateKey, MemoryFenceStore, peerIdOf } from 'lockmesh'

// Every node has a libp2p identity; the roster lists the peer IDs of all voting members.
const keys = await Promise.all([1, 2, 3].map(() => generatePrivateKey()))
const roster = keys.map(peerIdOf)

const nodes = []
try {
  for (const privateKey of keys) {
    nodes.push(await createLockMesh({
      privateKey,
      roster,
      // Addresses of the nodes already running. A deployment lists every peer.
      bootstrap: nodes.flatMap((node) => node.libp2p.getMultiaddrs().map(String)),
      // Demo only: a real node keeps its fences on disk with `dataDir: '/var/lib/lockmesh'`.
      store: new MemoryFenceStore()
    }))
  }
  // ready() resolves with the first mode; exclusive locks need a reachable write quorum.
  for (const node of nodes) {
    await node.ready()
    while (node.mode !== 'read-write') await once(node, 'mode')
  }

  const lock = await nodes[0].acquire('invoice:42', { ttlMs: 5000 })
  try {
    console.log(`acquired ${lock.key} with fencing token ${lock.token}`)
    // Write to your storage here, passing lock.token so it can reject stale holders.
  } finally {
    await lock.release()
  }
} finally {
  await Promise.all(nodes.map((node) => node.stop()))
}
