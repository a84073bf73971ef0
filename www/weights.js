// Incoming weights of the first dense layer's units, each drawn as an image of the network's
// input: red where ink raises the unit's input, blue where it lowers it, white near zero.
// The worker sends a page of units now and then while training.

import { announce } from './announce.js';
import { cssColor, mix } from './images.js';
import { createPager, keepFocusInPager } from './pager.js';

// Units per page, and tiles per row of the picture.
export const WEIGHTS_PAGE_SIZE = 64;
const COLUMNS = 8;
// Backing pixels between tiles. CSS scales them up with the tiles.
const GAP = 2;
const NEGATIVE_COLOR = [33, 102, 172];
const ZERO_COLOR = [255, 255, 255];
const POSITIVE_COLOR = [178, 24, 43];
// Colour of the gaps between tiles: the panel's white, so that they do not read as weights
// near zero.
const GAP_COLOR = [255, 255, 255];
// Share of the page's weights whose magnitude is below full colour. A few large weights
// would otherwise wash out every other tile, so the largest 0.1 % show at full colour.
const SCALE_QUANTILE = 0.999;

const integer = new Intl.NumberFormat('en-US');

/**
 * Builds the view in `container`. `requestPage(offset, count)` requests the weights of
 * `count` units from unit `offset` from the worker. Returns { show(weights), clear(), refresh() }.
 */
export function createWeightsView(container, { requestPage }) {
  const caption = document.createElement('p');
  caption.className = 'inside-caption';
  const canvas = document.createElement('canvas');
  canvas.className = 'weights-canvas';
  canvas.setAttribute('role', 'img');
  const legend = createLegend();
  const { controls, previous, next } = createPager('units');
  container.append(caption, canvas, legend.element, controls);
  const context = canvas.getContext('2d');

  // First unit of the page shown, and the layer's width once known.
  let offset = 0;
  let units = null;
  // Previous or Next requested a page, whose caption is announced when it arrives. The
  // caption is not a live region because it changes every 1.5 s while training.
  let pageRequested = false;

  previous.addEventListener('click', () => goTo(offset - WEIGHTS_PAGE_SIZE));
  next.addEventListener('click', () => goTo(offset + WEIGHTS_PAGE_SIZE));

  function goTo(requested) {
    offset = Math.max(0, Math.min(requested, units === null ? 0 : units - 1));
    offset -= offset % WEIGHTS_PAGE_SIZE;
    updateControls();
    pageRequested = true;
    requestPage(offset, WEIGHTS_PAGE_SIZE);
  }

  // Requests the page shown again, for a new model or one that has just built its weights.
  function refresh() {
    requestPage(offset, WEIGHTS_PAGE_SIZE);
  }

  function clear() {
    offset = 0;
    units = null;
    pageRequested = false;
    canvas.hidden = true;
    legend.element.hidden = true;
    controls.hidden = true;
    caption.textContent = 'The weights appear once the first batch has built them: press Train.';
    delete container.dataset.step;
    delete container.dataset.offset;
  }

  function updateControls() {
    controls.hidden = units === null || units <= WEIGHTS_PAGE_SIZE;
    keepFocusInPager(previous, next, () => {
      previous.disabled = offset === 0;
      next.disabled = units === null || offset + WEIGHTS_PAGE_SIZE >= units;
    });
  }

  // Draws a `weights` message from the worker.
  function show(message) {
    if (message.units === null) {
      clear();
      return;
    }
    units = message.units;
    offset = message.offset;
    const { inputs, side, weights, step } = message;
    const count = weights.length / inputs;
    updateControls();

    const largest = magnitudeQuantile(weights, SCALE_QUANTILE);
    draw(weights, count, side, largest);
    legend.update(largest);

    const last = offset + count;
    caption.textContent =
      `Units ${integer.format(offset + 1)}–${integer.format(last)} of ${integer.format(units)}, ` +
      `each with ${integer.format(inputs)} weights drawn as a ${side} × ${side} image, at step ${integer.format(step)}.`;
    canvas.setAttribute(
      'aria-label',
      `Incoming weights of units ${offset + 1} to ${last} of the first dense layer at step ${step}: ` +
        `red where ink raises the unit’s input, blue where it lowers it, full colour from ±${largest.toPrecision(2)}.`,
    );
    canvas.hidden = false;
    legend.element.hidden = false;
    container.dataset.step = String(step);
    container.dataset.offset = String(offset);
    if (pageRequested) {
      pageRequested = false;
      announce(caption.textContent);
    }
  }

  // Draws `count` tiles of side × side weights, COLUMNS per row, with colours scaled so that
  // ±`largest` and beyond is full blue or red.
  function draw(weights, count, side, largest) {
    const rows = Math.ceil(count / COLUMNS);
    const columns = Math.min(COLUMNS, count);
    const width = columns * (side + GAP) - GAP;
    const height = rows * (side + GAP) - GAP;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    // The CSS width keeps tiles the same size on screen whatever the input size.
    canvas.style.setProperty('--columns', String(columns));
    canvas.style.aspectRatio = `${width} / ${height}`;

    const image = context.createImageData(width, height);
    fillGaps(image, GAP_COLOR);
    const scale = largest > 0 ? 1 / largest : 0;
    for (let unit = 0; unit < count; unit += 1) {
      const left = (unit % COLUMNS) * (side + GAP);
      const top = Math.floor(unit / COLUMNS) * (side + GAP);
      for (let y = 0; y < side; y += 1) {
        for (let x = 0; x < side; x += 1) {
          const value = Math.max(-1, Math.min(1, weights[unit * side * side + y * side + x] * scale));
          const color = value < 0 ? mix(ZERO_COLOR, NEGATIVE_COLOR, -value) : mix(ZERO_COLOR, POSITIVE_COLOR, value);
          const pixel = 4 * ((top + y) * width + left + x);
          image.data[pixel] = color[0];
          image.data[pixel + 1] = color[1];
          image.data[pixel + 2] = color[2];
        }
      }
    }
    context.putImageData(image, 0, 0);
  }

  clear();
  return { show, clear, refresh };
}

