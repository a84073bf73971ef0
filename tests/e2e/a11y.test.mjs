// Accessibility page test. It trains the real page (wasm, bundled digits) until the held-out
// views fill, then checks with hand-written rules in headless Chromium:
// - Tab reaches every control in a sensible order, and Enter opens the closed sections. Each
//   tab stop has an accessible name (Chromium's own, read through the DevTools protocol) and
//   a visible, unclipped focus outline that contrasts 3:1 with what surrounds it;
// - every visible text meets WCAG AA contrast against its effective background (4.5:1, or
//   3:1 for large text), and control borders and chart line colours reach 3:1;
// - the drawing pad is named, its description names the clearing keys, and Escape and
//   Delete clear it;
// - the chart legends' switches work with Enter and Space;
// - every image and canvas that carries information has a name;
// - heading levels start at h1 and never skip a level;
// - live regions stay quiet while training runs;
// - with reduced motion requested, nothing animates or transitions.
// The tab order and contrast checks run at 1280 × 900 and at phone width (375 × 800). Like the
// other page tests it fails on a request outside the test server's origin or a console error.
//
//   node --test tests/e2e/a11y.test.mjs
//
// Screenshots with keyboard focus on a confusion cell and on the pad go to test-results/
// a11y-cell.png, a11y-pad.png (desktop) and a11y-phone-cell.png, a11y-phone-pad.png (phone).

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DIGIT_STROKES, drawDigit, waitForPrediction } from './drawing.mjs';
import {
  DESKTOP_VIEWPORT,
  PHONE_VIEWPORT,
  RESULTS_DIR,
  assertBuilt,
  openBrowser,
  settle,
  waitForReady,
} from './page-driver.mjs';
import { startServer } from './server.mjs';

// Upper bound on the wait for the first held-out evaluation, which comes after at least an
// epoch and 2 s of training (about 3 s on a 2-core virtual machine).
const EVALUATION_TIMEOUT_MS = 120_000;
// Tab presses before the walk gives up. The page has about 35 tab stops with its sections
// open.
const MAX_TAB_STOPS = 300;
// WCAG 2.2 AA: 1.4.3 for text, 1.4.11 for focus indicators, control borders and graphics.
const TEXT_CONTRAST = 4.5;
const LARGE_TEXT_CONTRAST = 3;
const NON_TEXT_CONTRAST = 3;
// Training time during which the live regions are watched. The worker posts progress about
// every 50 ms and evaluates about every 2 s, so a region that follows either changes many
// times.
const QUIET_TRAINING_MS = 8000;
// Changes one live region may make in that time: training started and then paused, or a
// held-out result while training and the one after the pause.
const MAX_LIVE_REGION_CHANGES = 2;

// Controls that the tab order must reach, in this order. Names are matched as prefixes of
// the accessible names.
const MAIN_CONTROLS = [
  'Train',
  'Reset',
  'Save model',
  'Open model…',
  'Copy link',
  'Settings',
  'Layer 1 width',
  'Add layer',
  'Activation',
  'Apply and reset',
  'Data:',
  'Open IDX files…',
  'Digits 0–9',
  'Drawing pad',
  'Clear',
  'training curve',
  'True ',
  'Next units',
];

