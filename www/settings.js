// Settings form: reads its fields into the config object that the Trainer constructor takes,
// sets them from a config, and shows a rejected value next to its field. The form's field
// names are the config names. An empty field is left out, so the Trainer uses its default.
// Values are passed on without range checks, because the Trainer validates them with an
// error naming the field and value.

import { layerInputs, setLayerWidths } from './editor.js';

/**
 * Defaults the Trainer applies to fields left out, as in `Config::default` in src/config.rs.
 * The page needs them to know the schedule's length and the input size in use.
 */
export const TRAINER_DEFAULTS = Object.freeze({ batchSize: 64, epochs: 30, inputSize: 28 });

/** Learning rate the Trainer uses for each optimizer when the field is empty. */
export const DEFAULT_LEARNING_RATES = Object.freeze({ adam: 0.001, sgd: 0.05 });

/** Config fields that the form shows, in form order. */
export const FORM_FIELDS = Object.freeze([
  'hidden',
  'activation',
  'initializer',
  'inputSize',
  'optimizer',
  'learningRate',
  'batchSize',
  'epochs',
  'seed',
  'augment',
]);

// Config fields the form has no control for. A config applied to the form (from a link or
// a model file) keeps its values of these, so a Reset builds the same network again.
const CARRIED_FIELDS = ['momentum', 'schedule', 'weightDecay'];

const NUMBER_FIELDS = ['learningRate', 'batchSize', 'epochs', 'seed'];
const SELECT_FIELDS = { activation: String, initializer: String, optimizer: String, inputSize: Number };

// Example values for the message about a number field the browser cannot parse.
const EXAMPLES = { learningRate: '0.001', batchSize: '64', epochs: '30', seed: '42' };

// Values of the carried fields from the last applied config, keyed by form.
const carriedValues = new WeakMap();

/**
 * Returns `{ config }` with the Trainer config described by the inputs of `form`, or
 * `{ invalid: { field, index, message } }` when a number field contains text the browser
 * cannot parse as a number, or a layer width is empty. Such a field reads as empty, so
 * without this check it would be dropped. `index` is the layer's position for a width.
 */
export function readSettings(form) {
  const config = {};

  const widths = [];
  for (const [index, input] of layerInputs(form).entries()) {
    const text = input.value.trim();
    if (input.validity.badInput || text === '') {
      const problem = input.validity.badInput ? 'not a number' : 'missing';
      return {
        invalid: { field: 'hidden', index, message: `hidden: ${problem}; enter a width such as 128` },
      };
    }
    widths.push(parseNumber(text));
  }
  config.hidden = widths;

  for (const [field, convert] of Object.entries(SELECT_FIELDS)) {
    config[field] = convert(form.elements[field].value);
  }
  config.augment = form.elements.augment.checked;

  for (const field of NUMBER_FIELDS) {
    const input = form.elements[field];
    if (input.validity.badInput) {
      return {
        invalid: { field, message: `${field}: not a number; enter a number such as ${EXAMPLES[field]}` },
      };
    }
    const text = input.value.trim();
    if (text !== '') {
      config[field] = parseNumber(text);
    }
  }

  Object.assign(config, carriedValues.get(form));
  return { config };
}

/**
 * Returns the text of each form field, keyed by config name, as the user sees it. Two
 * snapshots differ in a field exactly when the user changed that field in between, so they
 * show which changes are pending even while a field is invalid.
 */
export function snapshotSettings(form) {
  const snapshot = {};
  for (const field of FORM_FIELDS) {
    if (field === 'hidden') {
      snapshot.hidden = layerInputs(form)
        .map((input) => (input.validity.badInput ? 'invalid' : input.value.trim()))
        .join(',');
    } else if (field === 'augment') {
      snapshot.augment = String(form.elements.augment.checked);
    } else {
      const input = form.elements[field];
      snapshot[field] = input.validity?.badInput ? 'invalid' : input.value.trim();
    }
  }
  return snapshot;
}

// Returns `text` as a number, or unchanged if it is not one, so the Trainer reports it.
function parseNumber(text) {
  const value = Number(text);
  return Number.isNaN(value) ? text : value;
}

/**
 * Returns the config field that `message` starts with ("batchSize: invalid value 0; …") if
 * `form` shows that field, or null.
 */
export function fieldOfMessage(form, message) {
  const match = /^([A-Za-z]+):/.exec(message);
  return match && FORM_FIELDS.includes(match[1]) ? match[1] : null;
}

/** Returns the visible label of `form`'s field `field`, without surrounding spaces. */
export function labelOf(form, field) {
  if (field === 'hidden') {
    return form.querySelector('#hidden-layers legend').textContent.trim();
  }
  return form.elements[field].labels[0].textContent.trim();
}

// Returns the position of the layer width that a Trainer error about `hidden` names
// ("hidden: width 0 is out of range", "hidden: invalid value 1.5; …"), or -1.
function layerIndexOfMessage(form, message) {
  const match = /(?:width|invalid value) (-?[0-9.e+]+)/.exec(message);
  if (!match) {
    return -1;
  }
  const value = Number(match[1]);
  return layerInputs(form).findIndex((input) => Number(input.value) === value);
}

