// Measures the page's training: opens /www/ in headless Chromium, applies the settings given,
// presses Train, and records when the page first shows each target held-out accuracy, the
// accuracy it shows after a fixed time, and the accuracy when the schedule ends.
//
//   node scripts/time-to-accuracy.mjs [--seeds 1,2,3] [--seconds 30] [--augment true|false]
//                                     [--limit 300]
//
// --seeds sets the seed of each run (one run per seed); --seconds is the checkpoint for the
// "accuracy after" figure; --limit stops waiting for the end of the schedule after that many
// seconds. Medians over the runs come last.

import { parseArgs } from 'node:util';

import { launchChromium } from '../tests/e2e/browser.mjs';
import { startServer } from '../tests/e2e/server.mjs';

const TARGETS = [0.9, 0.95, 0.97, 0.98];
const POLL_MS = 50;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    seconds: { type: 'string', default: '30' },
    augment: { type: 'string', default: 'true' },
    limit: { type: 'string', default: '300' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const checkpointSeconds = Number(values.seconds);
const augment = values.augment !== 'false';
const limitSeconds = Number(values.limit);

function median(numbers) {
  const known = numbers.filter((n) => n !== null).sort((a, b) => a - b);
  if (known.length <= numbers.length / 2) return null;
  const middle = Math.floor(known.length / 2);
  return known.length % 2 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
}

const percent = (fraction) => (fraction === null ? 'none' : `${(fraction * 100).toFixed(1)} %`);
const seconds = (value) => (value === null ? 'not reached' : `${value.toFixed(1)} s`);

async function heldOutAccuracy(page) {
  const shown = await page.getAttribute('#stat-accuracy', 'data-accuracy');
  return shown === null ? 0 : Number(shown);
}

async function measureRun(browser, url, seed) {
  const page = await browser.newPage();
  await page.goto(`${url}www/`);
  await page.waitForSelector('#train-toggle:not([disabled])');

  await page.click('#settings-details > summary');
  await page.fill('#seed', String(seed));
  await page.setChecked('#augment', augment);
  await page.click('#settings button[type="submit"]');
  await page.waitForFunction((s) => document.querySelector('#status')?.textContent.includes(`seed ${s}`), seed);
  await page.waitForSelector('#train-toggle:not([disabled])');

  await page.click('#train-toggle');
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const reached = Object.fromEntries(TARGETS.map((t) => [t, null]));
  let atCheckpoint = null;
  let finished = null;
  while (elapsed() < limitSeconds) {
    const accuracy = await heldOutAccuracy(page);
    for (const target of TARGETS) {
      if (reached[target] === null && accuracy >= target) reached[target] = elapsed();
    }
    if (atCheckpoint === null && elapsed() >= checkpointSeconds) atCheckpoint = accuracy;
    const status = (await page.textContent('#status')) ?? '';
    if (status.includes('Finished the')) {
      finished = { accuracy: await heldOutAccuracy(page), seconds: elapsed() };
      if (atCheckpoint === null) atCheckpoint = finished.accuracy;
      break;
    }
    await page.waitForTimeout(POLL_MS);
  }
  const error = (await page.textContent('#error'))?.trim();
  await page.close();
  if (error) throw new Error(`the page showed an error: ${error}`);
  return { seed, reached, atCheckpoint, finished };
}

const server = await startServer();
const browser = await launchChromium({ profilePrefix: 'lazynet-timing-' });
try {
  console.log(`default settings, augmentation ${augment}, seeds ${seeds.join(', ')}`);
  const results = [];
  for (const seed of seeds) {
    const result = await measureRun(browser, server.url, seed);
    results.push(result);
    const times = TARGETS.map((t) => `${t * 100} %: ${seconds(result.reached[t])}`);
    const end = result.finished
      ? `schedule ended after ${result.finished.seconds.toFixed(1)} s at ${percent(result.finished.accuracy)}`
      : `schedule not ended within ${limitSeconds} s`;
    console.log(`seed ${seed}: ${times.join(', ')}; after ${checkpointSeconds} s: ${percent(result.atCheckpoint)}; ${end}`);
  }
  const times = TARGETS.map((t) => `${t * 100} %: ${seconds(median(results.map((r) => r.reached[t])))}`);
  const ends = results.filter((r) => r.finished);
  console.log(
    `median: ${times.join(', ')}; after ${checkpointSeconds} s: ${percent(median(results.map((r) => r.atCheckpoint)))}; ` +
      `at the end of the schedule: ${percent(median(ends.map((r) => r.finished.accuracy)))} ` +
      `after ${seconds(median(ends.map((r) => r.finished.seconds)))} (${ends.length} of ${results.length} runs ended)`,
  );
} finally {
  await browser.close();
  await server.close();
}
