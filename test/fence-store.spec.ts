/**
 * Fence stores (DESIGN.md §4, Durability): fences never go backwards.
 */
import { expect } from 'chai'
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  bumpIncarnation,
  FenceStoreClosedError,
  FenceStoreCorruptError,
  FenceStoreRegressionError,
  freshState,
  type FenceStore,
  type StoredState
} from '../src/store/fence-store.js'
import { decodeStoredState, encodeStoredState, FileFenceStore } from '../src/store/file-fence-store.js'
import { MemoryFenceStore } from '../src/store/memory-fence-store.js'

async function rejection (p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  expect.fail('expected the promise to reject')
}

describe('fence stores', function () {
  let dir: string
  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'lockmesh-fence-'))
  })
  afterEach(async function () {
    await rm(dir, { recursive: true, force: true })
  })

  const big = 2n ** 63n + 12345n // beyond 2^53 (and 2^63): must survive as a decimal string

  describe('FileFenceStore', function () {
    it('a missing file is a fresh state', async function () {
      const store = new FileFenceStore(join(dir, 'fence.json'))
      expect(await store.load()).to.deep.equal({ incarnation: 0, ceiling: 0n, cleanExit: false })
      expect(await readdir(dir)).to.deep.equal([])
    })

    it('exists() says whether the file is there (a missing store means disk loss unless a new member)', async function () {
      const store = new FileFenceStore(join(dir, 'fence.json'))
      expect(await store.exists()).to.equal(false)
      await store.save({ incarnation: 0, ceiling: 0n, cleanExit: true })
      expect(await store.exists()).to.equal(true)
      expect(await new FileFenceStore(join(dir, 'fence.json')).exists()).to.equal(true)
    })

    it('round trip, also through a new instance (a restart)', async function () {
      const path = join(dir, 'fence.json')
      const state: StoredState = { incarnation: 7, ceiling: 4096n, cleanExit: true }
      const a = new FileFenceStore(path)
      await a.save(state)
      expect(await a.load()).to.deep.equal(state)
      await a.close()
      expect(await new FileFenceStore(path).load()).to.deep.equal(state)
    })

    it('keeps a bigint ceiling beyond 2^53 exactly, as a decimal string', async function () {
      const path = join(dir, 'fence.json')
      await new FileFenceStore(path).save({ incarnation: 1, ceiling: big, cleanExit: false })
      const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
      expect(raw.ceiling).to.equal(big.toString())
      expect((await new FileFenceStore(path).load()).ceiling).to.equal(big)
      // And a value that a double would round.
      const odd = 2n ** 53n + 1n
      const other = join(dir, 'other.json')
      await new FileFenceStore(other).save({ incarnation: 1, ceiling: odd, cleanExit: false })
      expect((await new FileFenceStore(other).load()).ceiling).to.equal(odd)
    })

    it('saves atomically: only the state file is left, never a temp file', async function () {
      const path = join(dir, 'fence.json')
      const store = new FileFenceStore(path)
      for (let i = 1; i <= 20; i++) await store.save({ incarnation: 1, ceiling: BigInt(i * 1024), cleanExit: false })
      expect(await readdir(dir)).to.deep.equal(['fence.json'])
      expect((await store.load()).ceiling).to.equal(20480n)
    })

    it('serializes concurrent saves in call order', async function () {
      const path = join(dir, 'fence.json')
      const store = new FileFenceStore(path)
      await Promise.all(Array.from({ length: 10 }, async (_, i) => await store.save({ incarnation: 1, ceiling: BigInt(i), cleanExit: false })))
      expect((await new FileFenceStore(path).load()).ceiling).to.equal(9n)
      expect(await readdir(dir)).to.deep.equal(['fence.json'])
    })

    it('overwrites a stale temp file left by a crash mid-save', async function () {
      const path = join(dir, 'fence.json')
      await writeFile(`${path}.tmp`, '{"half": ')
      const store = new FileFenceStore(path)
      expect(await store.load()).to.deep.equal(freshState())
      await store.save({ incarnation: 1, ceiling: 1024n, cleanExit: false })
      expect(await readdir(dir)).to.deep.equal(['fence.json'])
    })

    it('creates missing parent directories', async function () {
      const path = join(dir, 'a', 'b', 'fence.json')
      await new FileFenceStore(path).save({ incarnation: 2, ceiling: 5n, cleanExit: false })
      expect(await new FileFenceStore(path).load()).to.deep.equal({ incarnation: 2, ceiling: 5n, cleanExit: false })
    })

    const corrupt: Array<[string, string]> = [
      ['empty file', ''],
      ['truncated JSON', '{"format":"lockmesh-fence-store","version":1,"incar'],
      ['not an object', '[1,2,3]'],
      ['wrong format tag', '{"format":"other","version":1,"incarnation":1,"ceiling":"1","cleanExit":false}'],
      ['unknown version', '{"format":"lockmesh-fence-store","version":99,"incarnation":1,"ceiling":"1","cleanExit":false}'],
      ['ceiling as a number', '{"format":"lockmesh-fence-store","version":1,"incarnation":1,"ceiling":1,"cleanExit":false}'],
      ['negative ceiling', '{"format":"lockmesh-fence-store","version":1,"incarnation":1,"ceiling":"-5","cleanExit":false}'],
      ['non-decimal ceiling', '{"format":"lockmesh-fence-store","version":1,"incarnation":1,"ceiling":"0x10","cleanExit":false}'],
      ['fractional incarnation', '{"format":"lockmesh-fence-store","version":1,"incarnation":1.5,"ceiling":"1","cleanExit":false}'],
      ['missing cleanExit', '{"format":"lockmesh-fence-store","version":1,"incarnation":1,"ceiling":"1"}']
    ]
    for (const [what, text] of corrupt) {
      it(`a corrupt file (${what}) is a FenceStoreCorruptError, never a fresh state`, async function () {
        const path = join(dir, 'fence.json')
        await writeFile(path, text)
        const store = new FileFenceStore(path)
        const err = await rejection(store.load())
        expect(err).to.be.instanceOf(FenceStoreCorruptError)
        expect(err.name).to.equal('FenceStoreCorruptError')
        expect(err.message).to.include(path)
        // Nor may a save or an incarnation bump paper over it.
        expect(await rejection(store.save({ incarnation: 1, ceiling: 0n, cleanExit: false }))).to.be.instanceOf(FenceStoreCorruptError)
        expect(await rejection(new FileFenceStore(path).bumpIncarnation())).to.be.instanceOf(FenceStoreCorruptError)
        expect(await readFile(path, 'utf8')).to.equal(text)
      })
    }

    it('a directory in place of the file is an I/O error, not a fresh state', async function () {
      const path = join(dir, 'fence.json')
      await mkdir(path)
      const err = await rejection(new FileFenceStore(path).load())
      expect((err as NodeJS.ErrnoException).code).to.equal('EISDIR')
    })

    it('encode/decode are inverse', function () {
      for (const s of [freshState(), { incarnation: 123, ceiling: big, cleanExit: true }]) {
        expect(decodeStoredState(encodeStoredState(s), 'x')).to.deep.equal(s)
      }
    })

    it('incarnation strictly increases across re-opens (bumpIncarnation)', async function () {
      const path = join(dir, 'fence.json')
      let last = 0
      for (let run = 0; run < 5; run++) {
        const store = new FileFenceStore(path)
        const inc = await store.bumpIncarnation()
        expect(inc).to.be.greaterThan(last)
        expect((await store.load()).incarnation).to.equal(inc)
        // The run raises its ceiling and marks a clean exit; the next bump keeps both.
        await store.save({ incarnation: inc, ceiling: BigInt(run + 1) * 1024n, cleanExit: true })
        await store.close()
        last = inc
      }
      expect(last).to.equal(5)
      const after = await new FileFenceStore(path).load()
      expect(after).to.deep.equal({ incarnation: 5, ceiling: 5120n, cleanExit: true })
      expect(await bumpIncarnation(new FileFenceStore(path))).to.equal(6)
      expect(await new FileFenceStore(path).load()).to.deep.equal({ incarnation: 6, ceiling: 5120n, cleanExit: true })
    })

    it('refuses to move the ceiling or the incarnation backwards, also against the file written by an earlier instance', async function () {
      const path = join(dir, 'fence.json')
      await new FileFenceStore(path).save({ incarnation: 3, ceiling: big, cleanExit: false })
      const store = new FileFenceStore(path)
      const err = await rejection(store.save({ incarnation: 3, ceiling: big - 1n, cleanExit: false }))
      expect(err).to.be.instanceOf(FenceStoreRegressionError)
      expect(err.name).to.equal('FenceStoreRegressionError')
      expect(await rejection(store.save({ incarnation: 2, ceiling: big, cleanExit: false }))).to.be.instanceOf(FenceStoreRegressionError)
      expect(await store.load()).to.deep.equal({ incarnation: 3, ceiling: big, cleanExit: false })
      // Equal values and the marker may change freely.
      await store.save({ incarnation: 3, ceiling: big, cleanExit: true })
      expect((await store.load()).cleanExit).to.equal(true)
    })

    it('rejects malformed states before touching the disk', async function () {
      const store = new FileFenceStore(join(dir, 'fence.json'))
      expect(await rejection(store.save({ incarnation: -1, ceiling: 0n, cleanExit: false }))).to.be.instanceOf(RangeError)
      expect(await rejection(store.save({ incarnation: 1, ceiling: -1n, cleanExit: false }))).to.be.instanceOf(RangeError)
      expect(await rejection(store.save({ incarnation: 1, ceiling: 5 as unknown as bigint, cleanExit: false }))).to.be.instanceOf(RangeError)
      expect(await readdir(dir)).to.deep.equal([])
    })

    it('is unusable after close()', async function () {
      const store = new FileFenceStore(join(dir, 'fence.json'))
      await store.close()
      expect(await rejection(store.load())).to.be.instanceOf(FenceStoreClosedError)
      expect(await rejection(store.save(freshState()))).to.be.instanceOf(FenceStoreClosedError)
    })
  })

  describe('MemoryFenceStore (tests only)', function () {
    it('a new one exists (a new member); MemoryFenceStore.lost() does not until its first save', async function () {
      expect(await new MemoryFenceStore().exists()).to.equal(true)
      const lost = MemoryFenceStore.lost()
      expect(await lost.exists()).to.equal(false)
      await lost.save({ incarnation: 3, ceiling: 10n, cleanExit: false })
      expect(await lost.exists()).to.equal(true)
    })

    it('behaves like the file store: fresh, round trip, copies, no regression, bump', async function () {
      const store: FenceStore & { bumpIncarnation: () => Promise<number> } = new MemoryFenceStore()
      expect(await store.load()).to.deep.equal(freshState())
      const s = { incarnation: 1, ceiling: big, cleanExit: false }
      await store.save(s)
      s.ceiling = 0n // the store kept a copy
      expect(await store.load()).to.deep.equal({ incarnation: 1, ceiling: big, cleanExit: false })
      expect(await rejection(store.save({ incarnation: 1, ceiling: 1n, cleanExit: false }))).to.be.instanceOf(FenceStoreRegressionError)
      expect(await store.bumpIncarnation()).to.equal(2)
      expect(await store.bumpIncarnation()).to.equal(3)
      expect((await store.load()).ceiling).to.equal(big)
    })

    it('starts from a given previous state', async function () {
      const store = new MemoryFenceStore({ incarnation: 4, ceiling: 2048n, cleanExit: true })
      expect(await store.load()).to.deep.equal({ incarnation: 4, ceiling: 2048n, cleanExit: true })
      expect(store.saves).to.equal(0)
      expect(await bumpIncarnation(store)).to.equal(5)
      expect(store.saves).to.equal(1)
      expect(store.peek()).to.deep.equal({ incarnation: 5, ceiling: 2048n, cleanExit: true })
    })
  })
})
