/**
 * Splits a byte stream into varint-length-prefixed messages, pulled one at a
 * time (so a reader that is told to stop can leave the rest buffered).
 *
 * Why our own and not @libp2p/utils' LengthPrefixedDecoder: that one took a
 * 10+ byte prefix (2^63, eleven 0xff bytes) as "need more bytes" and wedged
 * the stream (issue 11, defect 2), and it throws as control flow at the end of
 * every chunk (~13% CPU in issue 10's profile). Here a prefix that cannot be a
 * valid length within `messageBytesMax` is a framing error as soon as its
 * bytes show it, and running out of bytes is a plain `null`.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { MalformedFrameError } from './errors.js'

export interface LengthPrefixedReaderOptions {
  /** Longest message (the bytes after the prefix). */
  messageBytesMax: number
  /** Bytes buffered at most (undecoded chunks); more is a framing error. */
  bufferBytesMax: number
}

/** Bytes of the longest varint whose value can be ≤ `max`. */
export function prefixBytesMax (max: number): number {
  let n = 1
  for (let v = max; v >= 0x80; v = Math.floor(v / 0x80)) n++
  return n
}

export class LengthPrefixedReader {
  private readonly buffer = new Uint8ArrayList()
  private readonly prefixMax: number

  constructor (private readonly options: LengthPrefixedReaderOptions) {
    this.prefixMax = prefixBytesMax(options.messageBytesMax)
  }

  /** Bytes waiting (partial messages, or whole ones not pulled yet). */
  get bufferedBytes (): number { return this.buffer.byteLength }

  /** Appends a chunk; throws MalformedFrameError when the buffer would pass its bound. */
  push (chunk: Uint8Array | Uint8ArrayList): void {
    if (this.buffer.byteLength + chunk.byteLength > this.options.bufferBytesMax) {
      throw new MalformedFrameError(`framing: ${this.buffer.byteLength + chunk.byteLength} bytes buffered (max ${this.options.bufferBytesMax})`)
    }
    this.buffer.append(chunk)
  }

  /**
   * The next whole message, or null when more bytes are needed. Throws
   * MalformedFrameError when the prefix cannot be a valid length (too many
   * bytes, or a value above the bound): the stream cannot resync.
   */
  next (): Uint8ArrayList | null {
    const buf = this.buffer
    const available = buf.byteLength
    if (available === 0) return null
    let length = 0
    let scale = 1
    let i = 0
    for (;;) {
      if (i >= this.prefixMax) throw new MalformedFrameError(`framing: length prefix longer than ${this.prefixMax} bytes`)
      if (i >= available) return null
      const byte = buf.get(i)
      length += (byte & 0x7f) * scale
      i++
      if (length > this.options.messageBytesMax) throw new MalformedFrameError(`framing: length prefix of ${length}+ bytes (max ${this.options.messageBytesMax})`)
      if ((byte & 0x80) === 0) break
      scale *= 0x80
    }
    if (available < i + length) return null
    const message = buf.sublist(i, i + length)
    buf.consume(i + length)
    return message
  }
}
