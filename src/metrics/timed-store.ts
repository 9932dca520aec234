/**
 * A FenceStore wrapper that reports how long each durable write took (the
 * fence-store write histogram and the `lockmesh:store` log). Pure delegation
 * otherwise: every guarantee is the wrapped store's.
 */
import type { Logger } from '@libp2p/interface'
import type { FenceStore, StoredState } from '../store/fence-store.js'

export class TimedFenceStore implements FenceStore {
  constructor (private readonly inner: FenceStore, private readonly onWrite: (durationMs: number) => void, private readonly log?: Logger) {}

  async load (): Promise<StoredState> {
    const s = await this.inner.load()
    this.log?.('loaded: incarnation %d, ceiling %s, clean exit %s', s.incarnation, s.ceiling.toString(), s.cleanExit)
    return s
  }

  async save (state: StoredState): Promise<void> {
    const start = performance.now()
    try {
      await this.inner.save(state)
    } catch (err) {
      this.log?.error('write failed: %e', err)
      throw err
    }
    const ms = performance.now() - start
    this.onWrite(ms)
    this.log?.trace('saved incarnation %d, ceiling %s, clean exit %s in %d ms', state.incarnation, state.ceiling.toString(), state.cleanExit, Math.round(ms * 100) / 100)
  }

  async close (): Promise<void> { await this.inner.close?.() }

  async exists (): Promise<boolean> {
    const exists = await this.inner.exists?.() ?? true
    if (!exists) this.log?.('the fence store is missing')
    return exists
  }
}
