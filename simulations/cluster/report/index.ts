/** The visual report of a chaos run (issue 6): `report.html` from a history. */
export { renderReport, type RenderOptions } from './render-report.js'
export { writeReport, writeReportFor, reportPathFor, reportLink, REPORT_FILE } from './write-report.js'
export { runReport } from './cli-report.js'