describe('accessibility at desktop width', () => {
  let server;
  let browser;
  let page;
  let cdp;

  before(async () => {
    assertBuilt();
    server = await startServer();
    browser = await openBrowser(server.url, { viewport: DESKTOP_VIEWPORT });
    page = browser.page;
    cdp = await browser.context.newCDPSession(page);
    await page.goto(`${server.url}www/`);
    await trainUntilEvaluated(page);
    await drawDigit(page, DIGIT_STROKES[7]);
    await waitForPrediction(page);
    await chooseConfusionCell(page);
    await installPageChecks(page);
  });

  after(async () => {
    await browser?.context.close();
    await server?.close();
  });

  test('tab stops are named and show focus', (t) => checkTabStops(t, page, cdp, 'a11y'));

  test('text contrast meets WCAG AA', async (t) => {
    const checked = await checkTextContrast(t, page);
    assert.ok(checked > 200, `only ${checked} text elements were checked`);
  });

  test('controls and chart lines contrast 3:1', async () => {
    await openSections(page);
    const { checked, failures } = await page.evaluate(() => window.a11yChecks.nonTextContrastFailures());
    assert.ok(checked > 20, `only ${checked} controls and markers were checked`);
    assert.deepEqual(failures, [], `controls or chart lines below 3:1:\n${failures.join('\n')}`);
  });

  test('pad is named and clears by keyboard', async () => {
    const pad = await accessibleNode(cdp, "document.getElementById('pad')");
    assert.match(pad.name, /^Drawing pad/);
    assert.match(pad.description, /Escape/);
    assert.match(pad.description, /Delete/);
    // Drawing needs a pointer, so the description states that and names an alternative.
    assert.match(pad.description, /not the keyboard/);

    for (const key of ['Escape', 'Delete']) {
      await drawDigit(page, DIGIT_STROKES[1]);
      assert.notEqual((await waitForPrediction(page)).digit, undefined, 'the drawn 1 got no prediction');
      // Focus from the keyboard, as a keyboard user reaches the pad.
      await page.locator('#pad').focus();
      await page.keyboard.press(key);
      assert.equal((await waitForPrediction(page)).digit, undefined, `${key} left a prediction`);
      assert.equal(await inkedPixels(page), 0, `${key} left ink on the pad`);
      await page.waitForFunction(() => document.getElementById('announcer').textContent.includes('cleared'));
    }
  });

  test('chart legend switches work by keyboard', async () => {
    const trainingCurve = page.getByRole('switch', { name: 'training curve' }).first();
    assert.equal(await trainingCurve.getAttribute('aria-checked'), 'true');
    await trainingCurve.focus();
    await page.keyboard.press('Enter');
    assert.equal(await trainingCurve.getAttribute('aria-checked'), 'false');
    assert.match(await trainingCurve.locator('xpath=..').getAttribute('class'), /\bu-off\b/);
    await page.keyboard.press('Space');
    assert.equal(await trainingCurve.getAttribute('aria-checked'), 'true');
    // A click, uPlot's own way, updates the switch too.
    await trainingCurve.click();
    assert.equal(await trainingCurve.getAttribute('aria-checked'), 'false');
    await trainingCurve.click();
    assert.equal(await trainingCurve.getAttribute('aria-checked'), 'true');
  });

  test('images and canvases have names', async () => {
    const { count, missing } = await namedImages(page, cdp);
    // Pad, preview, two charts, weights, the chosen cell's thumbnails and the mistakes.
    assert.ok(count > 10, `only ${count} images and canvases were found`);
    assert.deepEqual(missing, [], `images or canvases without an accessible name:\n${missing.join('\n')}`);

    // The charts' names sum up their curves.
    const loss = await accessibleNode(cdp, "document.querySelector('#loss-chart .u-wrap')");
    assert.match(loss.name, /^Cross-entropy loss by epoch\. Training: from [\d.]+ at epoch [\d.]+ to [\d.]+ at epoch/);
    const accuracy = await accessibleNode(cdp, "document.querySelector('#accuracy-chart .u-wrap')");
    assert.match(accuracy.name, /Held-out: (from )?[\d.]+ % at epoch/);
  });

  test('heading levels do not skip', async () => {
    const headings = await page.evaluate(() =>
      [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
        .filter((heading) => !heading.closest('[hidden]'))
        .map((heading) => ({
          level: Number(heading.getAttribute('aria-level') ?? heading.tagName.slice(1)),
          text: heading.textContent.trim().replace(/\s+/g, ' ').slice(0, 50),
        })),
    );
    assert.equal(headings[0]?.level, 1, 'the first heading is not an h1');
    assert.equal(headings.filter((heading) => heading.level === 1).length, 1, 'the page has more than one h1');
    const skips = [];
    for (let i = 1; i < headings.length; i += 1) {
      if (headings[i].level > headings[i - 1].level + 1) {
        skips.push(`h${headings[i - 1].level} "${headings[i - 1].text}" → h${headings[i].level} "${headings[i].text}"`);
      }
    }
    assert.ok(headings.length > 10, `only ${headings.length} headings were found`);
    assert.deepEqual(skips, [], `heading levels skip:\n${skips.join('\n')}`);
  });

  test('live regions stay quiet while training', async () => {
    await page.getByRole('button', { name: 'Clear' }).click();
    // Let the "Pad cleared." announcement pass before watching.
    await delay(500);
    await page.evaluate(() => window.a11yChecks.watchLiveRegions());
    await page.getByRole('button', { name: 'Train' }).click();
    await delay(QUIET_TRAINING_MS);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Train' }).waitFor();
    // The evaluation after the pause.
    await delay(1000);
    const changes = await page.evaluate(() => window.a11yChecks.liveRegionChanges());
    const chatty = Object.entries(changes).filter(([, texts]) => texts.length > MAX_LIVE_REGION_CHANGES);
    assert.deepEqual(
      chatty.map(([region, texts]) => `${region}: ${texts.length} changes, such as "${texts.slice(0, 3).join('", "')}"`),
      [],
      `live regions announced more than ${MAX_LIVE_REGION_CHANGES} times in ${QUIET_TRAINING_MS / 1000} s of training`,
    );
    assert.match((changes['#status'] ?? []).join(' | '), /Training…/, 'training start was not announced');
    assert.match((changes['#status'] ?? []).join(' | '), /Paused at step/, 'the pause was not announced');
    assert.match((changes['#announcer'] ?? []).join(' | '), /Held-out accuracy/, 'no evaluation was announced');
  });

  test('reduced motion stops animations', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    // The summary's highlight only lasts 1.6 s after the first batch, so mark a cell as if
    // it had just been inferred.
    await page.evaluate(() => document.querySelector('#summary-body td').classList.add('just-inferred'));
    const { moving, unmatched } = await page.evaluate(() => window.a11yChecks.motionUnderReducedMotion());
    await page.evaluate(() => document.querySelector('#summary-body td').classList.remove('just-inferred'));
    await page.emulateMedia({ reducedMotion: null });
    assert.deepEqual(unmatched, [], `rules with motion that no element matched, so they were not checked:\n${unmatched.join('\n')}`);
    assert.deepEqual(moving, [], `elements that still move with reduced motion:\n${moving.join('\n')}`);
  });

  test('no foreign requests or console errors', () => {
    assert.deepEqual(browser.watched.foreignRequests, []);
    assert.deepEqual(browser.watched.consoleErrors, []);
    assert.deepEqual(browser.watched.pageErrors, []);
  });
});

