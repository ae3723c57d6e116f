/** The report's stylesheet, inlined: readable on a phone, one column when printed. */
export const REPORT_CSS = `
:root { --ink: #1d2430; --muted: #5b6473; --line: #d9dee7; --panel: #ffffff; --page: #f3f5f9; --accent: #b42318; --ok: #1f6f43; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header.page { padding: 20px 16px 8px; max-width: 1280px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.05rem; margin: 0 0 2px; }
.sub, .note { color: var(--muted); font-size: 0.86rem; margin: 0 0 10px; }
main { max-width: 1280px; margin: 0 auto; padding: 0 16px 32px; display: grid; gap: 14px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); }
.cards { display: grid; gap: 10px; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); margin: 10px 0 6px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card b { display: block; font-size: 1.35rem; font-variant-numeric: tabular-nums; }
.card span { color: var(--muted); font-size: 0.8rem; }
.card.alert b { color: var(--accent); }
section.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
.chart { position: relative; height: 280px; }
.chart.tall { height: 340px; }
.chart.short { height: 200px; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.86rem; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.time { white-space: nowrap; }
td.addr:first-child { white-space: nowrap; }
td.addr, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 0.84rem; overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; margin: 12px 0; }
.tag { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 0.78rem; background: #eef1f6; margin: 1px 2px 1px 0; }
.tag.expired { background: #f1f1f1; color: var(--muted); }
.tag.active { background: #fde8e7; color: var(--accent); }
table.heat { table-layout: fixed; min-width: 640px; }
table.heat td { text-align: center; padding: 4px 0; font-size: 0.7rem; border: 1px solid #fff; height: 26px; }
table.heat th { font-size: 0.7rem; text-align: center; padding: 2px 0; }
table.heat th.day { text-align: left; width: 40px; }
.legend { display: flex; align-items: center; gap: 6px; font-size: 0.78rem; color: var(--muted); margin-top: 6px; }
.legend i { display: inline-block; width: 80px; height: 10px; background: linear-gradient(90deg, rgba(180,35,24,0.06), rgba(180,35,24,1)); border-radius: 2px; }
pre.apply { background: #f6f8fb; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; font-size: 0.8rem; }
footer { color: var(--muted); font-size: 0.78rem; text-align: center; padding: 0 16px 24px; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  header.page { padding: 14px 10px 4px; }
  main { padding: 0 8px 24px; gap: 10px; }
  section.panel { padding: 10px; }
  .chart { height: 240px; }
  .chart.tall { height: 300px; }
  table { font-size: 0.8rem; }
  th, td { padding: 4px 5px; }
  td.time { white-space: normal; min-width: 5.6em; }
  pre.apply { white-space: pre-wrap; overflow-wrap: anywhere; }
}
@media print {
  @page { margin: 12mm; }
  body { background: #fff; font-size: 11pt; }
  main { display: block; padding: 0; }
  section.panel { border: none; border-top: 1px solid #999; border-radius: 0; padding: 8px 0; margin: 0 0 10px; break-inside: avoid; page-break-inside: avoid; }
  .scroll { overflow: visible; }
  table.heat { min-width: 0; }
  table.heat td, .legend i, .tag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .chart { height: 240px; }
}
`;
