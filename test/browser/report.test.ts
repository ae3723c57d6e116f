/**
 * The HTML report in a real browser: built by the real logq from the example logs, opened
 * from disk in headless Chromium. Screenshots go to test-results/ for a person to look at.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGQ_BIN, ROOT, makeTempDir, removeDir } from '../support/daemon.js';
import { inspectCanvases, launchBrowser, openReport, type Browser } from './browser.js';

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
