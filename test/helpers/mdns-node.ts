/**
 * One lockmesh node with mDNS discovery and no bootstrap list, for
 * test/discovery-mdns.spec.ts: run inside a network namespace by
 * `ip netns exec <ns> node --import tsx mdns-node.ts '<json>'`. Every 200 ms it
 * prints one JSON line: what it reaches, whom it is connected to, whom its peer
 * store knows. It stops on SIGTERM or when its parent goes (stdin closes);
 * it exits by itself after `lifeMsMax` in any case.
 */
import '../../src/polyfills.js'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { createLockMesh } from '../../src/create.js'
import { MemoryFenceStore } from '../../src/store/memory-fence-store.js'

interface Args { keyHex: string, roster: string[], listen: string, intervalMs: number, lifeMsMax: number }
const args = JSON.parse(process.argv[2] ?? '{}') as Args
const mesh = await createLockMesh({
  privateKey: privateKeyFromProtobuf(Buffer.from(args.keyHex, 'hex')),
  roster: args.roster,
  listen: [args.listen],
  store: new MemoryFenceStore(),
  timing: 'fast',
  quorum: 'majority',
  mdns: { intervalMs: args.intervalMs }
})
const report = setInterval(() => {
  const peers = [...new Set(mesh.libp2p.getConnections().map(c => c.remotePeer.toString()))].sort()
  mesh.libp2p.peerStore.all().then(known => {
    process.stdout.write(JSON.stringify({ self: mesh.config.self, reachable: mesh.status().reachable, connected: peers, known: known.map(p => p.id.toString()) }) + '\n')
  }, () => {})
}, 200)
let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  clearInterval(report)
  mesh.stop().finally(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
setTimeout(stop, args.lifeMsMax).unref()
