/**
 * Enough PNG decoding to tell a blank screenshot from a drawn one: the size
 * from IHDR, the IDAT stream inflated with node:zlib and unfiltered (8-bit,
 * non-interlaced gray/RGB/RGBA), then the number of distinct colours and the
 * share of the most common one.
 */
import { inflateSync } from 'node:zlib'

export interface PngStats {
  width: number
  height: number
  /** Distinct pixel colours (counting stops at 100 000). */
  distinctColors: number
  /** Fraction of pixels having the most common colour. */
  dominantShare: number
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 }

export function pngStats (png: Buffer): PngStats {
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  let off = 8
  let width = 0
  let height = 0
  let depth = 0
  let colorType = 0
  let interlace = 0
  const idat: Buffer[] = []
  while (off + 8 <= png.length) {
    const len = png.readUInt32BE(off)
    const type = png.toString('latin1', off + 4, off + 8)
    const data = png.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]!; colorType = data[9]!; interlace = data[12]!
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const channels = CHANNELS[colorType]
  if (depth !== 8 || interlace !== 0 || channels === undefined) throw new Error(`unsupported PNG layout (depth ${depth}, colour type ${colorType}, interlace ${interlace})`)
  const stride = width * channels
  const cur = Buffer.alloc(stride)
  const prev = Buffer.alloc(stride)
  const counts = new Map<string, number>()
  for (let y = 0; y < height; y++) {
    const base = y * (stride + 1)
    const filter = raw[base]!
    for (let x = 0; x < stride; x++) {
      const v = raw[base + 1 + x]!
      const a = x >= channels ? cur[x - channels]! : 0
      const b = prev[x]!
      const c = x >= channels ? prev[x - channels]! : 0
      let p: number
      switch (filter) {
        case 0: p = 0; break
        case 1: p = a; break
        case 2: p = b; break
        case 3: p = (a + b) >> 1; break
        case 4: { const pa = Math.abs(b - c); const pb = Math.abs(a - c); const pc = Math.abs(a + b - 2 * c); p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c; break }
        default: throw new Error(`bad PNG filter ${filter} on row ${y}`)
      }
      cur[x] = (v + p) & 0xff
    }
    for (let x = 0; x < stride; x += channels) {
      const k = cur.toString('latin1', x, x + channels)
      if (counts.size < 100_000 || counts.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1)
    }
    cur.copy(prev)
  }
  const dominant = Math.max(0, ...counts.values())
  return { width, height, distinctColors: counts.size, dominantShare: width * height === 0 ? 1 : dominant / (width * height) }
}
