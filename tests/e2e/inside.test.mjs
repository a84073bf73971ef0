// Page test for the views inside the network. It covers the initialization panel, the
// animated change from "?" in the model summary and the confusion matrix by mouse and
// keyboard. It also covers the gallery of mistakes, the first-layer weights while training,
// the class names of Fashion-MNIST, a Reset to another architecture and the phone layout. Like page.test.mjs it serves the
// repository, drives headless Chromium with real wasm and the bundled digits, and checks at
// the end that no request left the test server's origin and nothing was logged as an error.
//
//   node --test tests/e2e/inside.test.mjs
//
// Screenshots go to test-results/inside.png (1280 × 900) and test-results/inside-phone.png
// (375 × 800).

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { assertBuilt, DESKTOP_VIEWPORT, openBrowser, PHONE_VIEWPORT, RESULTS_DIR, settle } from './page-driver.mjs';
import { startServer } from './server.mjs';

const HELD_OUT_IMAGES = 1000;
// Upper bound on the wait for the first held-out evaluation, which comes after at least an
// epoch and 2 s of training (a few seconds on a 2-core machine).
const EVALUATION_TIMEOUT_MS = 120_000;
// The worker sends weights at most every 1.5 s while training (WEIGHTS_INTERVAL_MS).
const WEIGHTS_INTERVAL_MS = 1500;
// Page sizes of the gallery and of the weights view, and the images shown for one cell.
const GALLERY_PAGE_SIZE = 24;
const WEIGHTS_PAGE_SIZE = 64;
const MAX_CELL_IMAGES = 48;
// A tenth of Adam's default learning rate, so that the model still makes well over a page of
// mistakes at its first evaluation, however fast the machine trains.
const SLOW_LEARNING_RATE = '0.0001';

