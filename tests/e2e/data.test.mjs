// Page test of the Data section: the user's own IDX files, opened by a real drag-and-drop
// (File objects with the bundled MNIST bytes, dispatched as dragenter, dragover and drop)
// and by the file picker. It checks pairing and the split question, messages for bad files,
// that the data stays in use across Reset, the class names in the prediction bars, and the
// way back to the bundled digits. It also records decoding progress, time and memory for a
// 60,000-image training file, made of the bundled digits repeated, raw and gzipped.
// Needs pkg/ (wasm-pack build --target web), www/data/ and Chromium.
//
//   node --test tests/e2e/data.test.mjs
//
// Screenshots go to test-results/data.png (1280 × 900) and data-phone.png (375 × 800).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  RESULTS_DIR,
  assertBuilt,
  assertFitsPhoneWidth,
  openBrowser,
  waitForReady,
  waitForStatus,
} from './page-driver.mjs';
import { DIGIT_STROKES, drawDigit, waitForPrediction } from './drawing.mjs';
import { REPOSITORY_ROOT, startServer } from './server.mjs';

const DATA_DIR = join(REPOSITORY_ROOT, 'www', 'data');
// Images in the large training file, as many as MNIST's training split.
const LARGE_COUNT = 60_000;
const FASHION_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
// Upper bound for decoding and loading the 60,000-image file, which took under 1 s on a
// 2-core virtual machine.
const LARGE_LOAD_TIMEOUT_MS = 120_000;

