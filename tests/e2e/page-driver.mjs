// What the page tests do on the page besides drawing (drawing.mjs): check the build, open it
// in a new Chromium with its own profile, wait for the status line and read the link.

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

/** Returns the query parameters of the page's current URL as a plain object. */
export function queryOf(page) {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/** Waits two animation frames, so resize observers and transitions have run. */
export async function settle(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Switches the page to the phone viewport and fails if the page then scrolls sideways. */
export async function assertFitsPhoneWidth(page) {
  await page.setViewportSize(PHONE_VIEWPORT);
  await settle(page);
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px viewport`);
}
