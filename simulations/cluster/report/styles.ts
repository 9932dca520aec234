/** The page's stylesheet, inlined; system fonts only. */
export const STYLES = `
:root { --ink: #1f2933; --muted: #616e7c; --faint: #9aa5b1; --line: #e4e7eb; --bg: #f5f6f8; --card: #ffffff; --ok: #2b8a3e; --bad: #e03131; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1368px; margin: 0 auto; padding: 14px 16px 40px; }
h1 { font-size: 20px; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 15px; margin: 0 0 8px; }
.top { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; margin-bottom: 10px; }
.top .sub { color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
.verdict { font-weight: 700; font-size: 13px; padding: 4px 12px; border-radius: 999px; color: #fff; white-space: nowrap; }
.verdict.ok { background: var(--ok); }
.verdict.bad { background: var(--bad); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(158px, 1fr)); gap: 8px; margin-bottom: 10px; }
.fact { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 7px 11px; min-width: 0; }
.fact .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; }
.fact .v { font-size: 19px; font-weight: 650; line-height: 1.25; }
.fact .s { color: var(--muted); font-size: 11.5px; overflow-wrap: anywhere; }
.fact.bad .v { color: var(--bad); }
.chip { display: inline-block; font-size: 11px; line-height: 1.5; padding: 0 6px; border-radius: 4px; background: #eef0f3; margin: 1px 3px 1px 0; white-space: nowrap; }
.chip.fault { color: #fff; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
.panel-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 11.5px; color: var(--muted); margin: 2px 0 6px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }
.sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
.sw.band { height: 12px; border: 1px solid rgba(0,0,0,0.08); }
.scroll { overflow-x: auto; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
.row2 { display: grid; grid-template-columns: minmax(0, 640px) minmax(0, 1fr); gap: 10px; }
@media (max-width: 1100px) { .row2 { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; }
td.num { font-variant-numeric: tabular-nums; }
.bars-list { display: grid; grid-template-columns: max-content 1fr max-content; gap: 3px 8px; align-items: center; font-size: 12.5px; margin-top: 4px; }
.bars-list .bar { height: 8px; border-radius: 2px; background: #d9480f; opacity: 0.75; }
.violations ol { margin: 6px 0 0; padding-left: 20px; }
.violations li { margin: 4px 0; overflow-wrap: anywhere; }
.violations .kind { display: inline-block; background: var(--bad); color: #fff; border-radius: 4px; padding: 0 6px; font-size: 11.5px; font-weight: 600; }
.violations .meaning { color: var(--muted); font-size: 12px; margin: 2px 0 0; }
.violations .at { color: var(--muted); font-variant-numeric: tabular-nums; }
.clean { color: var(--ok); font-weight: 600; }
.notes { color: var(--muted); font-size: 12px; margin: 4px 0 0; padding-left: 18px; }
.empty { color: var(--muted); font-style: italic; }
/* SVG */
.node-name { font-size: 13px; font-weight: 650; fill: var(--ink); }
.node-sub { font-size: 10px; fill: var(--muted); }
.key-label { font-size: 9.5px; fill: #7b8794; text-anchor: end; }
.track-label { font-size: 10.5px; font-weight: 650; fill: #52606d; letter-spacing: 0.05em; text-transform: uppercase; }
.track-bg { fill: #f1f3f6; }
.fault-label { font-size: 10.5px; font-weight: 650; fill: #fff; pointer-events: none; }
.fault-label-out { font-size: 10.5px; font-weight: 650; }
.tick { font-size: 10px; fill: var(--muted); text-anchor: middle; }
.ytick { font-size: 10px; fill: var(--muted); text-anchor: end; }
.axis-title { font-size: 10.5px; fill: var(--muted); text-anchor: middle; }
.grid { stroke: #1f2933; stroke-opacity: 0.07; }
.lane-sep { stroke: #ffffff; stroke-opacity: 0.75; }
.axis { stroke: var(--faint); }
.muted-label { font-size: 12px; font-style: italic; fill: var(--faint); }
.lock-bar:hover, .lat-bin:hover rect { stroke: #111; stroke-width: 1; }
.fault-mark:hover .fault-pill { stroke: #111; stroke-width: 1; }
.pmark line { stroke: var(--ink); stroke-dasharray: 4 3; }
.pmark text { font-size: 10.5px; fill: var(--ink); font-weight: 600; }
.cursor { pointer-events: none; }
.cursor line { stroke: var(--ink); stroke-opacity: 0.55; stroke-dasharray: 3 3; }
.cursor-bg { fill: var(--ink); }
.cursor text { font-size: 10px; fill: #fff; }
`
