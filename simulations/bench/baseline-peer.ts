/**
 * A raw libp2p peer for the baseline: the same libp2p stack a lockmesh node
 * runs (createMeshLibp2p: TCP, Noise, yamux, identify, ping, gossipsub, the
 * roster gater) with one extra protocol that echoes fixed-size messages.
 * argv: <config.json> (keyFile, roster, listen — the lockmesh node format).
 * Logs a `started` JSON line; exits when the bench's IPC channel closes.
 */
import '../../src/polyfills.js'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Stream } from '@libp2p/interface'
import { loadPrivateKey } from '../../src/create.js'
import { parseNodeConfig } from '../../src/cli/node-config.js'
import { createMeshLibp2p } from '../../src/transport/create-libp2p.js'
import { messageCounter, RR_MESSAGE_BYTES, RR_PROTOCOL } from './rr-protocol.js'

const configPath = resolve(process.argv[2] ?? '')
const cfg = parseNodeConfig(JSON.parse(await readFile(configPath, 'utf8')))
const { libp2p } = await createMeshLibp2p({
  privateKey: await loadPrivateKey(resolve(dirname(configPath), cfg.keyFile)), roster: cfg.roster, listen: cfg.listen, bootstrap: []
})
const reply = new Uint8Array(RR_MESSAGE_BYTES)
await libp2p.handle(RR_PROTOCOL, (stream: Stream) => {
  const count = messageCounter(n => { for (let i = 0; i < n; i++) stream.send(reply) })
  stream.addEventListener('message', evt => { count(evt.data) })
}, { runOnLimitedConnection: false })
process.stdout.write(JSON.stringify({ event: 'started', peerId: libp2p.peerId.toString() }) + '\n')
const stop = (): void => { void Promise.resolve(libp2p.stop()).finally(() => process.exit(0)) }
process.on('disconnect', stop)
process.on('SIGTERM', stop)
