/**
 * `lockmesh node --config file.json`: run one node until SIGINT/SIGTERM,
 * logging its mode changes (one JSON line each).
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { createLockMesh, loadPrivateKey } from '../create.js'
import { InvalidOptionsError } from '../errors.js'
import { parseNodeConfig } from './node-config.js'

export async function runNode (argv: string[]): Promise<number> {
  if (argv[0] !== '--config' || argv[1] === undefined) throw new InvalidOptionsError('node', '--config <file.json>', argv.join(' '))
  const path = resolve(argv[1])
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new InvalidOptionsError('--config', 'a readable JSON file', `${path} (${(err as Error).message})`)
  }
  const cfg = parseNodeConfig(json)
  const base = dirname(path)
  const privateKey = await loadPrivateKey(resolve(base, cfg.keyFile))
  const psk = cfg.pskFile === undefined ? undefined : await readFile(resolve(base, cfg.pskFile))
  const mesh = await createLockMesh({
    privateKey, roster: cfg.roster, listen: cfg.listen, bootstrap: cfg.bootstrap, dataDir: resolve(base, cfg.dataDir),
    quorum: cfg.quorum, ttlMsMax: cfg.ttlMsMax, timing: cfg.timing, ...(psk !== undefined ? { psk } : {})
  })
  const log = (o: object): void => { process.stdout.write(JSON.stringify({ t: new Date().toISOString(), ...o }) + '\n') }
  log({ event: 'started', peerId: mesh.config.self, listen: mesh.libp2p.getMultiaddrs().map(String), quorum: mesh.status().quorum })
  mesh.addEventListener('mode', e => { log({ event: 'mode', ...e.detail }) })
  await new Promise<void>(done => {
    const stop = (): void => { mesh.stop().then(done, done) }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  log({ event: 'stopped' })
  return 0
}
