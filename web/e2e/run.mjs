// End-to-end test of the dashboard in a real browser (Debian's Chromium via playwright-core)
// against a real `gammaflow serve` on the simulator.
//
//   npm run e2e            (after `npm run build` and `cargo build`; GAMMAFLOW_BIN overrides the binary)
//
// Checks, in order:
//  1. Live 0DTE: the strike grid shows 2N+1 strikes (N = 3 by default) high → low with exactly one
//     ATM row highlighted, the values change over time, the GEX chart renders (a canvas).
//  2. Every page loads without console errors or uncaught exceptions and shows its main element;
//     a screenshot of each (1920×1080, plus Live at 1366×768) goes to e2e/screenshots/.
//  3. Responsiveness: 30 s on the Live page under the 250 ms stream, measuring long tasks
//     (PerformanceObserver) and main-thread busy share (CDP Performance.getMetrics). The figures are
//     printed and written to e2e/artifacts/perf.json for BENCHMARKS.md; timings are not asserted.
//  4. No request leaves the local server (fonts and scripts are self-hosted).
//  5. Reconnect: the server is killed (SIGKILL) and restarted on the same port and lake; the page
//     shows `reconnecting`, then `live` again by itself, and the grid updates again.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch } from './browser.mjs';
import { WEB, startServer, stopServer } from './server.mjs';

const SHOTS = join(WEB, 'e2e/screenshots');
const ARTIFACTS = join(WEB, 'e2e/artifacts');
const WINDOW = 3;
const PERF_SECONDS = Number(process.env.E2E_PERF_SECONDS ?? 30);

const PAGES = [
  { path: '/live', testid: 'strike-grid' },
  { path: '/ranges', testid: 'ranges-page' },
  { path: '/volatility', testid: 'volatility-page' },
  { path: '/oi', testid: 'oi-page' },
  { path: '/history', testid: 'history-page' },
  { path: '/events', testid: 'events-page' },
  { path: '/health', testid: 'health-page' },
];

let failures = 0;
async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

const lake = mkdtempSync(join(tmpdir(), 'gammaflow-e2e-lake-'));
mkdirSync(SHOTS, { recursive: true });
mkdirSync(ARTIFACTS, { recursive: true });

// 30× real time from 10:00 New York: the session lasts ~12 min of wall time, longer than the test.
const serverArgs = (bind) => [
  '--source', 'sim',
  '--speed', process.env.E2E_SPEED ?? '30',
  '--pace-from', '10:00',
  '--products', 'spxw,spxw+1,spy,es',
  '--window', String(WINDOW),
  '--lake', lake,
  '--bind', bind,
  '--web-dir', join(WEB, 'dist/gammaflow/browser'),
];

let server = await startServer(serverArgs('127.0.0.1:0'));
const base = server.url;
const bind = new URL(base).host;
console.log(`gammaflow serving at ${base} (lake ${lake})`);

const context = await launch();
const page = context.pages()[0] ?? (await context.newPage());
let phase = 'load';
const problems = [];
page.on('console', (m) => {
  if (m.type() === 'error') problems.push({ phase, text: m.text() });
});
page.on('pageerror', (e) => problems.push({ phase, text: `uncaught: ${e.message}` }));
// The production build must not fetch anything from the network: every request stays local.
const external = [];
page.on('request', (r) => {
  const url = new URL(r.url());
  if (/^(https?|wss?):$/.test(url.protocol) && !['127.0.0.1', 'localhost'].includes(url.hostname)) {
    external.push(r.url());
  }
});
const problemsIn = (p) => problems.filter((x) => x.phase === p).map((x) => x.text);

