// Page test of a reload in the middle of training: the page must come back with the model it
// saved at most 2 s before. Its own address contains its config, and that must not make it
// start a fresh run as a shared link does.
//
//   node --test tests/e2e/reload.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

import { assertBuilt, openBrowser, waitForReady, waitForStatus } from './page-driver.mjs';
import { startServer } from './server.mjs';

// Longer than the worker's 2 s between saves while training, so at least one save happened.
const TRAINING_MS = 5000;

describe('reload while training', () => {
  let server;
  let browser;

  before(async () => {
    assertBuilt();
    server = await startServer();
    browser = await openBrowser(server.url);
    await browser.page.goto(`${server.url}www/`);
    await waitForReady(browser.page);
  });

  after(async () => {
    await browser?.context.close();
    await server?.close();
  });

  test('reload restores the model saved while training', async () => {
    const { page } = browser;
    const seed = await page.evaluate(() => new URL(window.location.href).searchParams.get('seed'));
    assert.match(seed ?? '', /^[0-9]+$/, 'the page wrote its config, seed included, to its address');

    await page.getByRole('button', { name: 'Train' }).click();
    // Samples/s must stay plausible all along: this machine trains about 12,000 per second,
    // and bursts of queued messages once showed figures near 900,000.
    const rates = [];
    for (let elapsed = 0; elapsed < TRAINING_MS; elapsed += 250) {
      await delay(250);
      const text = await page.locator('#stat-rate').textContent();
      if (text !== '–') {
        rates.push(Number(text.replace(/,/g, '')));
      }
    }
    assert.ok(rates.length > 0, 'no samples/s figure was shown while training');
    assert.ok(Math.max(...rates) < 100_000, `samples/s shown: ${rates.join(', ')}`);
    const before = Number((await page.locator('#stat-step').textContent()).replace(/,/g, ''));
    await page.reload();

    const status = await waitForStatus(page, 'Restored your last model');
    const restored = Number(/step ([0-9,]+)/.exec(status)[1].replace(/,/g, ''));
    assert.ok(restored > 0, `status: ${status}`);
    assert.ok(restored <= before, `restored step ${restored} after step ${before} was shown`);
    assert.equal(await page.evaluate(() => new URL(window.location.href).searchParams.get('seed')), seed);
  });

  test('link opened in a new browser starts that run', async () => {
    const url = browser.page.url();
    const other = await openBrowser(server.url);
    try {
      await other.page.goto(url);
      await waitForStatus(other.page, 'Started a fresh run with the settings from the link');
    } finally {
      await other.context.close();
    }
  });

  test('no foreign requests or errors', () => {
    assert.deepEqual(browser.watched.foreignRequests, []);
    assert.deepEqual(browser.watched.consoleErrors, []);
    assert.deepEqual(browser.watched.pageErrors, []);
  });
});