describe('accessibility at phone width', () => {
  let server;
  let browser;
  let page;
  let cdp;

  before(async () => {
    assertBuilt();
    server = await startServer();
    browser = await openBrowser(server.url, { viewport: PHONE_VIEWPORT });
    page = browser.page;
    cdp = await browser.context.newCDPSession(page);
    await page.goto(`${server.url}www/`);
    await trainUntilEvaluated(page);
    await chooseConfusionCell(page);
    await installPageChecks(page);
  });

  after(async () => {
    await browser?.context.close();
    await server?.close();
  });

  test('tab stops are named and show focus', (t) => checkTabStops(t, page, cdp, 'a11y-phone'));

  test('text contrast meets WCAG AA', (t) => checkTextContrast(t, page));

  test('no foreign requests or console errors', () => {
    assert.deepEqual(browser.watched.foreignRequests, []);
    assert.deepEqual(browser.watched.consoleErrors, []);
    assert.deepEqual(browser.watched.pageErrors, []);
  });
});

// Trains until the first held-out evaluation has filled the confusion matrix, the mistakes
// and the first-layer weights, then pauses.
async function trainUntilEvaluated(page) {
  await waitForReady(page);
  await page.getByRole('button', { name: 'Train' }).click();
  await page.locator('table.confusion-matrix[data-step]').waitFor({ timeout: EVALUATION_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Train' }).waitFor();
  await page.waitForFunction(
    () =>
      document.querySelector('.confusion-matrix').dataset.step ===
        document.getElementById('stat-step').textContent.replace(/,/g, '') &&
      document.querySelectorAll('#mistakes .mistake').length > 0 &&
      document.getElementById('weights').dataset.step !== undefined,
  );
}

// Chooses the diagonal cell of class 3 by mouse, so its thumbnails are shown.
async function chooseConfusionCell(page) {
  await page.locator('.confusion-cell[data-true="3"][data-predicted="3"]').click();
  await page.waitForFunction(() => document.querySelectorAll('#confusion-detail canvas.thumbnail').length > 0);
}

async function openSections(page) {
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) {
      details.open = true;
    }
  });
  await settle(page);
}

// Returns Chromium's accessibility node for the element that `expression` evaluates to:
// { role, name, nameFrom, description }. `nameFrom` is the attribute or source that gave the
// name, such as aria-label, labelfor, contents or placeholder.
async function accessibleNode(cdp, expression) {
  const { result } = await cdp.send('Runtime.evaluate', { expression, objectGroup: 'a11y' });
  try {
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
      objectId: result.objectId,
      fetchRelatives: false,
    });
    const node = nodes[0] ?? {};
    const source = (node.name?.sources ?? []).find((candidate) => candidate.value && !candidate.superseded);
    return {
      role: node.role?.value ?? '',
      name: (node.name?.value ?? '').trim(),
      nameFrom: source?.attribute ?? source?.nativeSource ?? source?.type ?? '',
      description: (node.description?.value ?? '').trim(),
      ignored: node.ignored ?? false,
    };
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'a11y' });
  }
}

