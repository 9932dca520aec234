/**
 * Public error classes: one class per failure, each with a stable `name`
 * (tests and applications switch on `err.name`).
 */

/** Options or configuration did not validate: says what was expected and what came. */
export class InvalidOptionsError extends Error {
  static override readonly name = 'InvalidOptionsError'
  override readonly name = 'InvalidOptionsError'
  constructor (readonly option: string, readonly expected: string, readonly received: unknown) {
    super(`Invalid option \`${option}\`: expected ${expected}, received ${describe(received)}`)
  }
}

function describe (value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined || value === null || typeof value !== 'object') return String(value)
  try { return JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v) } catch { return Object.prototype.toString.call(value) }
}
