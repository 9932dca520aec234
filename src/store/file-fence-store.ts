/**
 * A {@link FenceStore} in one JSON file — the store for real nodes.
 *
 * File format (UTF-8 JSON; `ceiling` is a decimal string because it is a
 * 64-bit bigint):
 *
 * ```json
 * {"format":"lockmesh-fence-store","version":1,"incarnation":3,"ceiling":"9007199254740993","cleanExit":false}
 * ```
 *
 * Saves are atomic and durable: write `<path>.tmp`, fsync it, rename it over
 * `<path>`, fsync the directory. A crash at any point leaves either the old or
 * the new file (a stale `<path>.tmp` may remain and is overwritten by the next
 * save). A missing file is a node that never ran ({@link freshState}); a file
 * that does not parse is a {@link FenceStoreCorruptError} — never a silent
 * reset, because fences must never go backwards.
 *
 * One file belongs to one node process; two processes must not share it.
 */
import { access, mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import {
  assertNoRegression,
  assertValidState,
  bumpIncarnation,
  copyState,
  FenceStoreClosedError,
  FenceStoreCorruptError,
  freshState,
  type FenceStore,
  type StoredState
} from './fence-store.js'

/** The store's file name inside a node's data directory. */
export const FENCE_STORE_FILE = 'fence-store.json'

const FORMAT = 'lockmesh-fence-store'
const VERSION = 1
const DECIMAL = /^(0|[1-9][0-9]*)$/

/** Serialize a state to the file format (exported for tests and tools). */
export function encodeStoredState (state: StoredState): string {
  return JSON.stringify({
    format: FORMAT,
    version: VERSION,
    incarnation: state.incarnation,
    ceiling: state.ceiling.toString(10),
    cleanExit: state.cleanExit
  }) + '\n'
}

/** Parse the file format; throws {@link FenceStoreCorruptError} naming `location` on anything unexpected. */
export function decodeStoredState (text: string, location: string): StoredState {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new FenceStoreCorruptError(location, text.trim() === '' ? 'the file is empty' : `not valid JSON (${(err as Error).message})`, { cause: err })
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FenceStoreCorruptError(location, 'expected a JSON object')
  const o = raw as Record<string, unknown>
  if (o.format !== FORMAT) throw new FenceStoreCorruptError(location, `expected format ${JSON.stringify(FORMAT)}, found ${JSON.stringify(o.format)}`)
  if (o.version !== VERSION) throw new FenceStoreCorruptError(location, `unsupported version ${JSON.stringify(o.version)} (this build reads version ${VERSION})`)
  if (typeof o.incarnation !== 'number' || !Number.isSafeInteger(o.incarnation) || o.incarnation < 0) {
    throw new FenceStoreCorruptError(location, `expected incarnation to be a non-negative integer, found ${JSON.stringify(o.incarnation)}`)
  }
  if (typeof o.ceiling !== 'string' || !DECIMAL.test(o.ceiling)) {
    throw new FenceStoreCorruptError(location, `expected ceiling to be a decimal string, found ${JSON.stringify(o.ceiling)}`)
  }
  if (typeof o.cleanExit !== 'boolean') throw new FenceStoreCorruptError(location, `expected cleanExit to be a boolean, found ${JSON.stringify(o.cleanExit)}`)
  return { incarnation: o.incarnation, ceiling: BigInt(o.ceiling), cleanExit: o.cleanExit }
}

/** fsync a directory so a rename or a new entry in it is durable. */
async function fsyncDirectory (dir: string): Promise<void> {
  let fh
  try {
    fh = await open(dir, 'r')
  } catch (err) {
    // Windows cannot open a directory for fsync; its rename is as durable as it gets.
    if (process.platform === 'win32') return
    throw err
  }
  try {
    await fh.sync()
  } catch (err) {
    if (process.platform !== 'win32') throw err
  } finally {
    await fh.close()
  }
}

/** The file-backed fence store. */
export class FileFenceStore implements FenceStore {
  /** Absolute path of the state file. */
  readonly path: string
  private readonly tmpPath: string
  /** The newest state known to be on disk (read or written by this instance). */
  private known: StoredState | null = null
  /** Saves run one at a time, in call order. */
  private tail: Promise<void> = Promise.resolve()
  private closed = false

  constructor (path: string) {
    this.path = resolve(path)
    this.tmpPath = `${this.path}.tmp`
  }

  async load (): Promise<StoredState> {
    if (this.closed) throw new FenceStoreClosedError()
    await this.tail.catch(() => {})
    const state = await this.read()
    this.known = copyState(state)
    return state
  }

  async save (state: StoredState): Promise<void> {
    if (this.closed) throw new FenceStoreClosedError()
    assertValidState(state)
    const snapshot = copyState(state)
    const run = this.tail.catch(() => {}).then(async () => await this.write(snapshot))
    this.tail = run
    await run
  }

  /** Whether the state file is there (a missing file is a lost store, or a member never initialised). */
  async exists (): Promise<boolean> {
    if (this.closed) throw new FenceStoreClosedError()
    await this.tail.catch(() => {})
    try {
      await access(this.path)
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw err
    }
  }

  /** Load, increment the incarnation, save durably; returns the new incarnation. Call once per start. */
  async bumpIncarnation (): Promise<number> {
    return await bumpIncarnation(this)
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.tail.catch(() => {})
  }

  private async read (): Promise<StoredState> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return freshState()
      throw err
    }
    return decodeStoredState(text, this.path)
  }

  private async write (state: StoredState): Promise<void> {
    // Compare with what is on disk, not only with what this instance saw.
    const stored = this.known ?? await this.read()
    assertNoRegression(stored, state)
    const dir = dirname(this.path)
    const created = await mkdir(dir, { recursive: true })
    if (created !== undefined) {
      // New directories must be durable entries of their parents too.
      for (let d = dir; ; d = dirname(d)) {
        await fsyncDirectory(dirname(d))
        if (d === created || dirname(d) === d) break
      }
    }
    const fh = await open(this.tmpPath, 'w', 0o600)
    try {
      try {
        await fh.writeFile(encodeStoredState(state), 'utf8')
        await fh.sync()
      } finally {
        await fh.close()
      }
      await rename(this.tmpPath, this.path)
      this.known = copyState(state)
    } catch (err) {
      await unlink(this.tmpPath).catch(() => {})
      throw err
    }
    await fsyncDirectory(dir)
  }
}
