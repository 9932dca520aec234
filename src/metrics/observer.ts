/**
 * Several MeshObservers as one (metrics and logs both listen). The mesh calls
 * observers synchronously inside its own paths: a throwing observer is caught
 * here and never reaches it.
 */
import type { MeshObserver } from '../mesh.js'

export function combineObservers (...observers: Array<MeshObserver | undefined>): MeshObserver {
  const list = observers.filter((o): o is MeshObserver => o !== undefined)
  return {
    acquireSettled: e => { for (const o of list) { try { o.acquireSettled?.(e) } catch {} } },
    coreEvent: e => { for (const o of list) { try { o.coreEvent?.(e) } catch {} } }
  }
}
