// Page actions shared by the page tests and the scripts that drive the page: digit strokes
// drawn with the mouse, waiting for a prediction, and waiting for a held-out accuracy.

import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';

// Digit shapes as polylines in pad-relative coordinates (0 to 1 across and down).
function ellipse(cx, cy, rx, ry, points) {
  const outline = [];
  // Start at the top and go a little past a full turn, as a hand closing a 0 does.
  for (let i = 0; i <= points; i += 1) {
    const angle = (i / points) * 2.1 * Math.PI;
    outline.push([cx - rx * Math.sin(angle), cy - ry * Math.cos(angle)]);
  }
  return outline;
}

export const DIGIT_STROKES = {
  1: [[[0.53, 0.17], [0.5, 0.5], [0.47, 0.83]]],
  0: [ellipse(0.5, 0.5, 0.2, 0.31, 48)],
  7: [[[0.27, 0.2], [0.73, 0.2], [0.58, 0.5], [0.45, 0.84]]],
};

/** Draws `strokes` on the pad with mouse events, one press per stroke and many moves. */
export async function drawDigit(page, strokes) {
  // Mouse events only reach what is inside the viewport.
  const pad = page.locator('#pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const toPage = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];

  for (const stroke of strokes) {
    const points = interpolate(stroke, 0.01);
    await page.mouse.move(...toPage(points[0]));
    await page.mouse.down();
    for (const point of points.slice(1)) {
      await page.mouse.move(...toPage(point));
    }
    await page.mouse.up();
  }
}

// Returns the polyline `points` with extra points so consecutive points are at most
// `spacing` apart.
function interpolate(points, spacing) {
  const result = [points[0]];
  for (let i = 1; i < points.length; i += 1) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const count = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / spacing));
    for (let j = 1; j <= count; j += 1) {
      result.push([x0 + ((x1 - x0) * j) / count, y0 + ((y1 - y0) * j) / count]);
    }
  }
  return result;
}

/**
 * Waits until the shown prediction belongs to the pad's current drawing and returns the
 * predicted digit (undefined for an empty pad) and the ten probability texts.
 */
export async function waitForPrediction(page) {
  await page.waitForFunction(
    () =>
      document.getElementById('predicted-digit').dataset.revision ===
      document.getElementById('pad').dataset.revision,
    null,
    { timeout: 10_000 },
  );
  return page.evaluate(() => ({
    digit: document.getElementById('predicted-digit').dataset.digit,
    bars: [...document.querySelectorAll('#probabilities li')].map(
      (item) => `${item.querySelector('.bar-label').textContent}: ${item.querySelector('.bar-value').textContent}`,
    ),
  }));
}

/**
 * Polls the page until the held-out accuracy reaches `target`, failing early if the page
 * shows an error. Returns the accuracy and step at that point.
 */
export async function waitForHeldOutAccuracy(page, target, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let state;
  while (Date.now() < deadline) {
    state = await page.evaluate(() => {
      const error = document.getElementById('error');
      return {
        accuracy: document.getElementById('stat-accuracy').dataset.accuracy ?? null,
        step: document.getElementById('stat-step').textContent,
        error: error.hidden ? '' : error.textContent,
      };
    });
    assert.equal(state.error, '', `the page shows an error while training: ${state.error}`);
    if (state.accuracy !== null && Number(state.accuracy) >= target) {
      return state;
    }
    await delay(500);
  }
  assert.fail(
    `held-out accuracy was ${state?.accuracy ?? 'not reported'} at step ${state?.step} ` +
      `after ${timeoutMs / 1000} s; expected at least ${target}`,
  );
}
