// Development helper: `node e2e/shot.mjs URL OUT.png [width height]` loads a page in headless
// Chromium, waits 3 s, prints console errors, and saves a full-page screenshot.
import { launch } from './browser.mjs';

const [url, out, width = '1920', height = '1080'] = process.argv.slice(2);
const context = await launch();
const page = context.pages()[0] ?? (await context.newPage());
await page.setViewportSize({ width: Number(width), height: Number(height) });
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') console.log(`console.${m.type()}: ${m.text()}`);
});
page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
await page.goto(url, { waitUntil: 'load' });
await page.waitForTimeout(3000);
await page.screenshot({ path: out, fullPage: true });
await context.close();
console.log(`saved ${out}`);