describe('data section', () => {
  let server;
  let browser;
  let page;
  let directory;
  const files = {};

  before(async () => {
    assertBuilt();
    directory = await mkdtemp(join(tmpdir(), 'lazynet-data-'));
    await writeTestFiles(directory, files);
    server = await startServer();
    browser = await openBrowser(server.url);
    page = browser.page;
    await page.goto(`${server.url}www/`);
    await waitForReady(page);
  });

  after(async () => {
    await browser?.context.close();
    await server?.close();
    if (directory) {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('bundled digits are in use first', async () => {
    assert.equal(await page.locator('#data-summary').textContent(), 'bundled MNIST digits');
    assert.equal(await page.getByRole('button', { name: 'Use bundled digits' }).isHidden(), true);
    assert.equal(await page.getByLabel('Digits 0–9').isChecked(), true);
  });

  test('dropped files replace both splits', async () => {
    await recordProgress(page);
    const dropped = [
      { name: 'train-2k-images-idx3-ubyte.gz', bytes: files.train2kImagesGz },
      { name: 'train-2k-labels-idx1-ubyte.gz', bytes: files.train2kLabelsGz },
      { name: 't10k-images-idx3-ubyte.gz', bytes: files.testImagesGz },
      { name: 't10k-labels-idx1-ubyte.gz', bytes: files.testLabelsGz },
    ].map(({ name, bytes }) => ({ name, base64: bytes.toString('base64') }));

    const overlayShown = await page.evaluate(async (list) => {
      const transfer = new DataTransfer();
      for (const { name, base64 } of list) {
        const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
        transfer.items.add(new File([bytes], name, { type: 'application/gzip' }));
      }
      const target = document.querySelector('.drawing');
      const fire = (type) =>
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      fire('dragenter');
      fire('dragover');
      const shown = !document.getElementById('drop-overlay').hidden;
      fire('drop');
      return shown;
    }, dropped);
    assert.equal(overlayShown, true, 'the drop overlay did not show during the drag');
    assert.equal(await page.locator('#drop-overlay').isHidden(), true);

    await waitForStatus(page, 'Loaded 2,000 training and 1,000 held-out images of 28 × 28 pixels');
    await waitForReady(page);
    assert.equal(await page.locator('#data-summary').textContent(), 'your files');
    assert.equal(
      await page.locator('#data-sources').textContent(),
      'Training: train-2k-images-idx3-ubyte.gz with train-2k-labels-idx1-ubyte.gz, 2,000 images. ' +
        'Held-out: t10k-images-idx3-ubyte.gz with t10k-labels-idx1-ubyte.gz, 1,000 images.',
    );
    assert.equal(await page.getByRole('button', { name: 'Use bundled digits' }).isVisible(), true);
    assert.equal(await page.getByLabel('Digits 0–9').isChecked(), true);
    assert.match(await page.locator('#class-set-note').textContent(), /Guessed from the images/);
    const progress = await page.evaluate(() => window.progressSeen);
    for (const { name } of dropped) {
      assert.ok(progress.some((text) => text.startsWith(`${name}:`) && text.endsWith('(100 %)')), `no progress for ${name}`);
    }
  });

  test('reset keeps the user data', async () => {
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitForStatus(page, 'Loaded 2,000 training and 1,000 held-out');
    await waitForReady(page);
    assert.equal(await page.locator('#data-summary').textContent(), 'your files');
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForFunction(() => Number(document.getElementById('stat-step').textContent.replace(/,/g, '')) >= 40);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train' }).waitFor();
    // Training runs on the 2,000 user images, so an epoch takes 32 steps of 64 images (the
    // last one short), where the 9,000 bundled digits would take 141.
    const step = Number((await page.locator('#stat-step').textContent()).replace(/,/g, ''));
    const epoch = Number((await page.locator('#stat-epoch').textContent()).split(' / ')[0]);
    assert.ok(Math.abs(epoch - step / Math.ceil(2000 / 64)) < 0.05, `epoch ${epoch} at step ${step}`);
  });

  test('picker asks split when names do not tell', async () => {
    const stepBefore = await page.locator('#stat-step').textContent();
    await page.getByLabel('Open IDX files…').setInputFiles([files.digitsImagesPath, files.digitsLabelsPath]);

    const roles = page.locator('#data-roles');
    await roles.waitFor({ state: 'visible' });
    assert.equal(
      await roles.locator('legend').textContent(),
      'digits-images.idx3-ubyte with digits-labels.idx1-ubyte (1,000 images)',
    );
    // Nothing is chosen, so Load files shows an error.
    await page.getByRole('button', { name: 'Load files' }).click();
    assert.match(await page.locator('#data-role-error').textContent(), /^Choose whether digits-images\.idx3-ubyte is for training or held-out testing\./);

    const heldOut = page.getByRole('radio', { name: 'Held-out testing' });
    await heldOut.check();
    await heldOut.press('Enter');
    const status = await waitForStatus(page, 'The held-out split is now 1,000 images from digits-images.idx3-ubyte');
    assert.match(status, /the model keeps its weights\. Held-out accuracy: [0-9.]+ %\.$/);
    assert.equal(await roles.isHidden(), true);
    assert.equal(await page.locator('#stat-step').textContent(), stepBefore);
    assert.match(await page.locator('#data-sources').textContent(), /Held-out: digits-images\.idx3-ubyte with digits-labels\.idx1-ubyte, 1,000 images\.$/);
  });

  test('error of a file dropped far down scrolls into view', async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Lazy notes, not an IDX file.\n'], 'dropped-notes.txt', { type: 'text/plain' }));
      const target = document.getElementById('weights');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    });
    const error = page.locator('#data-error');
    await error.waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const box = document.getElementById('data-error').getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    assert.match(await error.textContent(), /^dropped-notes\.txt is not an IDX file/);
  });

  test('bad files get messages naming them', async () => {
    const stepBefore = await page.locator('#stat-step').textContent();
    await page.getByLabel('Open IDX files…').setInputFiles([files.notesPath, files.loneLabelsPath]);
    const error = page.locator('#data-error');
    await error.waitFor({ state: 'visible' });
    const messages = await error.locator('p').allTextContents();
    assert.equal(messages.length, 2, messages.join(' | '));
    assert.match(messages[0], /^notes\.txt is not an IDX file: it starts with the bytes 4c 61 7a 79 /);
    assert.match(messages[1], /^lone-labels-idx1-ubyte has 1,000 labels but no images file with 1,000 images was given\. Add its images file too/);

    // The waiting labels file pairs with an images file given later, whose labels are bad.
    await page.getByLabel('Open IDX files…').setInputFiles([files.badLabelsPath, files.badImagesPath]);
    await page.getByRole('radio', { name: 'Training', exact: true }).check();
    await page.getByRole('button', { name: 'Load files' }).click();
    await page.waitForFunction(() => /label 12/.test(document.getElementById('data-error').textContent));
    assert.match(
      await error.textContent(),
      /^bad-labels-idx1-ubyte: label 12 at index 0 [^.]*0 to 9\b.*\. Choose other files, or press Use bundled digits\. The current model and data are kept\.$/,
    );

    await page.getByLabel('Open IDX files…').setInputFiles([files.truncatedImagesPath, files.loneLabelsPath]);
    await page.getByRole('radio', { name: 'Held-out testing' }).check();
    await page.getByRole('button', { name: 'Load files' }).click();
    await page.waitForFunction(() => /^truncated-images/.test(document.getElementById('data-error').textContent));
    assert.match(await error.textContent(), /^truncated-images-idx3-ubyte\.gz (could not be decompressed|is truncated).*download the file again/i);

    // The model and its data are unchanged and still predict.
    assert.equal(await page.locator('#stat-step').textContent(), stepBefore);
    assert.equal(await page.locator('#data-summary').textContent(), 'your files');
    await drawDigit(page, DIGIT_STROKES[7]);
    const prediction = await waitForPrediction(page);
    assert.match(prediction.digit ?? '', /^[0-9]$/);
  });

  test('class names switch to fashion', async () => {
    await page.getByLabel('Fashion-MNIST clothing').check();
    const labels = await page.locator('#probabilities .bar-label').allTextContents();
    assert.deepEqual(labels, FASHION_NAMES);
    const prediction = await waitForPrediction(page);
    assert.equal(await page.locator('#predicted-digit').textContent(), FASHION_NAMES[Number(prediction.digit)]);
    assert.match(await page.locator('#class-set-note').textContent(), /^The prediction bars show Fashion-MNIST clothing\./);
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.locator('#data-details').evaluate((details) => {
      details.open = true;
    });
    await page.screenshot({ path: join(RESULTS_DIR, 'data.png'), fullPage: true });

    // Arrow keys move between the radio buttons of the group.
    await page.getByLabel('Fashion-MNIST clothing').focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.getByLabel('Digits 0–9').isChecked(), true);
    assert.equal(await page.locator('#probabilities .bar-label').first().textContent(), '0');
    assert.equal(await page.locator('#predicted-digit').textContent(), prediction.digit);
    await page.getByRole('button', { name: 'Clear' }).click();
  });

  for (const kind of ['gzipped', 'raw']) {
    test(`${kind} 60,000 images load with progress`, { timeout: LARGE_LOAD_TIMEOUT_MS + 30_000 }, async (t) => {
      await recordProgress(page);
      const [images, labels] = kind === 'gzipped' ? files.largeGz : files.largeRaw;
      const started = Date.now();
      await page.getByLabel('Open IDX files…').setInputFiles([images, labels]);
      await waitForStatus(page, 'Loaded 60,000 training and 1,000 held-out', LARGE_LOAD_TIMEOUT_MS);
      await waitForReady(page);
      const seconds = (Date.now() - started) / 1000;

      const name = images.split('/').at(-1);
      const progress = await page.evaluate(() => window.progressSeen);
      const percents = progress
        .map((text) => new RegExp(`^${name.replace(/\./g, '\\.')}: .*\\(([0-9]+) %\\)$`).exec(text))
        .filter(Boolean)
        .map((match) => Number(match[1]));
      assert.ok(percents.includes(100), `no final progress for ${name}: ${progress.join(' | ')}`);
      assert.ok(progress.includes(`${name}: 47.0 MB of 47.0 MB (100 %)`), progress.join(' | '));
      if (kind === 'gzipped') {
        // Gunzipping 47 MB takes longer than the 50 ms between progress messages.
        assert.ok(percents.some((percent) => percent > 0 && percent < 100), `no intermediate progress: ${percents.join(', ')}`);
      }

      const measured = await page.locator('#data-sources').evaluate((element) => ({ ...element.dataset }));
      t.diagnostic(
        `${kind}: ${seconds.toFixed(1)} s from choosing to ready; decoding ${measured.decodeMs} ms, ` +
          `loading into the Trainer ${measured.loadMs} ms; wasm memory ${(measured.memoryBytes / 2 ** 20).toFixed(0)} MiB; ` +
          `progress seen for the images: ${percents.join(', ')} %`,
      );
      assert.equal(await page.locator('#data-sources').textContent().then((text) => text.includes('60,000 images')), true);
    });
  }

  test('large data trains and survives reset', { timeout: 120_000 }, async (t) => {
    await page.getByRole('button', { name: 'Train' }).click();
    // 60,000 images in batches of 64 make 938 steps per epoch.
    await page.waitForFunction(() => Number(document.getElementById('stat-step').textContent.replace(/,/g, '')) >= 300, null, {
      timeout: 90_000,
    });
    const rate = await page.locator('#stat-rate').textContent();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train' }).waitFor();
    const step = Number((await page.locator('#stat-step').textContent()).replace(/,/g, ''));
    const epoch = Number((await page.locator('#stat-epoch').textContent()).split(' / ')[0]);
    // An epoch of 60,000 images in batches of 64 is about 938 steps.
    assert.ok(Math.abs(epoch - (step * 64) / 60_000) < 0.01, `epoch ${epoch} at step ${step}`);

    const logged = [];
    const listener = (message) => logged.push(message.text());
    browser.context.on('console', listener);
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitForStatus(page, 'Loaded 60,000 training and 1,000 held-out');
    browser.context.off('console', listener);
    const line = logged.find((text) => text.includes('new model at step 0'));
    assert.match(line ?? '', /wasm memory [0-9]+ MiB/, logged.join(' | '));
    t.diagnostic(`trained to step ${step}; ${line}`);
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
    t.diagnostic(`page JS heap after Reset ${(heap / 2 ** 20).toFixed(0)} MiB; samples/s while training: ${rate}`);
  });

  test('use bundled digits goes back', async () => {
    await page.getByRole('button', { name: 'Use bundled digits' }).click();
    await waitForStatus(page, 'Loaded 9,000 training and 1,000 held-out');
    await waitForReady(page);
    assert.equal(await page.locator('#data-summary').textContent(), 'bundled MNIST digits');
    assert.equal(await page.getByRole('button', { name: 'Use bundled digits' }).isHidden(), true);
    assert.equal(
      await page.locator('#data-sources').textContent(),
      'Training: 9,000 bundled MNIST digits. Held-out: 1,000 bundled MNIST digits.',
    );
    assert.equal(await page.getByLabel('Digits 0–9').isChecked(), true);
  });

  test('phone width has no horizontal scroll', async () => {
    await assertFitsPhoneWidth(page);
    await page.locator('#data-details').screenshot({ path: join(RESULTS_DIR, 'data-phone.png') });
  });

  test('only same-origin requests, no errors', () => {
    assert.deepEqual(browser.watched.foreignRequests, []);
    assert.deepEqual(browser.watched.consoleErrors, []);
    assert.deepEqual(browser.watched.pageErrors, []);
  });
});

