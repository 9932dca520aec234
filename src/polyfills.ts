/**
 * Shims that must load before libp2p. Import this module first in every entry
 * point and test that touches libp2p:
 *
 * ```ts
 * import './polyfills.js'
 * ```
 *
 * - `Promise.withResolvers` (ES2024): native from Node 22; libp2p 3, yamux,
 *   it-queue and ping call it, so on Node 20 `createLibp2p()` throws without
 *   it. A no-op where it exists.
 */

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseCtor = Promise as unknown as { withResolvers?: unknown }

if (typeof PromiseCtor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T> (this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve']
      let reject!: Resolvers<T>['reject']
      // `this` keeps subclass semantics, as the native method does.
      const promise = new this<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

export {}
