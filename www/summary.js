// Model summary table: one row per layer, with "?" for an input width the model has not
// inferred yet (a dense layer learns it from the first batch). When the first batch arrives,
// the cells that change from "?" are highlighted for a moment and a note explains what happened.

import { announce } from './announce.js';

const integer = new Intl.NumberFormat('en-US');

// How long the cells that just left "?" stay highlighted, in milliseconds. inside.css runs
// the highlight's animation over the same time, or shows it still for reduced motion.
export const INFERRED_HIGHLIGHT_MS = 1600;

// Per table body: input widths of the last rendering by layer name, the layers highlighted
// now and the timer that ends the highlight.
const tables = new WeakMap();

function formatCount(value) {
  return value == null ? '?' : integer.format(value);
}

/**
 * Fills `body` (a <tbody>) with the layers from Trainer.summary() and writes the parameter
 * total into `total`. `note`, if given, is a paragraph that states when the layers have just
 * created their weights.
 */
export function renderSummary(body, total, layers, note = null) {
  const table = tables.get(body) ?? { widths: new Map(), highlighted: new Set(), timer: 0 };
  tables.set(body, table);

  // A layer whose input width was unknown in the last rendering and is known now has just
  // built its weights from a batch.
  const inferred = layers.filter((layer) => layer.inputs != null && table.widths.get(layer.name) === null);
  table.widths = new Map(layers.map((layer) => [layer.name, layer.inputs ?? null]));
  if (inferred.length > 0) {
    table.highlighted = new Set(inferred.map((layer) => layer.name));
  }

  const rows = layers.map((layer) => {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = layer.name;
    row.append(name);
    // A layer reports 0 parameters until it has inferred its input width, so show "?".
    const params = layer.inputs == null ? null : layer.params;
    for (const [index, value] of [layer.inputs, layer.outputs, params].entries()) {
      const cell = document.createElement('td');
      cell.textContent = formatCount(value);
      // The output width is known from the start, so only input and parameters change.
      if (index !== 1 && table.highlighted.has(layer.name)) {
        cell.classList.add('just-inferred');
      }
      row.append(cell);
    }
    return row;
  });
  body.replaceChildren(...rows);

  // Parameter counts depend on input widths, so the total is unknown until all are known.
  const known = layers.every((layer) => layer.inputs != null);
  const sum = layers.reduce((accumulated, layer) => accumulated + (layer.params ?? 0), 0);
  total.textContent = known ? integer.format(sum) : '?';

  if (inferred.length > 0) {
    startHighlight(body, total, table, note, (justNow) => describeInference(layers, sum, justNow));
  } else if (!known) {
    endHighlight(body, total, table);
    if (note) {
      note.hidden = true;
      note.textContent = '';
    }
  }
}

// Marks the table as changing (data-inferring="true", which page tests watch for) and shows
// `describe(true)` in `note`. After INFERRED_HIGHLIGHT_MS the highlight ends and the note
// changes to `describe(false)`, which does not say "just now". Only the first text is
// announced, so screen readers do not hear the same fact twice.
function startHighlight(body, total, table, note, describe) {
  clearTimeout(table.timer);
  body.closest('table').dataset.inferring = 'true';
  total.classList.add('just-inferred');
  if (note) {
    note.textContent = describe(true);
    note.hidden = false;
    announce(note.textContent);
  }
  table.timer = setTimeout(() => {
    endHighlight(body, total, table);
    if (note && !note.hidden) {
      note.textContent = describe(false);
    }
  }, INFERRED_HIGHLIGHT_MS);
}

function endHighlight(body, total, table) {
  clearTimeout(table.timer);
  table.highlighted = new Set();
  delete body.closest('table').dataset.inferring;
  total.classList.remove('just-inferred');
  for (const cell of body.querySelectorAll('.just-inferred')) {
    cell.classList.remove('just-inferred');
  }
}

// Says that the first batch's width made the dense layers create their parameters.
function describeInference(layers, parameterCount, justNow) {
  const width = integer.format(layers.find((layer) => layer.inputs != null).inputs);
  const count = integer.format(parameterCount);
  return justNow
    ? `The first batch arrived with ${width} values per image, so the dense layers created ` +
        `their ${count} weights and biases just now.`
    : `The dense layers created their ${count} weights and biases when the first batch ` +
        `arrived with ${width} values per image.`;
}
