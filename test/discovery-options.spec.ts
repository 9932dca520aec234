/**
 * The discovery options (issue 12) as an operator gives them: `mdns` in
 * createLockMesh and in the `lockmesh node` config file / `--mdns` flag, with
 * typed errors for bad values. No network needed.
 */
import { expect } from 'chai'
import { parseNodeArgs } from '../src/cli/node.js'
import { parseNodeConfig } from '../src/cli/node-config.js'
import { createLockMesh, generatePrivateKey, peerIdOf } from '../src/create.js'
import { InvalidOptionsError } from '../src/errors.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'

const base = { keyFile: 'k', roster: ['p'], dataDir: 'd' }

async function rejection (p: Promise<unknown>): Promise<Error> {
  try { await p } catch (err) { return err as Error }
  throw new Error('expected a rejection')
}

describe('discovery options', () => {
  it('config file: mdns defaults to false, takes true and an interval, refuses anything else by name', () => {
    expect(parseNodeConfig(base).mdns).to.equal(false)
    expect(parseNodeConfig({ ...base, mdns: true, mdnsIntervalMs: 2000 })).to.include({ mdns: true, mdnsIntervalMs: 2000 })
    expect(() => parseNodeConfig({ ...base, mdns: 'yes' })).to.throw(InvalidOptionsError, /mdns/)
    expect(() => parseNodeConfig({ ...base, mdns: true, mdnsIntervalMs: -1 })).to.throw(InvalidOptionsError, /mdnsIntervalMs/)
  })

  it('lockmesh node --mdns needs no value and mixes with the other flags', () => {
    expect(parseNodeArgs(['--config', 'c.json', '--mdns'])).to.deep.equal({ config: 'c.json', mdns: true })
    expect(parseNodeArgs(['--mdns', '--config', 'c.json', '--metrics', '127.0.0.1:9'])).to.deep.include({ config: 'c.json', mdns: true })
    expect(parseNodeArgs(['--config', 'c.json'])).to.not.have.property('mdns')
  })

  it('createLockMesh refuses a bad mdns option before anything starts', async () => {
    const privateKey = await generatePrivateKey()
    const opts = { privateKey, roster: [peerIdOf(privateKey)], store: new MemoryFenceStore() }
    for (const [mdns, field] of [['on', /mdns/], [{ intervalMs: 5 }, /mdns\.intervalMs/], [{ serviceTag: 'x; rm' }, /mdns\.serviceTag/]] as const) {
      const err = await rejection(createLockMesh({ ...opts, mdns: mdns as never }))
      expect(err).to.be.instanceOf(InvalidOptionsError)
      expect(err.message).to.match(field)
    }
  })
})
