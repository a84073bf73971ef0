// Confusion matrix of the held-out split: a 10 × 10 grid of counts, true class down and
// predicted class across, coloured by the share of each true class. Choosing a cell (click,
// or Enter or Space on the focused cell) shows those held-out images.

import { announce } from './announce.js';
import { classNames } from './classes.js';
import { createThumbnail, cssColor, mix, textColorOn } from './images.js';

const CLASSES = 10;
// Images shown for one cell at most.
export const MAX_CELL_IMAGES = 48;
const WHITE = [255, 255, 255];
// Correct predictions (the diagonal) in blue, mistakes in orange.
const CORRECT_COLOR = [31, 95, 191];
const MISTAKE_COLOR = [181, 71, 8];

/**
 * Builds the matrix in `matrix` and the selected cell's images in `detail`.
 * `requestImages(indices)` resolves to { side, pixels, labels } for held-out images.
 * Returns { show(heldOut), clear() }.
 */
export function createConfusionView({ matrix, detail }, { requestImages }) {
  const table = document.createElement('table');
  table.className = 'confusion-matrix';
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent =
    'Held-out images by true class (rows) and predicted class (columns). Use the arrow keys ' +
    'to move between cells, and Enter or Space to show a cell’s images.';
  const head = document.createElement('thead');
  const body = document.createElement('tbody');
  table.append(caption, head, body);

  // Header rows: an axis title over the predicted classes, then the class names.
  const axisRow = document.createElement('tr');
  const corner = document.createElement('td');
  const predictedAxis = document.createElement('th');
  predictedAxis.scope = 'colgroup';
  predictedAxis.colSpan = CLASSES;
  predictedAxis.className = 'axis-title';
  predictedAxis.append('Predicted class', arrow(' →'));
  const correctCorner = document.createElement('td');
  correctCorner.className = 'confusion-correct';
  axisRow.append(corner, predictedAxis, correctCorner);

  const namesRow = document.createElement('tr');
  const trueAxis = document.createElement('th');
  trueAxis.scope = 'col';
  trueAxis.className = 'axis-title';
  trueAxis.append('True', arrow(' ↓'));
  namesRow.append(trueAxis);
  const columnHeaders = [];
  for (let column = 0; column < CLASSES; column += 1) {
    const header = document.createElement('th');
    header.scope = 'col';
    columnHeaders.push(header);
    namesRow.append(header);
  }
  const correctHeader = document.createElement('th');
  correctHeader.scope = 'col';
  correctHeader.className = 'confusion-correct';
  correctHeader.textContent = 'Correct';
  namesRow.append(correctHeader);
  head.append(axisRow, namesRow);

  const rowHeaders = [];
  const cells = [];
  const correctCells = [];
  for (let row = 0; row < CLASSES; row += 1) {
    const tableRow = document.createElement('tr');
    const header = document.createElement('th');
    header.scope = 'row';
    rowHeaders.push(header);
    tableRow.append(header);
    const rowCells = [];
    for (let column = 0; column < CLASSES; column += 1) {
      const cell = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'confusion-cell';
      button.dataset.true = String(row);
      button.dataset.predicted = String(column);
      button.tabIndex = -1;
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => select(row, column));
      cell.append(button);
      tableRow.append(cell);
      rowCells.push(button);
    }
    const correct = document.createElement('td');
    correct.className = 'confusion-correct';
    tableRow.append(correct);
    correctCells.push(correct);
    cells.push(rowCells);
    body.append(tableRow);
  }
  cells[0][0].tabIndex = 0;
  table.addEventListener('keydown', moveFocus);

  const placeholder = document.createElement('p');
  placeholder.className = 'note';
  matrix.append(placeholder, table);

  // The heading is no live region, because each evaluation while training rewrites it.
  // select() announces it when the user chooses a cell.
  const detailHeading = document.createElement('p');
  detailHeading.className = 'inside-caption';
  const thumbnails = document.createElement('div');
  thumbnails.className = 'thumbnails';
  detail.append(detailHeading, thumbnails);

  // Latest held-out results, the selected cell as [row, column], and a counter that makes
  // image replies for an older selection or evaluation stale.
  let heldOut = null;
  let selected = null;
  let generation = 0;

  function clear() {
    heldOut = null;
    selected = null;
    generation += 1;
    placeholder.textContent =
      'The matrix appears after the first held-out evaluation: press Train, and the page ' +
      'evaluates at most once per epoch and per 2 s of training, and whenever training pauses.';
    placeholder.hidden = false;
    table.hidden = true;
    table.removeAttribute('data-step');
    detailHeading.textContent = 'Choose a cell to see its held-out images.';
    thumbnails.replaceChildren();
    delete detail.dataset.true;
    delete detail.dataset.predicted;
    for (const button of cells.flat()) {
      button.setAttribute('aria-pressed', 'false');
    }
  }

  // Shows the counts of a `heldOut` message from the worker.
  function show(message) {
    heldOut = message;
    placeholder.hidden = true;
    table.hidden = false;
    table.dataset.step = String(message.step);
    renderCounts();
    if (selected) {
      showCell(...selected);
    }
  }

  function renderCounts() {
    const names = classNames();
    columnHeaders.forEach((header, column) => {
      header.textContent = names[column];
      header.classList.toggle('long-name', names[column].length > 2);
    });
    rowHeaders.forEach((header, row) => {
      header.textContent = names[row];
    });
    if (!heldOut) {
      return;
    }
    const { confusion } = heldOut;
    for (let row = 0; row < CLASSES; row += 1) {
      const total = confusion[row].reduce((sum, count) => sum + count, 0);
      for (let column = 0; column < CLASSES; column += 1) {
        const count = confusion[row][column];
        const button = cells[row][column];
        // The square root lifts the small shares of mistakes (1 % of a class) into view.
        const share = total === 0 ? 0 : count / total;
        const background = mix(WHITE, row === column ? CORRECT_COLOR : MISTAKE_COLOR, Math.sqrt(share));
        button.textContent = String(count);
        button.dataset.count = String(count);
        button.style.backgroundColor = cssColor(background);
        button.style.color = count === 0 ? '' : textColorOn(background);
        button.classList.toggle('zero', count === 0);
        const label = `True ${names[row]}, predicted ${names[column]}: ${count} ${count === 1 ? 'image' : 'images'}`;
        button.setAttribute('aria-label', label);
        button.title = label;
      }
      const correct = total === 0 ? '–' : `${((confusion[row][row] / total) * 100).toFixed(0)} %`;
      correctCells[row].textContent = correct;
    }
  }

  function select(row, column) {
    if (!heldOut) {
      return;
    }
    if (selected) {
      cells[selected[0]][selected[1]].setAttribute('aria-pressed', 'false');
    }
    selected = [row, column];
    cells[row][column].setAttribute('aria-pressed', 'true');
    setFocusable(row, column);
    showCell(row, column);
    // showCell writes the heading before it waits for the images.
    announce(detailHeading.textContent);
  }

  // Shows up to MAX_CELL_IMAGES held-out images of true class `row` predicted as `column`.
  async function showCell(row, column) {
    const names = classNames();
    const { labels, predicted } = heldOut;
    const indices = [];
    let count = 0;
    for (let i = 0; i < labels.length; i += 1) {
      if (labels[i] === row && predicted[i] === column) {
        count += 1;
        if (indices.length < MAX_CELL_IMAGES) {
          indices.push(i);
        }
      }
    }
    const outcome = row === column ? 'predicted correctly' : `predicted as ${names[column]}`;
    const limitNote = count > indices.length ? `, showing the first ${indices.length}` : '';
    detail.dataset.true = String(row);
    detail.dataset.predicted = String(column);
    generation += 1;
    const request = generation;
    if (count === 0) {
      detailHeading.textContent = `No held-out image of ${names[row]} is ${outcome}.`;
      thumbnails.replaceChildren();
      detail.dataset.count = '0';
      return;
    }
    const images = count === 1 ? 'image' : 'images';
    detailHeading.textContent = `${count} held-out ${images} of ${names[row]}, ${outcome}${limitNote}.`;

    let loaded;
    try {
      loaded = await requestImages(indices);
    } catch (error) {
      if (request === generation) {
        detailHeading.textContent = `The images could not be loaded: ${error.message}`;
      }
      return;
    }
    if (request !== generation) {
      return;
    }
    const items = indices.map((index, position) => {
      const label = `Held-out image ${index + 1}: ${names[row]}`;
      const thumbnail = createThumbnail(loaded.pixels, position, loaded.side, label);
      thumbnail.dataset.index = String(index);
      thumbnail.dataset.label = String(loaded.labels[position]);
      return thumbnail;
    });
    thumbnails.replaceChildren(...items);
    detail.dataset.count = String(items.length);
  }

  // One cell is in the tab order at a time, and the arrow keys move focus between cells.
  function setFocusable(row, column) {
    for (const button of cells.flat()) {
      button.tabIndex = -1;
    }
    cells[row][column].tabIndex = 0;
  }

  function moveFocus(event) {
    const button = event.target.closest('.confusion-cell');
    if (!button) {
      return;
    }
    let row = Number(button.dataset.true);
    let column = Number(button.dataset.predicted);
    switch (event.key) {
      case 'ArrowUp':
        row = Math.max(0, row - 1);
        break;
      case 'ArrowDown':
        row = Math.min(CLASSES - 1, row + 1);
        break;
      case 'ArrowLeft':
        column = Math.max(0, column - 1);
        break;
      case 'ArrowRight':
        column = Math.min(CLASSES - 1, column + 1);
        break;
      case 'Home':
        column = 0;
        break;
      case 'End':
        column = CLASSES - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    setFocusable(row, column);
    cells[row][column].focus();
  }

  document.addEventListener('classnameschange', () => {
    renderCounts();
    if (selected && heldOut) {
      showCell(...selected);
    }
  });

  clear();
  renderCounts();
  return { show, clear };
}

// An arrow that points along an axis. Screen readers skip it, because the headers' scope
// already ties them to the rows or columns.
function arrow(text) {
  const span = document.createElement('span');
  span.setAttribute('aria-hidden', 'true');
  span.textContent = text;
  return span;
}
