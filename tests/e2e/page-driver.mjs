// What the editor, link and data page tests do on the page: open it in a new Chromium with
// its own profile, wait for the status line, draw with pointer strokes and read the
// prediction.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, watchContext } from './browser.mjs';
import { REPOSITORY_ROOT } from './server.mjs';

export const DESKTOP_VIEWPORT = { width: 1280, height: 900 };
export const PHONE_VIEWPORT = { width: 375, height: 800 };
export const RESULTS_DIR = join(REPOSITORY_ROOT, 'test-results');

const REQUIRED_FILES = [
  'pkg/lazynet.js',
  'pkg/lazynet_bg.wasm',
  'www/data/train-images.idx3-ubyte.gz',
  'www/data/train-labels.idx1-ubyte.gz',
  'www/data/test-images.idx3-ubyte.gz',
  'www/data/test-labels.idx1-ubyte.gz',
];

// A 7 as a polyline in pad-relative coordinates (0 to 1 across and down).
export const SEVEN = [[[0.27, 0.2], [0.73, 0.2], [0.58, 0.5], [0.45, 0.84]]];

/** Fails with a hint when pkg/ or the bundled data is missing. */
export function assertBuilt() {
  for (const file of REQUIRED_FILES) {
    assert.ok(
      existsSync(join(REPOSITORY_ROOT, file)),
      `${file} is missing: build pkg/ with wasm-pack build --target web and add the data files first`,
    );
  }
}

/**
 * Starts Chromium with a fresh profile and returns `{ context, page, watched }` with the
 * page not yet navigated. `watched` records foreign requests and console errors.
 */
export async function openBrowser(serverUrl, { viewport = DESKTOP_VIEWPORT } = {}) {
  const context = await launchChromium({ viewport });
  const watched = watchContext(context, new URL(serverUrl).origin);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, watched };
}

/** Waits until the status line starts with `prefix` and returns its text. */
export async function waitForStatus(page, prefix, timeout = 60_000) {
  await page.waitForFunction(
    (expected) => document.getElementById('status').textContent.startsWith(expected),
    prefix,
    { timeout },
  );
  return page.locator('#status').textContent();
}

/** Waits until the Train button is enabled, so a Trainer is ready and nothing is pending. */
export async function waitForReady(page, timeout = 60_000) {
  await page.locator('#train-toggle:enabled').waitFor({ timeout });
}

/** Draws `strokes` on the pad with mouse events, one press per stroke and many moves. */
export async function drawStrokes(page, strokes) {
  const pad = page.locator('#pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const toPage = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    const points = interpolate(stroke, 0.01);
    await page.mouse.move(...toPage(points[0]));
    await page.mouse.down();
    for (const point of points.slice(1)) {
      await page.mouse.move(...toPage(point));
    }
    await page.mouse.up();
  }
}

// Returns `points` with extra points so consecutive points are at most `spacing` apart.
function interpolate(points, spacing) {
  const result = [points[0]];
  for (let i = 1; i < points.length; i += 1) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const count = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / spacing));
    for (let j = 1; j <= count; j += 1) {
      result.push([x0 + ((x1 - x0) * j) / count, y0 + ((y1 - y0) * j) / count]);
    }
  }
  return result;
}

/**
 * Waits until the shown prediction belongs to the pad's current drawing and returns the
 * predicted class index (undefined for an empty pad), its shown name and the ten bars as
 * "label: value" texts.
 */
export async function waitForPrediction(page) {
  await page.waitForFunction(
    () =>
      document.getElementById('predicted-digit').dataset.revision ===
      document.getElementById('pad').dataset.revision,
    null,
    { timeout: 10_000 },
  );
  return page.evaluate(() => ({
    digit: document.getElementById('predicted-digit').dataset.digit,
    name: document.getElementById('predicted-digit').textContent,
    bars: [...document.querySelectorAll('#probabilities li')].map(
      (item) => `${item.querySelector('.bar-label').textContent}: ${item.querySelector('.bar-value').textContent}`,
    ),
  }));
}

/** Returns the query parameters of the page's current URL as a plain object. */
export function queryOf(page) {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/** Waits two animation frames, so resize observers and transitions have run. */
export async function settle(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}
