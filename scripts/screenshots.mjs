// Takes the README's screenshots: the whole page at desktop width (1280 px) and its top at
// phone width (375 px), each after training with seed 1 until the held-out accuracy passes
// 97 % and with a drawn 7 classified. Writes docs/screenshot-desktop.png and
// docs/screenshot-phone.png.
//
//   node scripts/screenshots.mjs
//
// Needs pkg/ (wasm-pack build --target web --release) and Chromium, as the page tests do.

import { join } from 'node:path';

import { launchChromium } from '../tests/e2e/browser.mjs';
import { DIGIT_STROKES, drawDigit, waitForHeldOutAccuracy, waitForPrediction } from '../tests/e2e/drawing.mjs';
import { REPOSITORY_ROOT, startServer } from '../tests/e2e/server.mjs';

const SHOTS = [
  { name: 'screenshot-desktop.png', viewport: { width: 1280, height: 900 } },
  // The whole page is over 7,000 px tall at phone width; the top two screens show the
  // controls, the pad and the probabilities.
  { name: 'screenshot-phone.png', viewport: { width: 375, height: 800 }, deviceScaleFactor: 2, height: 1600 },
];
const TARGET_ACCURACY = 0.97;
const TRAINING_TIMEOUT_MS = 5 * 60_000;

const server = await startServer();
try {
  for (const shot of SHOTS) {
    const context = await launchChromium({
      viewport: shot.viewport,
      deviceScaleFactor: shot.deviceScaleFactor ?? 1,
      profilePrefix: 'lazynet-screenshots-',
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${server.url}www/?seed=1`);
      await page.locator('#train-toggle:enabled').click();
      await waitForHeldOutAccuracy(page, TARGET_ACCURACY, TRAINING_TIMEOUT_MS);
      await page.locator('#train-toggle').click();
      await drawDigit(page, DIGIT_STROKES[7]);
      await waitForPrediction(page);
      // Lets the charts and the views settle after the last evaluation.
      await page.waitForTimeout(1500);
      await page.evaluate(() => window.scrollTo(0, 0));
      const path = join(REPOSITORY_ROOT, 'docs', shot.name);
      const clip = shot.height ? { x: 0, y: 0, width: shot.viewport.width, height: shot.height } : undefined;
      await page.screenshot({ path, fullPage: true, clip });
      console.log(`wrote ${path}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await server.close();
}
