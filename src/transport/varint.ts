/**
 * Unsigned LEB128 varints for lengths (protobuf's and the stream's length
 * prefixes). Lengths here are bounded far below 2^31, so plain numbers do.
 */

export function varintLength (value: number): number {
  let n = 1
  while (value >= 0x80) { value = Math.floor(value / 0x80); n++ }
  return n
}

/** Writes `value` at `offset`; returns the offset after it. */
export function writeVarint (target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 0x80)
  }
  target[offset++] = value
  return offset
}

/** `bytes` preceded by its varint length: one message on a length-prefixed stream. */
export function lengthPrefixed (bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(bytes.byteLength) + bytes.byteLength)
  out.set(bytes, writeVarint(out, 0, bytes.byteLength))
  return out
}