/**
 * Walks the tab order, checks every stop with assertTabStops and saves screenshots of the
 * focus on a confusion cell and on the pad, named after `prefix`.
 */
async function checkTabStops(t, page, cdp, prefix) {
  const stops = await walkTabOrder(page, cdp);
  t.diagnostic(`${stops.length} tab stops: ${stops.map((stop) => `${stop.role} "${stop.name}"`).join(' | ')}`);
  assertTabStops(stops);
  await saveFocusScreenshots(page, prefix);
}

/** Opens the collapsible sections, checks the contrast of every visible text and returns how many were checked. */
async function checkTextContrast(t, page) {
  await openSections(page);
  const { checked, lowest, failures } = await page.evaluate(() => window.a11yChecks.textContrastFailures());
  t.diagnostic(`${checked} texts checked; lowest: ${lowest.join('; ')}`);
  assert.deepEqual(failures, [], `text below WCAG AA contrast:\n${failures.join('\n')}`);
  return checked;
}

// Presses Tab from the top of the page until focus leaves the page or comes back to the first
// stop, opening each closed <details> with Enter on its summary on the way. Returns one
// record per stop: its element, accessible name and role, and its focus indicator's style
// focused and unfocused.
async function walkTabOrder(page, cdp) {
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    for (const details of document.querySelectorAll('details')) {
      details.open = false;
    }
    for (const element of document.querySelectorAll('[data-a11y-stop]')) {
      delete element.dataset.a11yStop;
    }
  });
  // A click on the heading sets the point where sequential focus navigation starts.
  await page.locator('h1').click();

  const stops = [];
  for (let index = 0; index < MAX_TAB_STOPS; index += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((i) => window.a11yChecks.recordFocus(i), index);
    if (stop.end) {
      if (index > 0) {
        stops[index - 1].unfocused = stop.previousUnfocused;
      }
      break;
    }
    if (index > 0) {
      stops[index - 1].unfocused = stop.previousUnfocused;
    }
    Object.assign(stop, await accessibleNode(cdp, 'document.activeElement'));
    stops.push(stop);
    if (stop.closedSummary) {
      await page.keyboard.press('Enter');
      stop.opened = await page.evaluate(() => document.activeElement.parentElement.open);
    }
  }
  assert.ok(stops.length < MAX_TAB_STOPS, `Tab did not leave the page after ${MAX_TAB_STOPS} presses`);
  return stops;
}

function assertTabStops(stops) {
  const unnamed = stops.filter((stop) => stop.name === '').map((stop) => `${stop.element} (role ${stop.role})`);
  assert.deepEqual(unnamed, [], `tab stops without an accessible name:\n${unnamed.join('\n')}`);

  // A placeholder disappears once the field has a value, and a title is only shown on hover,
  // so neither is a label.
  const weaklyNamed = stops
    .filter((stop) => ['placeholder', 'title'].includes(stop.nameFrom))
    .map((stop) => `${stop.element} "${stop.name}" from its ${stop.nameFrom}`);
  assert.deepEqual(weaklyNamed, [], `tab stops named only by a placeholder or title:\n${weaklyNamed.join('\n')}`);

  const invisible = stops.filter((stop) => !stop.visible).map((stop) => `${stop.element} "${stop.name}"`);
  assert.deepEqual(invisible, [], `tab stops that are not visible on screen:\n${invisible.join('\n')}`);

  const noIndicator = [];
  const faintIndicator = [];
  for (const stop of stops) {
    const { focused, unfocused } = stop;
    const outlineShown = focused.outlineStyle !== 'none' && focused.outlineWidth >= 2;
    const changed =
      focused.outline !== unfocused?.outline || focused.boxShadow !== unfocused?.boxShadow;
    if (!changed || !(outlineShown || focused.boxShadow !== 'none')) {
      noIndicator.push(`${stop.element} "${stop.name}": ${focused.outline}, box-shadow ${focused.boxShadow}`);
    } else if (outlineShown && focused.ringContrast < NON_TEXT_CONTRAST) {
      faintIndicator.push(`${stop.element} "${stop.name}": ${focused.ringContrast.toFixed(2)}:1 (${focused.ringColors})`);
    }
  }
  assert.deepEqual(noIndicator, [], `tab stops without a visible focus indicator:\n${noIndicator.join('\n')}`);
  assert.deepEqual(faintIndicator, [], `focus indicators below 3:1 against the background:\n${faintIndicator.join('\n')}`);

  const clipped = stops.filter((stop) => stop.clippedBy).map((stop) => `${stop.element} "${stop.name}" by ${stop.clippedBy}`);
  assert.deepEqual(clipped, [], `focus outlines cut off by an ancestor's overflow:\n${clipped.join('\n')}`);

  const unopened = stops.filter((stop) => stop.closedSummary && !stop.opened).map((stop) => stop.name);
  assert.deepEqual(unopened, [], 'Enter did not open these sections');

  // The main controls come in this order, and other stops may come between them.
  const names = stops.map((stop) => stop.name);
  let position = 0;
  for (const expected of MAIN_CONTROLS) {
    const found = names.findIndex((name, i) => i >= position && name.startsWith(expected));
    assert.ok(found >= 0, `Tab does not reach "${expected}" after "${names[position - 1]}"; order: ${names.join(' | ')}`);
    position = found + 1;
  }
}

