// Shows one prediction: ten probability bars, the predicted class, and the image the network
// received, inputSize × inputSize pixels. Classes are shown by the names in classes.js.

import { classNames, classSet } from './classes.js';

const DIGITS = 10;

/**
 * Builds the bars inside `list` (an <ol>) and returns functions that show a prediction or
 * an empty pad. The `digit` element shows the most likely digit. `preview` is a canvas with
 * one backing pixel per network input, scaled up by CSS, and `caption` names its size.
 */
export function createPredictionView({ list, digit, preview, caption }) {
  const rows = [];
  for (let d = 0; d < DIGITS; d += 1) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    const track = document.createElement('span');
    const fill = document.createElement('span');
    const value = document.createElement('span');
    label.className = 'bar-label';
    track.className = 'bar-track';
    fill.className = 'bar-fill';
    value.className = 'bar-value';
    track.append(fill);
    item.append(label, track, value);
    list.append(item);
    rows.push({ item, label, fill, value });
  }

  // The class shown in `digit`, or null for an empty pad.
  let shownClass = null;

  // Writes the class names in use into the bar labels and the predicted class.
  function showClassNames() {
    const names = classNames();
    rows.forEach(({ label }, d) => {
      label.textContent = names[d];
    });
    list.dataset.classSet = classSet();
    digit.dataset.classSet = classSet();
    if (shownClass !== null) {
      setDigitText(names[shownClass]);
    }
  }
  document.addEventListener('classnameschange', showClassNames);
  showClassNames();

  // `digit` is a live region, and predictions are redrawn at every evaluation while training.
  // Writing only a changed class keeps screen readers from repeating the same one.
  function setDigitText(text) {
    if (digit.textContent !== text) {
      digit.textContent = text;
    }
  }

  const previewContext = preview.getContext('2d');
  let previewPixels = null;

  // Sizes the preview for `side` × `side` network inputs.
  function setInputSize(side) {
    if (previewPixels && previewPixels.width === side) {
      return;
    }
    preview.width = side;
    preview.height = side;
    preview.dataset.inputSize = String(side);
    preview.setAttribute('aria-label', `The ${side} by ${side} pixel image the network receives`);
    caption.textContent = `What the network sees (${side} × ${side})`;
    previewPixels = previewContext.createImageData(side, side);
  }

  // Draws the network input like the pad: 0 (background) as white, 1 (ink) as black.
  function drawPreview(input) {
    if (input) {
      // The Trainer returns inputSize² values, so the side follows from the length.
      setInputSize(Math.round(Math.sqrt(input.length)));
    }
    const pixels = previewPixels.data;
    for (let i = 0; i < previewPixels.width * previewPixels.height; i += 1) {
      const gray = Math.round(255 * (1 - (input ? input[i] : 0)));
      pixels[4 * i] = gray;
      pixels[4 * i + 1] = gray;
      pixels[4 * i + 2] = gray;
      pixels[4 * i + 3] = 255;
    }
    previewContext.putImageData(previewPixels, 0, 0);
  }

  function show(probabilities, input, revision) {
    let best = 0;
    for (let d = 1; d < DIGITS; d += 1) {
      if (probabilities[d] > probabilities[best]) {
        best = d;
      }
    }
    rows.forEach(({ item, fill, value }, d) => {
      const percent = probabilities[d] * 100;
      fill.style.width = `${percent}%`;
      value.textContent = `${percent.toFixed(1)} %`;
      item.classList.toggle('best', d === best);
    });
    shownClass = best;
    setDigitText(classNames()[best]);
    digit.dataset.digit = String(best);
    digit.dataset.revision = String(revision);
    drawPreview(input);
  }

  function showEmpty(revision) {
    rows.forEach(({ item, fill, value }) => {
      fill.style.width = '0%';
      value.textContent = '–';
      item.classList.remove('best');
    });
    shownClass = null;
    setDigitText('–');
    delete digit.dataset.digit;
    digit.dataset.revision = String(revision);
    drawPreview(null);
  }

  setInputSize(preview.width);
  showEmpty(0);
  return { show, showEmpty, setInputSize };
}
