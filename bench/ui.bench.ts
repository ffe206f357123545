/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Dashboard benchmark: a 10,000-span trace in Debian's Chromium, served by a real collector and
 * sent by the real SDK. Measures, per round in a fresh browser context:
 *  - open: navigation start → first span row in the DOM and painted (the next animation frame),
 *    with the trace-detail API call's share of it from Resource Timing;
 *  - scroll: a scripted scroll of the whole tree (fixed px per frame), counting frames, frame-time
 *    percentiles, long frames (> 50 ms) and blank frames (rows not covering the viewport).
 * Prints a table and writes bench/results/ui.json.
 *
 *   node --import tsx bench/ui.bench.ts     (after `npm run build`; `npm run bench -- ui` builds first)
 *   WISP_BENCH_QUICK=1                       fewer rounds
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchChromium, sdkFor, seedLargeTrace, startUiServer } from '../tests/e2e/ui-support.js';

const QUICK = process.env.WISP_BENCH_QUICK === '1';
const ROUNDS = QUICK ? 3 : 7;
const SPANS = 10_000;
const SCROLL_PX_PER_FRAME = 120;
const SCROLL_FRAMES = QUICK ? 150 : 400;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Runs in the page before any of its scripts: notes when the first span row is in the DOM, and the
// frame after that (when it has been painted).
const MARK_TREE_VISIBLE = `
  new MutationObserver((_, observer) => {
    if (!document.querySelector('[role=treeitem]')) return;
    observer.disconnect();
    window.__treeInDom = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__treePainted = performance.now(); }));
  }).observe(document, { childList: true, subtree: true });
`;

type ScrollResult = { frames: number; fps: number; p50: number; p95: number; max: number; long: number; blank: number; rendered: number };

// A string, not a function: tsx's keep-names helpers do not exist in the page.
function scrollScript(px: number, frames: number): string {
  return `new Promise((resolve) => {
    const box = document.querySelector('[data-testid=span-tree]');
    const times = [];
    let blank = 0, rendered = 0, n = 0;
    let last = performance.now();
    const started = last;
    const covers = (rows, y) => rows.some((r) => { const b = r.getBoundingClientRect(); return b.top <= y && b.bottom >= y; });
    function step(now) {
      times.push(now - last);
      last = now;
      // Are the rows on screen actually there? (Virtualization must keep up.)
      const rows = [...box.querySelectorAll('[role=treeitem]')];
      rendered = Math.max(rendered, rows.length);
      const view = box.getBoundingClientRect();
      if (!covers(rows, view.top + 30) || !covers(rows, view.bottom - 5)) blank++;
      if (++n >= ${frames}) {
        const sorted = times.slice(1).sort((a, b) => a - b);
        const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
        resolve({ frames: n, fps: (n / (now - started)) * 1000, p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1],
          long: sorted.filter((t) => t > 50).length, blank, rendered });
        return;
      }
      box.scrollTop += ${px};
      requestAnimationFrame(step);
    }
    requestAnimationFrame(step);
  })`;
}

async function main() {
  const server = await startUiServer();
  const wisp = sdkFor(server, 'bench');
  const traceId = await seedLargeTrace(wisp, SPANS);
  await wisp.shutdown(30_000);
  const browser = await launchChromium();
  const open: Array<{ inDomMs: number; paintedMs: number; apiMs: number; apiBytes: number }> = [];
  const scroll: ScrollResult[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(MARK_TREE_VISIBLE);
      const page = await context.newPage();
      await page.goto(`${server.url}/traces/${traceId}`);
      await page.waitForFunction(() => (window as unknown as { __treePainted?: number }).__treePainted !== undefined, null, { timeout: 30_000 });
      open.push(
        await page.evaluate<{ inDomMs: number; paintedMs: number; apiMs: number; apiBytes: number }>(`(() => {
          const api = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/v1/traces/${traceId}'));
          return { inDomMs: window.__treeInDom, paintedMs: window.__treePainted, apiMs: api ? api.responseEnd - api.startTime : NaN, apiBytes: api ? api.encodedBodySize : 0 };
        })()`),
      );
      scroll.push(await page.evaluate<ScrollResult>(scrollScript(SCROLL_PX_PER_FRAME, SCROLL_FRAMES)));
      await context.close();
    }
  } finally {
    await browser.close();
    await server.dispose();
  }

  const result = {
    spans: SPANS,
    rounds: ROUNDS,
    viewport: '1280x800',
    open: {
      treeInDomMs: { median: median(open.map((o) => o.inDomMs)), max: Math.max(...open.map((o) => o.inDomMs)) },
      treePaintedMs: { median: median(open.map((o) => o.paintedMs)), max: Math.max(...open.map((o) => o.paintedMs)) },
      apiMs: { median: median(open.map((o) => o.apiMs)) },
      apiBytes: open[0]?.apiBytes ?? 0,
      rounds: open,
    },
    scroll: {
      pxPerFrame: SCROLL_PX_PER_FRAME,
      frames: SCROLL_FRAMES,
      fps: median(scroll.map((s) => s.fps)),
      frameMsP50: median(scroll.map((s) => s.p50)),
      frameMsP95: median(scroll.map((s) => s.p95)),
      frameMsMax: Math.max(...scroll.map((s) => s.max)),
      longFrames: scroll.reduce((a, s) => a + s.long, 0),
      blankFrames: scroll.reduce((a, s) => a + s.blank, 0),
      maxRenderedRows: Math.max(...scroll.map((s) => s.rendered)),
      rounds: scroll,
    },
  };
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
  console.log(`\nDashboard, ${SPANS.toLocaleString('en-US')}-span trace, Chromium headless, ${ROUNDS} rounds (median)`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| navigation start → first span row in DOM | ${f(result.open.treeInDomMs.median)} ms (max ${f(result.open.treeInDomMs.max)}) |`);
  console.log(`| navigation start → tree painted | ${f(result.open.treePaintedMs.median)} ms (max ${f(result.open.treePaintedMs.max)}) |`);
  console.log(`| of which trace-detail API call | ${f(result.open.apiMs.median)} ms, ${(result.open.apiBytes / 1024 / 1024).toFixed(1)} MiB |`);
  console.log(`| scripted scroll (${SCROLL_FRAMES} frames × ${SCROLL_PX_PER_FRAME} px) | ${result.scroll.fps.toFixed(1)} fps |`);
  console.log(`| frame time p50 / p95 / max | ${result.scroll.frameMsP50.toFixed(1)} / ${result.scroll.frameMsP95.toFixed(1)} / ${result.scroll.frameMsMax.toFixed(1)} ms |`);
  console.log(`| long frames (> 50 ms), all rounds | ${result.scroll.longFrames} of ${SCROLL_FRAMES * ROUNDS} |`);
  console.log(`| blank frames (rows not covering the view) | ${result.scroll.blankFrames} |`);
  console.log(`| span rows in the DOM at most | ${result.scroll.maxRenderedRows} |`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/ui.json', JSON.stringify(result, null, 2));
  console.log('\nwrote bench/results/ui.json');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
