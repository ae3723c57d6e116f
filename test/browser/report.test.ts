/**
 * The HTML report in a real browser: built by the real logq from the example logs, opened
 * from disk in headless Chromium. Screenshots go to test-results/ for a person to look at.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGQ_BIN, ROOT, makeTempDir, removeDir } from '../support/daemon.js';
import { inspectCanvases, launchBrowser, openReport, type Browser, type OpenedPage } from './browser.js';

const RESULTS = join(ROOT, 'test-results');
const EXAMPLE_LOGS = ['services.log', 'xinetd.log'].map((name) => join(ROOT, 'examples', 'logs', name));
const CHARTS = ['chart-fails-time', 'chart-reasons', 'chart-services', 'chart-durations', 'chart-timeline'];

// The example logs carry UTC stamps without a zone, so logq reads them in UTC.
function logq(args: string[]): string {
  return execFileSync(process.execPath, [LOGQ_BIN, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('report in Chromium', () => {
  let dir: string;
  let report: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = makeTempDir('logq-report-browser');
    mkdirSync(RESULTS, { recursive: true });
    const db = join(dir, 'logq.duckdb');
    logq(['ingest', '--db', db, ...EXAMPLE_LOGS]);
    report = join(dir, 'report.html');
    logq(['report', '--db', db, '-o', report]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    removeDir(dir);
  });

  it('draws every chart without errors or requests', async () => {
    const opened = await openReport(browser, report);
    const canvases = await inspectCanvases(opened.page);

    expect(canvases.map((canvas) => canvas.id).sort()).toEqual([...CHARTS].sort());
    for (const canvas of canvases) {
      expect(canvas.hasChart, `${canvas.id} has no chart`).toBe(true);
      expect(canvas.paintedPixels, `${canvas.id} is blank`).toBeGreaterThan(1000);
    }
    expect(await opened.page.getAttribute('html', 'data-charts')).toBe(String(CHARTS.length));
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
    await opened.page.screenshot({ path: join(RESULTS, 'report-desktop.png'), fullPage: true });
  });

  it('shows data in every panel', async () => {
    const opened = await openReport(browser, report);
    expect(await opened.page.locator('.empty').count()).toBe(0);
    expect(await opened.page.locator('section.panel').count()).toBe(9);
    expect(await opened.page.locator('#suggestions tbody tr').count()).toBeGreaterThan(0);
    expect(await opened.page.locator('#heatmap td[title]').count()).toBeGreaterThan(24);
  });

  it('fits a phone screen', async () => {
    const opened = await openReport(browser, report, { width: 390, height: 844 });
    const overflow = await opened.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    const canvases = await inspectCanvases(opened.page);
    for (const canvas of canvases) expect(canvas.paintedPixels, `${canvas.id} is blank on a phone`).toBeGreaterThan(500);
    await opened.page.screenshot({ path: join(RESULTS, 'report-phone.png'), fullPage: true });
  });

  it('prints to PDF', async () => {
    const opened = await openReport(browser, report);
    await opened.page.emulateMedia({ media: 'print' });
    const pdf = join(RESULTS, 'report.pdf');
    await opened.page.pdf({ path: pdf, format: 'A4', printBackground: true });
    expect(statSync(pdf).size).toBeGreaterThan(50_000);
    expect(opened.pageErrors).toEqual([]);
  });
});

/** Returns the tick labels of each axis of the chart on canvas `id`. */
async function tickLabels(page: OpenedPage['page'], id: string): Promise<Record<string, string[]>> {
  return page.evaluate((canvasId) => {
    type Tick = { label: string | string[] };
    type ChartLike = { scales: Record<string, { ticks: Tick[] }> };
    const chart = (window as unknown as { Chart: { getChart(id: string): ChartLike } }).Chart.getChart(canvasId);
    const labels: Record<string, string[]> = {};
    for (const [axis, scale] of Object.entries(chart.scales)) labels[axis] = scale.ticks.map((tick) => String(tick.label));
    return labels;
  }, id);
}

describe('report axes in Chromium', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = makeTempDir('logq-report-axes');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    removeDir(dir);
  });

  it('labels small counts and one minute', async () => {
    // Two FAILs, one session and three daemon messages, all within one minute.
    const log = join(dir, 'minute.log');
    writeFileSync(
      log,
      [
        '26/11/27@08:59:00 xinetd[4127]: NOTICE: xinetd-ts 0.1.0 started',
        '26/11/27@08:59:01 xinetd[4127]: NOTICE: Started working: 1 available service',
        '26/11/27@08:59:10: FAIL: telnet address from=198.51.100.7',
        '26/11/27@08:59:20: FAIL: telnet address from=198.51.100.7',
        '26/11/27@08:59:30: START: ftp pid=10 from=192.0.2.1',
        '26/11/27@08:59:35: EXIT: ftp status=0 pid=10 duration=5(sec)',
        '26/11/27@08:59:40 xinetd[4127]: NOTICE: Starting reconfiguration',
      ].join('\n') + '\n',
    );
    const db = join(dir, 'logq.duckdb');
    const report = join(dir, 'minute.html');
    logq(['ingest', '--db', db, log]);
    logq(['report', '--db', db, '-o', report]);
    const opened = await openReport(browser, report);

    const counts = [
      ['chart-fails-time', 'y'],
      ['chart-reasons', 'x'],
      ['chart-services', 'x'],
      ['chart-durations', 'y'],
    ] as const;
    for (const [id, axis] of counts) {
      const labels = (await tickLabels(opened.page, id))[axis] ?? [];
      expect(labels.length, `${id} has no ${axis} ticks`).toBeGreaterThan(1);
      for (const label of labels) expect(label, `${id} ${axis} tick`).toMatch(/^\d+$/);
    }
    const timeline = (await tickLabels(opened.page, 'chart-timeline')).x ?? [];
    expect(timeline.length).toBeGreaterThan(2);
    expect(new Set(timeline).size).toBe(timeline.length);
    expect(opened.pageErrors).toEqual([]);
  });
});
