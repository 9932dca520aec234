/**
 * Text for the page: everything that comes from the history is data, so it
 * goes through `esc` before it reaches markup (element text and attributes).
 */
import { nsToMs } from '../../check/history.js'

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML/SVG element content and quoted attribute values. */
export function esc (s: string | number | bigint): string {
  return String(s).replace(/[&<>"']/g, c => ENTITIES[c]!)
}

/** `12.345 s` for an instant on the history's ns scale. */
export function fmtAt (ns: number): string {
  return `${(nsToMs(ns) / 1000).toFixed(3)} s`
}

/** A span in ms, readable: `850 ms`, `2.50 s`, `0.42 ms`. */
export function fmtSpanMs (ms: number): string {
  if (!Number.isFinite(ms)) return '∞'
  if (ms === 0) return '0 ms'
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 10) return `${Math.round(ms)} ms`
  return `${ms.toFixed(ms >= 1 ? 1 : 2)} ms`
}

/** `1 234` style grouping is locale dependent; keep plain digits with thin separators. */
export function fmtCount (n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')
}

/** Cuts a label to `max` characters with an ellipsis (before escaping). */
export function clip (s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + '…'
}

/** A number for an SVG attribute: at most two decimals. */
export function px (x: number): string {
  return String(Math.round(x * 100) / 100)
}
