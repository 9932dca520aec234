/**
 * `lockmesh init --config <file.json>` (or `--data-dir <dir>`): create the
 * fence store of a brand-new member, once, before its first start.
 *
 * A node refuses to treat a missing store as a first run: it recovers its
 * fence ceiling and incarnation from its peers instead (docs/design.md,
 * "Disk loss"). A member that never ran has nothing to recover, and this
 * command says so explicitly. It refuses to touch an existing store. Never
 * run it for a node that ran before and lost its disk — start that node
 * without a store and let it recover.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { InvalidOptionsError } from '../errors.js'
import { FENCE_STORE_FILE, FileFenceStore } from '../store/file-fence-store.js'
import { parseNodeConfig } from './node-config.js'

const USAGE = '--config <file.json> | --data-dir <dir>'

/** The data directory named by the arguments. */
async function dataDirOf (argv: string[]): Promise<string> {
  let config: string | undefined
  let dataDir: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if ((flag === '--config' || flag === '--data-dir') && (value === undefined || value.startsWith('--'))) throw new InvalidOptionsError(flag, 'a path', value)
    if (flag === '--config') config = value
    else if (flag === '--data-dir') dataDir = value
    else throw new InvalidOptionsError('init', USAGE, flag)
    i++
  }
  if ((config === undefined) === (dataDir === undefined)) throw new InvalidOptionsError('init', `exactly one of ${USAGE}`, argv.join(' '))
  if (dataDir !== undefined) return resolve(dataDir)
  const path = resolve(config!)
  let json: unknown
  try {
    json = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new InvalidOptionsError('--config', 'a readable JSON file', `${path} (${(err as Error).message})`)
  }
  return resolve(dirname(path), parseNodeConfig(json).dataDir)
}

/**
 * Create the fence store of a brand-new member in `dataDir`: incarnation 0
 * and a clean exit, so its first start takes incarnation 1 and votes at once
 * (it has nothing to forget). Never overwrites: `exists` when a store is there.
 */
export async function createNewMemberStore (dataDir: string): Promise<{ path: string, created: boolean }> {
  const store = new FileFenceStore(join(dataDir, FENCE_STORE_FILE))
  try {
    if (await store.exists()) return { path: store.path, created: false }
    await store.save({ incarnation: 0, ceiling: 0n, cleanExit: true })
    return { path: store.path, created: true }
  } finally {
    await store.close()
  }
}

/** Creates `<dataDir>/fence-store.json` for a new member; exit code 1 if a store is already there. */
export async function runInit (argv: string[]): Promise<number> {
  const { path, created } = await createNewMemberStore(await dataDirOf(argv))
  if (!created) {
    process.stderr.write(`lockmesh init: ${path} exists already; a store is never re-created (it would let fences go backwards)\n`)
    return 1
  }
  process.stdout.write(`created ${path} for a new member\n`)
  return 0
}
