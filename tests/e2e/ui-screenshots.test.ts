/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Takes the README's screenshots of every page with realistic data sent by the SDK, and checks each
 * page rendered its main content first (a screenshot of a spinner would pass silently otherwise).
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, sdkFor, seedAgentTraces, startUiServer, waitForTraces, type Browser } from './ui-support.js';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';

const OUT = process.env.WISP_SCREENSHOT_DIR ?? 'docs/screenshots';

describe('dashboard screenshots', () => {
  let server: TestServer;
  let browser: Browser;
  let traceIds: string[];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    server = await startUiServer();
    const wisp = sdkFor(server, 'support-bot');
    traceIds = await seedAgentTraces(wisp, 60);
    await wisp.shutdown(5_000);
    await waitForTraces(server, 60);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  async function shoot(path: string, ready: string, file: string, colorScheme: 'light' | 'dark' = 'light') {
    const { page, context, errors } = await openPage(browser, { colorScheme });
    await page.goto(`${server.url}${path}`);
    await page.waitForSelector(ready, { timeout: 10_000 });
    await page.screenshot({ path: `${OUT}/${file}` });
    expect(errors).toEqual([]);
    await context.close();
  }

  it('traces', async () => {
    await shoot('/traces', '[data-testid=trace-table] tbody tr', 'traces.png');
  });

  it('trace detail', async () => {
    const failing = traceIds[3]!;
    await shoot(`/traces/${failing}`, '[data-testid=payload-input] >> text=You are a helpful', 'trace-detail.png');
  });

  it('trace detail, dark theme', async () => {
    await shoot(`/traces/${traceIds[10]!}`, '[data-testid=payload-output]', 'trace-detail-dark.png', 'dark');
  });

  it('monitor', async () => {
    await shoot('/monitor?range=6h', '[data-testid=metrics-table] tbody tr', 'monitor.png');
  });

  it('sessions', async () => {
    await shoot('/sessions/conv-2', '[data-testid=conversation] li', 'session.png');
  });

  it('settings', async () => {
    await shoot('/settings', '[data-testid=api-keys]', 'settings.png');
  });
});