// Saves screenshots with keyboard focus on the chosen confusion cell and on the pad.
async function saveFocusScreenshots(page, prefix) {
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.locator('.confusion-cell[tabindex="0"]').focus();
  await page.keyboard.press('ArrowRight');
  await settle(page);
  await page.locator('#held-out-heading').locator('..').screenshot({ path: join(RESULTS_DIR, `${prefix}-cell.png`) });
  await page.locator('#clear').focus();
  await page.keyboard.press('Shift+Tab');
  await settle(page);
  await page.locator('.drawing').screenshot({ path: join(RESULTS_DIR, `${prefix}-pad.png`) });
}

// Counts the pad's pixels that are not white.
function inkedPixels(page) {
  return page.evaluate(() => {
    const pad = document.getElementById('pad');
    const { data } = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) {
        inked += 1;
      }
    }
    return inked;
  });
}

// Checks every visible img, canvas, svg and role="img" element outside aria-hidden subtrees.
// Children of a role="img" element are part of that image, so they take its name.
async function namedImages(page, cdp) {
  const count = await page.evaluate(() => {
    const images = [...document.querySelectorAll('img, canvas, svg, [role="img"]')].filter(
      (element) =>
        element.checkVisibility({ visibilityProperty: true }) && !element.closest('[aria-hidden="true"]'),
    );
    images.forEach((element, index) => {
      element.dataset.a11yImage = String(index);
    });
    return images.length;
  });
  const missing = [];
  for (let index = 0; index < count; index += 1) {
    const selector = `[data-a11y-image="${index}"]`;
    const node = await accessibleNode(
      cdp,
      `(() => { const image = document.querySelector('${selector}'); ` +
        `return image.parentElement.closest('[role="img"]') ?? image; })()`,
    );
    if (node.name === '') {
      missing.push(await page.evaluate((s) => window.a11yChecks.describe(document.querySelector(s)), selector));
    }
  }
  return { count, missing };
}

