/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Trace detail against a real collector: the tree and the waterfall in the same rows, the span
 * panel with lazily loaded input and output (chat view for generations), errors with their stack,
 * deep links, keyboard navigation, the critical path, and a 10,000-span trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceDetail } from '@wisp/protocol';
import type { Page as PwPage } from 'playwright-core';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';
import { launchChromium, openPage, sdkFor, seedAgentTraces, seedLargeTrace, startUiServer, waitForTraces, type Browser } from './ui-support.js';

describe('trace detail', () => {
  let server: TestServer;
  let browser: Browser;
  let traceIds: string[];
  let largeId: string;
  let bigPayloadId: string;
  let unfinishedId: string;
  const BIG = 'x'.repeat(300_000) + 'END-OF-PAYLOAD';

  beforeAll(async () => {
    server = await startUiServer();
    const wisp = sdkFor(server, 'support-bot');
    traceIds = await seedAgentTraces(wisp, 8);
    largeId = await seedLargeTrace(wisp, 10_000);
    const big = wisp.startSpan('big-output', { root: true, input: { ask: 'a long report' } });
    big.end({ output: { report: BIG } });
    bigPayloadId = big.traceId;
    // A run whose worker died two hours ago (never ended) and a step that is running now.
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    const run = wisp.startSpan('nightly-run', { kind: 'agent', root: true, startTime: twoHoursAgo });
    wisp.startSpan('crashed-worker', { kind: 'tool', parent: run, startTime: twoHoursAgo + 1_000 });
    wisp.startSpan('still-streaming', { kind: 'generation', parent: run });
    run.end({ endTime: twoHoursAgo + 5_000 });
    unfinishedId = run.traceId;
    await wisp.shutdown(10_000);
    await waitForTraces(server, 11);
    await server.store.markAbandoned(Date.now() - 3_600_000);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  const detail = async (id: string) => (await (await fetch(`${server.url}/api/v1/traces/${id}`)).json()) as TraceDetail;
  const rowNames = (page: PwPage) =>
    page.$$eval('[data-testid=span-tree] [role=treeitem]', (rows) => rows.map((r) => r.querySelector('.span-name')?.textContent));

  it('shows the tree and the waterfall in the same rows, and the panel shows input and output', async () => {
    const { page, context, errors } = await openPage(browser);
    const id = traceIds[0]!;
    const api = await detail(id);
    await page.goto(`${server.url}/traces/${id}`);
    await page.waitForSelector('[data-testid=span-tree] [role=treeitem]');
    expect(await rowNames(page)).toEqual(['support-agent', 'plan', 'search_docs', 'rerank', 'pii-guard', 'answer']);
    // Every row holds both its tree cell and its waterfall bar, so the two cannot drift apart.
    const rows = await page.$$eval('[data-testid=span-tree] [role=treeitem]', (rs) =>
      rs.map((r) => ({ kind: r.querySelector('.bar')!.className, hasTree: !!r.querySelector('.span-cell-tree .span-name') })),
    );
    expect(rows.every((r) => r.hasTree)).toBe(true);
    expect(rows[1]!.kind).toContain('kind-generation');
    expect(rows[2]!.kind).toContain('kind-tool');
    // The root is selected by default; its input and output come from the observation endpoint.
    await page.waitForSelector('[data-testid=payload-input] >> text=question');
    expect(await page.innerText('[data-testid=payload-output]')).toContain('answer');

    // A generation: its messages as chat, with the tool call.
    const plan = api.observations.find((o) => o.name === 'plan')!;
    await page.click(`[data-span-id="${plan.spanId}"]`);
    await page.waitForURL(new RegExp(`span=${plan.spanId}`));
    await page.waitForSelector('[data-testid=payload-input] .chat-message.role-system');
    expect(await page.innerText('[data-testid=payload-input]')).toContain('You are a helpful support agent');
    expect(await page.innerText('[data-testid=payload-output]')).toMatch(/tool call\s*search_docs/);
    const facts = await page.innerText('[data-testid=span-facts]');
    expect(facts).toContain(plan.model!);
    expect(facts).toContain('Time to first token');
    // The JSON view of the same payload.
    await page.click('[data-testid=payload-input] button:has-text("JSON")');
    await page.waitForSelector('[data-testid=payload-input] .json-tree');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a deep link to a span, shows its error with the stack, and keeps the selection on reload', async () => {
    const { page, context } = await openPage(browser);
    const id = traceIds[3]!; // every 7th run from the 4th fails in search_docs
    const api = await detail(id);
    const failing = api.observations.find((o) => o.name === 'search_docs')!;
    expect(failing.status).toBe('error');
    await page.goto(`${server.url}/traces/${id}?span=${failing.spanId}`);
    await page.waitForSelector('[data-testid=span-error]');
    const text = await page.innerText('[data-testid=span-error]');
    expect(text).toContain('RateLimitError');
    expect(text).toContain('429 Too Many Requests');
    expect(text).toMatch(/at .*ui-support/);
    expect(await page.getAttribute(`[data-span-id="${failing.spanId}"]`, 'aria-selected')).toBe('true');
    expect(await page.getAttribute(`[data-span-id="${failing.spanId}"]`, 'class')).toContain('status-error');
    await page.reload();
    await page.waitForSelector('[data-testid=span-error]');
    expect(await page.getAttribute(`[data-span-id="${failing.spanId}"]`, 'aria-selected')).toBe('true');
    await context.close();
  });

  it('navigates with the keyboard: down, enter, left to collapse, right to expand', async () => {
    const { page, context } = await openPage(browser);
    const id = traceIds[1]!;
    const api = await detail(id);
    await page.goto(`${server.url}/traces/${id}`);
    await page.waitForSelector('[data-testid=span-tree] [role=treeitem]');
    await page.focus('[data-testid=span-tree]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = api.observations.find((o) => o.name === 'search_docs')!;
    await page.waitForURL(new RegExp(`span=${second.spanId}`));
    await page.keyboard.press('ArrowLeft'); // a leaf: go to the parent
    await page.keyboard.press('ArrowLeft'); // the root: collapse
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=span-tree] [role=treeitem]').length === 1);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=span-tree] [role=treeitem]').length === 6);
    await context.close();
  });

  it('highlights the critical path the API computed', async () => {
    const { page, context } = await openPage(browser);
    const id = traceIds[2]!;
    const api = await detail(id);
    expect(api.criticalPath.length).toBeGreaterThan(0);
    await page.goto(`${server.url}/traces/${id}`);
    await page.waitForSelector('[data-testid=span-tree] [role=treeitem]');
    expect(await page.locator('.span-row.critical').count()).toBe(0);
    await page.check('[data-testid=critical-toggle]');
    const critical = await page.$$eval('.span-row.critical', (rs) => rs.map((r) => r.getAttribute('data-span-id')));
    const onPath = new Set([...api.criticalPath, ...api.observations.filter((o) => o.critical).map((o) => o.spanId)]);
    expect(new Set(critical)).toEqual(onPath);
    expect(await page.locator('.span-row.dimmed').count()).toBe(api.observations.length - onPath.size);
    await context.close();
  });

  it('marks running and abandoned spans', async () => {
    const { page, context } = await openPage(browser);
    const api = await detail(unfinishedId);
    const byName = new Map(api.observations.map((o) => [o.name, o]));
    expect(byName.get('crashed-worker')?.status).toBe('abandoned');
    expect(byName.get('still-streaming')?.status).toBe('running');
    await page.goto(`${server.url}/traces/${unfinishedId}`);
    await page.waitForSelector('[data-testid=span-tree] [role=treeitem]');
    const row = (name: string) => `[data-span-id="${byName.get(name)!.spanId}"]`;
    expect(await page.textContent(`${row('crashed-worker')} .status-mark`)).toBe('abandoned');
    expect(await page.getAttribute(`${row('crashed-worker')} .bar`, 'class')).toContain('bar-abandoned');
    expect(await page.textContent(`${row('still-streaming')} .status-mark`)).toBe('running');
    expect(await page.getAttribute(`${row('still-streaming')} .bar`, 'class')).toContain('bar-running');
    expect(await page.locator(`${row('nightly-run')} .status-mark`).count()).toBe(0);
    await context.close();
  });

  it('cuts a big payload in view and downloads it whole', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(`${server.url}/traces/${bigPayloadId}`);
    await page.waitForSelector('[data-testid=payload-output] >> text=show all');
    const shown = await page.innerText('[data-testid=payload-output]');
    expect(shown).not.toContain('END-OF-PAYLOAD');
    expect(shown.length).toBeLessThan(10_000);
    const download = page.waitForEvent('download');
    await page.click('[data-testid=payload-output] button:has-text("Download")');
    const file = await download;
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { report: string };
    // The SDK may bound huge strings; whatever the collector stored is what the file holds, whole.
    const api = (await (await fetch(`${server.url}/api/v1/traces/${bigPayloadId}/observations/${(await detail(bigPayloadId)).observations[0]!.spanId}`)).json()) as { output: { report: string } };
    expect(saved.report).toBe(api.output.report);
    expect(saved.report.length).toBeGreaterThan(shown.length);
    await page.click('[data-testid=payload-output] button:has-text("show all")');
    expect((await page.innerText('[data-testid=payload-output]')).length).toBeGreaterThanOrEqual(api.output.report.length);
    await context.close();
  });

  it('opens a 10,000-span trace quickly, renders only the rows in view, and scrolls to the end', async () => {
    const { page, context, errors } = await openPage(browser);
    const started = Date.now();
    await page.goto(`${server.url}/traces/${largeId}`);
    await page.waitForSelector('[data-testid=span-tree] [role=treeitem]');
    const openMs = Date.now() - started;
    expect(await page.innerText('.span-tree-header')).toContain('10,000 shown of 10,000');
    const rendered = await page.locator('[data-testid=span-tree] [role=treeitem]').count();
    expect(rendered).toBeLessThan(120);
    expect(openMs).toBeLessThan(5_000);
    // Jump to the end with the keyboard: the last span is rendered and selected on Enter.
    await page.focus('[data-testid=span-tree]');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForURL(/span=/);
    const selected = await page.$eval('[role=treeitem][aria-selected=true] .span-name', (e) => e.textContent);
    expect(selected).toMatch(/^step-\d+$/);
    expect(await page.locator('[data-testid=span-tree] [role=treeitem]').count()).toBeLessThan(120);
    // Find a span deep in the middle by name: it is selected and scrolled into view.
    await page.fill('[data-testid=span-finder]', 'step-5000');
    expect(await page.innerText('[data-testid=span-finder-count]')).toBe('1 match');
    await page.press('[data-testid=span-finder]', 'Enter');
    await page.waitForSelector('[role=treeitem][aria-selected=true] >> text=step-5000');
    const box = await page.$eval('[role=treeitem][aria-selected=true]', (row) => {
      const view = row.closest('[data-testid=span-tree]')!.getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return { inView: r.top >= view.top && r.bottom <= view.bottom };
    });
    expect(box.inView).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
