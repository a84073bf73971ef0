// The whole Trainer config in the page's query string, so a link reproduces a run:
// `?hidden=256,128&activation=relu&…&seed=7`. Parameter names are the config's field names.
// Parsing only checks that each value has the right type. The Trainer checks ranges and
// names, and the worker uses the default for a field it rejects.

// Config fields in the order they appear in a link, with how each is read from its text.
// NOTE: a field the Trainer gains reaches links only once it is added here.
const PARAMETERS = Object.freeze({
  hidden: 'widths',
  activation: 'text',
  initializer: 'text',
  optimizer: 'text',
  learningRate: 'number',
  momentum: 'number',
  batchSize: 'number',
  epochs: 'number',
  schedule: 'text',
  weightDecay: 'number',
  augment: 'boolean',
  inputSize: 'number',
  seed: 'number',
});

/**
 * Reads a config from `search` (a query string such as `location.search`). Returns
 * `{ config, problems }`, or null when the query has no config parameter. Each problem is
 * `{ parameter, value, message }` for a parameter that is unknown, repeated or not of its
 * type. Such a parameter is left out of `config`, so the Trainer uses its default.
 */
export function readConfigFromQuery(search) {
  const params = new URLSearchParams(search);
  if (![...params.keys()].some((name) => Object.hasOwn(PARAMETERS, name))) {
    return null;
  }

  const config = {};
  const problems = [];
  const seen = new Set();
  for (const [name, value] of params) {
    if (!Object.hasOwn(PARAMETERS, name)) {
      problems.push({
        parameter: name,
        value,
        message: `unknown parameter; expected one of ${Object.keys(PARAMETERS).join(', ')}`,
      });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ parameter: name, value, message: 'given more than once; only the first value is read' });
      continue;
    }
    seen.add(name);
    const parsed = parseValue(PARAMETERS[name], value);
    if (parsed.error) {
      problems.push({ parameter: name, value, message: parsed.error });
    } else {
      config[name] = parsed.value;
    }
  }
  return { config, problems };
}

// Returns `{ value }` for `text` read as `kind`, or `{ error }` saying what was expected.
function parseValue(kind, text) {
  switch (kind) {
    case 'number': {
      const value = text.trim() === '' ? NaN : Number(text);
      return Number.isNaN(value) ? { error: 'not a number' } : { value };
    }
    case 'boolean':
      if (text === 'true' || text === 'false') {
        return { value: text === 'true' };
      }
      return { error: 'expected true or false' };
    case 'widths': {
      if (text.trim() === '') {
        return { value: [] };
      }
      const widths = text.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
      if (widths.some(Number.isNaN)) {
        return { error: 'expected widths separated by commas, such as 256,128' };
      }
      return { value: widths };
    }
    default:
      return { value: text };
  }
}

/**
 * Returns the query string (with its leading `?`) for `config`, the whole config of a
 * Trainer, with the parameters in a fixed order.
 */
export function configToQuery(config) {
  const names = Object.keys(PARAMETERS).filter((name) => config[name] !== undefined);
  const parts = names.map((name) => {
    const value = config[name];
    // Commas between widths stay readable; every other character is encoded.
    const text = Array.isArray(value)
      ? value.map((item) => encodeURIComponent(String(item))).join(',')
      : encodeURIComponent(String(value));
    return `${name}=${text}`;
  });
  return `?${parts.join('&')}`;
}

// sessionStorage key of the query string this tab last wrote. A reload of the tab finds its
// own query there; a link opened in another tab or browser does not.
const OWN_QUERY_KEY = 'lazynet-own-query';

/** Replaces the page's query string with `config`'s, keeping the history entry. */
export function writeConfigToUrl(config) {
  const url = new URL(window.location.href);
  url.search = configToQuery(config);
  if (url.href !== window.location.href) {
    window.history.replaceState(window.history.state, '', url);
  }
  try {
    window.sessionStorage.setItem(OWN_QUERY_KEY, url.search);
  } catch {
    // Without sessionStorage every reload counts as opening a link, which only means a
    // fresh run when no saved model matches.
  }
}

/** Returns true when `search` is the query string this tab wrote itself before a reload. */
export function isOwnQuery(search) {
  try {
    return search !== '' && window.sessionStorage.getItem(OWN_QUERY_KEY) === search;
  } catch {
    return false;
  }
}

/**
 * Returns true when the config `candidate` (a Trainer's whole config) is the config that a
 * link asked for: every field equal to `target`'s, the seed only if the link gave one.
 */
export function configMatches(candidate, target, { compareSeed }) {
  const names = new Set([...Object.keys(candidate), ...Object.keys(target)]);
  for (const name of names) {
    if (name === 'seed' && !compareSeed) {
      continue;
    }
    if (JSON.stringify(candidate[name]) !== JSON.stringify(target[name])) {
      return false;
    }
  }
  return true;
}
