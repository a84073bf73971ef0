// Shows one prediction: ten probability bars, the predicted digit, and the 28 × 28 image
// the network received.

const DIGITS = 10;
const INPUT_SIDE = 28;

/**
 * Builds the bars inside `list` (an <ol>) and returns functions that show a prediction or
 * an empty pad. The `digit` element shows the most likely digit, and `preview` is a 28 × 28
 * canvas.
 */
export function createPredictionView({ list, digit, preview }) {
  const rows = [];
  for (let d = 0; d < DIGITS; d += 1) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    const track = document.createElement('span');
    const fill = document.createElement('span');
    const value = document.createElement('span');
    label.className = 'bar-label';
    label.textContent = String(d);
    track.className = 'bar-track';
    fill.className = 'bar-fill';
    value.className = 'bar-value';
    track.append(fill);
    item.append(label, track, value);
    list.append(item);
    rows.push({ item, fill, value });
  }

  const previewContext = preview.getContext('2d');
  const previewPixels = previewContext.createImageData(INPUT_SIDE, INPUT_SIDE);

  // Draws the network input like the pad: 0 (background) as white, 1 (ink) as black.
  function drawPreview(input) {
    const pixels = previewPixels.data;
    for (let i = 0; i < INPUT_SIDE * INPUT_SIDE; i += 1) {
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
    digit.textContent = String(best);
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
    digit.textContent = '–';
    delete digit.dataset.digit;
    digit.dataset.revision = String(revision);
    drawPreview(null);
  }

  showEmpty(0);
  return { show, showEmpty };
}
