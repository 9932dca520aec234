/**
 * Patterns every SVG on the page refers to (ids are page-global): shared
 * locks striped, a down process cross-hatched, fault overlays hatched in
 * their kind's colour. Held in a zero-size SVG (not display:none, which
 * would switch the patterns off in some browsers).
 */
import { BAND_COLOR, LOCK_COLOR, faultColor } from './palette.js'

export const SHARED_FILL = 'url(#lm-shared)'
export const DOWN_FILL = 'url(#lm-down)'

/** The pattern id of a fault kind's hatch: an index, never the kind's text. */
export function faultPatternId (kinds: readonly string[], kind: string): string {
  return `lm-fault-${Math.max(0, kinds.indexOf(kind))}`
}

export function svgDefs (faultKinds: readonly string[]): string {
  const faults = faultKinds.map((k, i) =>
    `<pattern id="lm-fault-${i}" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="1.6" height="7" fill="${faultColor(k)}" fill-opacity="0.45"/></pattern>`).join('')
  return '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>' +
    `<pattern id="lm-shared" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="5" height="5" fill="${LOCK_COLOR.shared}"/><rect width="2" height="5" fill="#ffffff" fill-opacity="0.55"/></pattern>` +
    `<pattern id="lm-down" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="${BAND_COLOR.down}"/><rect width="2.5" height="6" fill="#8a929c" fill-opacity="0.6"/></pattern>` +
    faults + '</defs></svg>'
}
