// Settings form: reads its fields into the config object that the Trainer constructor takes,
// and shows a rejected value next to the form. The form's field names are the config names.
// An empty field is left out, so the Trainer uses its default. Values are passed on without
// range checks, because the Trainer validates them with an error naming the field and value.

/**
 * Defaults the Trainer applies to fields left out, as in `Config::default` in src/config.rs.
 * The page needs them to know the schedule's length and the input size in use.
 */
export const TRAINER_DEFAULTS = Object.freeze({ batchSize: 64, epochs: 30, inputSize: 28 });

/** Learning rate the Trainer uses for each optimizer when the field is empty. */
export const DEFAULT_LEARNING_RATES = Object.freeze({ adam: 0.001, sgd: 0.05 });

const NUMBER_FIELDS = ['learningRate', 'batchSize', 'epochs', 'seed'];
const SELECT_FIELDS = { optimizer: String, inputSize: Number };

// Example values for the message about a number field the browser cannot parse.
const EXAMPLES = { learningRate: '0.001', batchSize: '64', epochs: '30', seed: '42' };

/**
 * Returns `{ config }` with the Trainer config described by the inputs of `form`, or
 * `{ invalid: { field, message } }` when a number field contains text the browser cannot parse
 * as a number. Such a field reads as empty, so without this check it would be dropped.
 */
export function readSettings(form) {
  const config = {};

  const hidden = form.elements.hidden.value.trim();
  if (hidden !== '') {
    config.hidden = hidden.split(/[\s,]+/).filter(Boolean).map(parseNumber);
  }

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
  return { config };
}

// Returns `text` as a number, or unchanged if it is not one, so the Trainer reports it.
function parseNumber(text) {
  const value = Number(text);
  return Number.isNaN(value) ? text : value;
}

/**
 * Returns the config field that `message` starts with ("batchSize: invalid value 0; …") if
 * `form` has a field of that name, or null.
 */
export function fieldOfMessage(form, message) {
  const match = /^([A-Za-z]+):/.exec(message);
  const input = match ? form.elements.namedItem(match[1]) : null;
  return input instanceof HTMLElement ? match[1] : null;
}

/** Returns the visible label of `form`'s field `field`, without surrounding spaces. */
function labelOf(form, field) {
  return form.elements[field].labels[0].textContent.trim();
}

/**
 * Shows `message` in `errorElement`, with the config name it starts with replaced by the
 * field's visible label ("Batch size: invalid value 0; …"). The field gets `aria-invalid`,
 * the error joins its description and receives focus, and the closed `details` around the
 * form opens so both are visible. Without a matching field the message is shown as it is.
 */
export function showSettingsError(form, errorElement, message) {
  clearSettingsError(form, errorElement);
  const field = fieldOfMessage(form, message);
  let text = message;
  if (field) {
    text = `${labelOf(form, field)}${message.slice(field.length)}`;
  }
  errorElement.textContent = /[.!?]$/.test(text) ? text : `${text}.`;
  errorElement.hidden = false;

  const details = form.closest('details');
  if (details) {
    details.open = true;
  }
  if (field) {
    const input = form.elements[field];
    input.setAttribute('aria-invalid', 'true');
    const described = input.getAttribute('aria-describedby') ?? '';
    input.setAttribute('aria-describedby', `${described} ${errorElement.id}`.trim());
    input.focus({ preventScroll: true });
    (input.closest('.field') ?? input).scrollIntoView({ block: 'nearest' });
  }
  // The error sits above the form's button, which can be a screen below the field on a phone.
  errorElement.scrollIntoView({ block: 'nearest' });
}

/** Hides the error shown by showSettingsError and removes its marks from the fields. */
export function clearSettingsError(form, errorElement) {
  errorElement.textContent = '';
  errorElement.hidden = true;
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id !== '' && id !== errorElement.id);
    if (described.length > 0) {
      input.setAttribute('aria-describedby', described.join(' '));
    } else {
      input.removeAttribute('aria-describedby');
    }
  }
}

/**
 * Sets the inputs of `form` to `config`, the whole config of a loaded model, so Apply and
 * reset builds the same network again. The learning rate field stays empty when the rate is
 * the optimizer's default. Fields the form does not have (initializer, momentum, schedule,
 * weight decay) are not shown, so a Reset uses their defaults.
 */
export function applySettings(form, config) {
  // NOTE: an empty hidden list (softmax regression) shows as an empty field, which
  // readSettings reads as the default widths.
  form.elements.hidden.value = config.hidden.join(', ');
  const inputSize = form.elements.inputSize;
  if (![...inputSize.options].some((option) => option.value === String(config.inputSize))) {
    const side = config.inputSize;
    inputSize.add(new Option(`${side} × ${side} pixels (${side * side} inputs)`, String(side)));
  }
  inputSize.value = String(config.inputSize);
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
}
