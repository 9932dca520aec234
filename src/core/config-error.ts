/**
 * The core's own validation error: a CoreConfig field did not validate. The
 * core depends on nothing above it, so it does not throw the public
 * `InvalidOptionsError` itself; LockMesh turns this into one (same `option`,
 * `expected`, `received`, same message).
 */
export class CoreConfigError extends Error {
  static override readonly name = 'CoreConfigError'
  override readonly name: string = 'CoreConfigError'
  constructor (readonly option: string, readonly expected: string, readonly received: unknown) {
    super(`Invalid option \`${option}\`: expected ${expected}, received ${describeValue(received)}`)
  }
}

/** A short, safe rendering of any value for an error message. */
export function describeValue (value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined || value === null || typeof value !== 'object') return String(value)
  try { return JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v) } catch { return Object.prototype.toString.call(value) }
}
