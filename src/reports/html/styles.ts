/** The report's only stylesheet, inlined: system fonts, no external resources, print-friendly. */
export const REPORT_CSS = `
:root { --ok:#15803d; --ok-bg:#dcfce7; --bad:#b91c1c; --bad-bg:#fee2e2; --warn:#b45309; --warn-bg:#fef3c7;
  --ink:#111827; --muted:#4b5563; --line:#d1d5db; --panel:#f9fafb; --accent:#1d4ed8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 14px; margin: 18px 0 6px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.banner { border-radius: 8px; padding: 18px 22px; display: grid; grid-template-columns: auto 1fr auto; gap: 18px; align-items: center; }
.banner.passed { background: var(--ok-bg); border: 2px solid var(--ok); }
.banner.failed, .banner.error { background: var(--bad-bg); border: 2px solid var(--bad); }
.banner.aborted { background: var(--warn-bg); border: 2px solid var(--warn); }
.verdict { font-size: 30px; font-weight: 800; letter-spacing: .04em; }
.passed .verdict { color: var(--ok); } .failed .verdict, .error .verdict { color: var(--bad); } .aborted .verdict, .inconclusive .verdict { color: var(--warn); }
.banner .sub { color: var(--muted); font-size: 13px; }
.kpis { display: flex; gap: 22px; text-align: right; }
.kpi .v { font-size: 22px; font-weight: 700; } .kpi .l { font-size: 12px; color: var(--muted); }
.kpi .v.ok { color: var(--ok); } .kpi .v.bad { color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 700; font-size: 12px; }
.pill.pass, .pill.met { background: var(--ok-bg); color: var(--ok); }
.pill.fail, .pill.not-met { background: var(--bad-bg); color: var(--bad); }
.pill.not-covered { background: #e5e7eb; color: var(--muted); }
.pill.rehearsed { background: #e0e7ff; color: #3730a3; }
.muted { color: var(--muted); }
.chart { margin: 8px 0 14px; page-break-inside: avoid; break-inside: avoid; }
.chart svg { width: 100%; height: auto; display: block; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 14px; flex-wrap: wrap; }
.sw { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: -1px; border: 1px solid #9ca3af; }
dl.env { display: grid; grid-template-columns: 200px 1fr; gap: 4px 14px; margin: 0; }
dl.env dt { color: var(--muted); } dl.env dd { margin: 0; word-break: break-all; }
ul.tight { margin: 4px 0; padding-left: 18px; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 11px; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, .banner, .chart, pre { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; }
}
`;
