/** Shared geometry: the timeline and the grants chart use the same time axis. */
import { linear, type Scale } from './scale.js'

/** viewBox width of the full-width charts. */
export const WIDTH = 1320
/** Left edge of the plot area; node and key labels live left of it. */
export const PLOT_X0 = 200
export const PLOT_X1 = WIDTH - 24

/** Height of one key lane inside a node row, and of a lock bar in it. */
export const LANE_H = 13
export const BAR_H = 9
export const ROW_PAD = 6
export const ROW_GAP = 4
export const ROW_MIN_H = 40

/** ns since the run's start → x on the shared time axis, clamped to the plot (leases may outlive the last event). */
export function timeScale (endNs: number): Scale {
  const lin = linear(0, endNs, PLOT_X0, PLOT_X1)
  const f = ((t: number) => Math.min(PLOT_X1, Math.max(PLOT_X0, lin(t)))) as Scale
  f.domain = lin.domain
  f.range = lin.range
  return f
}
