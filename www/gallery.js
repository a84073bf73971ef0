// Gallery of the held-out images the model gets wrong, most confident mistakes first, a page
// at a time. Each shows the true and predicted class and the three highest probabilities.

import { announce } from './announce.js';
import { classNames } from './classes.js';
import { createPager, keepFocusInPager } from './pager.js';
import { createThumbnail } from './images.js';

const CLASSES = 10;
// Mistakes per page.
export const GALLERY_PAGE_SIZE = 24;
// Probabilities listed per mistake.
const TOP_CLASSES = 3;

const integer = new Intl.NumberFormat('en-US');

/**
 * Builds the gallery in `container`. `requestImages(indices)` resolves to
 * { side, pixels, labels } for held-out images. Returns { show(heldOut), clear() }.
 */
export function createGallery(container, { requestImages }) {
  // The caption is no live region, because each evaluation while training rewrites it.
  // turnPage() announces it when the user changes the page.
  const caption = document.createElement('p');
  caption.className = 'inside-caption';
  const list = document.createElement('ol');
  list.className = 'mistakes';
  const { controls, previous, next } = createPager('mistakes');
  container.append(caption, list, controls);

  // Latest held-out results, their mistakes as indices sorted by the predicted class's
  // probability (highest first), the page shown and a counter that makes image replies
  // for an older page or evaluation stale.
  let heldOut = null;
  let mistakes = [];
  let page = 0;
  let generation = 0;

  previous.addEventListener('click', () => turnPage(page - 1));
  next.addEventListener('click', () => turnPage(page + 1));
  document.addEventListener('classnameschange', () => {
    if (heldOut) {
      showPage(page);
    }
  });

  function clear() {
    heldOut = null;
    mistakes = [];
    page = 0;
    generation += 1;
    list.replaceChildren();
    caption.textContent = 'Mistakes appear after the first held-out evaluation.';
    controls.hidden = true;
    delete container.dataset.page;
    delete container.dataset.total;
  }

  // Shows the mistakes of a `heldOut` message from the worker, staying on the same page if
  // it still exists.
  function show(message) {
    heldOut = message;
    const { labels, predicted, probabilities } = message;
    mistakes = [];
    for (let i = 0; i < labels.length; i += 1) {
      if (labels[i] !== predicted[i]) {
        mistakes.push(i);
      }
    }
    const confidence = (index) => probabilities[index * CLASSES + predicted[index]];
    mistakes.sort((a, b) => confidence(b) - confidence(a));
    showPage(page);
  }

  // Shows page `requested` for the Previous and Next buttons, and announces its caption.
  function turnPage(requested) {
    showPage(requested);
    // showPage writes the caption before it waits for the images.
    announce(caption.textContent);
  }

  async function showPage(requested) {
    const pages = Math.max(1, Math.ceil(mistakes.length / GALLERY_PAGE_SIZE));
    page = Math.min(Math.max(0, requested), pages - 1);
    container.dataset.page = String(page);
    container.dataset.total = String(mistakes.length);
    controls.hidden = mistakes.length <= GALLERY_PAGE_SIZE;
    keepFocusInPager(previous, next, () => {
      previous.disabled = page === 0;
      next.disabled = page === pages - 1;
    });

    const total = heldOut.labels.length;
    if (mistakes.length === 0) {
      caption.textContent = `No mistakes: the model classifies all ${integer.format(total)} held-out images correctly.`;
      list.replaceChildren();
      return;
    }
    const first = page * GALLERY_PAGE_SIZE;
    const indices = mistakes.slice(first, first + GALLERY_PAGE_SIZE);
    caption.textContent =
      `${integer.format(mistakes.length)} of ${integer.format(total)} held-out images are ` +
      `misclassified. Showing ${first + 1}–${first + indices.length}, most confident mistakes first.`;

    generation += 1;
    const request = generation;
    const { labels, predicted, probabilities } = heldOut;
    let images;
    try {
      images = await requestImages(indices);
    } catch (error) {
      if (request === generation) {
        caption.textContent = `The mistakes could not be loaded: ${error.message}`;
      }
      return;
    }
    if (request !== generation) {
      return;
    }
    const names = classNames();
    const items = indices.map((index, position) =>
      createItem(names, images, position, index, labels[index], predicted[index], probabilities),
    );
    list.replaceChildren(...items);
  }

  clear();
  return { show, clear };
}

// One mistake: the image, its true and predicted class, and the highest probabilities.
function createItem(names, images, position, index, label, prediction, probabilities) {
  const item = document.createElement('li');
  item.className = 'mistake';
  item.dataset.index = String(index);
  item.dataset.true = String(label);
  item.dataset.predicted = String(prediction);

  const thumbnail = createThumbnail(
    images.pixels,
    position,
    images.side,
    `Held-out image ${index + 1}: true ${names[label]}, predicted ${names[prediction]}`,
  );
  const classes = document.createElement('p');
  classes.className = 'mistake-classes';
  const truth = document.createElement('span');
  truth.textContent = `True ${names[label]}`;
  const guess = document.createElement('span');
  guess.className = 'mistake-predicted';
  guess.textContent = `Predicted ${names[prediction]}`;
  classes.append(truth, guess);

  const top = topClasses(probabilities, index);
  const bars = document.createElement('ul');
  bars.className = 'mistake-probabilities';
  bars.setAttribute('aria-label', 'Highest probabilities');
  for (const { classIndex, probability } of top) {
    const row = document.createElement('li');
    row.classList.toggle('is-true', classIndex === label);
    const name = document.createElement('span');
    name.className = 'mistake-name';
    name.textContent = names[classIndex];
    const track = document.createElement('span');
    track.className = 'mistake-track';
    const fill = document.createElement('span');
    fill.className = 'mistake-fill';
    fill.style.width = `${probability * 100}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'mistake-value';
    value.textContent = `${(probability * 100).toFixed(0)} %`;
    row.append(name, track, value);
    bars.append(row);
  }

  item.append(thumbnail, classes, bars);
  return item;
}

// Returns the TOP_CLASSES most probable classes of image `index`, highest first.
function topClasses(probabilities, index) {
  const classes = Array.from({ length: CLASSES }, (_, classIndex) => ({
    classIndex,
    probability: probabilities[index * CLASSES + classIndex],
  }));
  classes.sort((a, b) => b.probability - a.probability);
  return classes.slice(0, TOP_CLASSES);
}
