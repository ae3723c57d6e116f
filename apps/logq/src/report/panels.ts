/** The HTML of each report panel. Every value from the logs goes through escapeHtml. */
import { formatNetwork } from '../suggest/addresses.js';
import { describeThresholds } from '../suggest/fragment.js';
import type { Suggestion } from '../suggest/plan.js';
import type { ReportData } from './collect.js';
import type { IdentReply, SessionSummary, SourceSummary, TimelineEvent } from './data.js';
import { escapeHtml } from './escape.js';
import { suggestCommand } from './suggest-command.js';
import { formatCount, formatDuration, formatTime, renderHtmlTable, tags, type TableColumn } from './format.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function panel(id: string, title: string, note: string, body: string, wide = false): string {
  return `<section class="panel${wide ? ' wide' : ''}" id="${id}">
<h2>${escapeHtml(title)}</h2>
<p class="note">${note}</p>
${body}
</section>`;
}

function canvas(id: string, label: string, size = ''): string {
  return `<div class="chart${size ? ` ${size}` : ''}"><canvas id="${id}" role="img" aria-label="${escapeHtml(label)}"></canvas></div>`;
}

function empty(text: string): string {
  return `<p class="empty">${escapeHtml(text)}</p>`;
}

export function failsOverTimePanel(data: ReportData): string {
  const { failsOverTime } = data;
  const body = failsOverTime.labels.length > 0 ? canvas('chart-fails-time', 'FAIL events by source over time', 'tall') : empty('No FAIL events in this range.');
  const note = `Refused connections per ${escapeHtml(failsOverTime.bucketLabel)}, stacked by source: the six busiest sources, the rest together.`;
  return panel('fails-over-time', 'FAIL by source over time', note, body, true);
}

export function reasonsPanel(data: ReportData): string {
  const body = data.failsByReason.length > 0 ? canvas('chart-reasons', 'FAIL events by reason') : empty('No FAIL events in this range.');
  return panel('fails-by-reason', 'FAIL by reason', '<code>address</code> and <code>libwrap</code> come from access rules; the others from limits.', body);
}

export function servicesPanel(data: ReportData): string {
  const body = data.services.length > 0 ? canvas('chart-services', 'Connections by service') : empty('No connections in this range.');
  return panel('by-service', 'Connections by service', 'Accepted (START) and refused (FAIL) connections of the 15 busiest services.', body);
}

const SOURCE_COLUMNS: readonly TableColumn<SourceSummary>[] = [
  { header: 'source', address: true, cell: (row) => escapeHtml(row.source) },
  { header: 'FAIL', numeric: true, cell: (row) => formatCount(row.fails) },
  { header: 'START', numeric: true, cell: (row) => formatCount(row.starts) },
  { header: 'services', cell: (row) => tags(row.services) },
  { header: 'reasons', cell: (row) => tags(row.reasons) },
  { header: 'first seen', time: true, cell: (row) => formatTime(row.firstSeen) },
  { header: 'last seen', time: true, cell: (row) => formatTime(row.lastSeen) },
];

export function topSourcesPanel(data: ReportData): string {
  const body = data.topSources.length > 0 ? renderHtmlTable(SOURCE_COLUMNS, data.topSources) : empty('No connections with a source address in this range.');
  return panel('top-sources', 'Top sources', 'The 25 sources with the most refused connections, then the most accepted ones.', body, true);
}

const SESSION_COLUMNS: readonly TableColumn<SessionSummary>[] = [
  { header: 'service', cell: (row) => escapeHtml(row.service) },
  { header: 'sessions', numeric: true, cell: (row) => formatCount(row.sessions) },
  { header: 'median', numeric: true, cell: (row) => formatDuration(row.medianMs) },
  { header: '95th pct', numeric: true, cell: (row) => formatDuration(row.p95Ms) },
  { header: 'longest', numeric: true, cell: (row) => formatDuration(row.maxMs) },
  { header: 'failed', numeric: true, cell: (row) => formatCount(row.failed) },
];

export function sessionsPanel(data: ReportData): string {
  if (data.sessions.services.length === 0) return panel('sessions', 'Sessions and durations', 'From EXIT lines with a duration.', empty('No EXIT events with a duration in this range.'));
  const body = `${canvas('chart-durations', 'Session durations', 'short')}\n${renderHtmlTable(SESSION_COLUMNS, data.sessions.services)}`;
  return panel('sessions', 'Sessions and durations', 'From EXIT lines with a duration; "failed" ended with a non-zero status or a signal.', body);
}

function heatCell(count: number, max: number): string {
  if (count === 0) return '<td></td>';
  const alpha = 0.08 + 0.92 * (count / max);
  const ink = alpha > 0.55 ? '#fff' : '#1d2430';
  return `<td style="background:rgba(180,35,24,${alpha.toFixed(3)});color:${ink}" title="${count}">${count}</td>`;
}

