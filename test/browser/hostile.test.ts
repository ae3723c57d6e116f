/**
 * Ident replies, JSONL fields and daemon messages carry text that clients or other
 * programs wrote, and a service name is whatever the log line says. This feeds script and
 * quote-breaking strings through ingest and report, then checks in Chromium that none of
 * them ran or became an element.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGQ_BIN, makeTempDir, removeDir } from '../support/daemon.js';
import { launchBrowser, openReport, type Browser } from './browser.js';

const PAYLOADS = {
  scriptService: '<script>window.__injected=1</script>',
  imageService: '"><img/src=x/onerror=window.__injected=2>',
  closeScriptIdent: "UNIX : </script><script>window.__injected=3</script>",
  quoteIdent: "OTHER : ' onmouseover='window.__injected=4' x='",
  jsonService: '</textarea><svg onload=window.__injected=5>',
  message: 'service x deactivated <img src=x onerror="window.__injected=7">',
  commentBreak: '<!--<script>window.__injected=8</script>-->',
};

/** A source that is not an address: ingest rejects its line, so the report never shows it. */
const HOSTILE_SOURCE = '<iframe srcdoc="<script>parent.__injected=6</script>">';

function fileLines(): string {
  const stamp = '26/12/4@10:00:0';
  const lines: string[] = [];
  for (let second = 0; second < 6; second++) {
    lines.push(`${stamp}${second}: FAIL: ${PAYLOADS.scriptService} address from=192.0.2.66`);
    lines.push(`${stamp}${second}: FAIL: ${PAYLOADS.imageService} address from=192.0.2.66`);
  }
  lines.push(`${stamp}7: START: ${PAYLOADS.commentBreak} pid=4242 from=192.0.2.67`);
  lines.push(`${stamp}7: USERID: ${PAYLOADS.commentBreak} ${PAYLOADS.closeScriptIdent}`);
  lines.push(`${stamp}8: USERID: ${PAYLOADS.commentBreak} ${PAYLOADS.quoteIdent}`);
  lines.push(`${stamp}9: EXIT: ${PAYLOADS.commentBreak} status=0 pid=4242 duration=3(sec)`);
  return lines.join('\n') + '\n';
}

function jsonLines(): string {
  const events = [
    { level: 40, time: '2026-12-04T10:01:00.000Z', host: 'gw', event: 'FAIL', service: PAYLOADS.jsonService, reason: 'libwrap', source: { ip: '192.0.2.69', port: 1 } },
    { level: 40, time: '2026-12-04T10:01:00.500Z', host: 'gw', event: 'FAIL', service: PAYLOADS.jsonService, reason: 'libwrap', source: { ip: HOSTILE_SOURCE, port: 1 } },
    { level: 30, time: '2026-12-04T10:01:01.000Z', host: 'gw', event: 'START', service: PAYLOADS.jsonService, pid: 77, source: { ip: '192.0.2.68', port: 2 } },
    { level: 30, time: '2026-12-04T10:01:02.000Z', host: 'gw', event: 'MESSAGE', severity: 'NOTICE', msg: PAYLOADS.message },
    { level: 50, time: '2026-12-04T10:01:03.000Z', host: 'gw', event: 'MESSAGE', severity: 'ERROR', msg: PAYLOADS.commentBreak },
  ];
  return events.map((event) => JSON.stringify(event)).join('\n') + '\n';
}

function logq(args: string[]): string {
  return execFileSync(process.execPath, [LOGQ_BIN, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('report with hostile log content', () => {
  let dir: string;
  let report: string;
  let ingested: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = makeTempDir('logq-report-hostile');
    writeFileSync(join(dir, 'services.log'), fileLines());
    writeFileSync(join(dir, 'events.jsonl'), jsonLines());
    const db = join(dir, 'logq.duckdb');
    ingested = logq(['ingest', '--db', db, join(dir, 'services.log'), join(dir, 'events.jsonl')]);
    report = join(dir, 'report.html');
    logq(['report', '--db', db, '-o', report, '--since', '2026-12-04', '--until', '2026-12-05']);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    removeDir(dir);
  });

  it('runs no injected script', async () => {
    const opened = await openReport(browser, report);
    await opened.page.hover('#ident table');
    const injected = await opened.page.evaluate(() => (window as unknown as { __injected?: number }).__injected);
    expect(injected).toBeUndefined();
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
  });

  it('creates no injected element', async () => {
    const opened = await openReport(browser, report);
    for (const tag of ['img', 'svg', 'iframe', 'textarea']) expect(await opened.page.locator(tag).count(), tag).toBe(0);
    expect(await opened.page.locator('script').count()).toBe(3);
    expect(await opened.page.locator('[onmouseover], [onerror], [onload]').count()).toBe(0);
  });

  it('shows each hostile string as text', async () => {
    const opened = await openReport(browser, report);
    const text = await opened.page.locator('body').innerText();
    for (const [name, payload] of Object.entries(PAYLOADS)) expect(text, name).toContain(payload);
    expect(await opened.page.locator('#top-sources').innerText()).toContain(PAYLOADS.jsonService);
    expect(ingested).toContain('events.jsonl: 5 lines read, 4 events, 1 reject');
    expect(text).not.toContain(HOSTILE_SOURCE);
    expect(await opened.page.locator('#suggestions').innerText()).toContain(PAYLOADS.scriptService);
  });
});