// Returns the `quantile` (0 to 1) of the magnitudes of `values`.
function magnitudeQuantile(values, quantile) {
  const magnitudes = Float32Array.from(values, Math.abs).sort();
  if (magnitudes.length === 0) {
    return 0;
  }
  return magnitudes[Math.min(magnitudes.length - 1, Math.floor(quantile * magnitudes.length))];
}

// Paints every pixel of `image` in `color`. The tiles are drawn over it afterwards.
function fillGaps(image, color) {
  for (let pixel = 0; pixel < image.data.length; pixel += 4) {
    image.data[pixel] = color[0];
    image.data[pixel + 1] = color[1];
    image.data[pixel + 2] = color[2];
    image.data[pixel + 3] = 255;
  }
}

// A colour bar from −largest (blue) through 0 (white) to +largest (red).
function createLegend() {
  const element = document.createElement('div');
  element.className = 'weights-legend';
  const bar = document.createElement('span');
  bar.className = 'weights-legend-bar';
  bar.style.background =
    `linear-gradient(to right, ${cssColor(NEGATIVE_COLOR)}, ${cssColor(ZERO_COLOR)}, ` +
    `${cssColor(POSITIVE_COLOR)})`;
  const low = document.createElement('span');
  const zero = document.createElement('span');
  zero.textContent = '0';
  const high = document.createElement('span');
  const labels = document.createElement('span');
  labels.className = 'weights-legend-labels';
  labels.append(low, zero, high);
  element.append(bar, labels);
  element.setAttribute('aria-hidden', 'true');

  function update(largest) {
    const text = largest.toPrecision(2);
    low.textContent = `≤ −${text}`;
    high.textContent = `≥ +${text}`;
  }
  return { element, update };
}
