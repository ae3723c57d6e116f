/**
 * Opens report files in Debian's headless Chromium through playwright-core, and records
 * what a page does that a self-contained report must not: requests, console errors and
 * uncaught exceptions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile directory, removed again by close(). */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'logq-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

export interface OpenedPage {
  page: Page;
  /** Every request other than the one for the file itself. */
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

/** Opens a file and waits until the report's script has drawn its charts. */
export async function openReport(browser: Browser, path: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const url = `file://${path}`;
  const opened: OpenedPage = { page, requests: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (request) => {
    if (request.url() !== url) opened.requests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') opened.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => opened.pageErrors.push(error.message));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-charts]', { timeout: 10_000 });
  return opened;
}

export interface CanvasState {
  id: string;
  hasChart: boolean;
  /** Pixels with any opacity: zero means nothing was drawn. */
  paintedPixels: number;
}

/** Returns, for every canvas, whether Chart.js owns it and how many pixels it painted. */
export function inspectCanvases(page: Page): Promise<CanvasState[]> {
  return page.evaluate(() => {
    const chart = (window as unknown as { Chart: { getChart(canvas: HTMLCanvasElement): unknown } }).Chart;
    return Array.from(document.querySelectorAll('canvas')).map((canvas) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) painted++;
      return { id: canvas.id, hasChart: chart.getChart(canvas) !== undefined, paintedPixels: painted };
    });
  });
}