// Returns the control a message about `field` belongs to and the element to show it in.
function errorTarget(form, field, index) {
  if (field === 'hidden') {
    const inputs = layerInputs(form);
    const input = inputs[index] ?? null;
    if (input) {
      return { input, errorElement: input.closest('li').querySelector('.field-error') };
    }
    return { input: form.querySelector('#add-layer'), errorElement: form.querySelector('#hidden-error') };
  }
  const input = form.elements[field];
  return { input, errorElement: fieldErrorElement(input) };
}

// Returns the error paragraph of the field around `input`, creating it on first use.
function fieldErrorElement(input) {
  const field = input.closest('.field');
  let element = field.querySelector(':scope > .field-error');
  if (!element) {
    element = document.createElement('p');
    element.className = 'field-error';
    element.id = `${input.id}-error`;
    element.hidden = true;
    // The error goes right below the control, above its help text.
    const help = field.querySelector(':scope > .help');
    field.insertBefore(element, help);
  }
  return element;
}

/**
 * Shows `message` next to the field it starts with, with the config name replaced by the
 * field's visible label ("Batch size: invalid value 0; …"), and `summary` in
 * `errorElement` above the form's button. The field gets `aria-invalid`, the message joins
 * its description and the field receives focus; the closed `details` around the form opens
 * so both are visible. `index` picks a layer width for a message about `hidden`; without it
 * the width is found from the value in the message. A message that names no field of the
 * form is shown in `errorElement` as it is.
 */
export function showSettingsError(form, errorElement, message, { index, summary = '' } = {}) {
  clearSettingsError(form, errorElement);
  const details = form.closest('details');
  if (details) {
    details.open = true;
  }

  const field = fieldOfMessage(form, message);
  if (!field) {
    errorElement.textContent = sentence(`${message}${summary ? `. ${summary}` : ''}`);
    errorElement.hidden = false;
    errorElement.scrollIntoView({ block: 'nearest' });
    return;
  }

  const layerIndex = field === 'hidden' ? (index ?? layerIndexOfMessage(form, message)) : undefined;
  const { input, errorElement: fieldError } = errorTarget(form, field, layerIndex);
  const label = field === 'hidden' && layerIndex >= 0 ? input.labels[0].textContent.trim() : labelOf(form, field);
  fieldError.textContent = sentence(`${label}${message.slice(field.length)}`);
  fieldError.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  const described = input.getAttribute('aria-describedby') ?? '';
  input.setAttribute('aria-describedby', `${fieldError.id} ${described}`.trim());

  errorElement.textContent = sentence(`${labelOf(form, field)} is invalid, see the message at the field${summary ? `. ${summary}` : ''}`);
  errorElement.hidden = false;
  // The error above the button can be a screen below the field on a phone, so show the
  // field last: it has focus and its message.
  errorElement.scrollIntoView({ block: 'nearest' });
  input.focus({ preventScroll: true });
  (input.closest('.field, li') ?? input).scrollIntoView({ block: 'nearest' });
}

// Ends `text` with a full stop unless it ends with other punctuation.
function sentence(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Hides the errors shown by showSettingsError and removes their marks from the fields. */
export function clearSettingsError(form, errorElement) {
  errorElement.textContent = '';
  errorElement.hidden = true;
  const errorIds = new Set();
  for (const element of form.querySelectorAll('.field-error')) {
    errorIds.add(element.id);
    element.textContent = '';
    element.hidden = true;
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id !== '' && !errorIds.has(id));
    if (described.length > 0) {
      input.setAttribute('aria-describedby', described.join(' '));
    } else {
      input.removeAttribute('aria-describedby');
    }
  }
}

/**
 * Sets the inputs of `form` to `config`, the whole config of a Trainer, so Apply and reset
 * builds the same network again. The learning rate field stays empty when the rate is the
 * optimizer's default. Momentum, schedule and weight decay have no field; their values are
 * kept and sent with the next Reset.
 */
export function applySettings(form, config) {
  setLayerWidths(form, config.hidden);
  addOptionIfMissing(form.elements.inputSize, config.inputSize, (side) => `${side} × ${side} pixels (${side * side} inputs)`);
  form.elements.inputSize.value = String(config.inputSize);
  // NOTE: a Trainer built before the activation field existed reports none; it used ReLU.
  form.elements.activation.value = config.activation ?? 'relu';
  form.elements.initializer.value = config.initializer;
  form.elements.optimizer.value = config.optimizer;
  // The Trainer stores the rate as f32, so compare at six significant digits.
  const learningRate = Number(config.learningRate.toPrecision(6));
  const defaultRate = DEFAULT_LEARNING_RATES[config.optimizer];
  form.elements.learningRate.value = learningRate === defaultRate ? '' : String(learningRate);
  form.elements.learningRate.placeholder = defaultRate === undefined ? 'default' : String(defaultRate);
  form.elements.batchSize.value = String(config.batchSize);
  form.elements.epochs.value = String(config.epochs);
  form.elements.seed.value = String(config.seed);
  form.elements.augment.checked = config.augment;

  const carried = {};
  for (const field of CARRIED_FIELDS) {
    if (config[field] !== undefined) {
      carried[field] = config[field];
    }
  }
  carriedValues.set(form, carried);
}

// Adds an option for `value` to `select` unless it has one, labelled by `describe(value)`.
function addOptionIfMissing(select, value, describe) {
  if (![...select.options].some((option) => option.value === String(value))) {
    select.add(new Option(describe(value), String(value)));
  }
}
