// Model summary table: one row per layer, with "?" for an input width the model has not
// inferred yet (a dense layer learns it from the first batch).

const integer = new Intl.NumberFormat('en-US');

function formatCount(value) {
  return value == null ? '?' : integer.format(value);
}

/**
 * Fills `body` (a <tbody>) with the layers from Trainer.summary() and writes the parameter
 * total into `total`.
 */
export function renderSummary(body, total, layers) {
  const rows = layers.map((layer) => {
    const row = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = layer.name;
    row.append(name);
    // A layer reports 0 parameters until it has inferred its input width, so show "?".
    const params = layer.inputs == null ? null : layer.params;
    for (const value of [layer.inputs, layer.outputs, params]) {
      const cell = document.createElement('td');
      cell.textContent = formatCount(value);
      row.append(cell);
    }
    return row;
  });
  body.replaceChildren(...rows);

  // Parameter counts depend on input widths, so the total is unknown until all are known.
  const known = layers.every((layer) => layer.inputs != null);
  const sum = layers.reduce((accumulated, layer) => accumulated + (layer.params ?? 0), 0);
  total.textContent = known ? integer.format(sum) : '?';
}
