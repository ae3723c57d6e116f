/**
 * The report as one self-contained HTML document: styles, Chart.js, the chart data and
 * the drawing script are all inline, so it opens from disk and makes no request.
 */
import { formatLocalTime } from '../local-time.js';
import { chartJsSource } from './chartjs.js';
import { CLIENT_SCRIPT } from './client.js';
import type { ReportData } from './collect.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { formatCount, formatTime } from './format.js';
import * as panels from './panels.js';
import { REPORT_CSS } from './style.js';

const LANE_COLORS: Record<string, string> = {
  start: '#079455',
  reload: '#1570ef',
  'reload failed': '#dc6803',
  deactivation: '#7a5af8',
  stop: '#667085',
  error: '#b42318',
};

/** Selects the data the charts need and nothing more, because the tables are rendered here. */
function chartData(data: ReportData): unknown {
  const lanes = Object.keys(LANE_COLORS).filter((lane) => data.timeline.events.some((event) => event.lane === lane));
  return {
    failsOverTime: data.failsOverTime,
    failsByReason: data.failsByReason,
    services: data.services,
    durations: data.sessions.durations,
    timeline: data.timeline.events.map((event) => ({ localMs: event.localMs, lane: event.lane, text: event.text })),
    lanes,
    laneColors: LANE_COLORS,
  };
}

function describeRange(data: ReportData): string {
  const { filter, totals } = data;
  const from = filter.since ? formatLocalTime(filter.since) : formatTime(totals.firstSeen);
  const to = filter.until ? formatLocalTime(filter.until) : formatTime(totals.lastSeen);
  const service = filter.service !== undefined ? `, service ${escapeHtml(filter.service)}` : '';
  return `${from} to ${to}${service}`;
}

function card(value: number, label: string, alert = false): string {
  return `<div class="card${alert ? ' alert' : ''}"><b>${formatCount(value)}</b><span>${escapeHtml(label)}</span></div>`;
}

function header(data: ReportData): string {
  const { totals } = data;
  // Entries whose ban has passed stay in the table, marked expired, but logq suggest leaves them out.
  const active = data.plan.suggestions.filter((suggestion) => suggestion.expires === null || suggestion.expires > data.generatedAt).length;
  return `<header class="page">
<h1>xinetd security report</h1>
<p class="sub">${describeRange(data)} · generated ${formatLocalTime(data.generatedAt)} by logq</p>
<div class="cards">
${card(totals.starts, 'accepted connections')}
${card(totals.fails, 'refused connections (FAIL)', totals.fails > 0)}
${card(totals.failingSources, 'sources refused')}
${card(totals.exits, 'finished sessions')}
${card(active, 'no_access entries to apply', active > 0)}
</div>
</header>`;
}

export function renderReport(data: ReportData): string {
  const body = [
    panels.failsOverTimePanel(data),
    panels.reasonsPanel(data),
    panels.servicesPanel(data),
    panels.topSourcesPanel(data),
    panels.sessionsPanel(data),
    panels.identPanel(data),
    panels.heatmapPanel(data),
    panels.timelinePanel(data),
    panels.suggestionsPanel(data),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>xinetd security report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${header(data)}
<main>
${body}
</main>
<footer>${formatCount(data.totals.events)} events read. Times are local to the machine that ran logq.</footer>
<script type="application/json" id="report-data">${jsonForScript(chartData(data))}</script>
<script>${chartJsSource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
