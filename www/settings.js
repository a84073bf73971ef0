// Reads the settings form into the config object that the Trainer constructor takes.
// An empty field is left out, so the Trainer uses its default. Values are passed on without
// range checks, because the Trainer validates them with an error naming the field and value.

/** Returns the Trainer config described by the inputs of `form`. */
export function readSettings(form) {
  const config = {};

  const hidden = form.elements.hidden.value.trim();
  if (hidden !== '') {
    config.hidden = hidden.split(/[\s,]+/).filter(Boolean).map(parseNumber);
  }

  for (const field of ['learningRate', 'batchSize', 'seed']) {
    const text = form.elements[field].value.trim();
    if (text !== '') {
      config[field] = parseNumber(text);
    }
  }
  return config;
}

// Returns `text` as a number, or unchanged if it is not one, so the Trainer reports it.
function parseNumber(text) {
  const value = Number(text);
  return Number.isNaN(value) ? text : value;
}
