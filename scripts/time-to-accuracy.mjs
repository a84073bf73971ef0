// Measures how long the page's default settings take to reach a held-out accuracy: opens
// /www/ in headless Chromium, presses Train, and records the elapsed time at which the page
// first shows each target accuracy, then the accuracy after the time limit.
//
//   node scripts/time-to-accuracy.mjs [--runs 3] [--seconds 60]
//
// Each run is a fresh page load, so each draws its own random seed; the seeds are printed.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

import { startServer } from '../tests/e2e/server.mjs';

const TARGETS = [0.9, 0.95, 0.96, 0.97];
const POLL_MS = 50;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '60' } },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);

function median(numbers) {
  const sorted = numbers.filter((n) => n !== null).sort((a, b) => a - b);
  if (sorted.length < numbers.length / 2) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function measureRun(browser, url) {
  const page = await browser.newPage();
  await page.goto(`${url}www/`);
  await page.waitForSelector('#train-toggle:not([disabled])');
  const status = await page.textContent('#status');
  const seed = /seed (\d+)/.exec(status ?? '')?.[1] ?? 'unknown';

  await page.click('#train-toggle');
  const started = Date.now();
  const reached = Object.fromEntries(TARGETS.map((t) => [t, null]));
  let accuracy = 0;
  while (Date.now() - started < seconds * 1000) {
    const shown = await page.getAttribute('#stat-accuracy', 'data-accuracy');
    accuracy = shown === null ? 0 : Number(shown);
    for (const target of TARGETS) {
      if (reached[target] === null && accuracy >= target) reached[target] = (Date.now() - started) / 1000;
    }
    await page.waitForTimeout(POLL_MS);
  }
  const step = await page.textContent('#stat-step');
  const error = await page.textContent('#error');
  await page.close();
  if (error?.trim()) throw new Error(`the page showed an error: ${error.trim()}`);
  return { seed, reached, accuracy, step };
}

const server = await startServer();
const profile = await mkdtemp(join(tmpdir(), 'lazynet-timing-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
  headless: true,
});
try {
  const results = [];
  for (let run = 1; run <= runs; run += 1) {
    const result = await measureRun(browser, server.url);
    results.push(result);
    const times = TARGETS.map((t) => `${t * 100} %: ${result.reached[t] === null ? 'not reached' : `${result.reached[t].toFixed(1)} s`}`);
    console.log(`run ${run} (seed ${result.seed}): ${times.join(', ')}; after ${seconds} s: ${(result.accuracy * 100).toFixed(1)} % at step ${result.step}`);
  }
  const medians = TARGETS.map((t) => {
    const m = median(results.map((r) => r.reached[t]));
    return `${t * 100} %: ${m === null ? 'not reached in most runs' : `${m.toFixed(1)} s`}`;
  });
  console.log(`median over ${runs} runs: ${medians.join(', ')}; accuracy after ${seconds} s: ${(median(results.map((r) => r.accuracy)) * 100).toFixed(1)} %`);
} finally {
  await browser.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}
