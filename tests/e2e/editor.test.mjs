// Page test of the architecture editor and of the config in the link. It edits the settings
// with the keyboard and the mouse and checks invalid values at their fields, with the model
// kept. It checks that the link carries the whole config, that opening it in another browser
// repeats the run exactly and that a saved model with the link's config is restored. Invalid
// link values must fall back to defaults with a message, and Copy link must copy the link.
// Needs pkg/ (wasm-pack build --target web), www/data/ and Chromium.
//
//   node --test tests/e2e/editor.test.mjs
//
// Screenshots go to test-results/editor.png (1280 × 900) and editor-phone.png (375 × 800).

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  RESULTS_DIR,
  assertBuilt,
  assertFitsPhoneWidth,
  openBrowser,
  queryOf,
  waitForReady,
  waitForStatus,
} from './page-driver.mjs';
import { DIGIT_STROKES, drawDigit, waitForPrediction } from './drawing.mjs';
import { startServer } from './server.mjs';

// Upper bound for the 1-epoch schedule of the network below, which took about 4 s on a 2-core
// virtual machine.
const SCHEDULE_TIMEOUT_MS = 120_000;

describe('architecture editor and config link', () => {
  let server;
  let first;
  let second;
  // The link of the edited config, and what its run showed at the end of its schedule.
  let link;
  const run = {};

  before(async () => {
    assertBuilt();
    server = await startServer();
    first = await openBrowser(server.url);
    await first.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(server.url).origin,
    });
    await first.page.goto(`${server.url}www/`);
    await waitForReady(first.page);
  });

  after(async () => {
    await first?.context.close();
    await second?.context.close();
    await server?.close();
  });

  test('link holds the whole config', () => {
    const query = queryOf(first.page);
    assert.equal(query.hidden, '256,128');
    assert.equal(query.activation, 'relu');
    assert.equal(query.initializer, 'glorot_uniform');
    assert.equal(query.batchSize, '64');
    assert.equal(query.augment, 'true');
    assert.equal(query.inputSize, '28');
    assert.match(query.seed ?? '', /^[0-9]+$/);
    for (const field of ['optimizer', 'learningRate', 'momentum', 'epochs', 'schedule', 'weightDecay']) {
      assert.ok(field in query, `the link has no ${field}: ${first.page.url()}`);
    }
  });

  test('layers are added and removed by keyboard', async () => {
    const { page } = first;
    await page.locator('#settings-details summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#settings-details').getAttribute('open'), '');
    assert.equal(await page.locator('#pending-badge').isHidden(), true);

    const addLayer = page.getByRole('button', { name: 'Add layer' });
    await addLayer.focus();
    await page.keyboard.press('Enter');
    // The new layer's width has focus, so typing replaces its copied width.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'hidden-3');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('32');
    await addLayer.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.getByLabel('Layer 4 width').inputValue(), '32');
    assert.equal(await addLayer.isDisabled(), true, 'Add layer is enabled at 4 layers');

    await page.getByRole('button', { name: 'Remove layer 2' }).click();
    assert.deepEqual(await layerWidths(page), ['256', '32', '32']);
    assert.equal(await page.getByLabel('Layer 3 width').inputValue(), '32');
    assert.equal(await addLayer.isDisabled(), false);

    await page.getByRole('button', { name: 'Remove layer 3' }).focus();
    await page.keyboard.press('Space');
    assert.deepEqual(await layerWidths(page), ['256', '32']);
    // Focus stays in the list, on the row before the removed one.
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Remove layer 2');
    await page.keyboard.press('Enter');
    assert.deepEqual(await layerWidths(page), ['256']);
    assert.equal(await page.getByRole('button', { name: 'Remove layer 1' }).isDisabled(), true);

    await addLayer.click();
    await page.getByLabel('Layer 2 width').fill('64');
    assert.deepEqual(await layerWidths(page), ['256', '64']);
    assert.equal(await page.locator('#pending-badge').isVisible(), true);
    assert.match(await page.locator('#pending-note').textContent(), /Hidden layers/);
    assert.equal(await page.locator('#hidden-layers').getAttribute('data-changed'), 'true');
  });

  test('other settings change pending state', async () => {
    const { page } = first;
    // A closed select changes its value with the arrow keys.
    await page.getByLabel('Activation').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByLabel('Activation').inputValue(), 'tanh');
    await page.getByLabel('Initializer').selectOption('he_uniform');
    await page.getByLabel('Input size').selectOption('14');
    await page.getByLabel('Learning rate').fill('0.002');
    await page.getByLabel('Batch size').fill('32');
    await page.getByLabel('Epochs').fill('1');
    await page.getByLabel('Distort training images').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Distort training images').isChecked(), false);
    await page.getByLabel('Seed').fill('7');

    const note = await page.locator('#pending-note').textContent();
    for (const label of ['Hidden layers', 'Activation', 'Initializer', 'Input size', 'Learning rate', 'Batch size', 'Epochs', 'Seed', 'Distort training images']) {
      assert.ok(note.includes(label), `the pending note does not list ${label}: ${note}`);
    }
    assert.equal(await page.getByLabel('Batch size').evaluate((input) => input.closest('.field').dataset.changed), 'true');
    assert.equal(await page.getByLabel('Optimizer').evaluate((select) => select.closest('.field').dataset.changed), 'false');
    // The link still contains the config of the model in use.
    assert.equal(queryOf(page).activation, 'relu');
  });

  test('enter in a field applies settings', async () => {
    const { page } = first;
    await page.getByLabel('Seed').press('Enter');
    await waitForStatus(page, 'Loaded 9,000 training');
    await waitForReady(page);

    assert.equal(await page.locator('#pending-badge').isHidden(), true);
    assert.equal(await page.locator('#pending-note').isHidden(), true);
    const names = await page.locator('#summary-body th').allTextContents();
    assert.deepEqual(names, ['dense_1', 'tanh_1', 'dense_2', 'tanh_2', 'dense_3']);
    const query = queryOf(page);
    assert.deepEqual(
      {
        hidden: query.hidden,
        activation: query.activation,
        initializer: query.initializer,
        learningRate: query.learningRate,
        batchSize: query.batchSize,
        epochs: query.epochs,
        augment: query.augment,
        inputSize: query.inputSize,
        seed: query.seed,
      },
      {
        hidden: '256,64',
        activation: 'tanh',
        initializer: 'he_uniform',
        learningRate: '0.002',
        batchSize: '32',
        epochs: '1',
        augment: 'false',
        inputSize: '14',
        seed: '7',
      },
    );
    link = page.url();
  });

  test('invalid width shows error at field', async () => {
    const { page } = first;
    await page.getByLabel('Layer 1 width').fill('0');
    await page.getByLabel('Layer 1 width').press('Enter');

    const error = page.locator('#hidden-1-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /^Layer 1 width: invalid value 0; expected a whole number from 1 to 4096\.$/);
    assert.equal(await page.getByLabel('Layer 1 width').getAttribute('aria-invalid'), 'true');
    assert.match(await page.getByLabel('Layer 1 width').getAttribute('aria-describedby'), /hidden-1-error/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'hidden-1');
    assert.match(await page.locator('#settings-error').textContent(), /Hidden layers is invalid.*The current model is kept\.$/);
    assert.match(await page.locator('#status').textContent(), /^Reset failed because a setting is invalid\. The current model is kept\./);
    // The model in use and its link stay.
    assert.equal(page.url(), link);
    assert.equal(await page.locator('#summary-body th').nth(1).textContent(), 'tanh_1');
  });

  test('empty and unparsable values show errors', async () => {
    const { page } = first;
    await page.getByLabel('Layer 1 width').fill('');
    await page.getByRole('button', { name: 'Apply and reset' }).click();
    await page.locator('#hidden-1-error').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#hidden-1-error').textContent(), 'Layer 1 width: missing; enter a width such as 128.');

    await page.getByLabel('Layer 1 width').fill('256');
    await page.getByLabel('Batch size').fill('');
    await page.getByLabel('Batch size').pressSequentially('1e');
    await page.getByLabel('Batch size').press('Enter');
    await page.locator('#batch-size-error').waitFor({ state: 'visible' });
    assert.match(await page.locator('#batch-size-error').textContent(), /^Batch size: not a number/);
    // The error of the earlier attempt is gone.
    assert.equal(await page.locator('#hidden-1-error').isHidden(), true);
    assert.equal(await page.getByLabel('Layer 1 width').getAttribute('aria-invalid'), null);

    await page.getByLabel('Batch size').fill('0');
    await page.getByLabel('Batch size').press('Enter');
    await page.waitForFunction(() => /invalid value 0/.test(document.getElementById('batch-size-error').textContent));
    assert.match(await page.locator('#batch-size-error').textContent(), /^Batch size: invalid value 0; expected a whole number from 1 to 8192/);
    assert.equal(page.url(), link);
  });

  test('model keeps working after errors', { timeout: SCHEDULE_TIMEOUT_MS + 30_000 }, async () => {
    const { page } = first;
    await page.getByLabel('Batch size').fill('32');
    await page.getByRole('button', { name: 'Train' }).click();
    const status = await waitForStatus(page, 'Finished the 1-epoch schedule', SCHEDULE_TIMEOUT_MS);
    assert.match(status, /held-out accuracy [0-9.]+ %/);
    // 9,000 images in batches of 32 make 282 steps.
    assert.equal(await page.locator('#stat-step').textContent(), '282');
    assert.equal(await page.locator('#summary-body tr td').first().textContent(), '196');

    run.accuracy = await page.locator('#stat-accuracy').getAttribute('data-accuracy');
    assert.ok(run.accuracy !== null);
    await drawDigit(page, DIGIT_STROKES[7]);
    run.prediction = await waitForPrediction(page);
    assert.match(run.prediction.digit ?? '', /^[0-9]$/);
  });

  test('link repeats run in new browser', { timeout: SCHEDULE_TIMEOUT_MS + 60_000 }, async () => {
    second = await openBrowser(server.url);
    const { page } = second;
    await page.goto(link);
    await waitForStatus(page, 'Started a fresh run with the settings from the link');
    await waitForReady(page);
    assert.equal(page.url(), link);
    assert.equal(await page.getByLabel('Seed').inputValue(), '7');
    assert.equal(await page.getByLabel('Activation').inputValue(), 'tanh');
    assert.equal(await page.getByLabel('Layer 2 width').inputValue(), '64');
    assert.equal(await page.locator('#pending-badge').isHidden(), true);

    await page.getByRole('button', { name: 'Train' }).click();
    await waitForStatus(page, 'Finished the 1-epoch schedule', SCHEDULE_TIMEOUT_MS);
    assert.equal(await page.locator('#stat-step').textContent(), '282');
    // Same build, config and seed: the same weights, so the same accuracy and probabilities.
    assert.equal(await page.locator('#stat-accuracy').getAttribute('data-accuracy'), run.accuracy);
    await drawDigit(page, DIGIT_STROKES[7]);
    const prediction = await waitForPrediction(page);
    assert.deepEqual(prediction.bars, run.prediction.bars);
  });

  test('link restores saved model with same config', async () => {
    const { page } = first;
    await page.goto(link);
    const status = await waitForStatus(page, 'Restored your last model');
    assert.match(status, /^Restored your last model \(step 282, held-out accuracy/);
    assert.equal(page.url(), link);
  });

  test('link with other seed starts fresh', async () => {
    const { page } = first;
    const other = new URL(link);
    other.searchParams.set('seed', '8');
    await page.goto(other.href);
    await waitForStatus(page, 'Started a fresh run with the settings from the link');
    assert.equal(await page.locator('#stat-step').textContent(), '0');
    assert.equal(queryOf(page).seed, '8');
    assert.equal(await page.locator('#link-notice').isHidden(), true);
  });

  test('invalid link values use defaults', async () => {
    const { page } = first;
    await page.goto(`${server.url}www/?batchSize=0&activation=swish&hidden=12,x&foo=1&seed=5&epochs=2`);
    await waitForStatus(page, 'Started a fresh run with the settings from the link');
    await waitForReady(page);

    const notice = page.locator('#link-notice');
    assert.equal(await notice.isVisible(), true);
    const items = await notice.locator('li').allTextContents();
    assert.equal(items.length, 4, `notice: ${items.join(' | ')}`);
    assert.ok(items.some((item) => item.startsWith('hidden=12,x: expected widths separated by commas')), items.join(' | '));
    assert.ok(items.some((item) => item.startsWith('foo=1: unknown parameter')), items.join(' | '));
    assert.ok(items.some((item) => item.startsWith('batchSize=0: invalid value 0; expected a whole number from 1 to 8192')), items.join(' | '));
    assert.ok(items.some((item) => item.startsWith('activation=swish: unknown name "swish"')), items.join(' | '));

    const query = queryOf(page);
    assert.equal(query.batchSize, '64');
    assert.equal(query.activation, 'relu');
    assert.equal(query.hidden, '256,128');
    assert.equal(query.seed, '5');
    assert.equal(query.epochs, '2');
    assert.equal(await page.getByLabel('Seed').inputValue(), '5');
    assert.equal(await page.getByLabel('Epochs').inputValue(), '2');
    assert.equal(await page.locator('#stat-epoch').textContent(), '0.00 / 2');
  });

  test('copy link puts url on clipboard', async () => {
    const { page } = first;
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => document.getElementById('copy-link-status').textContent !== '');
    assert.equal(await page.locator('#copy-link-status').textContent(), 'Link copied.');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
  });

  test('desktop and phone screenshots', async () => {
    const { page } = first;
    await page.locator('#settings-details').evaluate((details) => {
      details.open = true;
    });
    await page.getByRole('button', { name: 'Add layer' }).click();
    await page.getByLabel('Batch size').fill('0');
    await page.getByLabel('Batch size').press('Enter');
    await page.locator('#batch-size-error').waitFor({ state: 'visible' });
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'editor.png'), fullPage: true });

    await assertFitsPhoneWidth(page);
    await page.screenshot({ path: join(RESULTS_DIR, 'editor-phone.png'), fullPage: true });
  });

  test('only same-origin requests, no errors', () => {
    for (const { watched } of [first, second]) {
      assert.deepEqual(watched.foreignRequests, []);
      assert.deepEqual(watched.consoleErrors, []);
      assert.deepEqual(watched.pageErrors, []);
    }
  });
});

async function layerWidths(page) {
  return page.locator('#hidden-list input').evaluateAll((inputs) => inputs.map((input) => input.value));
}