describe('views inside the network', () => {
  let server;
  let context;
  let page;
  let watched;
  // Counts of the confusion matrix after the first pause, by [true][predicted].
  let confusion;

  before(async () => {
    assertBuilt();
    server = await startServer();
    ({ context, page, watched } = await openBrowser(server.url, { viewport: DESKTOP_VIEWPORT }));
    await page.goto(`${server.url}www/`);
    await page.locator('#train-toggle:enabled').waitFor({ timeout: 30_000 });

    await page.locator('#settings-details summary').click();
    await page.getByLabel('Learning rate').fill(SLOW_LEARNING_RATE);
    await page.getByRole('button', { name: 'Apply and reset' }).click();
    await page.waitForFunction(
      (rate) => document.getElementById('status').textContent.includes(`Learning rate ${rate},`),
      SLOW_LEARNING_RATE,
    );
    await page.locator('#settings-details summary').click();
  });

  after(async () => {
    await context?.close();
    await server?.close();
  });

  test('initialization panel compares initializers', async () => {
    await page.locator('#init-cards[data-state="ready"]').waitFor({ timeout: 30_000 });
    const cards = await readInitCards(page);
    assert.deepEqual(
      cards.map((card) => card.initializer),
      ['glorot_uniform', 'he_uniform', 'normal', 'zeros'],
    );
    const byName = Object.fromEntries(cards.map((card) => [card.initializer, card]));
    for (const card of cards) {
      assert.deepEqual(
        card.layers.map((layer) => layer.name),
        ['dense_1', 'relu_1', 'dense_2', 'relu_2', 'dense_3'],
        `layers of ${card.initializer}`,
      );
    }

    const zeros = byName.zeros;
    for (const layer of zeros.layers) {
      assert.equal(layer.std, 0, `zeros: std of ${layer.name}`);
      if (layer.kind !== 'dense') {
        assert.equal(layer.dead, 1, `zeros: dead fraction of ${layer.name}`);
      }
    }
    assert.equal(zeros.verdict, 'identical');

    const glorot = byName.glorot_uniform;
    const normal = byName.normal;
    assert.ok(
      normal.layers[0].std > 5 * glorot.layers[0].std,
      `N(0, 1) first-layer std ${normal.layers[0].std}, Glorot ${glorot.layers[0].std}`,
    );
    assert.ok(Math.abs(glorot.loss - Math.log(10)) < 0.5, `Glorot loss at initialization ${glorot.loss}`);
    assert.ok(normal.loss > 10, `N(0, 1) loss at initialization ${normal.loss}`);
    assert.equal(glorot.verdict, 'healthy');
    assert.equal(normal.verdict, 'explodes');
    assert.equal(glorot.inUse, true);
    assert.equal(normal.inUse, false);
    for (const card of cards) {
      assert.ok(card.explanation.length > 40, `${card.initializer} has no explanation`);
    }
    // With ReLU, zero weights let no gradient through at all, and N(0, 1) grows the spread
    // by about √784 = 28 in the first layer.
    assert.match(byName.zeros.explanation, /no gradient reaches any weight/);
    assert.match(normal.explanation, /\(28 for 784 inputs\)/);
  });

  test('summary highlights inferred widths', async () => {
    // Record every change of the table's data-inferring attribute and which cells were
    // highlighted, from before the first batch.
    await page.evaluate(() => {
      const table = document.querySelector('table.summary');
      window.inferringLog = [];
      new MutationObserver(() => {
        window.inferringLog.push({
          inferring: table.dataset.inferring ?? null,
          cells: table.querySelectorAll('.just-inferred').length,
          animation: getComputedStyle(table.querySelector('.just-inferred') ?? table).animationName,
          note: document.getElementById('summary-inferred').textContent,
        });
      }).observe(table, { attributes: true, attributeFilter: ['data-inferring'] });
    });
    assert.equal(await page.locator('#summary-body tr td').first().textContent(), '?');
    assert.equal(await page.locator('#summary-inferred').isHidden(), true);

    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForFunction(() => window.inferringLog.some((entry) => entry.inferring === null));

    const log = await page.evaluate(() => window.inferringLog);
    const start = log.find((entry) => entry.inferring === 'true');
    assert.ok(start, `no transition was recorded: ${JSON.stringify(log)}`);
    // Input and parameters of five layers, and the total.
    assert.ok(start.cells >= 5, `${start.cells} cells were highlighted`);
    assert.equal(start.animation, 'just-inferred');
    assert.match(start.note, /first batch arrived with 784 values per image.*235,146 weights and biases just now/);
    assert.equal(await page.locator('#summary-body tr td').first().textContent(), '784');
    assert.equal(await page.locator('#summary-body .just-inferred').count(), 0);
    assert.doesNotMatch(await page.locator('#summary-inferred').textContent(), /just now/);
  });

  test('weights update while training', async () => {
    const view = page.locator('#weights');
    await page.waitForFunction(() => Number(document.getElementById('weights').dataset.step) > 0);
    assert.match(await view.locator('.inside-caption').textContent(), /^Units 1–64 of 256, each with 784 weights/);
    const first = await readWeights(page);

    // Record when new weights arrive, to check the worker's throttle.
    await page.evaluate(() => {
      window.weightSteps = [];
      new MutationObserver(() =>
        window.weightSteps.push({ step: document.getElementById('weights').dataset.step, time: performance.now() }),
      ).observe(document.getElementById('weights'), { attributes: true, attributeFilter: ['data-step'] });
    });
    await page.waitForFunction((step) => Number(document.getElementById('weights').dataset.step) > step, first.step, {
      timeout: 10_000,
    });
    const second = await readWeights(page);
    assert.ok(second.step > first.step);
    assert.notEqual(second.hash, first.hash, 'the weight images did not change between two reads while training');

    await delay(4 * WEIGHTS_INTERVAL_MS);
    const arrivals = await page.evaluate(() => window.weightSteps);
    assert.ok(arrivals.length >= 2, `only ${arrivals.length} weight updates in 6 s of training`);
    for (let i = 1; i < arrivals.length; i += 1) {
      const gap = arrivals[i].time - arrivals[i - 1].time;
      // A message can wait in the page's queue, so allow some jitter below the interval.
      assert.ok(gap > WEIGHTS_INTERVAL_MS - 300, `weights arrived ${gap.toFixed(0)} ms apart`);
    }
  });

  test('weights page to next units', async () => {
    await page.getByRole('button', { name: 'Next units' }).click();
    await page.waitForFunction(() => document.getElementById('weights').dataset.offset === '64');
    assert.match(await page.locator('#weights .inside-caption').textContent(), /^Units 65–128 of 256/);
    assert.equal(await page.getByRole('button', { name: 'Previous units' }).isEnabled(), true);
    const { width, height } = await page.locator('#weights canvas').evaluate((canvas) => ({
      width: canvas.width,
      height: canvas.height,
    }));
    // Eight tiles of 28 pixels per row, with 2-pixel gaps.
    assert.equal(width, 8 * 30 - 2);
    assert.equal(height, (WEIGHTS_PAGE_SIZE / 8) * 30 - 2);
  });

  test('confusion matrix counts held-out split', { timeout: EVALUATION_TIMEOUT_MS + 30_000 }, async () => {
    await page.locator('.confusion-matrix:not([hidden])').waitFor({ timeout: EVALUATION_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train' }).waitFor();
    // Pausing evaluates again, so wait for the matrix of the step training stopped at.
    await page.waitForFunction(
      () =>
        document.querySelector('.confusion-matrix').dataset.step ===
        document.getElementById('stat-step').textContent.replace(/,/g, ''),
    );

    confusion = await readConfusion(page);
    const total = confusion.flat().reduce((sum, count) => sum + count, 0);
    assert.equal(total, HELD_OUT_IMAGES);
    for (const [row, counts] of confusion.entries()) {
      assert.equal(counts.reduce((sum, count) => sum + count, 0), 100, `held-out images of class ${row}`);
    }
    const correct = confusion.reduce((sum, counts, row) => sum + counts[row], 0);
    const accuracy = Number(await page.locator('#stat-accuracy').getAttribute('data-accuracy'));
    assert.ok(Math.abs(correct / HELD_OUT_IMAGES - accuracy) < 1e-6, `diagonal ${correct}, accuracy ${accuracy}`);
  });

  test('confusion cell click shows images', async () => {
    // The largest mistake cell, and a diagonal cell with more images than are shown.
    let worst = [0, 1];
    for (const [row, counts] of confusion.entries()) {
      for (const [column, count] of counts.entries()) {
        if (row !== column && count > confusion[worst[0]][worst[1]]) {
          worst = [row, column];
        }
      }
    }
    for (const [row, column] of [worst, [3, 3]]) {
      const expected = Math.min(confusion[row][column], MAX_CELL_IMAGES);
      await page.locator(`.confusion-cell[data-true="${row}"][data-predicted="${column}"]`).click();
      await waitForCell(page, row, column);
      const cellImages = await readCellImages(page);
      assert.equal(cellImages.count, expected, `images shown for true ${row}, predicted ${column}`);
      assert.ok(
        cellImages.labels.every((label) => label === String(row)),
        `labels ${cellImages.labels.join(', ')}`,
      );
      assert.equal(
        await page.locator(`.confusion-cell[data-true="${row}"][data-predicted="${column}"]`).getAttribute('aria-pressed'),
        'true',
      );
      assert.match(await page.locator('#confusion-detail .inside-caption').textContent(), new RegExp(`^${confusion[row][column]} held-out`));
    }
  });

  test('confusion cells work by keyboard', async () => {
    // The chosen cell is the matrix's one tab stop, and arrow keys move from it.
    await page.locator('.confusion-cell[tabindex="0"]').focus();
    assert.deepEqual(await focusedCell(page), ['3', '3']);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await focusedCell(page), ['2', '2']);
    await page.keyboard.press('Enter');
    await waitForCell(page, 2, 2);
    assert.equal((await readCellImages(page)).count, Math.min(confusion[2][2], MAX_CELL_IMAGES));

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await waitForCell(page, 2, 3);
    assert.equal((await readCellImages(page)).count, Math.min(confusion[2][3], MAX_CELL_IMAGES));
    assert.equal(await page.locator('.confusion-cell[tabindex="0"]').count(), 1);

    // Tab leaves the matrix rather than walking through its 100 cells.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('confusion-cell')), false);
  });

  test('gallery pages through mistakes', async (t) => {
    const gallery = page.locator('#mistakes');
    const mistakes = HELD_OUT_IMAGES - confusion.reduce((sum, counts, row) => sum + counts[row], 0);
    t.diagnostic(`${mistakes} mistakes at step ${await page.locator('#stat-step').textContent()}`);
    await page.waitForFunction(() => document.querySelectorAll('#mistakes .mistake').length > 0);
    assert.equal(await gallery.getAttribute('data-total'), String(mistakes));
    assert.ok(mistakes > GALLERY_PAGE_SIZE, `only ${mistakes} mistakes, too few to page`);

    const firstPage = await readMistakes(page);
    assert.equal(firstPage.length, GALLERY_PAGE_SIZE);
    assertMistakes(firstPage);
    assert.match(await gallery.locator('.inside-caption').textContent(), /Showing 1–24, most confident/);
    assert.equal(await page.getByRole('button', { name: 'Previous mistakes' }).isDisabled(), true);

    await page.getByRole('button', { name: 'Next mistakes' }).click();
    await page.waitForFunction(
      (index) => document.querySelector('#mistakes .mistake')?.dataset.index !== index && document.getElementById('mistakes').dataset.page === '1',
      firstPage[0].index,
    );
    const secondPage = await readMistakes(page);
    assert.equal(secondPage.length, Math.min(GALLERY_PAGE_SIZE, mistakes - GALLERY_PAGE_SIZE));
    assertMistakes(secondPage);
    // Most confident first, across pages too.
    assert.ok(secondPage[0].confidence <= firstPage.at(-1).confidence);
    assert.match(await gallery.locator('.inside-caption').textContent(), /Showing 25–/);

    await page.getByRole('button', { name: 'Previous mistakes' }).click();
    await page.waitForFunction((index) => document.querySelector('#mistakes .mistake')?.dataset.index === index, firstPage[0].index);
  });

  test('views use Fashion-MNIST names', async () => {
    await page.evaluate(async () => (await import('./classes.js')).setClassSet('fashion'));
    assert.equal(await page.locator('.confusion-matrix thead tr:nth-child(2) th').nth(2).textContent(), 'Trouser');
    assert.equal(
      await page.locator('.confusion-cell[data-true="9"][data-predicted="9"]').getAttribute('aria-label'),
      `True Ankle boot, predicted Ankle boot: ${confusion[9][9]} images`,
    );
    await page.waitForFunction(() =>
      document.querySelector('#mistakes .mistake .mistake-classes')?.textContent.match(/True (T-shirt|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot)/),
    );
    await page.evaluate(async () => (await import('./classes.js')).setClassSet('digits'));
    assert.equal(await page.locator('.confusion-matrix thead tr:nth-child(2) th').nth(2).textContent(), '1');
  });

  test('screenshots and phone layout', async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'inside.png'), fullPage: true });

    await page.setViewportSize(PHONE_VIEWPORT);
    await settle(page);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      matrix: document.querySelector('.confusion-matrix').getBoundingClientRect().width,
      matrixBox: document.getElementById('confusion-matrix').clientWidth,
      cards: [...document.querySelectorAll('.init-layers')].map((table) => [
        table.getBoundingClientRect().width,
        table.parentElement.clientWidth,
      ]),
    }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px viewport`);
    assert.ok(widths.matrix <= widths.matrixBox, `matrix is ${widths.matrix} px wide in ${widths.matrixBox} px`);
    for (const [table, box] of widths.cards) {
      assert.ok(table <= box + 0.5, `a layer table is ${table} px wide in ${box} px`);
    }
    await page.screenshot({ path: join(RESULTS_DIR, 'inside-phone.png'), fullPage: true });
    await page.setViewportSize(DESKTOP_VIEWPORT);
  });

  test('reset recomputes for new architecture', async () => {
    // Reduced motion: the cells still change and are marked, without animation.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.locator('#settings-details summary').click();
    await page.getByLabel('Layer 1 width').fill('32');
    await page.getByRole('button', { name: 'Remove layer 2' }).click();
    await page.getByRole('button', { name: 'Apply and reset' }).click();
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Loaded'));
    await page.locator('#init-cards[data-state="ready"]').waitFor();

    const cards = await readInitCards(page);
    assert.deepEqual(
      cards[0].layers.map((layer) => layer.name),
      ['dense_1', 'relu_1', 'dense_2'],
    );
    assert.equal(await page.locator('.confusion-matrix').isHidden(), true);
    assert.equal(await page.locator('#mistakes .mistake').count(), 0);
    assert.equal(await page.locator('#weights canvas').isHidden(), true);
    assert.equal(await page.locator('#summary-inferred').isHidden(), true);

    await page.evaluate(() => {
      const table = document.querySelector('table.summary');
      window.reducedLog = [];
      new MutationObserver(() => {
        const cell = table.querySelector('.just-inferred');
        window.reducedLog.push({
          inferring: table.dataset.inferring ?? null,
          animation: cell ? getComputedStyle(cell).animationName : null,
          background: cell ? getComputedStyle(cell).backgroundColor : null,
        });
      }).observe(table, { attributes: true, attributeFilter: ['data-inferring'] });
    });
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForFunction(() => window.reducedLog.some((entry) => entry.inferring === 'true'));
    const [start] = await page.evaluate(() => window.reducedLog);
    assert.equal(start.animation, 'none');
    assert.notEqual(start.background, 'rgba(0, 0, 0, 0)');

    // A 32-unit layer fits on one page of weights.
    await page.waitForFunction(() => document.getElementById('weights').dataset.step !== undefined);
    assert.match(await page.locator('#weights .inside-caption').textContent(), /^Units 1–32 of 32/);
    assert.equal(await page.getByRole('button', { name: 'Next units' }).isHidden(), true);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train' }).waitFor();
    await page.emulateMedia({ reducedMotion: null });
  });

  test('tanh saturates instead of exploding', async () => {
    // The previous test left Settings open; a click on its summary would close it.
    await page.locator('#settings-details').evaluate((details) => {
      details.open = true;
    });
    await page.getByLabel('Activation').selectOption('tanh');
    await page.getByLabel('Input size').selectOption('14');
    await page.getByRole('button', { name: 'Apply and reset' }).click();
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Loaded'));
    await page.locator('#init-cards[data-state="ready"]').waitFor();
    await page.waitForFunction(() => document.querySelector('#init-cards tbody tr')?.dataset.kind === 'dense');

    const cards = await readInitCards(page);
    const byName = Object.fromEntries(cards.map((card) => [card.initializer, card]));
    assert.equal(byName.normal.layers[1].kind, 'tanh');
    assert.ok(byName.normal.layers[1].inactive > 0.5, `saturated share ${byName.normal.layers[1].inactive}`);
    assert.equal(byName.normal.verdict, 'saturated');
    assert.match(byName.normal.explanation, /\(14 for 196 inputs\)/);
    assert.match(byName.normal.explanation, /most tanh values saturate/);
    assert.match(byName.he_uniform.explanation, /derived for ReLU/);
    assert.equal(byName.glorot_uniform.verdict, 'healthy');
  });

  test('only same-origin requests', () => {
    assert.deepEqual(watched.foreignRequests, []);
  });

  test('no console or page errors', () => {
    assert.deepEqual(watched.consoleErrors, []);
    assert.deepEqual(watched.pageErrors, []);
  });
});

// Reads the initialization cards: initializer, verdict, loss, whether it is in use, its
// explanation and each layer's statistics.
function readInitCards(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#init-cards .init-card')].map((card) => ({
      initializer: card.dataset.initializer,
      verdict: card.dataset.verdict,
      loss: Number(card.dataset.loss),
      inUse: card.querySelector('.in-use') !== null,
      explanation: card.querySelector('.init-explanation').textContent,
      layers: [...card.querySelectorAll('tbody tr')].map((row) => ({
        name: row.dataset.layer,
        kind: row.dataset.kind,
        std: Number(row.dataset.std),
        mean: Number(row.dataset.mean),
        dead: row.dataset.dead === '' ? null : Number(row.dataset.dead),
        inactive: row.dataset.inactive === '' ? null : Number(row.dataset.inactive),
        gradientStd: Number(row.dataset.gradientStd),
      })),
    })),
  );
}

// Returns the step of the weights shown and a hash of the canvas pixels.
function readWeights(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('#weights canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    for (const value of pixels) {
      hash = (Math.imul(hash, 31) + value) | 0;
    }
    return { step: Number(document.getElementById('weights').dataset.step), hash };
  });
}

// Returns the confusion matrix's counts as 10 rows of 10 numbers.
function readConfusion(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.confusion-matrix tbody tr')].map((row) =>
      [...row.querySelectorAll('.confusion-cell')].map((cell) => Number(cell.dataset.count)),
    ),
  );
}

async function waitForCell(page, row, column) {
  await page.waitForFunction(
    ([trueClass, predictedClass]) => {
      const detail = document.getElementById('confusion-detail');
      const expected = Number(
        document.querySelector(`.confusion-cell[data-true="${trueClass}"][data-predicted="${predictedClass}"]`).dataset.count,
      );
      return (
        detail.dataset.true === String(trueClass) &&
        detail.dataset.predicted === String(predictedClass) &&
        detail.querySelectorAll('canvas.thumbnail').length === Math.min(expected, 48)
      );
    },
    [row, column],
  );
}

function readCellImages(page) {
  return page.evaluate(() => {
    const thumbnails = [...document.querySelectorAll('#confusion-detail canvas.thumbnail')];
    return { count: thumbnails.length, labels: thumbnails.map((canvas) => canvas.dataset.label) };
  });
}

function focusedCell(page) {
  return page.evaluate(() => [document.activeElement.dataset.true, document.activeElement.dataset.predicted]);
}

// Reads the gallery items: index, classes, thumbnail count and top probability (a fraction).
function readMistakes(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#mistakes .mistake')].map((item) => ({
      index: item.dataset.index,
      trueClass: item.dataset.true,
      predicted: item.dataset.predicted,
      thumbnails: item.querySelectorAll('canvas.thumbnail').length,
      bars: item.querySelectorAll('.mistake-probabilities li').length,
      confidence: Number(item.querySelector('.mistake-value').textContent.replace(' %', '')) / 100,
    })),
  );
}

function assertMistakes(items) {
  for (const item of items) {
    assert.notEqual(item.trueClass, item.predicted, `item ${item.index} is not a mistake`);
    assert.equal(item.thumbnails, 1);
    assert.equal(item.bars, 3);
  }
  for (let i = 1; i < items.length; i += 1) {
    assert.ok(items[i].confidence <= items[i - 1].confidence, 'mistakes are not sorted by confidence');
  }
}
