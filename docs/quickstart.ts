// quickstart.ts — the quickstart for TypeScript 5.2+ users: `await using`
// releases the lock when the block ends (plain .mjs files cannot use it on
// Node 20 or 22). tsconfig: "module": "nodenext", "lib": ["es2023", "esnext.disposable"].
import { once } from 'node:events'
import { createLockMesh, generatePrivateKey, MemoryFenceStore, peerIdOf, type OwnedLockMesh } from 'lockmesh'

const keys = await Promise.all([1, 2, 3].map(async () => await generatePrivateKey()))
const roster = keys.map(peerIdOf)

const nodes: OwnedLockMesh[] = []
try {
  for (const privateKey of keys) {
    nodes.push(await createLockMesh({
      privateKey,
      roster,
      bootstrap: nodes.flatMap((node) => node.libp2p.getMultiaddrs().map(String)),
      store: new MemoryFenceStore() // demo only: use `dataDir` in a real node
    }))
  }
  for (const node of nodes) {
    await node.ready()
    while (node.mode !== 'read-write') await once(node, 'mode')
  }

  {
    await using lock = await nodes[0]!.acquire('invoice:42', { ttlMs: 5000 })
    console.log(`acquired ${lock.key} with fencing token ${lock.token}`)
  } // released here
} finally {
  await Promise.all(nodes.map(async (node) => { await node.stop() }))
}