// Defines window.a11yChecks, the checks that run inside the page.
async function installPageChecks(page) {
  await page.evaluate(() => {
    const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

    // Returns a CSS colour as [r, g, b, alpha] with channels 0 to 255 and alpha 0 to 1.
    function parseColor(text) {
      const match = /^rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\)$/.exec(text);
      if (match) {
        const alpha = match[4] === undefined ? 1 : match[4].endsWith('%') ? parseFloat(match[4]) / 100 : Number(match[4]);
        return [Number(match[1]), Number(match[2]), Number(match[3]), alpha];
      }
      // Other notations (color(), oklch()) are converted by drawing one pixel.
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = text;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255];
    }

    // Composites `top` over the opaque colour `bottom`.
    function over(top, bottom) {
      const alpha = top[3];
      return [0, 1, 2].map((i) => top[i] * alpha + bottom[i] * (1 - alpha)).concat(1);
    }

    // Relative luminance, as WCAG 2 defines it.
    function luminance([r, g, b]) {
      const [lr, lg, lb] = [r, g, b].map((channel) => {
        const c = channel / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    }

    function contrast(a, b) {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (light + 0.05) / (dark + 0.05);
    }

    function formatColor([r, g, b]) {
      return `rgb(${[r, g, b].map(Math.round).join(', ')})`;
    }

    function describe(element) {
      const id = element.id ? `#${element.id}` : '';
      const classes = [...element.classList].map((name) => `.${name}`).join('');
      const data = ['true', 'predicted', 'index']
        .filter((key) => element.dataset[key] !== undefined)
        .map((key) => `[data-${key}="${element.dataset[key]}"]`)
        .join('');
      const section = element.closest('section')?.querySelector('h2')?.textContent;
      const where = section ? ` in ${section}` : '';
      return `${element.tagName.toLowerCase()}${id}${classes}${data}${where}`;
    }

    // The colour behind `element`: the background colours of it and its ancestors up to the
    // first opaque one, composited over white. `unknown` names an ancestor with a background
    // image, whose colour behind the text cannot be read from styles. With `throughImages`
    // such images are skipped instead, as for the thin grid lines of a bar's track.
    function effectiveBackground(element, { throughImages = false } = {}) {
      const layers = [];
      for (let node = element; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.backgroundImage !== 'none' && !throughImages) {
          return { unknown: describe(node) };
        }
        const color = parseColor(style.backgroundColor);
        if (color[3] > 0) {
          layers.push(color);
        }
        if (color[3] >= 1) {
          break;
        }
      }
      let color = [255, 255, 255, 1];
      for (const layer of layers.reverse()) {
        color = over(layer, color);
      }
      return { color };
    }

    // Product of the opacities of `element` and its ancestors.
    // NOTE: applying it to the text colour alone assumes the translucent ancestor has no
    // opaque background of its own, which holds on this page.
    function cumulativeOpacity(element) {
      let opacity = 1;
      for (let node = element; node; node = node.parentElement) {
        opacity *= Number(getComputedStyle(node).opacity);
      }
      return opacity;
    }

    // Whether `element` is shown: it has a box, is not hidden, transparent or clipped away as
    // .visually-hidden text is.
    function isShown(element) {
      if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) {
        return false;
      }
      const box = element.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) {
        return false;
      }
      for (let node = element; node; node = node.parentElement) {
        if (getComputedStyle(node).clip === 'rect(0px, 0px, 0px, 0px)') {
          return false;
        }
      }
      return true;
    }

    // WCAG exempts inactive controls: disabled ones and the labels that stand for them.
    function isInactive(element) {
      if (element.closest(':disabled')) {
        return true;
      }
      const label = element.closest('label');
      return Boolean(label?.control?.disabled);
    }

    // Measures the contrast of text in `colorText` drawn in `element`. Returns
    // { ratio, required, message }, with ratio null when the background cannot be read.
    function measureText(element, colorText, what) {
      const background = effectiveBackground(element);
      if (background.unknown) {
        const message = `${describe(element)} ${what}: on a background image (${background.unknown}); check it by hand`;
        return { ratio: null, required: TEXT_CONTRAST, message };
      }
      const style = getComputedStyle(element);
      const color = parseColor(colorText);
      color[3] *= cumulativeOpacity(element);
      const foreground = over(color, background.color);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const required = large ? LARGE_TEXT_CONTRAST : TEXT_CONTRAST;
      const ratio = contrast(foreground, background.color);
      const message =
        `${describe(element)} ${what}: ${ratio.toFixed(2)}:1, needs ${required}:1 ` +
        `(${formatColor(foreground)} on ${formatColor(background.color)})`;
      return { ratio, required, message };
    }

    const LARGE_TEXT_CONTRAST = 3;
    const TEXT_CONTRAST = 4.5;
    const NON_TEXT_CONTRAST = 3;

    // Checks every element with its own visible text, and the values and placeholders of
    // text fields and selects. `lowest` lists the five lowest ratios found.
    function textContrastFailures() {
      const results = [];
      const elements = new Set();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        if (walker.currentNode.data.trim() !== '') {
          elements.add(walker.currentNode.parentElement);
        }
      }
      for (const element of elements) {
        if (element.closest('option, script, style') || !isShown(element) || isInactive(element)) {
          continue;
        }
        const text = element.textContent.trim().replace(/\s+/g, ' ').slice(0, 40);
        results.push(measureText(element, getComputedStyle(element).color, `"${text}"`));
      }
      const fields = document.querySelectorAll(
        'input:not([type="checkbox"], [type="radio"], [type="file"], [type="hidden"]), select, textarea',
      );
      for (const field of fields) {
        if (!isShown(field) || field.disabled) {
          continue;
        }
        if (field.value === '' && field.placeholder) {
          const placeholder = getComputedStyle(field, '::placeholder');
          const color = parseColor(placeholder.color);
          color[3] *= Number(placeholder.opacity);
          results.push(measureText(field, `rgba(${color.join(', ')})`, `placeholder "${field.placeholder}"`));
        } else {
          results.push(measureText(field, getComputedStyle(field).color, 'value'));
        }
      }
      const failures = results
        .filter(({ ratio, required }) => ratio === null || ratio < required)
        .map(({ message }) => message);
      const lowest = results
        .filter(({ ratio }) => ratio !== null)
        .sort((a, b) => a.ratio - b.ratio)
        .slice(0, 5)
        .map(({ message }) => message);
      return { checked: results.length, lowest, failures };
    }

    // Checks that each control's boundary (its border, or else its own background), each
    // chart legend marker (the line colour) and each bar's fill contrast 3:1 with the
    // background around them.
    function nonTextContrastFailures() {
      const failures = [];
      let checked = 0;
      const controls = document.querySelectorAll(
        'button:not(.confusion-cell), input:not([type="checkbox"], [type="radio"], [type="file"], [type="hidden"]), ' +
          'select, .file-button, #pad, .u-legend .u-marker, .bar-fill, .mistake-fill, .log-fill',
      );
      for (const control of controls) {
        // A bar of a probability near 0 is too thin to see, but its colour is the same as
        // that of a longer bar, so bars count whatever their length.
        const isBar = control.matches('.bar-fill, .mistake-fill, .log-fill');
        const shown = isBar ? control.checkVisibility({ visibilityProperty: true }) : isShown(control);
        if (!shown || isInactive(control)) {
          continue;
        }
        checked += 1;
        const style = getComputedStyle(control);
        // NOTE: the log bars' tracks draw 1 px decade lines (#c5ccd3) as a background image,
        // which this skips. The bar colours reach 3.7:1 against those lines too.
        const around = effectiveBackground(control.parentElement, { throughImages: true });
        if (around.unknown) {
          failures.push(`${describe(control)}: on a background image (${around.unknown}); check it by hand`);
          continue;
        }
        const border = over(parseColor(style.borderTopColor), around.color);
        const hasBorder = style.borderTopStyle !== 'none' && parseFloat(style.borderTopWidth) > 0;
        const borderRatio = hasBorder ? contrast(border, around.color) : 1;
        const fill = over(parseColor(style.backgroundColor), around.color);
        const fillRatio = style.backgroundImage === 'none' ? contrast(fill, around.color) : 1;
        if (Math.max(borderRatio, fillRatio) < NON_TEXT_CONTRAST) {
          failures.push(
            `${describe(control)}: ` +
              `${hasBorder ? `border ${borderRatio.toFixed(2)}:1 (${formatColor(border)})` : 'no border'}, ` +
              `fill ${fillRatio.toFixed(2)}:1 (${formatColor(fill)}) on ${formatColor(around.color)}`,
          );
        }
      }
      return { checked, failures };
    }

    // The element that shows focus for `element`: a file input is invisible and its label
    // looks like a button.
    function indicatorOf(element) {
      if (element.matches('input[type="file"]') && element.labels.length > 0) {
        return element.labels[0];
      }
      return element;
    }

    function ringStyle(element) {
      const indicator = indicatorOf(element);
      const style = getComputedStyle(indicator);
      // The outline lies outside the element, over its parent's background.
      const around = effectiveBackground(indicator.parentElement).color ?? [255, 255, 255, 1];
      const ringColor = over(parseColor(style.outlineColor), around);
      return {
        outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} offset ${style.outlineOffset}`,
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        boxShadow: style.boxShadow,
        ringContrast: contrast(ringColor, around),
        ringColors: `${formatColor(ringColor)} on ${formatColor(around)}`,
      };
    }

    // Records the focused element as tab stop `index`, with the style of the previous stop's
    // indicator now that it has lost focus. `end` is true once focus has left the page or
    // come back to a stop already seen.
    function recordFocus(index) {
      const previous = document.querySelector(`[data-a11y-stop="${index - 1}"]`);
      const previousUnfocused = previous ? ringStyle(previous) : null;
      const element = document.activeElement;
      if (!element || element === document.body || element.dataset.a11yStop !== undefined) {
        return { end: true, previousUnfocused };
      }
      element.dataset.a11yStop = String(index);
      const indicator = indicatorOf(element);
      const box = indicator.getBoundingClientRect();
      return {
        end: false,
        previousUnfocused,
        element: describe(element),
        visible: indicator.checkVisibility({ visibilityProperty: true }) && box.width >= 4 && box.height >= 4,
        focused: ringStyle(element),
        clippedBy: ringClippedBy(indicator),
        closedSummary: element.matches('details:not([open]) > summary'),
      };
    }

    // Returns the ancestor that cuts off part of the focus outline of `indicator`, as
    // overflow: hidden, auto or clip do, or null when the whole outline shows.
    function ringClippedBy(indicator) {
      const style = getComputedStyle(indicator);
      if (style.outlineStyle === 'none') {
        return null;
      }
      const extent = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
      const box = indicator.getBoundingClientRect();
      const ring = {
        left: box.left - extent,
        top: box.top - extent,
        right: box.right + extent,
        bottom: box.bottom + extent,
      };
      for (let node = indicator.parentElement; node && node !== document.body; node = node.parentElement) {
        const clip = getComputedStyle(node);
        if (clip.overflowX === 'visible' && clip.overflowY === 'visible') {
          continue;
        }
        // overflow: clip may paint past the padding box by overflow-clip-margin.
        const margin = clip.overflowX === 'clip' ? parseFloat(clip.overflowClipMargin) || 0 : 0;
        const outer = node.getBoundingClientRect();
        const left = outer.left + node.clientLeft - margin;
        const top = outer.top + node.clientTop - margin;
        const right = outer.left + node.clientLeft + node.clientWidth + margin;
        const bottom = outer.top + node.clientTop + node.clientHeight + margin;
        const tolerance = 0.5;
        if (
          ring.left < left - tolerance ||
          ring.top < top - tolerance ||
          ring.right > right + tolerance ||
          ring.bottom > bottom + tolerance
        ) {
          return describe(node);
        }
      }
      return null;
    }

    // Starts recording the text of every live region each time it changes to a text that is
    // not empty. Emptying a region announces nothing.
    function watchLiveRegions() {
      const regions = document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"], output');
      window.a11yLiveChanges = {};
      for (const region of regions) {
        const key = region.id ? `#${region.id}` : describe(region);
        const texts = [];
        window.a11yLiveChanges[key] = texts;
        let last = region.textContent;
        new MutationObserver(() => {
          if (region.textContent !== last) {
            last = region.textContent;
            if (last.trim() !== '') {
              texts.push(last.trim().slice(0, 80));
            }
          }
        }).observe(region, { childList: true, subtree: true, characterData: true });
      }
    }

    function liveRegionChanges() {
      return Object.fromEntries(Object.entries(window.a11yLiveChanges).filter(([, texts]) => texts.length > 0));
    }

    // Style rules that animate or transition (inside any media query), and the elements
    // they match that still move. Call it with reduced motion emulated.
    function motionUnderReducedMotion() {
      const moving = [];
      const unmatched = [];
      const seconds = (list) => Math.max(...list.split(',').map((value) => parseFloat(value)));
      const visit = (rules) => {
        for (const rule of rules) {
          if (rule.cssRules && !(rule instanceof CSSStyleRule)) {
            visit(rule.cssRules);
            continue;
          }
          if (!(rule instanceof CSSStyleRule)) {
            continue;
          }
          const { style } = rule;
          const animates = style.animationName && style.animationName !== 'none';
          const transitions = style.transitionDuration && seconds(style.transitionDuration) > 0;
          if (!animates && !transitions) {
            continue;
          }
          const elements = document.querySelectorAll(rule.selectorText);
          if (elements.length === 0) {
            unmatched.push(rule.selectorText);
          }
          for (const element of elements) {
            const computed = getComputedStyle(element);
            const stillAnimates = computed.animationName !== 'none' && seconds(computed.animationDuration) > 0.01;
            const stillTransitions = seconds(computed.transitionDuration) > 0.01;
            if (stillAnimates || stillTransitions) {
              moving.push(`${describe(element)} (rule ${rule.selectorText})`);
            }
          }
        }
      };
      for (const sheet of document.styleSheets) {
        visit(sheet.cssRules);
      }
      return { moving: [...new Set(moving)], unmatched };
    }

    window.a11yChecks = {
      describe,
      textContrastFailures,
      nonTextContrastFailures,
      recordFocus,
      watchLiveRegions,
      liveRegionChanges,
      motionUnderReducedMotion,
    };
  });
}
