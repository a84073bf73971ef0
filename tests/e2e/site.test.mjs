// Tests of what users outside the repository run, in headless Chromium:
// - examples/web/minimal.html, the example that the README quotes, served from the
//   repository root: it must train, evaluate and predict, and the README must quote
//   minimal.js exactly;
// - the site that scripts/build-site.sh assembles for GitHub Pages, served under the sub-path
//   /lazynet/ as a project page is: it must open, train, predict a drawn 1 and request
//   nothing outside the sub-path.
// Each part starts its own server and Chromium, and fails on any console error or any request
// to another origin. Needs pkg/ (wasm-pack build --target web), www/data/ and Chromium at
// /usr/bin/chromium (or at CHROMIUM_PATH).
//
//   node --test tests/e2e/site.test.mjs
//
// Screenshots go to test-results/minimal-example.png, test-results/site.png (1280 × 900) and
// test-results/site-phone.png (375 × 800).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { launchChromium, watchContext } from './browser.mjs';
import { DIGIT_STROKES, drawDigit, waitForHeldOutAccuracy, waitForPrediction } from './drawing.mjs';
import { assertBuilt, assertFitsPhoneWidth, DESKTOP_VIEWPORT, RESULTS_DIR } from './page-driver.mjs';
import { REPOSITORY_ROOT, startServer } from './server.mjs';

// Upper bound on training time, with ample room: on a 2-core virtual machine the example's
// two epochs took about 2 s, and the page passed 90 % at its first evaluation.
const TRAINING_TIMEOUT_MS = 6 * 60_000;
const TARGET_ACCURACY = 0.9;
// The path GitHub Pages serves a project site under: https://OWNER.github.io/REPOSITORY/.
const SUB_PATH = '/lazynet/';
const README_SECTION = '## Use it from JavaScript';

/** Returns the first ```js block after `heading` in a Markdown text, or null. */
function codeBlockAfter(markdown, heading) {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) {
    return null;
  }
  const block = /\n```js\n([\s\S]*?)\n```\n/.exec(markdown.slice(start));
  return block ? block[1] : null;
}

describe('minimal JavaScript example', () => {
  let server;
  let context;
  let page;
  let watched;

  before(async () => {
    assertBuilt();
    server = await startServer();
    context = await launchChromium({ viewport: DESKTOP_VIEWPORT });
    watched = watchContext(context, new URL(server.url).origin);
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await server?.close();
  });

  test('README quotes minimal.js exactly', async () => {
    const readme = await readFile(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
    const example = await readFile(join(REPOSITORY_ROOT, 'examples/web/minimal.js'), 'utf8');
    const quoted = codeBlockAfter(readme, README_SECTION);

    assert.notEqual(quoted, null, `README.md has no js code block after "${README_SECTION}"`);
    assert.equal(quoted, example.trimEnd(), 'the README code block differs from examples/web/minimal.js');
  });

  test('example trains and predicts', { timeout: TRAINING_TIMEOUT_MS + 30_000 }, async (t) => {
    await page.goto(`${server.url}examples/web/minimal.html`);
    const output = await waitForText(page, '#output', /The stroke reads as/, watched, TRAINING_TIMEOUT_MS);
    t.diagnostic(output.replace(/\n/g, ' | '));

    const steps = /^Trained (\d+) steps, mean training loss ([0-9.]+)$/m.exec(output);
    assert.ok(steps, `no training line in: ${output}`);
    // Two epochs of 9,000 images at the default batch size of 64.
    assert.equal(Number(steps[1]), 2 * Math.ceil(9000 / 64));
    assert.ok(Number(steps[2]) < 1, `the mean training loss is ${steps[2]}`);

    const accuracy = /^Held-out accuracy: ([0-9.]+) %$/m.exec(output);
    assert.ok(accuracy, `no accuracy line in: ${output}`);
    assert.ok(Number(accuracy[1]) >= TARGET_ACCURACY * 100, `held-out accuracy is ${accuracy[1]} %`);

    const prediction = /^The stroke reads as (\d) with probability ([0-9.]+)$/m.exec(output);
    assert.ok(prediction, `no prediction line in: ${output}`);
    assert.equal(prediction[1], '1', `the vertical stroke reads as ${prediction[1]}`);

    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'minimal-example.png') });
  });

  test('example requests stay on origin', () => {
    assert.deepEqual(watched.foreignRequests, []);
    for (const path of ['/pkg/lazynet_bg.wasm', '/www/data/test-labels.idx1-ubyte.gz']) {
      assert.ok(watched.paths.includes(path), `no request for ${path} was recorded`);
    }
  });

  test('example logs no errors', () => {
    assert.deepEqual(watched.consoleErrors, []);
    assert.deepEqual(watched.pageErrors, []);
  });
});

