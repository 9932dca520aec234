/**
 * The JSON config file of one node (`lockmesh node --config file.json`),
 * validated field by field with errors that say what was expected.
 */
import { InvalidOptionsError } from '../errors.js'
import type { QuorumSystemName } from '../core/types.js'

export interface NodeConfigFile {
  /** Path of the key file (lockmesh keygen --out), relative to the config file. */
  keyFile: string
  /** Peer IDs of every voting member, this node included. */
  roster: string[]
  listen: string[]
  bootstrap: string[]
  dataDir: string
  quorum: QuorumSystemName
  ttlMsMax: number
  timing: 'lan' | 'fast'
  /** Optional path of a pnet swarm key file. */
  pskFile?: string
  /** mDNS discovery on the LAN (default false); `mdnsIntervalMs` sets the query interval. */
  mdns: boolean
  mdnsIntervalMs?: number
}

const FIELDS = new Set(['keyFile', 'roster', 'listen', 'bootstrap', 'dataDir', 'quorum', 'ttlMsMax', 'timing', 'pskFile', 'mdns', 'mdnsIntervalMs'])

function stringArray (name: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some(x => typeof x !== 'string')) throw new InvalidOptionsError(name, 'an array of strings', v)
  return v as string[]
}

export function parseNodeConfig (json: unknown): NodeConfigFile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidOptionsError('config', 'a JSON object', json)
  const o = json as Record<string, unknown>
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) throw new InvalidOptionsError(k, `one of the known fields (${[...FIELDS].join(', ')})`, k)
  if (typeof o.keyFile !== 'string') throw new InvalidOptionsError('keyFile', 'the path of a key file (lockmesh keygen --out)', o.keyFile)
  const roster = stringArray('roster', o.roster)
  if (roster.length === 0) throw new InvalidOptionsError('roster', 'at least one peer ID', roster)
  const listen = o.listen === undefined ? ['/ip4/127.0.0.1/tcp/0'] : stringArray('listen', o.listen)
  const bootstrap = o.bootstrap === undefined ? [] : stringArray('bootstrap', o.bootstrap)
  if (typeof o.dataDir !== 'string') throw new InvalidOptionsError('dataDir', 'a directory path', o.dataDir)
  const quorum = (o.quorum ?? 'auto') as QuorumSystemName
  if (!['auto', 'grid', 'majority', 'all'].includes(quorum)) throw new InvalidOptionsError('quorum', "'auto' | 'grid' | 'majority' | 'all'", o.quorum)
  const ttlMsMax = o.ttlMsMax ?? 60_000
  if (typeof ttlMsMax !== 'number' || !(ttlMsMax > 0)) throw new InvalidOptionsError('ttlMsMax', 'a positive number of ms', o.ttlMsMax)
  const timing = o.timing ?? 'lan'
  if (timing !== 'lan' && timing !== 'fast') throw new InvalidOptionsError('timing', "'lan' | 'fast'", o.timing)
  if (o.pskFile !== undefined && typeof o.pskFile !== 'string') throw new InvalidOptionsError('pskFile', 'a file path', o.pskFile)
  const mdns = o.mdns ?? false
  if (typeof mdns !== 'boolean') throw new InvalidOptionsError('mdns', 'true or false', o.mdns)
  if (o.mdnsIntervalMs !== undefined && !(typeof o.mdnsIntervalMs === 'number' && o.mdnsIntervalMs > 0)) throw new InvalidOptionsError('mdnsIntervalMs', 'a positive number of ms', o.mdnsIntervalMs)
  return {
    keyFile: o.keyFile, roster, listen, bootstrap, dataDir: o.dataDir, quorum, ttlMsMax, timing, mdns,
    ...(o.pskFile !== undefined ? { pskFile: o.pskFile as string } : {}),
    ...(o.mdnsIntervalMs !== undefined ? { mdnsIntervalMs: o.mdnsIntervalMs as number } : {})
  }
}
