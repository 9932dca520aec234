/** The timeline's legend: lock modes, node modes, marks, the fault kinds present. */
import { esc } from './escape.js'
import { BAND_COLOR, BAND_LABEL, FAILURE_COLOR, LOCK_COLOR, VIOLATION_COLOR, faultColor, type BandState } from './palette.js'

const STRIPES = `repeating-linear-gradient(45deg, ${LOCK_COLOR.shared} 0 3px, #8fd3c5 3px 5px)`
const DOWN = `repeating-linear-gradient(45deg, ${BAND_COLOR.down} 0 3px, #9aa1ab 3px 5px)`

export function renderLegend (faultKinds: readonly string[], hasViolations: boolean): string {
  const item = (swatch: string, label: string): string => `<span>${swatch}${esc(label)}</span>`
  const sw = (bg: string, cls = ''): string => `<i class="sw${cls}" style="background:${bg}"></i>`
  const bands: BandState[] = ['read-write', 'read-only-shared', 'read-only', 'starting', 'down']
  const items = [
    item(sw(LOCK_COLOR.exclusive), 'exclusive hold'),
    item(sw(STRIPES), 'shared hold'),
    item(`<i class="sw" style="background:linear-gradient(90deg, ${LOCK_COLOR.exclusive} 0 75%, ${VIOLATION_COLOR} 75%)"></i>`, 'ended lost'),
    item(`<b style="color:${FAILURE_COLOR}">×</b>`, 'failed acquire'),
    ...bands.map(b => item(sw(b === 'down' ? DOWN : BAND_COLOR[b], ' band'), BAND_LABEL[b])),
    ...faultKinds.map(k => item(sw(faultColor(k)), k)),
    ...(hasViolations ? [item(`<i class="sw" style="width:3px;background:${VIOLATION_COLOR}"></i>`, 'violation')] : [])
  ]
  return `<div class="legend">${items.join('')}</div>`
}
