/**
 * The raw libp2p baseline's protocol: fixed-size messages on one long-lived
 * stream per peer; the peer echoes every message. Fixed size (about a lockmesh
 * frame's) so neither side needs a framing decoder: the floor measured is
 * libp2p's (TCP + Noise + yamux + streams), not a codec's.
 */
export const RR_PROTOCOL = '/lockmesh-bench/rr/1.0.0'
export const RR_MESSAGE_BYTES = 48

/** Counts whole messages in a byte stream; `onMessages(n)` per chunk. */
export function messageCounter (onMessages: (n: number) => void): (chunk: { byteLength: number }) => void {
  let carry = 0
  return chunk => {
    carry += chunk.byteLength
    const n = Math.floor(carry / RR_MESSAGE_BYTES)
    carry -= n * RR_MESSAGE_BYTES
    if (n > 0) onMessages(n)
  }
}