describe('site under a sub-path', () => {
  let siteRoot;
  let server;
  let context;
  let page;
  let watched;
  const failedResponses = [];

  before(async () => {
    assertBuilt();
    // The server root plays the part of https://OWNER.github.io/, with the site in its lazynet/.
    siteRoot = await mkdtemp(join(tmpdir(), 'lazynet-site-'));
    await promisify(execFile)('bash', [join(REPOSITORY_ROOT, 'scripts/build-site.sh'), join(siteRoot, SUB_PATH)]);

    server = await startServer({ root: siteRoot });
    context = await launchChromium({ viewport: DESKTOP_VIEWPORT });
    watched = watchContext(context, new URL(server.url).origin);
    context.on('response', (response) => {
      if (response.status() >= 400) {
        failedResponses.push(`${response.status()} ${response.url()}`);
      }
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (siteRoot) {
      await rm(siteRoot, { recursive: true, force: true });
    }
  });

  test('site root leads to the page', async () => {
    await page.goto(new URL(SUB_PATH, server.url).href);
    await page.waitForURL(new URL(`${SUB_PATH}www/`, server.url).href, { timeout: 10_000 });
    await page.locator('#train-toggle:enabled').waitFor({ timeout: 30_000 });
    assert.equal(await page.title(), 'lazynet: train a digit classifier in your browser');
  });

  test('site trains to 90 % accuracy', { timeout: TRAINING_TIMEOUT_MS + 30_000 }, async (t) => {
    await page.getByRole('button', { name: 'Train' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();

    const accuracy = Number((await waitForHeldOutAccuracy(page, TARGET_ACCURACY, TRAINING_TIMEOUT_MS)).accuracy);
    t.diagnostic(`held-out accuracy ${accuracy}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train' }).waitFor();
    assert.ok(accuracy >= TARGET_ACCURACY);
  });

  test('site predicts a drawn 1', async (t) => {
    await drawDigit(page, DIGIT_STROKES[1]);
    const prediction = await waitForPrediction(page);
    t.diagnostic(`probabilities: ${prediction.bars.join(', ')}`);
    assert.equal(prediction.digit, '1', `probabilities: ${prediction.bars.join(', ')}`);

    // Let the probability bars finish their transition before the screenshot.
    await delay(300);
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'site.png'), fullPage: true });
  });

  test('site fits phone width', async () => {
    await assertFitsPhoneWidth(page);
    await page.screenshot({ path: join(RESULTS_DIR, 'site-phone.png'), fullPage: true });
  });

  test('site requests stay under sub-path', () => {
    assert.deepEqual(watched.foreignRequests, []);
    const outside = watched.paths.filter((path) => !path.startsWith(SUB_PATH));
    assert.deepEqual(outside, [], `requests outside ${SUB_PATH}: ${outside.join(', ')}`);
    for (const path of ['pkg/lazynet_bg.wasm', 'www/worker.js', 'www/data/train-images.idx3-ubyte.gz']) {
      assert.ok(watched.paths.includes(`${SUB_PATH}${path}`), `no request for ${SUB_PATH}${path} was recorded`);
    }
    assert.deepEqual(failedResponses, []);
  });

  test('site logs no errors', () => {
    assert.deepEqual(watched.consoleErrors, []);
    assert.deepEqual(watched.pageErrors, []);
  });
});

/**
 * Polls the text of `selector` until it matches `pattern` and returns it. Fails at once when
 * the page throws, so a broken example reports its error instead of a timeout.
 */
async function waitForText(page, selector, pattern, watched, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    assert.deepEqual(watched.pageErrors, [], `the page threw while the output read: ${text}`);
    text = await page.locator(selector).textContent();
    if (pattern.test(text)) {
      return text;
    }
    await delay(250);
  }
  assert.fail(`after ${timeoutMs / 1000} s ${selector} reads "${text}", which does not match ${pattern}`);
}
