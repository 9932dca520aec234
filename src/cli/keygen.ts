/**
 * `lockmesh keygen`: a new Ed25519 identity, written as the hex of its
 * protobuf encoding (what `loadPrivateKey` reads); prints the peer ID.
 */
import { writeFile } from 'node:fs/promises'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { InvalidOptionsError } from '../errors.js'

export async function runKeygen (argv: string[]): Promise<number> {
  let out: string | undefined
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i]
    else throw new InvalidOptionsError('keygen', '[--out <file>]', argv[i])
  }
  if (argv.includes('--out') && out === undefined) throw new InvalidOptionsError('--out', 'a file path', undefined)
  const key = await generateKeyPair('Ed25519')
  const hex = Buffer.from(privateKeyToProtobuf(key)).toString('hex')
  const peerId = peerIdFromPrivateKey(key).toString()
  if (out !== undefined) {
    // wx: never overwrite an identity by accident.
    await writeFile(out, hex + '\n', { mode: 0o600, flag: 'wx' })
    process.stdout.write(`${peerId}\n`)
  } else {
    process.stdout.write(`${JSON.stringify({ peerId, privateKey: hex })}\n`)
  }
  return 0
}