// Records every progress text shown from now on in window.progressSeen, as
// "name: progress text".
async function recordProgress(page) {
  await page.evaluate(() => {
    window.progressSeen = [];
    window.progressObserver?.disconnect();
    window.progressObserver = new MutationObserver(() => {
      for (const row of document.querySelectorAll('#data-progress li')) {
        const text = `${row.querySelector('.progress-name').textContent}: ${row.querySelector('.progress-text').textContent}`;
        if (window.progressSeen.at(-1) !== text && !window.progressSeen.includes(text)) {
          window.progressSeen.push(text);
        }
      }
    });
    window.progressObserver.observe(document.getElementById('data-progress'), {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
}

// Writes the test's IDX files into `directory` and records their bytes or paths in `files`.
// All images and labels are real MNIST digits from www/data/.
async function writeTestFiles(directory, files) {
  const read = async (name) => gunzipSync(await readFile(join(DATA_DIR, name)));
  const trainImages = await read('train-images.idx3-ubyte.gz');
  const trainLabels = await read('train-labels.idx1-ubyte.gz');
  const testImages = await read('test-images.idx3-ubyte.gz');
  const testLabels = await read('test-labels.idx1-ubyte.gz');

  files.train2kImagesGz = gzipSync(idxImages(trainImages, 2000));
  files.train2kLabelsGz = gzipSync(idxLabels(trainLabels, 2000));
  files.testImagesGz = gzipSync(testImages);
  files.testLabelsGz = gzipSync(testLabels);

  const write = async (name, bytes) => {
    const path = join(directory, name);
    await writeFile(path, bytes);
    return path;
  };
  files.digitsImagesPath = await write('digits-images.idx3-ubyte', testImages);
  files.digitsLabelsPath = await write('digits-labels.idx1-ubyte', testLabels);
  files.notesPath = await write('notes.txt', 'Lazy notes, not an IDX file.\n');
  files.loneLabelsPath = await write('lone-labels-idx1-ubyte', testLabels);
  const badLabels = Buffer.from(idxLabels(trainLabels, 500));
  badLabels[8] = 12;
  files.badLabelsPath = await write('bad-labels-idx1-ubyte', badLabels);
  files.badImagesPath = await write('bad-images-idx3-ubyte', idxImages(trainImages, 500));
  const gzipped = gzipSync(testImages);
  files.truncatedImagesPath = await write('truncated-images-idx3-ubyte.gz', gzipped.subarray(0, gzipped.length >> 1));

  const largeImages = idxImages(trainImages, LARGE_COUNT);
  const largeLabels = idxLabels(trainLabels, LARGE_COUNT);
  files.largeRaw = [
    await write('train-images-idx3-ubyte', largeImages),
    await write('train-labels-idx1-ubyte', largeLabels),
  ];
  await mkdir(join(directory, 'gz'));
  files.largeGz = [
    await write('gz/train-images-idx3-ubyte.gz', gzipSync(largeImages)),
    await write('gz/train-labels-idx1-ubyte.gz', gzipSync(largeLabels)),
  ];
}

// Returns an IDX images file of `count` images taken in order from the raw IDX images file
// `source`, starting over at its first image when it runs out.
function idxImages(source, count) {
  const sourceCount = source.readUInt32BE(4);
  const pixels = source.readUInt32BE(8) * source.readUInt32BE(12);
  const output = Buffer.alloc(16 + count * pixels);
  source.copy(output, 0, 0, 16);
  output.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i += 1) {
    const from = 16 + (i % sourceCount) * pixels;
    source.copy(output, 16 + i * pixels, from, from + pixels);
  }
  return output;
}

// Returns an IDX labels file of `count` labels taken from `source` as idxImages takes images.
function idxLabels(source, count) {
  const sourceCount = source.readUInt32BE(4);
  const output = Buffer.alloc(8 + count);
  source.copy(output, 0, 0, 8);
  output.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i += 1) {
    output[8 + i] = source[8 + (i % sourceCount)];
  }
  return output;
}