async function gridTexts() {
  return page.$$eval('[data-testid=strike-grid] [data-testid=strike-row]', (rows) =>
    rows.map((r) => r.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
  );
}

try {
  await step('live grid: 2N+1 strikes high → low, one ATM row, values change', async () => {
    phase = 'live';
    await page.goto(`${base}/live`, { waitUntil: 'load' });
    const rows = page.locator('[data-testid=strike-grid] [data-testid=strike-row]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=strike-grid] [data-testid=strike-row]').length === n,
      2 * WINDOW + 1,
      { timeout: 60_000 },
    );
    assert.equal(await rows.count(), 2 * WINDOW + 1);
    assert.equal(await page.locator('[data-testid=strike-row][data-atm=true]').count(), 1);
    const strikes = await page.$$eval('[data-testid=strike-row] [data-testid=strike]', (cells) =>
      cells.map((c) => Number((c.textContent ?? '').replace(/[^0-9.]/g, ''))),
    );
    assert.equal(strikes.length, 2 * WINDOW + 1, `strike cells: ${strikes}`);
    for (let i = 1; i < strikes.length; i++) {
      assert.ok(strikes[i - 1] > strikes[i], `strikes not high → low: ${strikes}`);
    }
    const atmIndex = await page.$$eval('[data-testid=strike-row]', (r) =>
      r.findIndex((x) => x.getAttribute('data-atm') === 'true'),
    );
    assert.equal(atmIndex, WINDOW, 'the ATM row is the middle one');
    const before = await gridTexts();
    await page.waitForFunction(
      (old) =>
        [...document.querySelectorAll('[data-testid=strike-grid] [data-testid=strike-row]')]
          .map((r) => r.textContent?.replace(/\s+/g, ' ').trim() ?? '')
          .join('|') !== old,
      before.join('|'),
      { timeout: 30_000 },
    );
  });

  await step('live: GEX chart and flow chart render', async () => {
    await page.waitForSelector('[data-testid=gex-chart] canvas', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=flow-chart] canvas', { timeout: 20_000 });
  });

  await step(`responsiveness over ${PERF_SECONDS} s on Live (measured, not asserted)`, async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.evaluate(() => {
      window.__gfLong = [];
      window.__gfFrames = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__gfLong.push(e.duration);
      }).observe({ type: 'longtask' });
      let last = performance.now();
      const frame = (t) => {
        window.__gfFrames.push(t - last);
        last = t;
        if (window.__gfFrames.length < 100_000) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const metric = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
    };
    const m0 = await metric();
    const seq0 = await page.evaluate(() => document.querySelector('[data-testid=event-time]')?.textContent);
    const t0 = Date.now();
    await page.waitForTimeout(PERF_SECONDS * 1000);
    const m1 = await metric();
    const wall = (Date.now() - t0) / 1000;
    const { long, frames } = await page.evaluate(() => ({ long: window.__gfLong, frames: window.__gfFrames }));
    const sorted = [...frames].sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    const perf = {
      seconds: wall,
      long_tasks: long.length,
      long_task_max_ms: long.length ? Math.max(...long) : 0,
      busy_share: (m1.TaskDuration - m0.TaskDuration) / wall,
      script_share: (m1.ScriptDuration - m0.ScriptDuration) / wall,
      layout_share: (m1.LayoutDuration - m0.LayoutDuration) / wall,
      frames: frames.length,
      frame_p50_ms: q(0.5),
      frame_p99_ms: q(0.99),
      frame_max_ms: sorted[sorted.length - 1] ?? 0,
      js_heap_mb: m1.JSHeapUsedSize / 1e6,
      event_time_start: seq0,
    };
    writeFileSync(join(ARTIFACTS, 'perf.json'), JSON.stringify(perf, null, 2));
    console.log(`perf ${JSON.stringify(perf)}`);
    await cdp.detach();
  });

  for (const { path, testid } of PAGES) {
    await step(`page ${path}: loads without console errors`, async () => {
      phase = path;
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      await page.waitForSelector(`[data-testid=${testid}]`, { timeout: 20_000 });
      await page.waitForTimeout(2500);
      const name = path.slice(1);
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
      if (path === '/live') {
        await page.setViewportSize({ width: 1366, height: 768 });
        await page.waitForTimeout(800);
        await page.screenshot({ path: join(SHOTS, 'live-1366x768.png') });
        await page.setViewportSize({ width: 1920, height: 1080 });
      }
      assert.deepEqual(problemsIn(path), []);
    });
  }

  await step('the first Live visit had no console errors', async () => {
    assert.deepEqual(problemsIn('live'), []);
  });

  await step('no page requested anything beyond the local server', async () => {
    assert.deepEqual(external, []);
  });

  await step('reconnect: killing and restarting the server, the page reconnects by itself', async () => {
    phase = 'reconnect';
    await page.goto(`${base}/live`, { waitUntil: 'load' });
    const state = page.locator('[data-testid=connection]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=connection]')?.getAttribute('data-state') === 'live',
      null,
      { timeout: 20_000 },
    );
    await stopServer(server, 'SIGKILL');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=connection]')?.getAttribute('data-state') === 'reconnecting',
      null,
      { timeout: 20_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'reconnecting.png') });
    server = await startServer(serverArgs(bind));
    await page.waitForFunction(
      () => document.querySelector('[data-testid=connection]')?.getAttribute('data-state') === 'live',
      null,
      { timeout: 60_000 },
    );
    assert.equal(await state.getAttribute('data-state'), 'live');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=strike-grid] [data-testid=strike-row]').length === n,
      2 * WINDOW + 1,
      { timeout: 60_000 },
    );
    const before = (await gridTexts()).join('|');
    await page.waitForFunction(
      (old) =>
        [...document.querySelectorAll('[data-testid=strike-grid] [data-testid=strike-row]')]
          .map((r) => r.textContent?.replace(/\s+/g, ' ').trim() ?? '')
          .join('|') !== old,
      before,
      { timeout: 30_000 },
    );
    // While the server is down the browser logs its failed connections (WebSocket attempts, and
    // a REST poll cut by the kill or refused during the outage: `net::ERR_*`); nothing else.
    const unexpected = problemsIn('reconnect').filter(
      (t) => !/WebSocket|Failed to load resource: net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE|CONNECTION_CLOSED)/.test(t),
    );
    assert.deepEqual(unexpected, []);
  });
} finally {
  await context.close().catch(() => undefined);
  await stopServer(server).catch(() => undefined);
  rmSync(lake, { recursive: true, force: true });
}

if (failures > 0) {
  console.log(`e2e: ${failures} failed (screenshots in ${SHOTS})`);
  process.exit(1);
}
console.log(`e2e: all passed (screenshots in ${SHOTS})`);