export function heatmapPanel(data: ReportData): string {
  const max = Math.max(0, ...data.heatmap.flat());
  if (max === 0) return panel('heatmap', 'Connections per hour', '', empty('No connections in this range.'), true);
  const hours = Array.from({ length: 24 }, (_, hour) => `<th>${hour}</th>`).join('');
  const rows = data.heatmap.map((counts, day) => `<tr><th class="day">${DAYS[day]}</th>${counts.map((count) => heatCell(count, max)).join('')}</tr>`);
  const body = `<div class="scroll"><table class="heat"><thead><tr><th class="day"></th>${hours}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>
<div class="legend">0 <i></i> ${formatCount(max)}</div>`;
  return panel('heatmap', 'Connections per hour', 'Accepted and refused connections by weekday and hour of the day, local time, over the whole range.', body, true);
}

const TIMELINE_COLUMNS: readonly TableColumn<TimelineEvent>[] = [
  { header: 'time', time: true, cell: (row) => formatTime(new Date(row.ms)) },
  { header: 'kind', cell: (row) => `<span class="tag">${escapeHtml(row.lane)}</span>` },
  { header: 'message', cell: (row) => escapeHtml(row.text) },
];

export function timelinePanel(data: ReportData): string {
  const { events, total } = data.timeline;
  if (events.length === 0) return panel('timeline', 'Daemon timeline', '', empty('No starts, reloads, deactivations or errors of the daemon in this range.'), true);
  const shown = total > events.length ? ` The chart shows the last ${events.length} of ${formatCount(total)}.` : '';
  const body = `${canvas('chart-timeline', 'Daemon starts, reloads, deactivations and errors over time', 'short')}
${renderHtmlTable(TIMELINE_COLUMNS, events.slice(-12).reverse())}`;
  return panel('timeline', 'Daemon timeline', `Starts, reloads, deactivations, stops and errors from the daemon's own log, for all services.${shown} Latest 12 below.`, body, true);
}

const IDENT_COLUMNS: readonly TableColumn<IdentReply>[] = [
  { header: 'service', cell: (row) => escapeHtml(row.service) },
  { header: 'ident reply', address: true, cell: (row) => escapeHtml(row.text) },
  { header: 'count', numeric: true, cell: (row) => formatCount(row.count) },
];

export function identPanel(data: ReportData): string {
  const body = data.idents.length > 0 ? renderHtmlTable(IDENT_COLUMNS, data.idents) : empty('No USERID lines in this range.');
  return panel('ident', 'Ident replies', 'USERID lines: what the clients\' identd answered, most frequent first.', body);
}

function expiryTag(suggestion: Suggestion, now: Date): string {
  if (suggestion.expires === null) return '<span class="tag active">never expires</span>';
  const active = suggestion.expires.getTime() > now.getTime();
  return `<span class="tag ${active ? 'active' : 'expired'}">${active ? 'until' : 'expired'} ${formatTime(suggestion.expires)}</span>`;
}

function suggestionColumns(now: Date): TableColumn<Suggestion>[] {
  return [
    { header: 'no_access', address: true, cell: (row) => escapeHtml(formatNetwork(row.network)) },
    { header: 'addresses', cell: (row) => (row.sources.length > 1 ? `${row.sources.length}: ` : '') + tags(row.sources, 4) },
    { header: 'FAIL', numeric: true, cell: (row) => formatCount(row.failures) },
    { header: 'max in window', numeric: true, cell: (row) => formatCount(row.peak) },
    { header: 'services', cell: (row) => tags(row.services) },
    { header: 'first seen', time: true, cell: (row) => formatTime(row.firstSeen) },
    { header: 'last seen', time: true, cell: (row) => formatTime(row.lastSeen) },
    { header: 'ban', cell: (row) => expiryTag(row, now) },
  ];
}

export function suggestionsPanel(data: ReportData): string {
  const { suggestions, exempted } = data.plan;
  const rule = escapeHtml(describeThresholds(data.thresholds));
  let body = suggestions.length > 0 ? renderHtmlTable(suggestionColumns(data.generatedAt), suggestions) : empty('No source crossed the threshold.');
  if (exempted.length > 0) {
    const list = exempted.map((entry) => `<li><code>${escapeHtml(entry.entry)}</code>: ${formatCount(entry.failures)} FAIL, ${escapeHtml(entry.reason)}</li>`);
    body += `\n<p class="note">Not suggested although over the threshold:</p><ul class="note">${list.join('')}</ul>`;
  }
  body += `\n<pre class="apply">${escapeHtml(suggestCommand(data))}</pre>`;
  return panel('suggestions', 'Suggested no_access entries', `Rule: ${rule}. The command below writes the active ones to an includedir file and reloads the daemon.`, body, true);
}
